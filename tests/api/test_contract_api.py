"""`/api/v1/contracts/{id}/balance` and `/ledger` as an ERP calls them (issue 15's fixed paths).

Solidxperts (POLICIES section 4): 6-15 active seats give 2 grace calls a contract year; hour blocks are
drawn by the hours worked. DYTRON SBP (section 3): prepaid credit drawn per service at its rate. The rates
and prices are the tests' own (the policies state none, 0.13).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.test import Client

from casedesk.accounts.models import Contact, Contract
from casedesk.api.models import AccessToken
from casedesk.cases import services
from casedesk.cases.models import Case
from casedesk.contracts.models import LedgerEntry, RateCard
from casedesk.desks.models import Desk, Membership
from tests.cases.factories import customer, desk, staff
from tests.web.test_portal_world import portal_user

TORONTO = ZoneInfo("America/Toronto")
pytestmark = pytest.mark.django_db


def bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Bearer " + AccessToken.issue(user, scope="write")}


def post(path: str, body: dict, user: User):  # type: ignore[no-untyped-def]
    return Client().post(path, json.dumps(body), content_type="application/json", **bearer(user))


@pytest.fixture
def sx() -> tuple[Desk, Contact, Contract, Case]:
    d = desk("solidxperts")
    Membership.objects.create(desk=d, user=staff("bob"), role=Membership.Role.AGENT)
    Membership.objects.create(desk=d, user=staff("carol"), role=Membership.Role.SUPPORT_MANAGER)
    alice, contract = customer(d, country="CA", zone="America/Toronto", tier="subscription")
    Contract.objects.filter(pk=contract.pk).update(
        seats=8, currency="CAD", starts_on=date(2026, 1, 10), ends_on=date(2027, 1, 9)
    )
    contract.refresh_from_db()
    RateCard.objects.create(desk=d, service_type="training", name="Training", price=Decimal("150.00"), currency="CAD")
    case = services.open_case(
        d,
        requester=alice,
        contract=contract,
        subject="Train our new hires",
        at=datetime(2026, 11, 2, 10, tzinfo=TORONTO),
    )
    return d, alice, contract, case


def test_balance_and_an_hour_block_drawn_until_it_would_overdraw(sx) -> None:  # type: ignore[no-untyped-def]
    _d, _alice, contract, case = sx
    bob, carol = User.objects.get(username="bob"), User.objects.get(username="carol")
    url = f"/api/v1/contracts/{contract.pk}"
    before = Client().get(f"{url}/balance", **bearer(bob)).json()
    assert before == {
        "contract": contract.pk,
        "grace_calls_left": 2,
        "hours_left": None,
        "credit_left": None,
        "currency": "CAD",
    }
    bought = post(f"{url}/ledger", {"kind": "purchase", "hours": "10.0", "price": "1200.00"}, carol)
    assert bought.status_code == 201, bought.content
    assert Decimal(bought.json()["hours_left"]) == Decimal("10")
    first = post(
        f"{url}/ledger", {"kind": "drawdown", "hours": "6.0", "service_type": "training", "case": case.number}, bob
    )
    assert first.status_code == 201, first.content
    assert Decimal(first.json()["hours_left"]) == Decimal("4")
    (entry,) = LedgerEntry.objects.filter(pk__in=first.json()["entries"])
    assert entry.case_id == case.pk and entry.hours == Decimal("-6.00")
    second = post(
        f"{url}/ledger", {"kind": "drawdown", "hours": "6.0", "service_type": "training", "case": case.number}, bob
    )
    assert second.status_code == 409
    assert second["Content-Type"] == "application/problem+json"
    assert Decimal(Client().get(f"{url}/balance", **bearer(bob)).json()["hours_left"]) == Decimal("4")


def test_bad_input_is_400_naming_the_field_and_writes_nothing(sx) -> None:  # type: ignore[no-untyped-def]
    _d, _alice, contract, _case = sx
    carol = User.objects.get(username="carol")
    r = post(f"/api/v1/contracts/{contract.pk}/ledger", {"kind": "purchase", "hours": "-3"}, carol)
    assert r.status_code == 400
    assert "hours" in r.json()["detail"]
    r = post(f"/api/v1/contracts/{contract.pk}/ledger", {"kind": "refund", "hours": "3"}, carol)
    assert r.status_code == 400 and "kind" in r.json()["detail"]
    r = post(
        f"/api/v1/contracts/{contract.pk}/ledger",
        {"kind": "drawdown", "hours": "1", "service_type": "astrology"},
        carol,
    )
    assert r.status_code == 409 and "astrology" in r.json()["detail"]
    assert not LedgerEntry.objects.exclude(kind=LedgerEntry.Kind.GRACE_CALL).exists()


def test_purchases_are_the_managers_and_other_desks_see_nothing(sx) -> None:  # type: ignore[no-untyped-def]
    _d, _alice, contract, _case = sx
    bob = User.objects.get(username="bob")
    r = post(f"/api/v1/contracts/{contract.pk}/ledger", {"kind": "purchase", "hours": "5"}, bob)
    assert r.status_code == 403
    other = desk("ptc")
    Membership.objects.create(desk=other, user=staff("zed"), role=Membership.Role.SUPPORT_MANAGER)
    zed = User.objects.get(username="zed")
    assert Client().get(f"/api/v1/contracts/{contract.pk}/balance", **bearer(zed)).status_code == 404
    assert Client().get("/api/v1/contracts/999999/balance", **bearer(zed)).status_code == 404
    assert not LedgerEntry.objects.exists()


def test_the_customer_reads_their_own_balance_but_not_another_companys(sx) -> None:  # type: ignore[no-untyped-def]
    d, alice, contract, _case = sx
    user = portal_user(alice)
    assert Client().get(f"/api/v1/contracts/{contract.pk}/balance", **bearer(user)).json()["grace_calls_left"] == 2
    _stranger, theirs = customer(d, country="FR", zone="Europe/Paris", tier="subscription")
    assert Client().get(f"/api/v1/contracts/{theirs.pk}/balance", **bearer(user)).status_code == 404
    r = post(
        f"/api/v1/contracts/{contract.pk}/ledger", {"kind": "drawdown", "hours": "1", "service_type": "training"}, user
    )
    assert r.status_code == 404


def test_dytron_prepaid_credit_bought_and_drawn_at_the_sbp_rate() -> None:
    d = desk("dytron")
    Membership.objects.create(desk=d, user=staff("carol"), role=Membership.Role.SUPPORT_MANAGER)
    carol = User.objects.get(username="carol")
    _alice, contract = customer(d, country="CZ", zone="Europe/Prague", tier="SBP")
    Contract.objects.filter(pk=contract.pk).update(currency="CZK")
    RateCard.objects.create(
        desk=d, tier="SBP", service_type="training", name="Training (SBP)", price=Decimal("1800.00"), currency="CZK"
    )
    url = f"/api/v1/contracts/{contract.pk}/ledger"
    wrong = post(url, {"kind": "purchase", "amount": "20000", "currency": "EUR"}, carol)
    assert wrong.status_code == 409 and "CZK" in wrong.json()["detail"]
    assert post(url, {"kind": "purchase", "amount": "20000", "currency": "CZK"}, carol).status_code == 201
    # 2.5 hours of training at 1,800 CZK an hour = 4,500 CZK: 20,000 - 4,500 = 15,500 left.
    r = post(url, {"kind": "drawdown", "hours": "2.5", "service_type": "training"}, carol)
    assert r.status_code == 201, r.content
    body = r.json()
    assert Decimal(body["credit_left"]) == Decimal("15500") and body["currency"] == "CZK"
    assert body["hours_left"] is None and body["grace_calls_left"] is None
