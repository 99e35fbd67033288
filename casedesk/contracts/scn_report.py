"""PTC's report of a company's service contract numbers (POLICIES section 5): for a contact with the "Online
Licensing" privilege, each SCN with its contract's dates, whether it is valid today, and its cases.

A case names its SCN in the intake (`scn`), checked at intake by `entitlement.check`. Each SCN's cases are listed
with their SLA outcome (commitments only: a goal is the desk's own, POLICIES 0.21), newest first; a case's number
links to its portal page only when the reader may open it there (casedesk.cases.access: their own cases, and those
they are copied on where the desk allows); the others are listed without a link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy

from casedesk.accounts.models import Company, Contact, Contract
from casedesk.cases.access import portal_cases
from casedesk.cases.models import Case, SlaMetric
from casedesk.desks.policies import preset_of
from casedesk.portal.policy_words import policy_text
from casedesk.portal.timeline import status_label

OUTCOME_LABELS = {
    "met": gettext_lazy("met"),
    "missed": gettext_lazy("missed"),
    "pending": gettext_lazy("pending"),
    "removed": gettext_lazy("removed"),
}


@dataclass(frozen=True)
class ScnCase:
    number: str
    subject: str
    status: str  # as the portal words it
    severity: str
    opened_at: datetime
    outcomes: tuple[tuple[str, str], ...]  # (metric name, outcome label), commitments only
    linked: bool  # the reader may open it in the portal


@dataclass(frozen=True)
class ScnRow:
    scn: str
    tier: str
    products: str
    starts_on: date
    ends_on: date
    valid: bool
    cases: int
    open_cases: int
    items: tuple[ScnCase, ...] = field(default=())  # the cases, newest first (with a reader only)


def outcome(status: str, breached: bool) -> str | None:
    """A commitment's outcome as the compliance report counts it (None: no target, not counted)."""
    if breached or status in ("missed", "overdue"):
        return "missed"
    return {"met": "met", "running": "pending", "paused": "pending", "cancelled": "removed"}.get(status)


def _cases(company: Company, reader: Contact) -> dict[str, list[ScnCase]]:
    """The company's cases per SCN (upper case), in the active language."""
    found = list(
        Case.objects.filter(company=company)
        .select_related("policy_version")
        .defer("policy_version__source")
        .order_by("-opened_at", "-id")
    )
    metrics: dict[int, list[tuple[str, str]]] = {}
    rows = SlaMetric.objects.filter(case__company=company, goal=False).order_by("case_id", "id")
    for case_id, name, status, breached in rows.values_list("case_id", "name", "status", "breached"):
        if (got := outcome(status, breached)) is not None:
            metrics.setdefault(case_id, []).append((policy_text(name), str(OUTCOME_LABELS[got])))
    readable = (
        set(portal_cases(reader.user).filter(company=company).values_list("pk", flat=True)) if reader.user else set()
    )
    out: dict[str, list[ScnCase]] = {}
    for case in found:
        scn = str((case.intake or {}).get("scn") or "").strip().upper()
        if not scn:
            continue
        choice = preset_of(case.policy_version).policy.priority(case.priority) if case.priority else None
        out.setdefault(scn, []).append(
            ScnCase(
                number=case.number,
                subject=case.subject,
                status=status_label(case.status),
                severity=policy_text(choice.name) if choice else "",
                opened_at=case.opened_at,
                outcomes=tuple(metrics.get(case.pk, [])),
                linked=case.pk in readable,
            )
        )
    return out


def report(company: Company, today: date, reader: Contact | None = None) -> list[ScnRow]:
    """Each SCN of the company; with a reader, each SCN's cases too."""
    contracts = Contract.objects.filter(company=company).exclude(service_number="").order_by("service_number")
    counted = (
        Case.objects.filter(company=company)
        .values("intake__scn")
        .annotate(n=Count("id"), open=Count("id", filter=Q(status__in=Case.OPEN_STATUSES)))
    )
    per_scn = {str(row["intake__scn"] or "").strip().upper(): (row["n"], row["open"]) for row in counted}
    items = _cases(company, reader) if reader is not None else {}
    return [
        ScnRow(
            scn=c.service_number,
            tier=c.tier,
            products=", ".join(f"{p.get('product', '')} {p.get('version', '')}".strip() for p in c.products),
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            valid=c.starts_on <= today <= c.ends_on,
            cases=per_scn.get(c.service_number.upper(), (0, 0))[0],
            open_cases=per_scn.get(c.service_number.upper(), (0, 0))[1],
            items=tuple(items.get(c.service_number.upper(), ())),
        )
        for c in contracts
    ]
