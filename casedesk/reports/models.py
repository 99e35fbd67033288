"""What the reports keep: the monthly SLA statements sent, once per contact, company and month."""

from __future__ import annotations

from django.db import models

from casedesk.accounts.models import Company, Contact
from casedesk.notify.models import OutgoingMail


class StatementSent(models.Model):
    """A company's monthly SLA statement given to one contact: the unique row makes it once only, whichever
    worker (or rerun of `casedesk sla-statements`) gets there first; it commits with its e-mail row."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="sla_statements_sent")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="sla_statements_sent")
    period = models.CharField(max_length=7, help_text='the month, "2026-11"')
    mail = models.ForeignKey(OutgoingMail, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "company", "period"], name="uniq_statement_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.period} statement of company {self.company_id} to contact {self.contact_id}"
