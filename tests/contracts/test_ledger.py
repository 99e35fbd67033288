"""Prepaid hours (issue 15 "Prepaid hours and credit", POLICIES section 4 and 0.13), each expectation read off
the text: hour blocks as an append-only ledger of purchases, drawdowns and corrections (a correction is a new
entry, never an edit); agents log time on a case by service type; no negative balance unless the contract allows
an overdraft; concurrent drawdowns never overspend (10 h block, two 6 h drawdowns at once: one refused, the ledger
says 4 h); bad input (negative hours, an unknown service type, an expired block, a currency mismatch) gets a clear
error and changes nothing.

alice works at a Quebec customer of Solidxperts (contract in CAD); bob is the agent, carol the manager.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from casedesk.accounts.models import Contact, Contract
from casedesk.cases import services
from casedesk.cases.models import Case, CaseEvent
from casedesk.contracts import ledger
from casedesk.contracts.models import LedgerEntry, RateCard
from casedesk.desks.models import Desk, Membership
from tests.cases.factories import customer, desk, staff
from tests.cases.test_concurrency import _together

TORONTO = ZoneInfo("America/Toronto")
D = Decimal


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, 0, tzinfo=TORONTO)


@pytest.fixture
def sx() -> Desk:
    d = desk("solidxperts")
    Membership.objects.create(desk=d, user=staff("bob"), role=Membership.Role.AGENT)
    Membership.objects.create(desk=d, user=staff("carol"), role=Membership.Role.SUPPORT_MANAGER)
    RateCard.objects.create(desk=d, service_type="configuration", name="Configuration", price=D("150"), currency="CAD")
    return d


def subscriber(sx: Desk, *, overdraft: str = "0") -> tuple[Contact, Contract]:
    alice, contract = customer(sx, country="CA", zone="America/Toronto", tier="subscription")
    Contract.objects.filter(pk=contract.pk).update(currency="CAD", overdraft_hours=D(overdraft))
    contract.refresh_from_db()
    return alice, contract


def case_of(sx: Desk, alice: Contact, contract: Contract, when: datetime | None = None) -> Case:
    when = when or at(2026, 6, 1, 9)
    return services.open_case(sx, requester=alice, contract=contract, subject="Configure the toolbox", at=when)


def bob(sx: Desk):  # type: ignore[no-untyped-def]
    return sx.members.get(user__username="bob").user


def log(case: Case, hours: str, when: datetime | None = None, service: str = "configuration") -> Case:
    when = when or at(2026, 6, 1, 11)
    return services.log_time(case, hours, service, actor=bob(case.desk), at=when, note="toolbox set up")


@pytest.mark.django_db
def test_time_on_a_case_is_drawn_from_the_block_and_names_its_event(sx: Desk) -> None:
    alice, contract = subscriber(sx)
    block = ledger.purchase_hours(contract, "10", price="1400.00", at=at(2026, 5, 20), note="PO 17")
    case = log(case_of(sx, alice, contract), "2.5")
    drawn = LedgerEntry.objects.get(kind="drawdown")
    event = case.events.get(kind="time_logged")
    assert (drawn.hours, drawn.amount, drawn.block, drawn.case, drawn.event) == (D("-2.50"), None, block, case, event)
    assert (drawn.service_type, drawn.rate.name, drawn.note) == ("configuration", "Configuration", "toolbox set up")
    assert event.data["hours"] == "2.50" and event.data["billing"] == "hours"
    assert ledger.hours_left(contract, date(2026, 6, 1)) == D("7.50")
    assert (block.amount, block.currency) == (D("1400.00"), "CAD")  # the price billed, never credit
    assert ledger.balance(contract, date(2026, 6, 1)).credit_left is None


@pytest.mark.django_db
def test_time_is_taken_from_the_oldest_block_first_and_split_across_blocks(sx: Desk) -> None:
    alice, contract = subscriber(sx)
    old = ledger.purchase_hours(contract, "3", at=at(2026, 5, 1))
    new = ledger.purchase_hours(contract, "10", at=at(2026, 5, 20))
    log(case_of(sx, alice, contract), "5")
    rows = list(LedgerEntry.objects.filter(kind="drawdown").values_list("block_id", "hours").order_by("id"))
    assert rows == [(old.pk, D("-3.00")), (new.pk, D("-2.00"))]
    assert ledger.hours_left(contract, date(2026, 6, 1)) == D("8.00")


@pytest.mark.django_db
def test_no_negative_balance_without_an_overdraft_and_nothing_changes(sx: Desk) -> None:
    alice, contract = subscriber(sx)
    ledger.purchase_hours(contract, "4", at=at(2026, 5, 1))
    case = case_of(sx, alice, contract)
    with pytest.raises(
        services.CaseError, match=re.escape("not enough hours: 4.00 h left, 5.00 h asked, no overdraft")
    ):
        log(case, "5")
    assert not case.events.filter(kind="time_logged").exists()
    assert LedgerEntry.objects.filter(kind="drawdown").count() == 0


@pytest.mark.django_db
def test_an_overdraft_lets_the_balance_go_below_zero_as_far_as_the_contract_allows(sx: Desk) -> None:
    alice, contract = subscriber(sx, overdraft="2")
    block = ledger.purchase_hours(contract, "4", at=at(2026, 5, 1))
    case = log(case_of(sx, alice, contract), "5")
    rows = list(LedgerEntry.objects.filter(kind="drawdown").values_list("block_id", "hours").order_by("id"))
    assert rows == [(block.pk, D("-4.00")), (None, D("-1.00"))]  # the hour beyond every block: the overdraft
    assert ledger.hours_left(contract, date(2026, 6, 1)) == D("-1.00")
    with pytest.raises(services.CaseError, match=re.escape("2.00 h of overdraft allowed, 1.50 h asked")):
        log(case, "1.5", at(2026, 6, 1, 12))
    log(case, "1", at(2026, 6, 1, 13))
    assert ledger.hours_left(contract, date(2026, 6, 1)) == D("-2.00")
    ledger.purchase_hours(contract, "10", at=at(2026, 6, 2))  # the next block pays the overdraft back
    assert ledger.hours_left(contract, date(2026, 6, 2)) == D("8.00")


@pytest.mark.django_db
def test_a_correction_is_a_new_entry_and_the_balance_follows(sx: Desk) -> None:
    alice, contract = subscriber(sx)
    carol = sx.members.get(user__username="carol").user
    block = ledger.purchase_hours(contract, "10", at=at(2026, 5, 1))
    log(case_of(sx, alice, contract), "6")  # 4 h were worked, not 6
    drawn = LedgerEntry.objects.get(kind="drawdown")
    fix = ledger.correct(drawn, hours="2", actor=carol, at=at(2026, 6, 2), note="4 h, not 6")
    assert (fix.kind, fix.hours, fix.corrects, fix.block, fix.case) == (
        "correction",
        D("2.00"),
        drawn,
        block,
        drawn.case,
    )
    drawn.refresh_from_db()
    assert drawn.hours == D("-6.00")  # never edited
    assert ledger.hours_left(contract, date(2026, 6, 2)) == D("6.00")
    with pytest.raises(ledger.LedgerError, match=re.escape("at most 4.00 can be corrected")):
        ledger.correct(drawn, hours="5", actor=carol, at=at(2026, 6, 2))
    ledger.correct(drawn, actor=carol, at=at(2026, 6, 3))  # the rest of it: the whole drawdown taken back
    assert ledger.hours_left(contract, date(2026, 6, 3)) == D("10.00")
    with pytest.raises(ledger.LedgerError, match=re.escape("already corrected in full")):
        ledger.correct(drawn, actor=carol, at=at(2026, 6, 3))
    # A purchase corrected: only its unused hours, and the block's price with it when corrected in full.
    log(case_of(sx, alice, contract), "3", at(2026, 6, 4, 11))
    with pytest.raises(ledger.LedgerError, match=re.escape("only 7.00 h of this block are unused")):
        ledger.correct(block, actor=carol, at=at(2026, 6, 4, 12))
    ledger.correct(block, hours="7", actor=carol, at=at(2026, 6, 4, 12))
    assert ledger.hours_left(contract, date(2026, 6, 4)) == D("0.00")
    assert LedgerEntry.objects.count() == 6 and LedgerEntry.objects.filter(kind="correction").count() == 3


@pytest.mark.django_db
def test_an_expired_block_does_not_count_and_its_expiry_is_named(sx: Desk) -> None:
    alice, contract = subscriber(sx)
    ledger.purchase_hours(contract, "10", expires_on=date(2026, 6, 30), at=at(2026, 1, 5))
    case = case_of(sx, alice, contract)
    log(case, "1", at(2026, 6, 30, 16))  # its last day: still usable
    assert ledger.hours_left(contract, date(2026, 6, 30)) == D("9.00")
    assert ledger.hours_left(contract, date(2026, 7, 1)) == D("0.00")
    with pytest.raises(
        services.CaseError, match=re.escape("the block of 10.00 h bought 2026-01-05 expired on 2026-06-30")
    ):
        log(case, "1", at(2026, 7, 1, 9))
    assert case.events.filter(kind="time_logged").count() == 1
    with pytest.raises(
        ledger.LedgerError, match=re.escape("already be expired: its last day 2026-06-30 is before 2026-07-01")
    ):
        ledger.purchase_hours(contract, "5", expires_on=date(2026, 6, 30), at=at(2026, 7, 1))
    assert ledger.blocks(contract).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("hours", "words"),
    [
        ("-2", "hours must be more than zero"),
        ("0", "hours must be more than zero"),
        ("1.234", "hours take at most 2 decimals"),
        ("two", "hours must be a number"),
        (1.5, "not a float"),
    ],
)
def test_bad_hours_are_refused_and_change_nothing(sx: Desk, hours: object, words: str) -> None:
    alice, contract = subscriber(sx)
    ledger.purchase_hours(contract, "10", at=at(2026, 5, 1))
    case = case_of(sx, alice, contract)
    with pytest.raises(services.CaseError, match=words):
        services.log_time(case, hours, "configuration", actor=bob(sx), at=at(2026, 6, 1, 11))
    with pytest.raises(ledger.LedgerError, match=words):
        ledger.purchase_hours(contract, hours, at=at(2026, 6, 1))
    assert LedgerEntry.objects.count() == 1 and not CaseEvent.objects.filter(kind="time_logged").exists()


@pytest.mark.django_db
def test_an_unknown_or_inactive_service_type_is_refused_with_the_known_ones(sx: Desk) -> None:
    alice, contract = subscriber(sx)
    ledger.purchase_hours(contract, "10", at=at(2026, 5, 1))
    RateCard.objects.create(
        desk=sx, service_type="migration", name="Migration", price=D("170"), currency="CAD", active=False
    )
    case = case_of(sx, alice, contract)
    with pytest.raises(
        services.CaseError,
        match=re.escape("unknown service type 'juggling' on this desk (its rate cards: configuration)"),
    ):
        log(case, "1", service="juggling")
    with pytest.raises(services.CaseError, match=re.escape("the rate card for 'migration' is no longer active")):
        log(case, "1", service="migration")
    assert LedgerEntry.objects.count() == 1


@pytest.mark.django_db
def test_purchases_need_a_valid_contract_and_its_own_currency(sx: Desk) -> None:
    _, contract = subscriber(sx)  # valid 2025-01-01 to 2027-12-31
    with pytest.raises(ledger.LedgerError, match=re.escape("not valid on 2028-01-03: it ran 2025-01-01 to 2027-12-31")):
        ledger.purchase_hours(contract, "10", at=at(2028, 1, 3))
    with pytest.raises(
        ledger.LedgerError, match=re.escape("currency mismatch: the credit is in EUR, the contract in CAD")
    ):
        ledger.purchase_credit(contract, "500", "EUR", at=at(2026, 6, 1))
    assert not LedgerEntry.objects.exists()
    credit = ledger.purchase_credit(contract, "500.00", "CAD", at=at(2026, 6, 1))
    assert (credit.amount, credit.hours, credit.currency) == (D("500.00"), None, "CAD")
    assert ledger.balance(contract, date(2026, 6, 1)).credit_left == D("500.00")


@pytest.mark.django_db
def test_time_without_a_block_is_charged_at_the_rate_card(sx: Desk) -> None:
    """Solidxperts Technical Services: billed hourly (or flat) when the customer holds no block of hours."""
    alice, contract = subscriber(sx)
    log(case_of(sx, alice, contract), "1.5")
    charge = LedgerEntry.objects.get()
    assert (charge.kind, charge.amount, charge.currency, charge.hours) == ("charge", D("225.00"), "CAD", None)


@pytest.mark.skipif(connection.vendor == "sqlite", reason="threads need a server database: the PostgreSQL pass")
@pytest.mark.django_db(transaction=True)
def test_two_six_hour_drawdowns_at_once_on_a_ten_hour_block_one_is_refused(sx: Desk) -> None:
    alice, contract = subscriber(sx)
    ledger.purchase_hours(contract, "10", at=at(2026, 5, 1))
    a, b = (case_of(sx, alice, contract, at(2026, 6, 1, h)) for h in (9, 10))
    errors = _together(lambda: log(a, "6", at(2026, 6, 1, 11)), lambda: log(b, "6", at(2026, 6, 1, 11)))
    assert len(errors) == 1 and isinstance(errors[0], ledger.Overdraw), errors
    assert "not enough hours: 4.00 h left, 6.00 h asked" in str(errors[0])
    assert ledger.hours_left(contract, date(2026, 6, 1)) == D("4.00")
    assert LedgerEntry.objects.filter(kind="drawdown").count() == 1
    assert CaseEvent.objects.filter(kind="time_logged").count() == 1


@pytest.mark.django_db
def test_time_billed_without_a_case_and_credit_corrected(sx: Desk) -> None:
    """ledger.drawdown: time billed to the contract outside any case (the API's ledger call without a case)."""
    _, contract = subscriber(sx)
    ledger.purchase_hours(contract, "10", expires_on=date(2026, 12, 31), at=at(2026, 5, 1))
    [drawn] = ledger.drawdown(contract, "2", "configuration", at=at(2026, 6, 1), note="phone session")
    assert (drawn.hours, drawn.case, drawn.event, drawn.note) == (D("-2.00"), None, None, "phone session")
    credit = ledger.purchase_credit(contract, "300", "CAD", at=at(2026, 6, 1))
    assert ledger.balance(contract, date(2026, 6, 1)).hours_left == D("8.00")
    # The credit is not used by time on this contract (it holds blocks): correcting it takes it back in full,
    # but never below zero.
    ledger.correct(credit, amount="100", at=at(2026, 6, 2))
    assert ledger.credit_left(contract) == D("200.00")
    with pytest.raises(ledger.LedgerError, match=re.escape("at most 200.00 can be corrected")):
        ledger.correct(credit, amount="250", at=at(2026, 6, 2))
    ledger.correct(credit, at=at(2026, 6, 3))
    assert ledger.credit_left(contract) == D("0.00")
    assert ledger.balance(contract, date(2027, 1, 1)).expired[0].hours == D("10.00")  # lapsed with 8 h unused
