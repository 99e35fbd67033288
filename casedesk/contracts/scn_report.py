"""PTC's report of a company's service contract numbers (POLICIES section 5): for a contact with the "Online
Licensing" privilege, each SCN with its contract's dates, whether it is valid today, and its cases.

A case names its SCN in the intake (`scn`), checked at intake by `entitlement.check`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from casedesk.accounts.models import Company, Contract
from casedesk.cases.models import Case


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


def report(company: Company, today: date) -> list[ScnRow]:
    contracts = Contract.objects.filter(company=company).exclude(service_number="").order_by("service_number")
    counted = (
        Case.objects.filter(company=company)
        .values("intake__scn")
        .annotate(n=Count("id"), open=Count("id", filter=Q(status__in=Case.OPEN_STATUSES)))
    )
    per_scn = {str(row["intake__scn"] or "").strip().upper(): (row["n"], row["open"]) for row in counted}
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
        )
        for c in contracts
    ]
