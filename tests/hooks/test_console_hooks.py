"""/console/hooks/: carol (PLM Group's support manager) adds, pings, pauses, resumes and removes webhooks; bob
(a PLM Group agent) reads them without their secrets and changes nothing; dave (Mastercam's manager) gets a 404
for PLM Group's."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from casedesk.desks.models import Desk, Membership
from casedesk.hooks.models import Delivery, Subscription
from casedesk.hooks.sending import deliver_due
from tests.cases.factories import desk

from .conftest import Receiver
from .helpers import member, open_case, subscribe

pytestmark = pytest.mark.django_db
PAGE = "/console/hooks/"


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def plm() -> Desk:
    return desk("plm-group")


@pytest.fixture
def carol(plm: Desk) -> User:
    return member(plm, "carol", Membership.Role.SUPPORT_MANAGER)


@pytest.fixture
def bob(plm: Desk) -> User:
    return member(plm, "bob")


def test_a_manager_adds_a_webhook_sees_its_secret_and_the_log(plm: Desk, carol: User, receiver: Receiver) -> None:
    form = {"plm-group-url": receiver.url, "plm-group-events": ["case.opened", "sla.breached"]}
    response = _as(carol).post(f"{PAGE}plm-group/add/", form)
    sub = Subscription.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{PAGE}?secret={sub.pk}#hook-{sub.pk}"
    assert (sub.url, sub.events, sub.created_by) == (receiver.url, ["case.opened", "sla.breached"], carol)
    assert sub.secret.startswith("whsec_") and len(sub.secret) > 40
    page = _as(carol).get(response["Location"]).content.decode()
    assert sub.secret in page and receiver.url in page
    case = open_case(plm)
    deliver_due()
    page = _as(carol).get(PAGE).content.decode()
    assert case.number in page and "case.opened" in page and "delivered" in page.lower()


@pytest.mark.parametrize("url", ["ftp://example.com/hook", "example.com/hook", "javascript:alert(1)", "http://"])
def test_the_url_must_be_http_or_https(plm: Desk, carol: User, url: str) -> None:
    response = _as(carol).post(f"{PAGE}plm-group/add/", {"plm-group-url": url, "plm-group-events": ["case.opened"]})
    assert response.status_code == 400 and "give an http:// or https:// address" in response.content.decode()
    assert not Subscription.objects.exists()


def test_an_event_must_be_chosen(plm: Desk, carol: User) -> None:
    response = _as(carol).post(f"{PAGE}plm-group/add/", {"plm-group-url": "https://crm.example.com/hook"})
    assert response.status_code == 400 and not Subscription.objects.exists()


def test_an_agent_reads_without_secrets_and_changes_nothing(plm: Desk, bob: User, receiver: Receiver) -> None:
    sub = subscribe(plm, receiver.url, "case.opened")
    page = _as(bob).get(PAGE).content.decode()
    assert receiver.url in page and sub.secret not in page and "add webhook" not in page
    client = _as(bob)
    form = {"plm-group-url": receiver.url, "plm-group-events": ["case.opened"]}
    response = client.post(f"{PAGE}plm-group/add/", form)
    assert response.status_code == 302
    assert "Only a support manager of PLM Group changes its webhooks." in client.get(PAGE).content.decode()
    for action in ["pause", "remove", "ping"]:
        assert client.post(f"{PAGE}plm-group/{sub.pk}/{action}/").status_code == 302
    sub.refresh_from_db()
    assert Subscription.objects.count() == 1 and sub.active and sub.paused_at is None
    assert not Delivery.objects.exists()


def test_another_desks_webhook_is_a_404(plm: Desk, receiver: Receiver) -> None:
    sub = subscribe(plm, receiver.url, "case.opened")
    dave = member(desk("mastercam"), "dave", Membership.Role.SUPPORT_MANAGER)
    client = _as(dave)
    assert receiver.url not in client.get(PAGE).content.decode()
    assert client.post(f"{PAGE}plm-group/{sub.pk}/pause/").status_code == 404
    assert client.post(f"{PAGE}mastercam/{sub.pk}/pause/").status_code == 404  # its own desk, not its webhook
    form = {"plm-group-url": receiver.url, "plm-group-events": ["case.opened"]}
    assert client.post(f"{PAGE}plm-group/add/", form).status_code == 404
    sub.refresh_from_db()
    assert sub.paused_at is None


def test_a_requester_or_anonymous_never_gets_in(plm: Desk) -> None:
    assert Client().get(PAGE).status_code == 302
    outsider = User.objects.create_user("alice", "alice@se.test")
    assert _as(outsider).get(PAGE).status_code == 403


def test_a_manager_pings_pauses_resumes_and_removes(plm: Desk, carol: User, receiver: Receiver) -> None:
    sub = subscribe(plm, receiver.url, "case.opened")
    client = _as(carol)
    assert client.post(f"{PAGE}plm-group/{sub.pk}/ping/").status_code == 302
    deliver_due()
    (req,) = receiver.requests
    assert req.headers["Casedesk-Event"] == "ping"
    client.post(f"{PAGE}plm-group/{sub.pk}/pause/")
    sub.refresh_from_db()
    assert sub.paused_at is not None and sub.paused_reason == "paused by carol"
    assert "paused by carol" in client.get(PAGE).content.decode()
    client.post(f"{PAGE}plm-group/{sub.pk}/resume/")
    sub.refresh_from_db()
    assert sub.paused_at is None
    client.post(f"{PAGE}plm-group/{sub.pk}/remove/")  # it has a delivery (the ping): deactivated, the log stays
    sub.refresh_from_db()
    assert not sub.active and Delivery.objects.filter(subscription=sub).count() == 1
    page = client.get(PAGE).content.decode()
    assert "No webhook: this desk posts no events." in page and "ping" in page
    assert client.post(f"{PAGE}plm-group/{sub.pk}/ping/").status_code == 404  # removed


def test_the_navigation_links_the_page(plm: Desk, bob: User) -> None:
    assert f'href="{PAGE}"' in _as(bob).get("/console/").content.decode()


def test_the_page_reads_the_same_number_of_queries_for_1_or_15_deliveries(
    plm: Desk, carol: User, receiver: Receiver
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    subscribe(plm, receiver.url, "case.opened")
    open_case(plm)
    client = _as(carol)
    client.get(PAGE)  # the session and the like, read once
    with CaptureQueriesContext(connection) as one:
        assert client.get(PAGE).status_code == 200
    for _ in range(14):
        open_case(plm)
    deliver_due()
    with CaptureQueriesContext(connection) as many:
        page = client.get(PAGE).content.decode()
    assert page.count("case.opened") >= 15 and len(many) == len(one)


def test_deliveries_are_read_only_in_the_admin(plm: Desk, receiver: Receiver) -> None:
    root = User.objects.create_superuser("root", "root@desk.test", "x")
    sub = subscribe(plm, receiver.url, "case.opened")
    open_case(plm)
    client = _as(root)
    assert client.get("/admin/hooks/delivery/").status_code == 200
    row = Delivery.objects.get()
    page = client.get(f"/admin/hooks/delivery/{row.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert sub.secret not in client.get(f"/admin/hooks/subscription/{sub.pk}/change/").content.decode()
