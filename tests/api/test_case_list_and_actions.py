"""The API's case list, case opening and case actions, as a CRM or a requester's script uses them.

PLM Group (POLICIES section 1), Sweden: Mon-Fri 08:00-12:00 and 13:00-16:00. Standard tier targets for the
initial response: Critical 4 business hours, High 8, Medium 16. Cases opened Monday 19 October 2026 09:00:
- critical: due Monday 14:00 (09-12 is 3 h, 13-14 the 4th);
- high: due Tuesday 10:00 (6 h on Monday, 2 on Tuesday);
- medium: due Wednesday 12:00 (6 + 6 = 12 h by Tuesday 16:00, then 08-12 on Wednesday).
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.test import Client

from casedesk.accounts.models import Contact
from casedesk.api.models import AccessToken
from casedesk.cases import services
from casedesk.cases.models import Case, CaseEvent
from casedesk.desks.models import Desk, Membership
from tests.cases.factories import customer, desk, staff
from tests.web.test_portal_world import portal_user

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MONDAY_9 = datetime(2026, 10, 19, 9, 0, tzinfo=STOCKHOLM)
INTAKE = {"phone": "+46 8 123", "product_version": "2025", "service_pack": "SP1", "english_ok": "yes"}
pytestmark = pytest.mark.django_db


def bearer(user: User, scope: str = "write") -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Bearer " + AccessToken.issue(user, scope=scope)}


def post(path: str, body: dict, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return Client().post(path, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def world() -> tuple[Desk, Contact, dict[str, Case]]:
    plm = desk("plm-group")
    Membership.objects.create(desk=plm, user=staff("bob"), role=Membership.Role.AGENT)
    alice, contract = customer(plm, country="SE", zone="Europe/Stockholm", tier="standard")
    cases = {
        p: services.open_case(
            plm, requester=alice, contract=contract, subject=f"{p} problem", priority=p, intake=INTAKE,
            channel=Case.Channel.EMAIL, at=MONDAY_9,
        )
        for p in ("medium", "critical", "high")
    }  # fmt: skip
    done = services.open_case(
        plm, requester=alice, contract=contract, subject="Old question", priority="low", intake=INTAKE,
        channel=Case.Channel.EMAIL, at=MONDAY_9,
    )  # fmt: skip
    services.resolve(done, "solved", at=datetime(2026, 10, 19, 10, 0, tzinfo=STOCKHOLM))
    cases["resolved"] = done
    return plm, alice, cases


def numbers(items: list[dict]) -> list[str]:
    return [i["number"] for i in items]


def test_the_list_is_nearest_due_first_then_the_rest_and_pages_by_cursor(world) -> None:  # type: ignore[no-untyped-def]
    _plm, _alice, cases = world
    headers = bearer(User.objects.get(username="bob"), "read")
    expected = [cases[p].number for p in ("critical", "high", "medium", "resolved")]
    whole = Client().get("/api/v1/cases", **headers).json()
    assert numbers(whole["items"]) == expected and whole["next_cursor"] is None
    assert whole["items"][0]["next_due_at"].startswith("2026-10-19T12:00")  # Monday 14:00 Stockholm, in UTC
    seen, cursor = [], None
    while True:
        page = Client().get("/api/v1/cases", {"limit": 1, **({"cursor": cursor} if cursor else {})}, **headers).json()
        seen += numbers(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == expected
    resolved = Client().get("/api/v1/cases", {"status": "resolved"}, **headers).json()
    assert numbers(resolved["items"]) == [cases["resolved"].number]
    before = Client().get("/api/v1/cases", {"due_before": "2026-10-20T09:00:00+02:00"}, **headers).json()
    assert numbers(before["items"]) == [cases["critical"].number]


def test_bad_filters_and_cursors_are_400(world) -> None:  # type: ignore[no-untyped-def]
    headers = bearer(User.objects.get(username="bob"), "read")
    for params in ({"cursor": "garbage"}, {"limit": 0}, {"sla_state": "late"}, {"status": "lost"}, {"order": "x"}):
        r = Client().get("/api/v1/cases", params, **headers)
        assert r.status_code == 400, params
        assert r["Content-Type"] == "application/problem+json"
        assert next(iter(params)) in r.json()["detail"]


def test_other_desks_and_other_requesters_see_none_of_it(world) -> None:  # type: ignore[no-untyped-def]
    _plm, alice, _cases = world
    other = desk("ptc")
    Membership.objects.create(desk=other, user=staff("zed"), role=Membership.Role.AGENT)
    assert Client().get("/api/v1/cases", **bearer(User.objects.get(username="zed"))).json()["items"] == []
    assert len(Client().get("/api/v1/cases", **bearer(portal_user(alice))).json()["items"]) == 4
    bo, _ = customer(desk("plm-group"), country="NO", zone="Europe/Oslo", tier="standard")
    assert Client().get("/api/v1/cases", **bearer(portal_user(bo))).json()["items"] == []


def test_an_agent_opens_a_phone_case_for_a_contact_and_a_requester_must_give_the_intake(world) -> None:  # type: ignore[no-untyped-def]
    _plm, alice, _cases = world
    bob = bearer(User.objects.get(username="bob"))
    r = post("/api/v1/cases", {"subject": "Licence lost", "contact_email": alice.email, "channel": "phone"}, bob)
    assert r.status_code == 201, r.content
    case = Case.objects.get(number=r.json()["number"])
    assert case.channel == "phone" and case.info_missing  # intake missing on the phone: opened and flagged (0.24)
    mine = bearer(portal_user(alice))
    refused = post("/api/v1/cases", {"subject": "Crash"}, mine)
    assert refused.status_code == 400 and "Phone" in refused.json()["detail"]
    ok = post("/api/v1/cases", {"subject": "Crash", "intake": INTAKE}, mine)
    assert ok.status_code == 201 and Case.objects.get(number=ok.json()["number"]).requester == alice
    assert post("/api/v1/cases", {"subject": "For bo", "contact": alice.pk}, mine).status_code == 400


def test_actions_change_the_case_through_the_services(world) -> None:  # type: ignore[no-untyped-def]
    _plm, alice, cases = world
    bob = bearer(User.objects.get(username="bob"))
    number = cases["high"].number
    r = post(f"/api/v1/cases/{number}/assign", {"assignee": "bob"}, bob)
    assert r.status_code == 200
    r = post(f"/api/v1/cases/{number}/reply", {"body": "We are on it."}, bob)
    (response,) = [m for m in r.json()["metrics"] if m["metric"] == "response"]
    assert response["status"] == "missed"  # answered now, weeks after its due (Tuesday 20 October 10:00)
    assert post(f"/api/v1/cases/{number}/assign", {"assignee": "nobody"}, bob).status_code == 409
    r = post(f"/api/v1/cases/{number}/priority", {"priority": "critical"}, bob)
    assert r.json()["priority"] == "critical"
    assert post(f"/api/v1/cases/{number}/close", {}, bob).status_code == 409  # only a resolved case is closed
    assert post(f"/api/v1/cases/{number}/note", {"body": "internal"}, bob).status_code == 200
    assert post(f"/api/v1/cases/{number}/note", {"body": ""}, bob).status_code == 400
    # The requester comments and accepts, but an internal note is not theirs to write.
    mine = bearer(portal_user(alice))
    assert post(f"/api/v1/cases/{number}/reply", {"body": "Thanks"}, mine).status_code == 200
    assert CaseEvent.objects.filter(case=cases["high"], kind="customer_reply").count() == 1
    assert post(f"/api/v1/cases/{number}/note", {"body": "sneaky"}, mine).status_code == 404
    assert post(f"/api/v1/cases/{number}/resolve", {"resolution": "solved"}, bob).status_code == 200
    assert post(f"/api/v1/cases/{number}/close", {}, mine).json()["status"] == "closed"
