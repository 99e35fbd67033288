"""Prepaid hours, prepaid credit and paid work: the balances read from a contract's ledger, and its writes.

Which field each balance sums (casedesk.contracts.models.LedgerEntry; entries are never edited):

- Hour blocks (Solidxperts). A block is a `purchase` with `hours` > 0 (`amount`: the price billed for the
  block, optional, money and never credit; `expires_on`: its last day, optional). A `drawdown` from a block
  has `hours` < 0, `block` = the purchase, `amount` NULL, `rate` the rate card it was logged at. Time beyond
  every block, where the contract's `overdraft_hours` allows it, is a drawdown with `block` NULL: it never
  expires. hours_left(on) = the hours of the blocks not expired on that day (expires_on >= day or none) plus
  every entry whose `block` is one of them, plus the block-less hour drawdowns (and their corrections).
- Prepaid credit (DYTRON SBP). A `purchase` with `amount` > 0 and `hours` NULL; a `drawdown` has `amount` < 0
  and `hours` NULL (the hours worked, the service type and the rate are on the case event the entry names,
  `event.data["hours"]`, and on `rate`); no block, no expiry. credit_left = the sum of those amounts and of
  their corrections, in the contract's currency.
- `charge` (PAY, SLA level, Solidxperts Technical Services without a block): `amount` > 0 at the rate card,
  `hours` NULL (the hours are on the event, as for credit); no balance.
- `ppi` and `ppi_deduction`: see casedesk.contracts.ppi.
- `correction`: a new entry with `corrects` = the entry it offsets and the opposite sign, for all or part of
  it (never more than what is left of it); it copies `block` (for a block purchase: `block` = that purchase),
  so it counts in the same balance as the entry it corrects. A correction is not itself corrected.

Every write locks the contract row (`select_for_update`) before reading a balance, so two drawdowns at the same
instant never spend the same hours. Bad input raises LedgerError (a CaseError: the console and the API show
its message) before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext

from casedesk.accounts.models import Contract
from casedesk.cases.services import CaseError
from casedesk.contracts.models import LedgerEntry, RateCard
from casedesk.desks.models import Desk
from casedesk.desks.policies import preset_of, version_in_force
from casedesk.sla.policy_schema import Policy

Kind = LedgerEntry.Kind
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MAX_HOURS = Decimal("10000")
MAX_AMOUNT = Decimal("9999999999.99")
PPI_SERVICE = "ppi"  # the rate card of a pay-per-incident case (flat); not time
INCLUDED = "included"  # time on included support (DYTRON ALC): recorded, never billed

# How time on a case is billed: a DYTRON level's `billing` ([policy.levels]), or for a desk without levels
# (Solidxperts) what the contract holds: hour blocks, else prepaid credit, else the rate card.
HOURS = "hours"
CREDIT = "prepaid_credit"
RATE_CARD = "rate_card"
CONTRACT = "contract"
BILLINGS = {INCLUDED, RATE_CARD, CREDIT, CONTRACT, HOURS}


class LedgerError(CaseError):
    """A ledger write that is refused; the message says why, in the agent's or the customer's words."""


class Overdraw(LedgerError):
    """Refused because it would take hours or credit below what the contract's overdraft allows (the API's 409)."""


def _now(at: datetime | None) -> datetime:
    t = at or timezone.now()
    if timezone.is_naive(t):
        raise LedgerError("times must be aware (with a zone)")
    return t


def policy_of(desk: Desk, at: datetime) -> Policy:
    return preset_of(version_in_force(desk, at)).policy


def day_of(at: datetime, policy: Policy) -> date:
    """The calendar day of an instant where the desk counts its days (the policy's home zone)."""
    return at.astimezone(ZoneInfo(policy.home_zone)).date()


def _decimal(value: Any, what: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite():
        raise LedgerError(gettext("%(what)s must be a number, not %(value)s") % {"what": what, "value": repr(value)})
    return number


def _positive(value: Any, what: str, limit: Decimal) -> Decimal:
    """A positive quantity with at most 2 decimals (hours or money), as a Decimal: never a float's rounding."""
    if isinstance(value, float):
        raise LedgerError(gettext("%(what)s must be given as a decimal string, not a float") % {"what": what})
    number = _decimal(value, what)
    if number <= 0:
        raise LedgerError(gettext("%(what)s must be more than zero (got %(value)s)") % {"what": what, "value": number})
    if number != number.quantize(CENT):
        raise LedgerError(gettext("%(what)s take at most 2 decimals (got %(value)s)") % {"what": what, "value": number})
    if number > limit:
        raise LedgerError(gettext("%(what)s of %(value)s is too large") % {"what": what, "value": number})
    return number.quantize(CENT)


def parse_hours(value: Any) -> Decimal:
    return _positive(value, gettext("hours"), MAX_HOURS)


def parse_amount(value: Any) -> Decimal:
    return _positive(value, gettext("the amount"), MAX_AMOUNT)


def money(hours: Decimal, rate: RateCard) -> Decimal:
    """What time costs at a rate: hours x price for an hourly rate, the price for a flat one (half-up cents)."""
    if rate.unit == RateCard.Unit.FLAT:
        return rate.price
    return (hours * rate.price).quantize(CENT, rounding=ROUND_HALF_UP)


# --- balances ------------------------------------------------------------------------------------------------


def blocks(contract: Contract) -> QuerySet[LedgerEntry]:
    """The contract's hour blocks (purchases of hours), oldest first."""
    return LedgerEntry.objects.filter(contract=contract, kind=Kind.PURCHASE, hours__isnull=False).order_by("at", "id")


def _unexpired(on: date) -> Q:
    return Q(expires_on__isnull=True) | Q(expires_on__gte=on)


def _loose_hours() -> Q:
    """Hour entries outside any block: overdraft drawdowns and their corrections."""
    return Q(block__isnull=True, kind__in=[Kind.DRAWDOWN, Kind.CORRECTION], hours__isnull=False)


CREDIT_ENTRIES = Q(kind__in=[Kind.PURCHASE, Kind.DRAWDOWN], hours__isnull=True) | Q(
    kind=Kind.CORRECTION, corrects__kind__in=[Kind.PURCHASE, Kind.DRAWDOWN], corrects__hours__isnull=True
)


@dataclass(frozen=True)
class Block:
    entry: LedgerEntry
    left: Decimal  # its hours less what was drawn from it (and corrections)

    @property
    def expires_on(self) -> date | None:
        return self.entry.expires_on


def open_blocks(contract: Contract, on: date) -> list[Block]:
    """The blocks usable on a day with the hours left on each, oldest first."""
    rows = blocks(contract).filter(_unexpired(on)).annotate(drawn=Sum("drawdowns__hours"))
    return [Block(b, ((b.hours or ZERO) + (b.drawn or ZERO)).quantize(CENT)) for b in rows]


def _loose(contract: Contract) -> Decimal:
    total = LedgerEntry.objects.filter(_loose_hours(), contract=contract).aggregate(s=Sum("hours"))["s"]
    return (total or ZERO).quantize(CENT)


def hours_left(contract: Contract, on: date) -> Decimal:
    """Hours left on the contract's blocks on a day: expired blocks do not count; overdraft shows below zero."""
    return sum((b.left for b in open_blocks(contract, on)), _loose(contract))


def credit_left(contract: Contract) -> Decimal:
    total = LedgerEntry.objects.filter(CREDIT_ENTRIES, contract=contract).aggregate(s=Sum("amount"))["s"]
    return (total or ZERO).quantize(CENT)


@dataclass(frozen=True)
class Balance:
    """What a contract has left: hours where it holds hour blocks, credit where it holds prepaid credit
    (None where it holds none of that kind), in the contract's currency."""

    hours_left: Decimal | None
    credit_left: Decimal | None
    currency: str
    overdraft_hours: Decimal = ZERO
    overdraft_credit: Decimal = ZERO
    billing: str = ""
    expired: list[LedgerEntry] = field(default_factory=list)  # blocks with hours left that expired


def has_credit(contract: Contract) -> bool:
    return LedgerEntry.objects.filter(contract=contract, kind=Kind.PURCHASE, hours__isnull=True).exists()


def billing_of(contract: Contract | None, policy: Policy) -> str:
    """How time on a case of this contract is billed (see the constants above)."""
    levels = policy.section("levels") or {}
    level = levels.get(contract.tier) if contract is not None and contract.tier else None
    if isinstance(level, dict) and level.get("billing") in BILLINGS:
        return str(level["billing"])
    if contract is not None and blocks(contract).exists():
        return HOURS
    if contract is not None and has_credit(contract):
        return CREDIT
    return RATE_CARD


def balance(contract: Contract, on: date, policy: Policy | None = None) -> Balance:
    """The balance of a contract on a day (in the desk's home zone)."""
    billing = billing_of(contract, policy) if policy is not None else ""
    any_blocks = blocks(contract).exists()
    hours = hours_left(contract, on) if any_blocks else None
    credit = credit_left(contract) if has_credit(contract) or billing == CREDIT else None
    expired: list[LedgerEntry] = []
    if any_blocks:
        lapsed = blocks(contract).filter(expires_on__lt=on).annotate(drawn=Sum("drawdowns__hours"))
        expired.extend(b for b in lapsed if (b.hours or ZERO) + (b.drawn or ZERO) > 0)
    return Balance(
        hours, credit, contract.currency, contract.overdraft_hours, contract.overdraft_credit, billing, expired
    )


# --- rate cards ----------------------------------------------------------------------------------------------


def rates_for(desk: Desk, contract: Contract | None) -> dict[str, RateCard]:
    """The active rate of each service type for a contract: its own (an SLA-level contract's) wins over the
    desk's for the contract's tier, which wins over the desk's any-tier rate."""
    cards = RateCard.objects.filter(desk=desk, active=True)
    tier = contract.tier if contract is not None else ""
    mine = Q(contract=contract) if contract is not None else Q(pk__in=[])
    rank: dict[str, tuple[int, RateCard]] = {}
    for card in cards.filter(mine | Q(contract__isnull=True, tier__in={tier, ""})):
        order = 0 if card.contract_id else (1 if card.tier and card.tier == tier else 2)
        if card.service_type not in rank or order < rank[card.service_type][0]:
            rank[card.service_type] = (order, card)
    return {k: v for k, (_, v) in sorted(rank.items())}


def rate_for(desk: Desk, contract: Contract | None, service_type: str) -> RateCard:
    """The rate a service type is billed at for a contract; a clear error for an unknown or inactive one."""
    rates = rates_for(desk, contract)
    if service_type in rates:
        return rates[service_type]
    inactive = RateCard.objects.filter(desk=desk, service_type=service_type, active=False).exists()
    known = ", ".join(k for k in rates if k != PPI_SERVICE) or gettext("none")
    if inactive:
        message = gettext("the rate card for %(type)s is no longer active on this desk (active: %(known)s)")
    else:
        message = gettext("unknown service type %(type)s on this desk (its rate cards: %(known)s)")
    raise LedgerError(message % {"type": repr(service_type), "known": known})


# --- writes --------------------------------------------------------------------------------------------------


def lock(contract_id: int) -> Contract:
    """The contract row locked until the end of the transaction: every balance write goes through here."""
    return Contract.objects.select_for_update().select_related("desk", "company").get(pk=contract_id)


def check_valid(contract: Contract, on: date) -> None:
    if not contract.is_valid_on(on):
        raise LedgerError(
            gettext("the contract is not valid on %(day)s: it ran %(start)s to %(end)s")
            % {"day": on, "start": contract.starts_on, "end": contract.ends_on}
        )


def check_currency(contract: Contract, currency: str, what: str) -> None:
    if currency.upper() != contract.currency.upper():
        raise LedgerError(
            gettext("currency mismatch: %(what)s is in %(currency)s, the contract in %(mine)s")
            % {"what": what, "currency": currency or "?", "mine": contract.currency}
        )


def purchase_hours(
    contract: Contract,
    hours: Any,
    *,
    price: Any = None,
    expires_on: date | None = None,
    actor: User | None = None,
    at: datetime | None = None,
    note: str = "",
) -> LedgerEntry:
    """An hour block bought (Solidxperts): `hours` > 0, its price (optional, in the contract's currency) and
    its last day of use (optional; not before the purchase day)."""
    t = _now(at)
    amount = parse_amount(price) if price not in (None, "") else None
    quantity = parse_hours(hours)
    with transaction.atomic():
        locked = lock(contract.pk)
        policy = policy_of(locked.desk, t)
        day = day_of(t, policy)
        check_valid(locked, day)
        if expires_on is not None and expires_on < day:
            raise LedgerError(
                gettext("the block would already be expired: its last day %(last)s is before %(day)s")
                % {"last": expires_on, "day": day}
            )
        return LedgerEntry.objects.create(
            company_id=locked.company_id, contract=locked, kind=Kind.PURCHASE, hours=quantity, amount=amount,
            currency=locked.currency if amount is not None else "", expires_on=expires_on, at=t, actor=actor,
            note=note.strip()[:500],
        )  # fmt: skip


def purchase_credit(
    contract: Contract,
    amount: Any,
    currency: str,
    *,
    actor: User | None = None,
    at: datetime | None = None,
    note: str = "",
) -> LedgerEntry:
    """Prepaid credit bought (DYTRON SBP): `amount` > 0 in the contract's own currency (POLICIES 0.13)."""
    t = _now(at)
    value = parse_amount(amount)
    with transaction.atomic():
        locked = lock(contract.pk)
        check_currency(locked, currency, gettext("the credit"))
        check_valid(locked, day_of(t, policy_of(locked.desk, t)))
        return LedgerEntry.objects.create(
            company_id=locked.company_id, contract=locked, kind=Kind.PURCHASE, amount=value,
            currency=locked.currency, at=t, actor=actor, note=note.strip()[:500],
        )  # fmt: skip


@dataclass
class TimePlan:
    """How logged time is billed, worked out on the locked contract before anything is written."""

    billing: str
    hours: Decimal
    service_type: str
    rate: RateCard | None
    amount: Decimal | None  # money (credit drawn or charged); None for hours and included time
    currency: str
    entries: list[LedgerEntry]  # unsaved: `write` adds the case, the event and saves them

    def data(self) -> dict[str, Any]:
        """The case event's data (the hours worked are kept here for credit drawdowns and charges)."""
        data: dict[str, Any] = {"hours": str(self.hours), "service_type": self.service_type, "billing": self.billing}
        if self.rate is not None:
            data["rate"] = f"{self.rate.price} {self.rate.currency}/{self.rate.unit}"
        if self.amount is not None:
            data["amount"] = f"{self.amount} {self.currency}"
        if self.billing == HOURS:
            data["blocks"] = [str(e.block_id or "overdraft") for e in self.entries]
        return data


def _expired_words(contract: Contract, on: date) -> str:
    lapsed = blocks(contract).filter(expires_on__lt=on).order_by("-expires_on").first()
    if lapsed is None:
        return ""
    return gettext(" (the block of %(hours)s h bought %(bought)s expired on %(last)s)") % {
        "hours": lapsed.hours,
        "bought": lapsed.at.date(),
        "last": lapsed.expires_on,
    }


def _plan_hours(contract: Contract, hours: Decimal, on: date) -> list[LedgerEntry]:
    """Drawdowns from the oldest unexpired block with hours left, split across blocks when one is not enough;
    the rest beyond every block only where the overdraft allows it (a block-less drawdown)."""
    usable = open_blocks(contract, on)
    total = sum((b.left for b in usable), _loose(contract))
    if total - hours < -contract.overdraft_hours:
        if contract.overdraft_hours:
            message = gettext(
                "not enough hours: %(left)s h left and %(overdraft)s h of overdraft allowed, %(hours)s h asked%(why)s"
            )
        else:
            message = gettext("not enough hours: %(left)s h left, %(hours)s h asked, no overdraft%(why)s")
        why = _expired_words(contract, on)
        raise Overdraw(message % {"left": total, "hours": hours, "overdraft": contract.overdraft_hours, "why": why})
    entries, rest = [], hours
    for b in usable:
        if rest <= 0:
            break
        take = min(b.left, rest)
        if take > 0:
            entries.append(LedgerEntry(kind=Kind.DRAWDOWN, hours=-take, block=b.entry))
            rest -= take
    if rest > 0:
        entries.append(LedgerEntry(kind=Kind.DRAWDOWN, hours=-rest))
    return entries


def plan_time(
    desk: Desk, policy: Policy, contract: Contract | None, hours: Any, service_type: str, on: date
) -> TimePlan:
    """Time on a case: hours drawn from a block, credit drawn at the rate, a charge at the rate, or included.
    The contract must be locked by the caller (`lock`) and valid on the day."""
    quantity = parse_hours(hours)
    service_type = (service_type or "").strip()
    if service_type == PPI_SERVICE:
        raise LedgerError(gettext("pay per incident is charged on the case, not logged as time"))
    if contract is not None:
        check_valid(contract, on)
    billing = billing_of(contract, policy)
    currency = contract.currency if contract is not None else ""
    if billing == INCLUDED:
        rate = None if service_type == INCLUDED else rate_for(desk, contract, service_type)
        return TimePlan(billing, quantity, service_type, rate, None, currency, [])
    rate = rate_for(desk, contract, service_type)
    if billing == HOURS:
        assert contract is not None  # HOURS comes from the contract's blocks
        entries = _plan_hours(contract, quantity, on)
        for e in entries:
            e.rate, e.service_type = rate, service_type
        return TimePlan(billing, quantity, service_type, rate, None, currency, entries)
    price = money(quantity, rate)
    if contract is None:
        currency = rate.currency
    else:
        check_currency(contract, rate.currency, gettext("the rate card %(name)s") % {"name": rate.name})
    if billing == CREDIT:
        assert contract is not None
        left = credit_left(contract)
        if left - price < -contract.overdraft_credit:
            raise Overdraw(
                gettext("not enough credit: %(left)s %(cur)s left, %(price)s %(cur)s asked (%(hours)s h at %(rate)s)")
                % {"left": left, "cur": currency, "price": price, "hours": quantity, "rate": rate}
            )
        entry = LedgerEntry(kind=Kind.DRAWDOWN, amount=-price, currency=currency, rate=rate, service_type=service_type)
    else:  # the rate card (PAY), the contract's own rates (SLA level), Technical Services without a block
        entry = LedgerEntry(kind=Kind.CHARGE, amount=price, currency=currency, rate=rate, service_type=service_type)
    return TimePlan(billing, quantity, service_type, rate, price, currency, [entry])


def write(plan: TimePlan, *, company_id: int, contract: Contract | None, **links: Any) -> list[LedgerEntry]:
    """Save a plan's entries with their company, contract, case, event, instant, actor and note."""
    for e in plan.entries:
        e.company_id, e.contract = company_id, contract
        for name, value in links.items():
            setattr(e, name, value)
        e.save()
    return plan.entries


def drawdown(
    contract: Contract,
    hours: Any,
    service_type: str,
    *,
    actor: User | None = None,
    at: datetime | None = None,
    note: str = "",
) -> list[LedgerEntry]:
    """Time billed to a contract without a case (`services.log_time` is the write for time on a case)."""
    t = _now(at)
    with transaction.atomic():
        locked = lock(contract.pk)
        policy = policy_of(locked.desk, t)
        plan = plan_time(locked.desk, policy, locked, hours, service_type, day_of(t, policy))
        return write(plan, company_id=locked.company_id, contract=locked, at=t, actor=actor, note=note.strip()[:500])


# --- corrections ---------------------------------------------------------------------------------------------

CORRECTABLE = {Kind.PURCHASE, Kind.DRAWDOWN, Kind.CHARGE, Kind.PPI, Kind.PPI_DEDUCTION}


def _field(entry: LedgerEntry) -> str:
    return "hours" if entry.hours is not None else "amount"


def left_of(entry: LedgerEntry) -> Decimal:
    """What is left of an entry after its corrections, in its own field (hours or amount), with its sign."""
    name = _field(entry)
    corrected = entry.corrections.filter(kind=Kind.CORRECTION).aggregate(s=Sum(name))["s"] or ZERO
    return ((getattr(entry, name) or ZERO) + corrected).quantize(CENT)


def correct(
    entry: LedgerEntry,
    *,
    hours: Any = None,
    amount: Any = None,
    actor: User | None = None,
    at: datetime | None = None,
    note: str = "",
) -> LedgerEntry:
    """A correction: a new entry offsetting `entry` (all of what is left of it, or `hours`/`amount` of it, given
    as a positive quantity), never an edit. A correction that would take a balance below what the overdraft
    allows is refused, and so is one of a PPI whose price was deducted from a block (correct the deduction first)."""
    t = _now(at)
    if entry.kind not in CORRECTABLE:
        raise LedgerError(gettext("a %(kind)s entry is not corrected here") % {"kind": entry.get_kind_display()})
    given = hours if _field(entry) == "hours" else amount
    with transaction.atomic():
        contract = lock(entry.contract_id) if entry.contract_id else None
        entry = LedgerEntry.objects.get(pk=entry.pk)
        name = _field(entry)
        left = left_of(entry)
        if left == 0:
            raise LedgerError(gettext("entry #%(id)s is already corrected in full") % {"id": entry.pk})
        parse = parse_hours if name == "hours" else parse_amount
        quantity = abs(left) if given in (None, "") else parse(given)
        if quantity > abs(left):
            raise LedgerError(
                gettext("at most %(left)s can be corrected on entry #%(id)s (got %(asked)s)")
                % {"left": abs(left), "id": entry.pk, "asked": quantity}
            )
        offset = -quantity if left > 0 else quantity
        if entry.kind == Kind.PPI and entry.corrections.filter(kind=Kind.PPI_DEDUCTION).exists():
            from casedesk.contracts.ppi import deducted

            if deducted(entry):
                raise LedgerError(gettext("this PPI was deducted from a block: correct the deduction first"))
        fields: dict[str, Any] = {name: offset}
        if entry.kind == Kind.PURCHASE and name == "hours":
            assert contract is not None
            on = day_of(t, policy_of(contract.desk, t))
            unused = next((b.left for b in open_blocks(contract, on) if b.entry.pk == entry.pk), None)
            if unused is None and entry.expires_on is not None and entry.expires_on < on:
                unused = (entry.hours or ZERO) + (entry.drawdowns.aggregate(s=Sum("hours"))["s"] or ZERO)
            if unused is not None and quantity > unused:
                raise LedgerError(
                    gettext("only %(unused)s h of this block are unused: correct its drawdowns first")
                    % {"unused": unused}
                )
            if entry.amount is not None and quantity == abs(left):
                price_left = entry.amount + (
                    entry.corrections.filter(kind=Kind.CORRECTION).aggregate(s=Sum("amount"))["s"] or ZERO
                )
                fields["amount"] = -price_left if price_left else None
        reduces_credit = entry.kind == Kind.PURCHASE and name == "amount" and contract is not None
        if reduces_credit and contract is not None and credit_left(contract) - quantity < -contract.overdraft_credit:
            raise Overdraw(
                gettext("the credit left (%(left)s %(cur)s) cannot go below zero: correct drawdowns first")
                % {"left": credit_left(contract), "cur": contract.currency}
            )
        block = entry if entry.kind == Kind.PURCHASE and entry.hours is not None else entry.block
        return LedgerEntry.objects.create(
            company_id=entry.company_id, contract_id=entry.contract_id, kind=Kind.CORRECTION, currency=entry.currency,
            service_type=entry.service_type, rate=entry.rate, block=block, case=entry.case, at=t, actor=actor,
            note=note.strip()[:500], corrects=entry, **fields,
        )  # fmt: skip
