"""Solidxperts' grace calls (POLICIES section 4, 0.14): free one-off help outside the standard scope.

Per contract year by active seats (the preset's bands: 1-5 seats 1, 6-15 seats 2, 16+ seats 3), the year
running from one subscription anniversary to the next; none without an active subscription or on a
short-term (3-month) rental. Pure reading of the contract and its ledger: `services.use_grace_call` is the
write, with the contract row locked so two agents cannot both take the last one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Sum
from django.utils.translation import gettext

from casedesk.accounts.models import Contract
from casedesk.contracts.models import LedgerEntry
from casedesk.desks.policies import midnight
from casedesk.sla.policy_schema import Policy


@dataclass(frozen=True)
class Allowance:
    per_year: int  # 0 when not eligible
    used: int
    year_start: date | None
    next_reset: date | None  # the next anniversary: the balance starts again then
    refusal: str = ""  # why there are none at all, in the agent's and the customer's words

    @property
    def left(self) -> int:
        return max(0, self.per_year - self.used)


def anniversary(start: date, year: int) -> date:
    """The subscription's anniversary in `year` (29 February falls on 28 February in other years)."""
    try:
        return start.replace(year=year)
    except ValueError:
        return start.replace(year=year, day=28)


def contract_year(contract: Contract, on: date) -> tuple[date, date]:
    """[start, next reset) of the contract year that `on` falls in."""
    start = anniversary(contract.starts_on, on.year)
    if start > on:
        start = anniversary(contract.starts_on, on.year - 1)
    return start, anniversary(contract.starts_on, start.year + 1)


def per_year(policy: Policy, seats: int) -> int:
    bands = (policy.section("grace_calls") or {}).get("seats", [])
    return next((count for first, last, count in bands if first <= seats <= last), 0)


def allowance(contract: Contract | None, policy: Policy, on: date) -> Allowance:
    table = policy.section("grace_calls")
    if not table:
        return Allowance(0, 0, None, None, gettext("this desk's policy has no grace calls"))
    if contract is None:
        return Allowance(0, 0, None, None, gettext("no grace call without an active subscription: no contract"))
    if not contract.starts_on <= on <= contract.ends_on:
        refusal = gettext("no grace call without an active subscription: the contract ran %(start)s to %(end)s")
        return Allowance(0, 0, None, None, refusal % {"start": contract.starts_on, "end": contract.ends_on})
    if contract.rental or contract.tier in {"rental"}:
        return Allowance(0, 0, None, None, gettext("no grace call on a short-term (3-month) rental (QSC/QLC)"))
    if contract.tier in set(table.get("not_eligible_tiers", [])):
        return Allowance(0, 0, None, None, gettext("no grace call without an active subscription"))
    start, reset = contract_year(contract, on)
    zone = policy.home_zone  # a contract year runs from midnight to midnight where the desk counts its days
    entries = LedgerEntry.objects.filter(
        contract=contract, kind=LedgerEntry.Kind.GRACE_CALL, at__gte=midnight(start, zone), at__lt=midnight(reset, zone)
    )
    used = entries.aggregate(n=Sum("count"))["n"] or 0
    return Allowance(per_year(policy, contract.seats), used, start, reset)
