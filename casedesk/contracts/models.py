"""A contract's ledger: every use of prepaid support, one row each, never changed or deleted.

A correction is a new entry (`corrects` names the one it cancels, with the opposite count), so the history
of a balance can always be read back (POLICIES: a record once written is never erased).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from casedesk.accounts.models import Contract
from casedesk.cases.models import Case, CaseEvent


class LedgerEntry(models.Model):
    class Kind(models.TextChoices):
        GRACE_CALL = "grace_call"  # Solidxperts: free one-off help outside the standard scope

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    count = models.SmallIntegerField(default=1, help_text="grace calls used (+1) or given back by a correction (-1)")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries")
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=500, blank=True)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")

    class Meta:
        indexes = [models.Index(fields=["contract", "kind", "at"], name="ledger_contract_kind_at")]
        ordering = ["at", "id"]
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        return f"{self.kind} {self.count:+d} on contract {self.contract_id} at {self.at:%Y-%m-%d %H:%M}"
