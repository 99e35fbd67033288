"""Scope on the console's case page and in the portal (issue 15, POLICIES.md sections 1-4).

The cases here open now (the console acts at the real time): PLM Group Standard Low is 4 business days, so
its response is pending whenever the test runs. PLM installation is "NOT covered, offered as hourly
consultancy"; Solidxperts how-to questions go to paid Technical Services and may use a grace call (1-5
active seats: 1 a year); DYTRON PAY services are paid at the rate card (the prices are the test's own data).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from casedesk.accounts.models import Contract
from casedesk.cases import services
from casedesk.cases.models import Case, CaseEvent
from casedesk.contracts.models import RateCard
from casedesk.desks.models import Desk, Membership
from casedesk.sla.clock import SCOPE
from tests.cases.factories import customer, desk, staff
from tests.web.test_portal_world import PLM_INTAKE, portal_user

pytestmark = pytest.mark.django_db


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _agent(d: Desk) -> User:
    bob = staff("bob")
    Membership.objects.create(desk=d, user=bob, role=Membership.Role.AGENT)
    return bob


def _plm_low() -> tuple[Case, User]:
    d = desk("plm-group")
    alice, contract = customer(d, country="DK", zone="Europe/Copenhagen", tier="standard")
    case = services.open_case(
        d, requester=alice, subject="Install on a new PC", priority="low", contract=contract, intake=PLM_INTAKE
    )
    return case, _agent(d)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_scope_box_groups_the_policys_items_and_classifying_removes_the_targets() -> None:
    case, bob = _plm_low()
    client = _as(bob)
    page = client.get(f"/console/cases/{case.number}/").content.decode()
    assert 'id="scope"' in page
    assert '<optgroup label="Covered: the SLA applies">' in page and '<optgroup label="Not covered">' in page
    assert '<option value="Installation">Installation</option>' in page
    assert "in scope (not classified)" in page
    assert case.metrics.get(metric="response").status == "running"

    r = client.post(f"/console/cases/{case.number}/scope/", {"scope-item": "Installation"}, follow=True)
    assert r.status_code == 200
    text = _text(r.content.decode())
    assert "Scope classified: Installation." in text
    assert "out of scope: Installation" in text
    assert "offered instead of the SLA: hourly consultancy" in text
    assert "removed: out of scope (Installation), by bob at" in text
    assert '<option value="Installation" selected>' in r.content.decode()
    event = CaseEvent.objects.get(case=case, kind=SCOPE)
    assert event.actor == bob
    assert event.data == {"item": "Installation", "in_scope": False, "offer": "hourly consultancy"}
    assert case.metrics.get(metric="response").status == "cancelled"

    r = client.post(f"/console/cases/{case.number}/scope/", {"scope-item": ""}, follow=True)
    assert "Back in scope." in _text(r.content.decode())
    assert case.metrics.get(metric="response").status == "running"


def test_an_item_not_in_the_policy_is_refused_on_the_page() -> None:
    case, bob = _plm_low()
    r = _as(bob).post(f"/console/cases/{case.number}/scope/", {"scope-item": "Gardening"})
    assert r.status_code == 400
    assert "Please correct the form below." in r.content.decode()
    assert not CaseEvent.objects.filter(case=case, kind=SCOPE).exists()


def test_solidxperts_how_to_offers_technical_services_and_the_grace_call() -> None:
    d = desk("solidxperts")
    alice, contract = customer(d, country="CA", zone="America/Toronto", tier="subscription")
    Contract.objects.filter(pk=contract.pk).update(seats=3)
    case = services.open_case(d, requester=alice, contract=contract, subject="How do I set up a toolbox?")
    bob = _agent(d)
    r = _as(bob).post(f"/console/cases/{case.number}/scope/", {"scope-item": "How-to questions"}, follow=True)
    text = _text(r.content.decode())
    assert "offered instead of the SLA: paid Technical Services" in text
    assert "A grace call may be used instead (free one-off help): see Grace calls." in text
    assert "1 of 1 left this contract year" in text
    # Best practices: paid Technical Services, no grace call.
    r = _as(bob).post(f"/console/cases/{case.number}/scope/", {"scope-item": "Best practices"}, follow=True)
    assert 'id="scope-grace"' not in r.content.decode()


def test_dytron_paid_service_shows_the_rate_cards_that_apply() -> None:
    d = desk("dytron")
    alice, contract = customer(d, country="CZ", zone="Europe/Prague", tier="PAY")
    _, other = customer(d, country="SK", zone="Europe/Prague", tier="PAY")
    rate = dict(desk=d, currency="CZK")
    RateCard.objects.create(**rate, tier="PAY", service_type="training", name="Training", price=Decimal("1500.00"))
    RateCard.objects.create(
        **rate, tier="PAY", service_type="on_site", name="Technician on site", unit="flat", price=Decimal("9000.00")
    )
    RateCard.objects.create(**rate, tier="PAY", service_type="old", name="Withdrawn", price=1, active=False)
    RateCard.objects.create(**rate, contract=other, tier="PAY", service_type="training", name="Theirs", price=1)
    case = services.open_case(d, requester=alice, subject="Train us", contract=contract)
    bob = _agent(d)
    page = _as(bob).get(f"/console/cases/{case.number}/").content.decode()
    assert 'id="scope-rates"' not in page  # in scope: no paid route to price
    r = _as(bob).post(f"/console/cases/{case.number}/scope/", {"scope-item": "Training"}, follow=True)
    html = r.content.decode()
    text = _text(html)
    assert "offered instead of the SLA: PAY services at the rate card" in text
    assert "Training PAY 1500.00 CZK per hour" in text
    assert "Technician on site PAY 9000.00 CZK flat" in text
    assert "Withdrawn" not in html and "Theirs" not in html


def test_the_requester_sees_the_request_is_out_of_scope_and_the_paid_route() -> None:
    case, bob = _plm_low()
    alice = portal_user(case.requester)
    portal = _as(alice)
    assert 'id="scope"' not in portal.get(f"/portal/cases/{case.number}/").content.decode()
    services.classify_scope(case, "Installation", actor=bob, at=timezone.now())
    text = _text(portal.get(f"/portal/cases/{case.number}/").content.decode())
    assert "Outside your support agreement" in text
    assert "outside what your agreement covers: Installation." in text
    assert "It can be handled as hourly consultancy" in text
    services.classify_scope(case, "", actor=bob, at=timezone.now())
    assert 'id="scope"' not in portal.get(f"/portal/cases/{case.number}/").content.decode()


def test_a_desk_without_scope_lists_has_no_scope_box() -> None:
    d = desk("ptc")
    alice, contract = customer(d, country="FR", zone="Europe/Paris", scn="4000017")
    intake = {"scn": "4000017", "product": "Creo", "category": "Modeling", "product_version": "11"}
    case = services.open_case(
        d, requester=alice, subject="Creo", priority="S2", contract=contract,
        intake={**intake, "problem_type": "how-to"},
    )  # fmt: skip
    page = _as(_agent(d)).get(f"/console/cases/{case.number}/").content.decode()
    assert 'id="scope"' not in page
