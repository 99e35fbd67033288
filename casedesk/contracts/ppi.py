"""Solidxperts pay per incident (POLICIES section 4 and 0.14): a fixed price, and its deduction from a block.

A `ppi` entry is the case's fixed price: `amount` > 0 from the desk's flat rate card `ppi`, in the contract's
currency (or the rate card's when the case has no contract: a PPI needs no long-term commitment). One per case.

When the company buys an hour block within `deduct_within_days` (30) after the PPI, counted in calendar days
in the policy's home zone (the PPI's day + 30 >= the block's day, the block bought after the PPI), the deduction
is offered; it is applied only when the agent or the customer confirms, and never after the last day (the
PPI's day + 30): a block bought on day 29 but confirmed on day 31 is refused ("never after day 30"). A
`ppi_deduction` entry has `amount` = minus what is left of the PPI's price, `block` = the purchase it is
deducted from and `corrects` = the PPI (it offsets the PPI's price; the hours of the block are unchanged).
Never twice: a PPI with a deduction not corrected away is not offered again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Sum
from django.utils.translation import gettext

from casedesk.accounts.models import Company, Contract
from casedesk.cases.models import Case
from casedesk.contracts.ledger import (
    PPI_SERVICE,
    ZERO,
    LedgerError,
    check_currency,
    day_of,
    left_of,
    rate_for,
)
from casedesk.contracts.models import LedgerEntry, RateCard
from casedesk.desks.policies import preset_of
from casedesk.sla.policy_schema import Policy

Kind = LedgerEntry.Kind


def window(policy: Policy) -> int | None:
    """Days after a PPI during which a block's purchase may take its price; None: no PPI on this desk."""
    table = policy.section("pay_per_incident")
    if not isinstance(table, dict):
        return None
    return int(table.get("deduct_within_days", 0))


def _case_policy(case: Case) -> Policy:
    return preset_of(case.policy_version).policy


def ppi_of(case: Case) -> LedgerEntry | None:
    """The case's PPI entry not corrected away, if any."""
    for entry in LedgerEntry.objects.filter(case=case, kind=Kind.PPI).order_by("id"):
        if left_of(entry) > 0:
            return entry
    return None


def deducted(ppi: LedgerEntry) -> bool:
    """The PPI's price was deducted from a block (and that deduction not corrected away)."""
    deductions = LedgerEntry.objects.filter(corrects=ppi, kind=Kind.PPI_DEDUCTION)
    net = deductions.aggregate(s=Sum("amount"))["s"] or ZERO
    corrected = LedgerEntry.objects.filter(corrects__in=deductions, kind=Kind.CORRECTION).aggregate(s=Sum("amount"))
    return net + (corrected["s"] or ZERO) != 0


def plan_charge(case: Case, contract: Contract | None) -> LedgerEntry:
    """The case's PPI entry (unsaved): refused where the desk has no PPI or no flat `ppi` rate, on a currency
    other than the contract's, and on a case already charged."""
    policy = _case_policy(case)
    if window(policy) is None:
        raise LedgerError(gettext("this desk's policy has no pay per incident"))
    if ppi_of(case) is not None:
        raise LedgerError(gettext("case %(number)s is already charged as pay per incident") % {"number": case.number})
    rate = rate_for(case.desk, contract, PPI_SERVICE)
    if rate.unit != RateCard.Unit.FLAT:
        raise LedgerError(gettext("the pay-per-incident rate card must be a flat price"))
    if contract is not None:
        check_currency(contract, rate.currency, gettext("the rate card %(name)s") % {"name": rate.name})
    return LedgerEntry(
        company_id=case.company_id, contract=contract, kind=Kind.PPI, amount=rate.price, currency=rate.currency,
        service_type=PPI_SERVICE, rate=rate, case=case,
    )  # fmt: skip


@dataclass(frozen=True)
class Offer:
    ppi: LedgerEntry
    block: LedgerEntry
    last_day: date  # the PPI's day + 30: confirmed after this day, the deduction is refused

    @property
    def amount(self) -> str:
        return f"{left_of(self.ppi)} {self.ppi.currency}"


def last_day(ppi: LedgerEntry, policy: Policy) -> date:
    return day_of(ppi.at, policy) + timedelta(days=window(policy) or 0)


def refusal(ppi: LedgerEntry, block: LedgerEntry, at: datetime) -> str:
    """Why this PPI cannot be deducted from this block at this instant ("" when it can)."""
    assert ppi.case is not None
    policy = _case_policy(ppi.case)
    if window(policy) is None:
        return gettext("this desk's policy has no pay per incident")
    if ppi.kind != Kind.PPI or block.kind != Kind.PURCHASE or block.hours is None or block.contract is None:
        return gettext("a PPI is deducted from a block of hours bought")
    if block.company_id != ppi.company_id:
        return gettext("the block was bought by another company")
    if left_of(ppi) <= 0:
        return gettext("the PPI was corrected away")
    if deducted(ppi):
        return gettext("the PPI of case %(number)s was already deducted from a block") % {"number": ppi.case.number}
    if left_of(block) <= 0:
        return gettext("the block was corrected away")
    if block.contract.currency != ppi.currency:
        return gettext("currency mismatch: the PPI is in %(ppi)s, the block in %(block)s") % {
            "ppi": ppi.currency,
            "block": block.contract.currency,
        }
    last = last_day(ppi, policy)
    ppi_day, block_day, today = day_of(ppi.at, policy), day_of(block.at, policy), day_of(at, policy)
    days = window(policy)
    if block.at < ppi.at or block_day > last:
        return gettext(
            "the block (bought %(bought)s) was not bought within %(days)s days after the PPI of %(ppi)s "
            "(%(ppi)s to %(last)s)"
        ) % {"bought": block_day, "days": days, "ppi": ppi_day, "last": last}
    if today > last:
        return gettext("too late: the PPI of %(ppi)s could be deducted until %(last)s (day %(days)s), never after") % {
            "ppi": ppi_day,
            "last": last,
            "days": days,
        }
    if block.amount is not None and block.amount < left_of(ppi):
        return gettext("the block's price is lower than the PPI's")
    return ""


def plan_deduction(ppi: LedgerEntry, block: LedgerEntry, at: datetime) -> LedgerEntry:
    why = refusal(ppi, block, at)
    if why:
        raise LedgerError(gettext("no PPI deduction: %(why)s") % {"why": why})
    return LedgerEntry(
        company_id=ppi.company_id, contract=block.contract, kind=Kind.PPI_DEDUCTION, amount=-left_of(ppi),
        currency=ppi.currency, service_type=PPI_SERVICE, block=block, corrects=ppi, case=ppi.case,
    )  # fmt: skip


def offers(company: Company, at: datetime, *, case: Case | None = None) -> list[Offer]:
    """The PPI deductions the company may confirm at this instant (for one case's PPI, or all of them)."""
    ppis = LedgerEntry.objects.filter(company=company, kind=Kind.PPI).select_related("case__policy_version")
    if case is not None:
        ppis = ppis.filter(case=case)
    found = []
    for ppi in ppis.order_by("at", "id"):
        assert ppi.case is not None
        policy = _case_policy(ppi.case)
        if window(policy) is None or day_of(at, policy) > last_day(ppi, policy):
            continue
        candidates = LedgerEntry.objects.filter(
            company=company, kind=Kind.PURCHASE, hours__isnull=False, at__gte=ppi.at
        ).select_related("contract")
        for block in candidates.order_by("at", "id"):
            if not refusal(ppi, block, at):
                found.append(Offer(ppi, block, last_day(ppi, policy)))
                break  # one offer per PPI: the first block that qualifies
    return found
