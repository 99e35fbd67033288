"""DYTRON's levels and rate cards (POLICIES section 3, 0.13, 0.22; issue 15 "DYTRON levels and individual
contracts", "Money"), each expectation read off the text: ALC is included in the annual maintenance fee (time is
recorded, nothing billed); PAY is paid on demand at a fixed rate per service type, hourly or flat; SBP is credit
bought up front and drawn down per service at better hourly rates, never below zero without an overdraft; an SLA
contract fixes its own rates, which win over the desk's; each contract and rate card carries its currency (CZK).

Rates (the desk's own data, not the policy's): training 1,800 CZK/h for anyone, 1,500 at PAY, 1,200 at SBP; a
technician on site 5,000 CZK flat; the SLA customer's own contract: training at 1,000 CZK/h.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from casedesk.accounts.models import Contact, Contract
from casedesk.cases import services
from casedesk.cases.models import Case
from casedesk.contracts import ledger
from casedesk.contracts.models import LedgerEntry, RateCard
from casedesk.desks.models import Desk, Membership
from tests.cases.factories import customer, desk, staff

PRAGUE = ZoneInfo("Europe/Prague")
D = Decimal


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, 0, tzinfo=PRAGUE)


@pytest.fixture
def dy() -> Desk:
    d = desk("dytron")
    Membership.objects.create(desk=d, user=staff("bob"), role=Membership.Role.AGENT)
    for tier, price in (("", "1800"), ("PAY", "1500"), ("SBP", "1200")):
        RateCard.objects.create(
            desk=d, tier=tier, service_type="training", name=f"Training {tier}".strip(), price=D(price), currency="CZK"
        )
    RateCard.objects.create(
        desk=d, service_type="on_site", name="Technician on site", unit="flat", price=D("5000"), currency="CZK"
    )
    return d


def client_of(dy: Desk, tier: str, *, overdraft: str = "0") -> tuple[Contact, Contract]:
    targets = {"urgent": {"response": "4h"}} if tier == "SLA" else None
    alice, contract = customer(dy, country="CZ", zone="Europe/Prague", tier=tier, targets=targets)
    Contract.objects.filter(pk=contract.pk).update(currency="CZK", overdraft_credit=D(overdraft))
    contract.refresh_from_db()
    return alice, contract


def case_of(dy: Desk, alice: Contact, contract: Contract) -> Case:
    return services.open_case(
        dy, requester=alice, contract=contract, subject="Training on macros", at=at(2026, 6, 1, 9)
    )


def log(case: Case, hours: str, service: str = "training", when: datetime | None = None) -> Case:
    bob = case.desk.members.get(user__username="bob").user
    return services.log_time(case, hours, service, actor=bob, at=when or at(2026, 6, 1, 11))


@pytest.mark.django_db
def test_sbp_credit_is_drawn_at_the_sbp_rate_and_never_below_zero(dy: Desk) -> None:
    alice, contract = client_of(dy, "SBP")
    ledger.purchase_credit(contract, "10000", "CZK", at=at(2026, 5, 1))
    case = log(case_of(dy, alice, contract), "2.5")  # 2.5 h x 1,200 CZK
    drawn = LedgerEntry.objects.get(kind="drawdown")
    assert (drawn.amount, drawn.hours, drawn.currency, drawn.rate.name) == (D("-3000.00"), None, "CZK", "Training SBP")
    assert case.events.get(kind="time_logged").data["hours"] == "2.50"  # the hours worked: on the event
    log(case, "1", "on_site", at(2026, 6, 1, 12))  # flat: the price whatever the hours
    assert ledger.credit_left(contract) == D("2000.00")
    with pytest.raises(ledger.Overdraw, match=re.escape("not enough credit: 2000.00 CZK left, 2400.00 CZK asked")):
        log(case, "2", when=at(2026, 6, 1, 13))
    assert ledger.credit_left(contract) == D("2000.00") and case.events.filter(kind="time_logged").count() == 2
    assert ledger.balance(contract, date(2026, 6, 1)).hours_left is None  # no hour blocks on an SBP contract


@pytest.mark.django_db
def test_an_sbp_overdraft_lets_credit_go_below_zero_as_far_as_allowed(dy: Desk) -> None:
    alice, contract = client_of(dy, "SBP", overdraft="1000")
    ledger.purchase_credit(contract, "2000", "CZK", at=at(2026, 5, 1))
    case = log(case_of(dy, alice, contract), "2.5")  # 3,000 CZK: 1,000 into the overdraft
    assert ledger.credit_left(contract) == D("-1000.00")
    with pytest.raises(services.CaseError, match="not enough credit"):
        log(case, "0.5", when=at(2026, 6, 1, 12))


@pytest.mark.django_db
def test_pay_is_charged_at_the_pay_rate_with_no_balance(dy: Desk) -> None:
    alice, contract = client_of(dy, "PAY")
    log(case_of(dy, alice, contract), "2.5")
    charge = LedgerEntry.objects.get()
    assert (charge.kind, charge.amount, charge.currency, charge.rate.name) == (
        "charge",
        D("3750.00"),
        "CZK",
        "Training PAY",
    )
    assert ledger.balance(contract, date(2026, 6, 1)).credit_left is None


@pytest.mark.django_db
def test_an_sla_contracts_own_rate_wins_over_the_desks(dy: Desk) -> None:
    alice, contract = client_of(dy, "SLA")
    RateCard.objects.create(
        desk=dy, contract=contract, service_type="training", name="Training (contract)", price=D("1000"), currency="CZK"
    )
    case = log(case_of(dy, alice, contract), "3")
    charge = LedgerEntry.objects.get()
    assert (charge.kind, charge.amount, charge.rate.name) == ("charge", D("3000.00"), "Training (contract)")
    log(case, "2", "on_site", at(2026, 6, 1, 12))  # no own rate for it: the desk's any-tier rate
    assert LedgerEntry.objects.latest("id").amount == D("5000.00")


@pytest.mark.django_db
def test_another_contracts_own_rate_is_not_used(dy: Desk) -> None:
    alice, contract = client_of(dy, "PAY")
    other = Contract.objects.create(
        desk=dy, company=contract.company, tier="SLA", starts_on=date(2025, 1, 1), ends_on=date(2027, 12, 31),
        targets={"urgent": {"response": "4h"}}, currency="CZK",
    )  # fmt: skip
    RateCard.objects.create(
        desk=dy, contract=other, service_type="training", name="Cheap", price=D("1"), currency="CZK"
    )
    log(case_of(dy, alice, contract), "1")
    assert LedgerEntry.objects.get().amount == D("1500.00")


@pytest.mark.django_db
def test_alc_time_is_included_an_event_and_no_money(dy: Desk) -> None:
    alice, contract = client_of(dy, "ALC")
    case = log(case_of(dy, alice, contract), "0.75", service="included")
    assert case.events.get(kind="time_logged").data["billing"] == "included"
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_a_rate_card_in_another_currency_is_refused(dy: Desk) -> None:
    alice, contract = client_of(dy, "PAY")
    RateCard.objects.create(desk=dy, tier="PAY", service_type="macros", name="Macros", price=D("60"), currency="EUR")
    case = case_of(dy, alice, contract)
    with pytest.raises(
        services.CaseError, match="currency mismatch: the rate card Macros is in EUR, the contract in CZK"
    ):
        log(case, "1", "macros")
    assert not LedgerEntry.objects.exists() and not case.events.filter(kind="time_logged").exists()


@pytest.mark.django_db
def test_a_contract_not_valid_on_the_day_is_refused(dy: Desk) -> None:
    alice, contract = client_of(dy, "PAY")
    case = case_of(dy, alice, contract)
    Contract.objects.filter(pk=contract.pk).update(ends_on=date(2026, 5, 31))
    with pytest.raises(
        services.CaseError, match="the contract is not valid on 2026-06-01: it ran 2025-01-01 to 2026-05-31"
    ):
        log(case, "1")


@pytest.mark.django_db
def test_the_applicable_rates_one_per_service_type(dy: Desk) -> None:
    _, sbp = client_of(dy, "SBP")
    rates = ledger.rates_for(dy, sbp)
    assert {k: (r.price, r.unit) for k, r in rates.items()} == {
        "on_site": (D("5000.00"), "flat"),
        "training": (D("1200.00"), "hour"),
    }
    assert ledger.rates_for(dy, None)["training"].price == D("1800.00")  # no contract: the any-tier rate


@pytest.mark.django_db
def test_a_credit_purchase_corrected_never_takes_the_credit_below_zero(dy: Desk) -> None:
    alice, contract = client_of(dy, "SBP")
    bought = ledger.purchase_credit(contract, "5000", "CZK", at=at(2026, 5, 1))
    log(case_of(dy, alice, contract), "2.5")  # 3,000 CZK drawn
    with pytest.raises(ledger.Overdraw, match=re.escape("the credit left (2000.00 CZK) cannot go below zero")):
        ledger.correct(bought, at=at(2026, 6, 2))
    fix = ledger.correct(bought, amount="2000", at=at(2026, 6, 2), note="bought 3,000, not 5,000")
    assert (fix.amount, fix.hours, fix.corrects) == (D("-2000.00"), None, bought)
    assert ledger.credit_left(contract) == D("0.00")
