"""The monthly SLA statement by e-mail: to every contact who opted in (`Contact.sla_statements`) of a company that
had cases opened in the month, in the contact's language, once per contact, company and month.

When: the issue says "monthly"; the reading here (ours, not a policy's) is that a desk's statements for a month
are due from 06:00 on the 1st of the next month in the desk's home zone (the zone its policy counts days in),
once the month is over everywhere the desk works and before its working day. A worker that was down then
catches up during the first CATCH_UP_DAYS days of the month; after that the month is left alone (a statement a
week late is better asked for in the portal, where every month is). `casedesk sla-statements --month` sends a
given month whenever it is run.

Once only: a `StatementSent` row (unique per contact, company and month) is written in the same transaction as
the e-mail's `OutgoingMail` row. A second worker, or a rerun, meets the unique constraint and writes nothing;
a rolled-back transaction leaves neither. The rows are sent by casedesk.notify.sending like every other message
(a task per row after the commit; `casedesk notify-send` or the worker's sweep for the ones whose task was lost).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, time
from email.utils import make_msgid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, override

from casedesk.accounts.models import Company, Contact
from casedesk.cases.models import Case
from casedesk.core.localtime import duration
from casedesk.desks.models import Desk
from casedesk.notify import outbox
from casedesk.notify.models import OutgoingMail
from casedesk.portal.language import contact_language
from casedesk.reports.customer import Statement, home_zone, statement
from casedesk.reports.models import StatementSent
from casedesk.reports.periods import Period, last_whole_month
from casedesk.sla.zones import valid_zone

KIND = "sla_statement"
SEND_FROM = time(6, 0)  # on the 1st, in the desk's home zone
CATCH_UP_DAYS = 7


@dataclass(frozen=True)
class Planned:
    """One statement to send: who gets which company's month, in which language."""

    contact: Contact
    company: Company
    period: Period
    language: str


def due_period(desk: Desk, now: datetime) -> Period | None:
    """The month whose statements are due at `now` (the one before), or None outside the sending days."""
    zone = home_zone(desk, now)
    local = now.astimezone(ZoneInfo(zone))
    if local.day > CATCH_UP_DAYS or (local.day == 1 and local.time() < SEND_FROM):
        return None
    return last_whole_month(now, zone)


def planned(desk: Desk, period: Period) -> list[Planned]:
    """The contacts still to be sent the period's statement: opted in, with an address, of a company of the desk
    that had a case opened in the period; none already sent."""
    with_cases = Case.objects.filter(desk=desk, opened_at__gte=period.start, opened_at__lt=period.end).values(
        "company_id"
    )
    sent = StatementSent.objects.filter(period=str(period)).values("contact_id")
    contacts = (
        Contact.objects.filter(company__desk=desk, company_id__in=with_cases, sla_statements=True)
        .exclude(email="")
        .exclude(pk__in=sent)
        .select_related("company", "company__desk", "user")
        .order_by("company__name", "company_id", "pk")
    )
    return [
        Planned(c, c.company, period, contact_language(c) or settings.LANGUAGE_CODE)
        for c in contacts
        if c.email.strip()
    ]


def _zone(contact: Contact, period: Period) -> ZoneInfo:
    """Times in the mail: the contact's own zone, else the desk's home zone."""
    return ZoneInfo(contact.zone) if contact.zone and valid_zone(contact.zone) else ZoneInfo(period.zone)


def subject_of(company: Company, period: Period) -> str:
    """In the active language: "Acme: SLA statement for November 2026"."""
    when = date_format(period.first, "F Y") if period.is_month else str(period)
    return gettext("%(company)s: SLA statement for %(month)s") % {"company": company.name, "month": when}


def subject_for(plan: Planned) -> str:
    with override(plan.language):
        return subject_of(plan.company, plan.period)


def render(plan: Planned) -> tuple[str, str]:
    """The subject and text body, in the contact's language, times in their zone."""
    contact, company, period = plan.contact, plan.company, plan.period
    with override(plan.language), timezone.override(_zone(contact, period)):
        figures: Statement = statement(company, period, reader=contact)
        lines = [
            {"line": ln, "median": duration(ln.figures.median_seconds), "p90": duration(ln.figures.p90_seconds)}
            for ln in figures.metrics
        ]
        context = {
            "contact": contact,
            "company": company,
            "desk": company.desk,
            "statement": figures,
            "lines": lines,
            "month": date_format(period.first, "F Y") if period.is_month else str(period),
            "portal_url": f"{settings.CASEDESK_BASE_URL.rstrip('/')}/portal/sla/?period={period}",
        }
        subject = subject_of(company, period)
        body = render_to_string("reports/email/sla_statement.txt", context).strip() + "\n"
    return subject[:998], body


def send(plan: Planned, now: datetime) -> OutgoingMail | None:
    """Write the statement's e-mail row and its once-only record, in one transaction; None when this contact
    already has the month's statement of this company (another worker or run got there first)."""
    subject, body = render(plan)
    try:
        with transaction.atomic():
            row = OutgoingMail.objects.create(
                audience=OutgoingMail.Audience.CUSTOMERS,
                kind=KIND,
                recipients=[plan.contact.email.strip()],
                from_email=settings.DEFAULT_FROM_EMAIL,
                subject=subject,
                body=body,
                headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
                message_id=make_msgid(idstring=f"sla-{plan.period}-{plan.company.pk}"),
                language=plan.language,
                created_at=now,
                next_attempt_at=now,
            )
            StatementSent.objects.create(
                contact=plan.contact, company=plan.company, period=str(plan.period), mail=row, created_at=now
            )
            transaction.on_commit(functools.partial(outbox.enqueue, row.pk), robust=True)
    except IntegrityError:
        return None
    return row


def send_month(desk: Desk, period: Period, now: datetime | None = None) -> list[OutgoingMail]:
    """Every statement of the desk's month still to send; the rows written."""
    now = now or timezone.now()
    rows = []
    for plan in planned(desk, period):
        if (row := send(plan, now)) is not None:
            rows.append(row)
    return rows


def send_due(now: datetime | None = None) -> int:
    """The worker's sweep: the statements due now on every desk (nothing but a date check most of the month);
    how many were written."""
    now = now or timezone.now()
    made = 0
    for desk in Desk.objects.all().order_by("pk"):
        period = due_period(desk, now)
        if period is not None:
            made += len(send_month(desk, period, now))
    return made
