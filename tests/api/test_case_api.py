"""The JSON API's case read and contract actions, as a CRM or a script calls them with a personal token.

Expected values come from POLICIES.md section 1 (PLM Group, Sweden: Mon-Fri 08:00-12:00 and 13:00-16:00;
Standard High = 8 business hours initial response) and section 4/0.14 (Solidxperts grace calls), 0.8 (NDA).
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client

from casedesk.accounts.models import Contract
from casedesk.api.models import AccessToken
from casedesk.cases import services
from casedesk.cases.models import Case, CaseEvent
from casedesk.desks.models import Desk, Membership
from tests.cases.factories import customer, desk, staff

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TORONTO = ZoneInfo("America/Toronto")
MONDAY_9 = datetime(2026, 10, 19, 9, 0, tzinfo=STOCKHOLM)

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def plm() -> Desk:
    d = desk("plm-group")
    Membership.objects.create(desk=d, user=staff("bob"), role=Membership.Role.AGENT)
    return d


def token(username: str, scope: str = "write") -> dict[str, str]:
    from django.contrib.auth.models import User

    return {"HTTP_AUTHORIZATION": "Bearer " + AccessToken.issue(User.objects.get(username=username), scope=scope)}


def plm_case(plm: Desk) -> Case:
    alice, contract = customer(plm, country="SE", zone="Europe/Stockholm", tier="standard")
    intake = {"phone": "+46 8 123", "product_version": "2025 SP1", "english_ok": "yes"}
    return services.open_case(
        plm,
        requester=alice,
        contract=contract,
        subject="Crash on rebuild",
        priority="high",
        intake=intake,
        channel=Case.Channel.EMAIL,
        at=MONDAY_9,
    )


def test_a_case_reads_with_its_clocks_and_entitlement(plm: Desk) -> None:
    case = plm_case(plm)
    r = Client().get(f"/api/v1/cases/{case.number}", **token("bob", "read"))
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["number"], body["desk"], body["priority"], body["calendar"]) == (
        case.number,
        "plm-group",
        "high",
        "SE",
    )
    (response,) = [m for m in body["metrics"] if m["metric"] == "response"]
    # 8 business hours from Monday 09:00: 09-12 and 13-16 Monday (6 h), then Tuesday 08:00-10:00 (2 h).
    assert datetime.fromisoformat(response["due_at"]) == datetime(2026, 10, 20, 10, 0, tzinfo=STOCKHOLM)
    assert response["target"] == "8h" and response["goal"] is False
    assert body["entitlement"]["status"] in {"entitled", "not_entitled", "needs_review"}
    assert isinstance(body["entitlement"]["reasons"], list)


def test_a_case_of_another_desk_answers_404_like_a_missing_one(plm: Desk) -> None:
    case = plm_case(plm)
    other = desk("ptc")
    Membership.objects.create(desk=other, user=staff("zed"), role=Membership.Role.AGENT)
    hidden = Client().get(f"/api/v1/cases/{case.number}", **token("zed"))
    missing = Client().get("/api/v1/cases/PLM-999999", **token("zed"))
    assert hidden.status_code == missing.status_code == 404
    assert hidden["Content-Type"] == "application/problem+json"
    assert hidden.json()["detail"] == missing.json()["detail"]


def test_no_token_a_bad_token_a_revoked_token_all_401(plm: Desk) -> None:
    case = plm_case(plm)
    headers = token("bob")
    AccessToken.objects.update(revoked_at=MONDAY_9)
    for extra in ({}, {"HTTP_AUTHORIZATION": "Bearer cd_not-a-token"}, headers):
        r = Client().get(f"/api/v1/cases/{case.number}", **extra)
        assert r.status_code == 401
        assert r.json()["status"] == 401


def test_an_expired_token_is_refused(plm: Desk) -> None:
    case = plm_case(plm)
    headers = token("bob")
    AccessToken.objects.update(expires_at=datetime(2026, 1, 1, tzinfo=STOCKHOLM))
    assert Client().get(f"/api/v1/cases/{case.number}", **headers).status_code == 401


def test_the_requester_reads_their_own_case(plm: Desk) -> None:
    from django.contrib.auth.models import User

    case = plm_case(plm)
    alice = case.requester
    alice.user = User.objects.create_user("alice", alice.email)
    alice.save()
    r = Client().get(f"/api/v1/cases/{case.number}", **token("alice", "read"))
    assert r.status_code == 200 and r.json()["number"] == case.number
    # ...but may not forward it to the vendor: that is the desk's action, and the case is "not found" for it.
    r = Client().post(
        f"/api/v1/cases/{case.number}/forward-to-vendor", "{}", content_type="application/json", **token("alice")
    )
    assert r.status_code == 404


def test_forwarding_is_refused_with_409_naming_the_nda_and_logged_when_allowed(plm: Desk) -> None:
    case = plm_case(plm)
    case.company.nda_signed = True
    case.company.save()
    r = Client().post(
        f"/api/v1/cases/{case.number}/forward-to-vendor",
        json.dumps({"note": "to DS"}),
        content_type="application/json",
        **token("bob"),
    )
    assert r.status_code == 409
    assert "NDA" in r.json()["detail"]
    assert not CaseEvent.objects.filter(case=case, kind=services.FORWARDED).exists()
    case.company.nda_signed = False
    case.company.save()
    r = Client().post(
        f"/api/v1/cases/{case.number}/forward-to-vendor",
        json.dumps({"note": "to DS"}),
        content_type="application/json",
        **token("bob"),
    )
    assert r.status_code == 200
    assert CaseEvent.objects.get(case=case, kind=services.FORWARDED).data["note"] == "to DS"


def test_a_read_only_token_cannot_change_anything(plm: Desk) -> None:
    case = plm_case(plm)
    r = Client().post(
        f"/api/v1/cases/{case.number}/forward-to-vendor", "{}", content_type="application/json", **token("bob", "read")
    )
    assert r.status_code == 403
    assert not CaseEvent.objects.filter(case=case, kind=services.FORWARDED).exists()


def test_a_session_post_needs_csrf(plm: Desk) -> None:
    from django.contrib.auth.models import User

    case = plm_case(plm)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(User.objects.get(username="bob"))
    assert browser.get(f"/api/v1/cases/{case.number}").status_code == 200
    r = browser.post(f"/api/v1/cases/{case.number}/forward-to-vendor", "{}", content_type="application/json")
    assert r.status_code in {401, 403}
    assert not CaseEvent.objects.filter(case=case, kind=services.FORWARDED).exists()


def test_grace_calls_through_the_api_until_none_is_left() -> None:
    # 1-5 active seats: 1 grace call per contract year (POLICIES section 4); the second is refused with 409.
    sx = desk("solidxperts")
    Membership.objects.create(desk=sx, user=staff("bob"), role=Membership.Role.AGENT)
    alice, contract = customer(sx, country="CA", zone="America/Toronto", tier="subscription")
    Contract.objects.filter(pk=contract.pk).update(seats=3, starts_on=date(2026, 3, 15), ends_on=date(2027, 3, 14))
    contract.refresh_from_db()
    cases = [
        services.open_case(
            sx,
            requester=alice,
            contract=contract,
            subject=f"How-to {i}",
            at=datetime(2026, 11, 2 + i, 10, tzinfo=TORONTO),
        )
        for i in range(2)
    ]
    headers = token("bob")
    first = Client().post(f"/api/v1/cases/{cases[0].number}/grace-call", **headers)
    assert first.status_code == 200, first.content
    assert first.json()["grace_calls_left"] == 0
    second = Client().post(f"/api/v1/cases/{cases[1].number}/grace-call", **headers)
    assert second.status_code == 409
    assert "no grace call left" in second.json()["detail"]


def test_token_create_prints_the_token_alone_and_it_works(plm: Desk) -> None:
    case = plm_case(plm)
    buf = io.StringIO()
    call_command("token", "create", "bob", "--scope", "read", "--expires", "30", stdout=buf)
    printed = buf.getvalue()
    assert printed.count("\n") == 1 and printed.startswith("cd_")
    r = Client().get(f"/api/v1/cases/{case.number}", HTTP_AUTHORIZATION="Bearer " + printed.strip())
    assert r.status_code == 200
    row = AccessToken.objects.get()
    assert row.scope == "read" and row.expires_at is not None and printed.strip() not in (row.digest, row.hint)
