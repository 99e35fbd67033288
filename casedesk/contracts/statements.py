"""A customer's statement for a period: opening balances, one line per ledger entry, closing balances, totals.

The period is a range of calendar days [start, end] in the desk's home zone (`policy.home_zone`, as grace.py
counts contract years): from 00:00 of `start` to 00:00 of the day after `end`. The balances follow
casedesk.contracts.ledger's reading of the entries: hours of hour blocks (purchases with `hours` +, drawdowns -,
and their corrections); prepaid credit per currency (purchases and drawdowns without `hours`, and their
corrections); what was billed per currency (charges + PPI + PPI deductions, which are negative); and what was
bought per currency (an hour block's price, prepaid credit). A correction counts where the entry it corrects
counts. Money stays Decimal and a total never adds two currencies (POLICIES 0.13).

A statement reads the ledger as of one entry id (the newest when it was made), so its opening balance, lines and
closing balance agree even while agents keep writing; its lines are streamed (`QuerySet.iterator`), never loaded
all at once, and each names its ledger entry's id. An hour block expires at 00:00 after its last day (`expires_on`),
as casedesk.contracts.ledger.hours_left reads it: the hours left on it then leave the balance on a line of kind
"expiry" that names the block's purchase, the one line without an entry of its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import F, Q, QuerySet, Sum, When
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from casedesk.accounts.models import Company, Contract
from casedesk.contracts.models import LedgerEntry
from casedesk.desks.policies import midnight, preset_of, version_in_force

Kind = LedgerEntry.Kind
ZERO = Decimal("0.00")
BALANCE_KINDS = {Kind.PURCHASE, Kind.DRAWDOWN}  # hours of a block, or prepaid credit (`hours` NULL)
BILLED_KINDS = {Kind.CHARGE, Kind.PPI, Kind.PPI_DEDUCTION}  # money the customer pays for
EXPIRY = "expiry"  # a statement line where a block's unused hours expire: no entry of its own, it names the block
MAX_DAYS = 3 * 366 + 1  # a longer period is refused: ask for it in parts


class PeriodError(ValueError):
    """A period that cannot be read (the message is for the person who asked)."""


def kind_words(kind: str) -> str:
    words = {
        Kind.GRACE_CALL: pgettext("ledger", "grace call"),
        Kind.PURCHASE: pgettext("ledger", "purchase"),
        Kind.DRAWDOWN: pgettext("ledger", "drawdown"),
        Kind.CHARGE: pgettext("ledger", "charge"),
        Kind.PPI: pgettext("ledger", "pay per incident"),
        Kind.PPI_DEDUCTION: pgettext("ledger", "PPI deducted from a block"),
        Kind.CORRECTION: pgettext("ledger", "correction"),
    }
    return words.get(kind, kind)  # type: ignore[call-overload]


@dataclass(frozen=True)
class Balances:
    hours: Decimal = ZERO  # of hour blocks, all contracts of the statement together
    credit: Mapping[str, Decimal] = field(default_factory=dict)  # prepaid credit, per currency

    def credit_rows(self) -> list[tuple[str, Decimal]]:
        return sorted(self.credit.items())


class Row(NamedTuple):
    """A ledger entry as a statement reads it (`values_list`, in this order)."""

    id: int
    at: datetime
    kind: str
    grace_calls: int  # the entry's `count`
    hours: Decimal | None
    amount: Decimal | None
    currency: str
    service_type: str
    note: str
    corrects_id: int | None
    block_id: int | None
    case__number: str | None
    rate__name: str | None
    base: str  # the kind it counts as (a correction: the corrected entry's)
    block_key: int | None  # the hour block its hours belong to
    last_day: date | None  # that block's last day of use


ROW_FIELDS = tuple(name if name != "grace_calls" else "count" for name in Row._fields)


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs ~3x, once per line of a long statement
class Line:
    entry: int  # the ledger entry's id: every line traces to its entry
    at: datetime  # in the desk's home zone
    kind: str
    what: str  # the kind in words ("correction of #12" for a correction)
    case: str  # the case number, or ""
    service_type: str
    rate: str  # the rate card's name, or ""
    count: int  # grace calls
    hours: Decimal | None
    amount: Decimal | None
    currency: str
    hours_balance: Decimal  # after this line
    credit_balance: Decimal | None  # after this line, in `currency`, when the line moves prepaid credit
    billed: Decimal | None  # what this line bills (charges, PPI, deductions), in `currency`
    corrects: int | None
    note: str

    @property
    def day(self) -> date:
        return self.at.date()


def _base_kind() -> models.Case:
    """The kind an entry counts as: its own, or for a correction the kind of the entry it corrects."""
    return models.Case(When(kind=Kind.CORRECTION, then=F("corrects__kind")), default=F("kind"))


BLOCK = Q(kind=Kind.PURCHASE, hours__isnull=False)  # an hour block bought


def _block_id() -> models.Case:
    """The hour block an entry's hours belong to: a block's own id, else `block` (drawdowns, their corrections)."""
    return models.Case(When(BLOCK, then=F("id")), default=F("block_id"))


def _last_day() -> models.Case:
    """The last day of use of the block an entry's hours belong to (NULL: never expires)."""
    return models.Case(When(BLOCK, then=F("expires_on")), default=F("block__expires_on"))


def _usable_after(day: date) -> Q:
    """Hours of blocks still usable after `day` ended, and hours of no block (an overdraft never expires)."""
    return Q(last_day__isnull=True) | Q(last_day__gt=day)


@dataclass(frozen=True)
class Statement:
    company: Company
    contract: Contract | None
    start: date
    end: date  # the last day, included
    zone: str
    as_of_entry: int  # the newest ledger entry read (0: none yet)
    opening: Balances
    closing: Balances
    billed: Mapping[str, Decimal]  # per currency, in the period: charges + PPI + PPI deductions
    bought: Mapping[str, Decimal]  # per currency, in the period: hour blocks' prices and prepaid credit
    grace_calls: int  # used in the period (net of corrections)
    count: int  # ledger entries in the period
    expiring: Mapping[int, tuple[date, Decimal]] = field(default_factory=dict)  # block -> last day, hours at start

    @property
    def since(self) -> datetime:
        return midnight(self.start, self.zone)

    @property
    def until(self) -> datetime:
        return midnight(self.end + timedelta(days=1), self.zone)

    def billed_rows(self) -> list[tuple[str, Decimal]]:
        return sorted(self.billed.items())

    def bought_rows(self) -> list[tuple[str, Decimal]]:
        return sorted(self.bought.items())

    def entries(self) -> Iterator[Row]:
        """The period's ledger entries, oldest first, streamed (plain rows: no model instances to build)."""
        qs = _entries(self.company, self.contract, self.as_of_entry).filter(at__gte=self.since, at__lt=self.until)
        qs = qs.annotate(base=_base_kind(), block_key=_block_id(), last_day=_last_day()).order_by("at", "id")
        return map(Row._make, qs.values_list(*ROW_FIELDS).iterator(chunk_size=2000))

    def lines(self) -> Iterator[Line]:
        """One line per entry of the period with the running balances after it, and one line where an hour
        block expires with hours left (`kind` "expiry", `entry` the block's purchase): as
        casedesk.contracts.ledger.hours_left, an expired block's hours are no longer counted."""
        hours = self.opening.hours
        credit = dict(self.opening.credit)
        zone = ZoneInfo(self.zone)
        ends: dict[date, datetime] = {}  # a block's last day -> the instant it expires (00:00 the day after)
        words = _Words()  # in the language active now, looked up once

        def end_of(day: date) -> datetime:
            if day not in ends:
                ends[day] = midnight(day + timedelta(days=1), self.zone)
            return ends[day]

        left = {block: start_hours for block, (_, start_hours) in self.expiring.items()}
        pending = sorted((end_of(last), block) for block, (last, _) in self.expiring.items())

        def expire(upto: datetime) -> Iterator[Line]:
            nonlocal hours
            while pending and pending[0][0] <= upto:
                instant, block = pending.pop(0)
                if left[block]:
                    hours -= left[block]
                    yield _expiry(block, self.expiring[block][0], instant.astimezone(zone), -left[block], hours)

        for e in self.entries():
            yield from expire(e.at)
            base, last = e.base, e.last_day
            credit_after = billed = None
            if base in BALANCE_KINDS and e.hours is not None:
                if last is None or e.at < end_of(last):  # an expired block's hours do not count any more
                    hours += e.hours
                    if e.block_key in left:
                        left[e.block_key] += e.hours
            elif base in BALANCE_KINDS and e.amount is not None:
                credit[e.currency] = credit_after = credit.get(e.currency, ZERO) + e.amount
            elif base in BILLED_KINDS and e.amount is not None:
                billed = e.amount
            yield Line(
                entry=e.id,
                at=e.at.astimezone(zone),
                kind=e.kind,
                what=words.what(e),
                case=e.case__number or "",
                service_type=e.service_type,
                rate=e.rate__name or "",
                count=e.grace_calls,
                hours=e.hours,
                amount=e.amount,
                currency=e.currency,
                hours_balance=hours,
                credit_balance=credit_after,
                billed=billed,
                corrects=e.corrects_id,
                note=e.note,
            )
        yield from expire(self.until)


def _expiry(block: int, last: date, at: datetime, hours: Decimal, balance: Decimal) -> Line:
    what = gettext("hour block #%(block)s expired (last day %(last)s)") % {"block": block, "last": f"{last:%Y-%m-%d}"}
    return Line(
        entry=block, at=at, kind=EXPIRY, what=what, case="", service_type="", rate="", count=0, hours=hours,
        amount=None, currency="", hours_balance=balance, credit_balance=None, billed=None, corrects=None, note="",
    )  # fmt: skip


class _Words:
    """The kinds in words, and the words of corrections and deductions, translated once per statement."""

    def __init__(self) -> None:
        self.kinds = {kind: kind_words(kind) for kind in Kind.values}
        self.block, self.credit = pgettext("ledger", "hour block bought"), pgettext("ledger", "credit bought")
        self.correction = gettext("correction of #%(entry)s")
        self.deduction = gettext("PPI #%(ppi)s deducted from the block #%(block)s")

    def what(self, e: Row) -> str:
        if e.kind == Kind.CORRECTION:
            return self.correction % {"entry": e.corrects_id}
        if e.kind == Kind.PPI_DEDUCTION:
            return self.deduction % {"ppi": e.corrects_id, "block": e.block_id}
        if e.kind == Kind.PURCHASE:
            return self.block if e.hours is not None else self.credit
        return self.kinds.get(e.kind, e.kind)


def _entries(company: Company, contract: Contract | None, as_of_entry: int) -> QuerySet[LedgerEntry]:
    qs = LedgerEntry.objects.filter(company=company, id__lte=as_of_entry)
    return qs if contract is None else qs.filter(contract=contract)


def home_zone(company: Company, now: datetime | None = None) -> str:
    """The zone the company's desk counts its days in (the policy in force now)."""
    return preset_of(version_in_force(company.desk, now or timezone.now())).policy.home_zone


def statement(company: Company, start: date, end: date, *, contract: Contract | None = None) -> Statement:
    """The statement of a company (or of one of its contracts) for the days start..end in the desk's home zone."""
    if contract is not None and contract.company_id != company.pk:
        raise ValueError(f"contract {contract.pk} is not {company.name}'s")
    if end < start:
        raise PeriodError(gettext("The period ends before it starts."))
    zone = home_zone(company)
    since, until = midnight(start, zone), midnight(end + timedelta(days=1), zone)
    newest = LedgerEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rows = (
        _entries(company, contract, newest)
        .filter(at__lt=until)
        .annotate(base=_base_kind(), last_day=_last_day())
        .values("base", "currency")
        .annotate(
            hours_before=Sum("hours", filter=Q(at__lt=since) & _usable_after(start - timedelta(days=1))),
            hours_all=Sum("hours", filter=_usable_after(end)),
            credit_before=Sum("amount", filter=Q(at__lt=since, hours__isnull=True)),
            credit_all=Sum("amount", filter=Q(hours__isnull=True)),
            amount_in=Sum("amount", filter=Q(at__gte=since)),
            count_in=Sum("count", filter=Q(at__gte=since)),
        )
        .order_by()
    )
    opening_hours = closing_hours = ZERO
    opening_credit: dict[str, Decimal] = {}
    closing_credit: dict[str, Decimal] = {}
    billed: dict[str, Decimal] = {}
    bought: dict[str, Decimal] = {}
    grace_calls = 0
    for row in rows:
        base, currency = row["base"], row["currency"]
        if base in BALANCE_KINDS:
            opening_hours += row["hours_before"] or ZERO
            closing_hours += row["hours_all"] or ZERO
            if row["credit_all"] is not None:
                opening_credit[currency] = opening_credit.get(currency, ZERO) + (row["credit_before"] or ZERO)
                closing_credit[currency] = closing_credit.get(currency, ZERO) + row["credit_all"]
        if base in BILLED_KINDS and row["amount_in"] is not None:
            billed[currency] = billed.get(currency, ZERO) + row["amount_in"]
        if base == Kind.PURCHASE and row["amount_in"] is not None:
            bought[currency] = bought.get(currency, ZERO) + row["amount_in"]
        if base == Kind.GRACE_CALL:
            grace_calls += row["count_in"] or 0
    count = _entries(company, contract, newest).filter(at__gte=since, at__lt=until).count()
    # blocks whose last day falls in the period, with their hours before it (each expires on a line of its own)
    ending = _entries(company, contract, newest).filter(BLOCK, at__lt=until, expires_on__gte=start, expires_on__lte=end)
    expiring = {block: (last, ZERO) for block, last in ending.values_list("id", "expires_on") if last is not None}
    if expiring:
        before = (
            _entries(company, contract, newest)
            .filter(at__lt=since, hours__isnull=False)
            .annotate(block_key=_block_id())
            .filter(block_key__in=list(expiring))
            .values("block_key")
            .annotate(total=Sum("hours"))
            .order_by()
        )
        for group in before:
            block = group["block_key"]
            expiring[block] = (expiring[block][0], group["total"] or ZERO)
    return Statement(
        company=company,
        contract=contract,
        start=start,
        end=end,
        zone=zone,
        as_of_entry=newest,
        opening=Balances(opening_hours, opening_credit),
        closing=Balances(closing_hours, closing_credit),
        billed=billed,
        bought=bought,
        grace_calls=grace_calls,
        count=count,
        expiring=expiring,
    )


def previous_month(today: date) -> tuple[date, date]:
    """The calendar month before `today`'s: the default period."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def period(values: Mapping[str, str], today: date) -> tuple[date, date]:
    """`from` and `to` (YYYY-MM-DD, both included) of a request; the previous month when both are missing."""
    raw_start, raw_end = (values.get("from") or "").strip(), (values.get("to") or "").strip()
    if not raw_start and not raw_end:
        return previous_month(today)
    days = []
    for name, raw in (("from", raw_start), ("to", raw_end)):
        try:
            if len(raw) != 10:
                raise ValueError(raw)
            days.append(date.fromisoformat(raw))
        except ValueError:
            message = gettext("“%(value)s” is not a date for “%(name)s”: write it as YYYY-MM-DD, e.g. 2026-11-30.")
            raise PeriodError(message % {"value": raw[:20], "name": name}) from None
    start, end = days
    if end < start:
        raise PeriodError(
            gettext("The period ends (%(end)s) before it starts (%(start)s).") % {"start": start, "end": end}
        )
    if (end - start).days >= MAX_DAYS:
        raise PeriodError(gettext("A statement covers at most three years: ask for a shorter period."))
    return start, end
