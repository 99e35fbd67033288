"""Solidxperts grace calls (POLICIES section 4 and 0.14), every expectation read off the policy text:
1-5 active seats give 1 grace call a year, 6-15 give 2, 16 and more give 3; the year restarts on each
subscription anniversary; none without an active subscription or on a short-term (3-month) rental (QSC/QLC);
each use e-mails the customer with the balance left and tells the account manager; with none left, a request
is not a grace call.

alice works at a Quebec customer whose subscription started on 15 March 2025; erin is its account manager,
bob the agent.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client

from casedesk.accounts.models import Contact, Contract
from casedesk.cases import services
from casedesk.cases.models import Case
from casedesk.contracts.models import LedgerEntry
from casedesk.desks.models import Desk, Membership
from casedesk.notify.models import OutgoingMail
from tests.cases.factories import customer, desk, staff
from tests.cases.test_concurrency import _together

TORONTO = ZoneInfo("America/Toronto")


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, 0, tzinfo=TORONTO)


@pytest.fixture
def sx() -> Desk:
    d = desk("solidxperts")
    Membership.objects.create(desk=d, user=staff("bob"), role=Membership.Role.AGENT)
    return d


def subscriber(sx: Desk, seats: int, *, tier: str = "subscription", rental: bool = False) -> tuple[Contact, Contract]:
    alice, contract = customer(sx, country="CA", zone="America/Toronto", tier=tier)
    Contract.objects.filter(pk=contract.pk).update(
        seats=seats, rental=rental, starts_on=date(2025, 3, 15), ends_on=date(2027, 3, 14)
    )
    alice.company.account_manager = staff("erin")
    alice.company.save()
    contract.refresh_from_db()
    return alice, contract


def open_case(sx: Desk, alice: Contact, contract: Contract, when: datetime) -> Case:
    return services.open_case(sx, requester=alice, contract=contract, subject="How do I set up a toolbox?", at=when)


def use(case: Case, when: datetime) -> Case:
    return services.use_grace_call(case, actor=case.desk.members.get(user__username="bob").user, at=when)


@pytest.mark.django_db
@pytest.mark.parametrize(("seats", "per_year"), [(1, 1), (5, 1), (6, 2), (15, 2), (16, 3), (40, 3)])
def test_the_number_of_grace_calls_follows_the_active_seats(sx: Desk, seats: int, per_year: int) -> None:
    alice, contract = subscriber(sx, seats)
    for i in range(per_year):
        use(open_case(sx, alice, contract, at(2026, 6, 1 + i)), at(2026, 6, 1 + i, 11))
    case = open_case(sx, alice, contract, at(2026, 6, 20))
    with pytest.raises(services.CaseError, match=f"{per_year} of {per_year} used this contract year"):
        use(case, at(2026, 6, 20, 11))
    assert LedgerEntry.objects.filter(contract=contract).count() == per_year
    assert not case.events.filter(kind="grace_call").exists()  # a refused request is not a grace call


@pytest.mark.django_db
def test_the_allowance_restarts_on_the_subscription_anniversary(sx: Desk) -> None:
    alice, contract = subscriber(sx, 3)  # one a year
    use(open_case(sx, alice, contract, at(2026, 3, 14, 9)), at(2026, 3, 14, 10))  # the last day of year one
    with pytest.raises(services.CaseError, match="the next comes on 2026-03-15"):
        use(open_case(sx, alice, contract, at(2026, 3, 14, 11)), at(2026, 3, 14, 12))
    case = use(open_case(sx, alice, contract, at(2026, 3, 15, 9)), at(2026, 3, 15, 10))  # the anniversary
    assert case.events.get(kind="grace_call").data == {"left": 0, "per_year": 1, "resets_on": "2027-03-15"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("tier", "rental", "words"),
    [
        ("rental", True, "short-term (3-month) rental"),
        ("none", False, "without an active subscription"),
    ],
)
def test_no_grace_call_on_a_rental_or_without_a_subscription(sx: Desk, tier: str, rental: bool, words: str) -> None:
    alice, contract = subscriber(sx, 20, tier=tier, rental=rental)
    with pytest.raises(services.CaseError, match=re.escape(words)):
        use(open_case(sx, alice, contract, at(2026, 6, 1)), at(2026, 6, 1, 11))


@pytest.mark.django_db
def test_an_expired_subscription_is_refused_with_its_dates(sx: Desk) -> None:
    alice, contract = subscriber(sx, 20)
    case = open_case(sx, alice, contract, at(2026, 6, 1))
    Contract.objects.filter(pk=contract.pk).update(ends_on=date(2026, 5, 31))
    with pytest.raises(services.CaseError, match="the contract ran 2025-03-15 to 2026-05-31"):
        use(case, at(2026, 6, 1, 11))


@pytest.mark.django_db
def test_each_use_e_mails_the_customer_the_balance_and_tells_the_account_manager(sx: Desk) -> None:
    alice, contract = subscriber(sx, 8)  # two a year
    case = use(open_case(sx, alice, contract, at(2026, 6, 1)), at(2026, 6, 1, 11))
    told = OutgoingMail.objects.get(case=case, kind="grace_call", audience="requester")
    assert told.recipients == [alice.email] and "1 of 2" in told.body and "2027-03-15" in told.body
    manager = OutgoingMail.objects.get(case=case, kind="grace_call", audience="staff")
    assert manager.recipients == ["erin@desk.test"] and "1 of 2 left this contract year" in manager.body

    client = Client()
    client.force_login(case.desk.members.get(user__username="bob").user)
    page = client.get(f"/console/cases/{case.number}/").content.decode()
    assert "1 of 2 left this contract year (the next on 2027-03-15)" in page


@pytest.mark.django_db
def test_the_console_button_uses_one_and_says_why_when_it_cannot(sx: Desk) -> None:
    alice, contract = subscriber(sx, 2)  # one a year
    first, second = (open_case(sx, alice, contract, at(2026, 11, 30, h)) for h in (9, 10))
    client = Client()
    client.force_login(sx.members.get(user__username="bob").user)
    assert client.post(f"/console/cases/{first.number}/grace_call/").status_code == 302
    refused = client.post(f"/console/cases/{second.number}/grace_call/")
    assert refused.status_code == 400 and "no grace call left: 1 of 1 used" in refused.content.decode()


@pytest.mark.skipif(connection.vendor == "sqlite", reason="threads need a server database: the PostgreSQL pass")
@pytest.mark.django_db(transaction=True)
def test_two_agents_taking_the_last_grace_call_at_once_one_succeeds(sx: Desk) -> None:
    alice, contract = subscriber(sx, 3)  # one a year
    a, b = (open_case(sx, alice, contract, at(2026, 6, 1, h)) for h in (9, 10))
    errors = _together(lambda: use(a, at(2026, 6, 1, 11)), lambda: use(b, at(2026, 6, 1, 11)))
    assert len(errors) == 1 and isinstance(errors[0], services.CaseError), errors
    assert LedgerEntry.objects.filter(contract=contract).count() == 1


@pytest.mark.django_db
def test_the_requester_sees_the_balance_in_the_portal(sx: Desk) -> None:
    from tests.web.test_portal_world import portal_user

    alice, contract = subscriber(sx, 8)  # two a year
    today = datetime.now(TORONTO)
    # Subscribed on the 1st of this month a year ago: this contract year runs to the 1st of this month next year.
    started, reset = date(today.year - 1, today.month, 1), date(today.year + 1, today.month, 1)
    Contract.objects.filter(pk=contract.pk).update(starts_on=started, ends_on=date(today.year + 3, 1, 1))
    use(open_case(sx, alice, contract, today), today)
    client = Client()
    client.force_login(portal_user(alice))
    page = client.get("/portal/").content.decode()
    assert f"1 of 2 left this contract year, the next on {reset:%Y-%m-%d}" in page
