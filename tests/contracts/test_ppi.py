"""Solidxperts pay per incident (POLICIES section 4 and 0.14), each expectation read off the text: a fixed price
charged when a case is opened as PPI; when the customer buys a block of hours within 30 days after the incident
(day 30 included), the deduction is offered and applied when the agent or the customer confirms it; never after
day 30. Days are calendar days in the desk's home zone (America/Toronto). Reading of "never after day 30": the
confirmation itself must come by day 30, so a block bought on day 29 and confirmed on day 31 is refused.

The PPI rate card (the desk's own data): 250 CAD flat. alice's company (contract in CAD) has an incident on
1 June 2026: day 30 is 1 July 2026.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from casedesk.accounts.models import Contact, Contract
from casedesk.cases import services
from casedesk.cases.models import Case
from casedesk.contracts import ledger, ppi
from casedesk.contracts.models import LedgerEntry, RateCard
from casedesk.desks.models import Desk, Membership
from tests.cases.factories import customer, desk, staff

TORONTO = ZoneInfo("America/Toronto")
D = Decimal


def at(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=TORONTO)


@pytest.fixture
def sx() -> Desk:
    d = desk("solidxperts")
    Membership.objects.create(desk=d, user=staff("bob"), role=Membership.Role.AGENT)
    RateCard.objects.create(
        desk=d, service_type="ppi", name="Pay per incident", unit="flat", price=D("250"), currency="CAD"
    )
    return d


@pytest.fixture
def world(sx: Desk) -> tuple[Contact, Contract]:
    alice, contract = customer(sx, country="CA", zone="America/Toronto", tier="subscription")
    Contract.objects.filter(pk=contract.pk).update(currency="CAD")
    contract.refresh_from_db()
    return alice, contract


def incident(sx: Desk, alice: Contact, contract: Contract, when: datetime) -> tuple[Case, LedgerEntry]:
    case = services.open_case(sx, requester=alice, contract=contract, subject="Quick fix", at=when)
    services.charge_incident(case, actor=sx.members.get(user__username="bob").user, at=when)
    return case, LedgerEntry.objects.get(case=case, kind="ppi")


@pytest.mark.django_db
def test_a_ppi_is_the_fixed_price_charged_once_per_case(sx: Desk, world: tuple[Contact, Contract]) -> None:
    alice, contract = world
    case, charged = incident(sx, alice, contract, at(2026, 6, 1))
    assert (charged.amount, charged.currency, charged.contract, charged.rate.name) == (
        D("250.00"),
        "CAD",
        contract,
        "Pay per incident",
    )
    assert charged.event == case.events.get(kind="ppi_charged") and charged.event.data == {"amount": "250.00 CAD"}
    with pytest.raises(services.CaseError, match="already charged as pay per incident"):
        services.charge_incident(case, at=at(2026, 6, 1, 11))
    assert LedgerEntry.objects.filter(kind="ppi").count() == 1


@pytest.mark.django_db
def test_a_block_bought_on_day_30_is_offered_and_deducted_on_confirmation(
    sx: Desk, world: tuple[Contact, Contract]
) -> None:
    alice, contract = world
    case, charged = incident(sx, alice, contract, at(2026, 6, 1))
    block = ledger.purchase_hours(contract, "10", price="1400", at=at(2026, 7, 1, 16))  # day 30
    [offer] = ppi.offers(alice.company, at(2026, 7, 1, 17))
    assert (offer.ppi, offer.block, str(offer.last_day)) == (charged, block, "2026-07-01")
    assert not LedgerEntry.objects.filter(kind="ppi_deduction").exists()  # offered, not applied
    deduction = services.apply_ppi_deduction(charged, block, actor=alice.user, at=at(2026, 7, 1, 17))
    assert (deduction.amount, deduction.block, deduction.corrects, deduction.case) == (
        D("-250.00"),
        block,
        charged,
        case,
    )
    assert deduction.event == case.events.get(kind="ppi_deducted")
    assert ledger.hours_left(contract, at(2026, 7, 1).date()) == D("10.00")  # money off the block, hours unchanged
    assert ppi.offers(alice.company, at(2026, 7, 1, 18)) == []


@pytest.mark.django_db
def test_a_block_bought_on_day_31_is_not_offered_and_refused(sx: Desk, world: tuple[Contact, Contract]) -> None:
    alice, contract = world
    _, charged = incident(sx, alice, contract, at(2026, 6, 1))
    block = ledger.purchase_hours(contract, "10", at=at(2026, 7, 2, 9))  # day 31
    assert ppi.offers(alice.company, at(2026, 7, 2, 10)) == []
    words = "was not bought within 30 days after the PPI of 2026-06-01 (2026-06-01 to 2026-07-01)"
    with pytest.raises(services.CaseError, match=re.escape(words)):
        services.apply_ppi_deduction(charged, block, at=at(2026, 7, 1, 10))


@pytest.mark.django_db
def test_a_block_bought_on_day_29_but_confirmed_on_day_31_is_refused_naming_the_last_day(
    sx: Desk, world: tuple[Contact, Contract]
) -> None:
    alice, contract = world
    _, charged = incident(sx, alice, contract, at(2026, 6, 1))
    block = ledger.purchase_hours(contract, "10", at=at(2026, 6, 30))  # day 29
    assert len(ppi.offers(alice.company, at(2026, 7, 1, 23, 59))) == 1  # still offered on day 30
    assert ppi.offers(alice.company, at(2026, 7, 2, 0, 0)) == []  # gone at 00:00 of day 31, Toronto time
    with pytest.raises(services.CaseError, match=re.escape("could be deducted until 2026-07-01 (day 30), never after")):
        services.apply_ppi_deduction(charged, block, at=at(2026, 7, 2, 9))
    assert not LedgerEntry.objects.filter(kind="ppi_deduction").exists()


@pytest.mark.django_db
def test_days_are_counted_in_the_desks_home_zone(sx: Desk, world: tuple[Contact, Contract]) -> None:
    """A PPI at 23:30 on 1 June in Toronto is 2 June in UTC; a block at 22:00 on 1 July Toronto (2 July UTC) is
    still day 30."""
    alice, contract = world
    _, charged = incident(sx, alice, contract, at(2026, 6, 1, 23, 30))
    block = ledger.purchase_hours(contract, "10", at=at(2026, 7, 1, 22))
    services.apply_ppi_deduction(charged, block, at=at(2026, 7, 1, 23))
    assert LedgerEntry.objects.filter(kind="ppi_deduction").count() == 1


@pytest.mark.django_db
def test_never_twice_and_never_from_a_block_bought_before(sx: Desk, world: tuple[Contact, Contract]) -> None:
    alice, contract = world
    earlier = ledger.purchase_hours(contract, "5", at=at(2026, 5, 31))
    _, charged = incident(sx, alice, contract, at(2026, 6, 1))
    assert ppi.offers(alice.company, at(2026, 6, 2)) == []  # the only block was bought before the incident
    with pytest.raises(services.CaseError, match="was not bought within 30 days after the PPI"):
        services.apply_ppi_deduction(charged, earlier, at=at(2026, 6, 2))
    first = ledger.purchase_hours(contract, "10", at=at(2026, 6, 10))
    second = ledger.purchase_hours(contract, "10", at=at(2026, 6, 11))
    services.apply_ppi_deduction(charged, first, at=at(2026, 6, 12))
    for block in (first, second):
        with pytest.raises(services.CaseError, match="was already deducted from a block"):
            services.apply_ppi_deduction(charged, block, at=at(2026, 6, 12, 11))
    assert LedgerEntry.objects.filter(kind="ppi_deduction").count() == 1
    # The deduction corrected away: the PPI may be deducted again (once).
    ledger.correct(LedgerEntry.objects.get(kind="ppi_deduction"), at=at(2026, 6, 13))
    services.apply_ppi_deduction(charged, second, at=at(2026, 6, 14))
    assert ppi.deducted(charged)


@pytest.mark.django_db
def test_a_desk_without_ppi_refuses_it() -> None:
    dy = desk("dytron")
    RateCard.objects.create(desk=dy, service_type="ppi", name="PPI", unit="flat", price=D("1"), currency="CZK")
    alice, contract = customer(dy, country="CZ", zone="Europe/Prague", tier="PAY")
    case = services.open_case(dy, requester=alice, contract=contract, subject="x", at=at(2026, 6, 1))
    with pytest.raises(services.CaseError, match="this desk's policy has no pay per incident"):
        services.charge_incident(case, at=at(2026, 6, 1, 11))
