"""The agent console: who may reach what (a permission matrix), each action as its service says, queue order.

Expected times are worked out by hand from the policies. PLM Group Denmark
(Europe/Copenhagen): Mon-Thu 08-12, 13-16, Fri 08-12, 13-15; Standard Critical
4 business hours, High 8, Question no target. The world's case: alice's, opened
Monday 30 November 2026 09:00 Copenhagen, High: due Tuesday 1 December 10:00 CET
(Monday 09-12 and 13-16 give 6h, Tuesday 08-10 the last 2h).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from casedesk.cases import services
from casedesk.cases.models import Case, CaseCC, CaseEvent
from casedesk.console.case_page import FORMS
from casedesk.console.queue import Filters, queue_page
from casedesk.core.models import Profile
from casedesk.desks.models import Membership
from tests.cases.factories import customer, desk, staff
from tests.web.test_portal_world import CPH, PLM_INTAKE, World, colleague, world

pytestmark = pytest.mark.django_db
MC_INTAKE = {"site": "Plant", "product_version": "2026"}


def _as(user: User | None, **kwargs: object) -> Client:
    client = Client(**kwargs)  # type: ignore[arg-type]
    if user is not None:
        client.force_login(user)
    return client


def _staff(w: World) -> tuple[User, User]:
    """carol, the PLM desk's support manager, and dave, an agent of Mastercam (another desk)."""
    carol = staff("carol")
    Membership.objects.create(desk=w.desk, user=carol, role=Membership.Role.SUPPORT_MANAGER)
    dave = staff("dave")
    Membership.objects.create(desk=desk("mastercam"), user=dave, role=Membership.Role.AGENT)
    return carol, dave


# What each action form posts in the matrix: enough that a leak would change the case.
LEAK_DATA = {
    "reply": {"reply-body": "leak?"},
    "note": {"note-body": "leak?"},
    "assign": {"assign-assignee": ""},
    "priority": {"priority-priority": "critical"},
    "classify": {"classify-classification": "bug"},
    "scope": {"scope-item": "Installation"},
    "status": {"status-status": "waiting_on_customer"},
    "resolve": {"resolve-resolution": "leaked"},
    "reopen": {},
    "close": {},
    "cc_add": {"cc_add-email": "alice@dk.test"},
    "cc_remove": {"cc_remove-contact": "1"},
    "escalate": {"escalate-level": "1", "escalate-reason": "leak?"},
    "critical": {"critical-critical": "1"},
    "review": {"review-note": "leak?"},
    "rnd": {"rnd-note": "leak?"},
    "grace_call": {},
    "log_time": {"log_time-hours": "1", "log_time-service_type": "training", "log_time-note": "leak?"},
    "ppi_charge": {},
    "ppi_deduct": {"ppi_deduct-ppi": "1", "ppi_deduct-block": "1"},
    "confidential": {"confidential-confidential": "1"},
    "forward": {"forward-note": "leak?"},
    "vendor_reference": {"vendor_reference-kind": "spr", "vendor_reference-reference": "SPR-1"},
    "round_the_clock": {"round_the_clock-needed": "0"},
    "schedule": {"schedule-metric": "response", "schedule-target": "1h"},
    "merge": {"merge-into": "PLM-000001"},
}


def _case_requests(number: str) -> list[tuple[str, str, dict[str, str]]]:
    base = f"/console/cases/{number}/"
    assert set(LEAK_DATA) == set(FORMS)  # every action of the case page is in the matrix
    return [("get", base, {})] + [("post", f"{base}{action}/", data) for action, data in LEAK_DATA.items()]


def _request(client: Client, method: str, url: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.get(url) if method == "get" else client.post(url, data)


def test_permission_matrix_over_every_console_url_and_action() -> None:
    w = world("plm-group")
    carol, dave = _staff(w)
    number, subject = w.case.number, w.case.subject
    events_before = CaseEvent.objects.filter(case=w.case).count()
    missing = "PLM-999999"
    pages = ["/console/", "/console/new/", "/console/contacts?desk=plm-group&q=a"]
    queue_tools = [
        ("post", "/console/bulk/", {"cases": number, "status": "waiting_on_customer"}),
        ("post", "/console/views/", {"name": "leak?", "query": "mine=1"}),
        ("post", "/console/views/1/delete/", {}),
    ]
    everything = [("get", url, {}) for url in pages] + queue_tools + _case_requests(number)
    # Anonymous: the sign-in page (the admin's, for now); a requester: 403 everywhere, nothing shown.
    for method, url, data in everything:
        r = _request(Client(), method, url, data)
        assert r.status_code == 302 and r["Location"].startswith("/admin/login/?next="), url
        r = _request(_as(w.users["requester"]), method, url, data)
        assert r.status_code == 403 and subject not in r.content.decode(), url
    # An agent of another desk: their own console, and this desk's case exactly like a missing one.
    other = _as(dave)
    queue = other.get("/console/")
    assert queue.status_code == 200 and number not in queue.content.decode()
    assert f"/console/cases/{number}/" not in other.get("/console/?q=" + number).content.decode()  # no row
    assert other.get("/console/contacts?desk=plm-group&q=a").status_code == 404
    bulk = other.post("/console/bulk/", {"cases": number, "status": "waiting_on_customer"}, follow=True)
    bulk_missing = other.post("/console/bulk/", {"cases": missing, "status": "waiting_on_customer"}, follow=True)
    flash = re.compile(r'<ul class="flash">.*?</ul>', re.S)
    said = flash.findall(bulk.content.decode().replace(number, missing))
    assert said == flash.findall(bulk_missing.content.decode()) and "no such case on your desks" in said[0]
    for method, url, data in _case_requests(number):
        r = _request(other, method, url, data)
        gone = _request(other, method, url.replace(number, missing), data)
        assert (r.status_code, r.content) == (404, gone.content), url
        assert subject not in r.content.decode() and number not in r.content.decode()
    # The desk's agent and manager see everything.
    for user in (w.users["agent"], carol):
        client = _as(user)
        for url in pages:
            assert client.get(url).status_code == 200, url
        page = client.get(f"/console/cases/{number}/").content.decode()
        assert subject in page and "Initial response" in page
        assert client.get(f"/console/cases/{missing}/").status_code == 404
        assert client.post(f"/console/cases/{number}/nonsense/", {}).status_code == 404
    assert _as(carol).get(f"/console/cases/{number}/reply/").status_code == 405  # actions are POST only
    w.case.refresh_from_db()
    assert (w.case.priority, w.case.status, w.case.classification) == ("high", Case.Status.NEW, "")
    assert CaseEvent.objects.filter(case=w.case).count() == events_before


def test_every_action_form_is_protected_by_csrf() -> None:
    w = world("plm-group")
    client = _as(w.users["agent"], enforce_csrf_checks=True)
    page = client.get(f"/console/cases/{w.case.number}/").content.decode()
    assert page.count('name="csrfmiddlewaretoken"') >= page.count('method="post"') >= 10
    r = client.post(f"/console/cases/{w.case.number}/reply/", {"reply-body": "no token"})
    assert r.status_code == 403
    assert not CaseEvent.objects.filter(case=w.case, kind="agent_reply").exists()


def _post(client: Client, number: str, action: str, data: dict[str, str]) -> str:
    r = client.post(f"/console/cases/{number}/{action}/", data, follow=True)
    assert r.status_code == 200, r.content.decode()[:500]
    return r.content.decode()


def test_reply_note_assign_status_cc_resolve_close_and_reopen() -> None:
    w = world("plm-group")
    carol, _ = _staff(w)
    bob = w.users["agent"]
    client, n = _as(bob), w.case.number
    page = _post(client, n, "reply", {"reply-body": "Please send the <b>model</b>."})
    assert "Reply sent." in page and "Please send the &lt;b&gt;model&lt;/b&gt;." in page
    reply = CaseEvent.objects.get(case=w.case, kind="agent_reply")
    assert (reply.actor, reply.body) == (bob, "Please send the <b>model</b>.")
    page = _post(client, n, "note", {"note-body": "Customer on version 2025"})
    assert '<li class="internal">' in page and "internal note" in page and '<li class="public">' in page
    assert CaseEvent.objects.get(case=w.case, kind="note").body == "Customer on version 2025"
    _post(client, n, "assign", {"assign-assignee": str(carol.pk)})
    w.case.refresh_from_db()
    assert (w.case.assignee, w.case.status) == (carol, Case.Status.OPEN)
    _post(client, n, "status", {"status-status": "on_hold_vendor"})
    w.case.refresh_from_db()
    assert w.case.status == Case.Status.ON_HOLD_VENDOR
    mate = colleague(w.alice, "mate")
    page = _post(client, n, "cc_add", {"cc_add-email": mate.email})
    assert CaseCC.objects.filter(case=w.case, contact=mate).exists() and "mate@" in page
    _post(client, n, "cc_remove", {"cc_remove-contact": str(mate.pk)})
    assert not CaseCC.objects.filter(case=w.case, contact=mate).exists()
    # PLM names no resolution kinds: the agent says it in a few words.
    page = _post(client, n, "resolve", {"resolve-resolution": "answered"})
    w.case.refresh_from_db()
    assert (w.case.status, w.case.resolution) == (Case.Status.RESOLVED, "answered")
    assert "Reopen" in page and "Send reply" in page
    _post(client, n, "close", {})
    w.case.refresh_from_db()
    assert w.case.status == Case.Status.CLOSED
    _post(client, n, "reopen", {})
    w.case.refresh_from_db()
    assert (w.case.status, w.case.resolution) == (Case.Status.OPEN, "")
    kinds = list(CaseEvent.objects.filter(case=w.case, actor=bob).values_list("kind", flat=True))
    assert kinds == ["agent_reply", "note", "assigned", "status", "cc_added", "cc_removed", "resolved", "closed",
                     "reopened"]  # fmt: skip


def test_a_case_error_is_shown_and_nothing_typed_is_lost() -> None:
    w = world("plm-group")
    client, n = _as(w.users["agent"]), w.case.number
    r = client.post(f"/console/cases/{n}/cc_add/", {"cc_add-email": "nobody@else.test"})
    page = r.content.decode()
    assert r.status_code == 400 and 'value="nobody@else.test"' in page and 'class="flash-error"' in page
    assert "no contact nobody@else.test among this desk" in page
    r = client.post(f"/console/cases/{n}/merge/", {"merge-into": "PLM-424242"})
    assert r.status_code == 400 and "no case PLM-424242 on your desks" in r.content.decode()
    assert 'value="PLM-424242"' in r.content.decode()
    services.resolve(w.case, "answered")
    r = client.post(f"/console/cases/{n}/status/", {"status-status": "open"})
    assert r.status_code == 400 and f"case {n} is resolved: reopen it first" in r.content.decode()
    r = client.post(f"/console/cases/{n}/reply/", {"reply-body": "   "})
    assert r.status_code == 400  # a blank reply: the form says so, nothing sent
    assert not CaseEvent.objects.filter(case=w.case, kind="agent_reply").exists()
    assert CaseEvent.objects.filter(case=w.case, kind="cc_added").count() == 1  # the world's own CC only


def test_a_manager_raises_the_priority_and_the_due_moves_in_both_zones() -> None:
    w = world("plm-group")
    carol, _ = _staff(w)
    Profile.objects.create(user=carol, zone="America/New_York")  # carol works from New York
    client, n = _as(carol), w.case.number
    page = client.get(f"/console/cases/{n}/").content.decode()
    # Due Tue 1 Dec 10:00 CET (see the module's docstring) = 04:00 EST for carol.
    assert "2026-12-01 04:00 EST" in page and "2026-12-01 10:00 CET" in page
    assert "Software usable but operations severely restricted" in page  # High's definition beside the choice
    page = _post(client, n, "priority", {"priority-priority": "critical"})
    # Critical is 4h from the start: Mon 09-12 (3h) and 13-14 = Mon 30 Nov 14:00 CET = 08:00 EST.
    assert "Priority set to critical." in page
    assert "2026-11-30 08:00 EST" in page and "2026-11-30 14:00 CET" in page
    w.case.refresh_from_db()
    assert w.case.next_due_at == datetime(2026, 11, 30, 14, tzinfo=CPH)


def test_classification_removes_targets_and_says_by_whom() -> None:
    d = desk("mastercam")
    alice, contract = customer(d, country="US", zone="America/New_York")
    bob = staff("bob")
    Membership.objects.create(desk=d, user=bob)
    case = services.open_case(d, requester=alice, subject="Post", priority="P2", contract=contract, intake=MC_INTAKE)
    page = _post(_as(bob), case.number, "classify", {"classify-classification": "bug"})
    assert "removed by bug classification, by bob at" in page
    case.refresh_from_db()
    assert (case.classification, case.next_due_at, case.no_clock) == ("bug", None, True)


def test_escalation_one_level_at_a_time_and_the_critical_route_after_a_manager_marks_it() -> None:
    d = desk("mastercam")
    alice, contract = customer(d, country="US", zone="America/New_York")
    bob, carol = staff("bob"), staff("carol")
    Membership.objects.create(desk=d, user=bob)
    Membership.objects.create(desk=d, user=carol, role=Membership.Role.SUPPORT_MANAGER)
    case = services.open_case(d, requester=alice, subject="Post", priority="P2", contract=contract, intake=MC_INTAKE)
    agent, n = _as(bob), case.number
    page = agent.get(f"/console/cases/{n}/").content.decode()
    assert "Support manager / supervisor review ← next" in page
    assert "Mark critical" not in page  # support managers only
    _post(agent, n, "escalate", {"escalate-level": "1", "escalate-reason": "slow"})
    r = agent.post(f"/console/cases/{n}/escalate/", {"escalate-level": "3", "escalate-reason": "angry"})
    assert r.status_code == 400  # level 3 is not offered: a P2 case not marked critical
    r = agent.post(f"/console/cases/{n}/critical/", {"critical-critical": "1"})
    assert r.status_code == 400 and "only a support manager of this desk" in r.content.decode()
    page = _post(_as(carol), n, "critical", {"critical-critical": "1"})
    assert "Marked critical." in page and '<span class="flag critical">critical</span>' in page
    _post(agent, n, "escalate", {"escalate-level": "3", "escalate-reason": "production down"})
    case.refresh_from_db()
    assert (case.escalation_level, case.critical) == (3, True)
    # Mastercam names its resolution kinds: a choice of them, nothing else.
    r = agent.post(f"/console/cases/{n}/resolve/", {"resolve-resolution": "whatever"})
    assert r.status_code == 400
    _post(agent, n, "resolve", {"resolve-resolution": "fixed"})
    case.refresh_from_db()
    assert case.resolution == "fixed"


def test_s0_review_24x7_evaluation_and_an_agreed_schedule_on_ptc() -> None:
    plm = world("plm-group")  # no round-the-clock priority: no S0 forms
    assert "Record review" not in _as(plm.users["agent"]).get(f"/console/cases/{plm.case.number}/").content.decode()
    d = desk("ptc")
    alice, contract = customer(d, country="FR", zone="Europe/Paris", scn="4000017")
    bob = plm.users["agent"]
    Membership.objects.create(desk=d, user=bob)
    intake = {"scn": "4000017", "product": "Creo", "category": "Modeling", "product_version": "11",
              "problem_type": "break-fix", "phone_24x7": "+33 1 2345"}  # fmt: skip
    case = services.open_case(d, requester=alice, subject="Down", priority="S0", contract=contract, intake=intake)
    client, n = _as(bob), case.number
    assert "Record review" in client.get(f"/console/cases/{n}/").content.decode()
    _post(client, n, "review", {"review-note": "R&D engaged"})
    _post(client, n, "round_the_clock", {"round_the_clock-needed": "0"})
    _post(client, n, "schedule", {"schedule-metric": "update", "schedule-target": "2bd"})
    case.refresh_from_db()
    assert case.round_the_clock is False
    kinds = set(CaseEvent.objects.filter(case=case, actor=bob).values_list("kind", flat=True))
    assert kinds == {"review", "round_the_clock", "schedule_agreed"}


def test_merge_joins_the_timelines_and_recomputes_the_survivors_clocks() -> None:
    w = world("plm-group")
    bob = w.users["agent"]
    dup = services.open_case(w.desk, requester=w.alice, subject="Crash again", priority="high", intake=PLM_INTAKE,
                             at=datetime(2026, 11, 30, 9, 30, tzinfo=CPH))  # fmt: skip
    # An agent answered on the duplicate at 10:00: on the survivor that is the initial response, met.
    services.agent_reply(dup, bob, "Looking at it", at=datetime(2026, 11, 30, 10, tzinfo=CPH))
    page = _post(_as(bob), dup.number, "merge", {"merge-into": w.case.number})
    assert f"Merged into {w.case.number}." in page and "Looking at it" in page
    dup.refresh_from_db()
    w.case.refresh_from_db()
    assert (dup.status, dup.next_due_at) == (Case.Status.CLOSED, None)
    response = w.case.metrics.get(metric="response")
    assert (response.status, response.stopped_at) == ("met", datetime(2026, 11, 30, 10, tzinfo=CPH))
    assert w.case.next_due_at is None and w.case.no_clock
    assert CaseEvent.objects.filter(case=w.case, kind="merged_in", data__from=dup.number).exists()
    # The other way round (older into newer) is refused, and a case of another desk is not found.
    r = _as(bob).post(f"/console/cases/{w.case.number}/merge/", {"merge-into": dup.number})
    assert r.status_code == 400 and f"case {dup.number} is closed" in r.content.decode()
    mc = desk("mastercam")
    carl, contract = customer(mc, country="US", zone="America/New_York")
    theirs = services.open_case(mc, requester=carl, subject="Post", priority="P2", contract=contract, intake=MC_INTAKE)
    r = _as(bob).post(f"/console/cases/{w.case.number}/merge/", {"merge-into": theirs.number})
    assert r.status_code == 400 and f"no case {theirs.number} on your desks" in r.content.decode()


def test_queue_orders_overdue_then_due_then_no_clock_with_business_time_left() -> None:
    w = world("plm-group")
    alice, d = w.alice, w.desk
    monday = datetime(2026, 11, 30, 8, tzinfo=CPH)
    critical = services.open_case(d, requester=alice, subject="Critical one", priority="critical",
                                  contract=w.case.contract, intake=PLM_INTAKE, at=monday)  # fmt: skip
    question = services.open_case(d, requester=alice, subject="How do I", priority="question",
                                  contract=w.case.contract, intake=PLM_INTAKE, at=monday)  # fmt: skip
    bob = w.users["agent"]
    # Critical from 08:00: 4h = Mon 12:00. High from 09:00: Tue 10:00. Question: no target, no clock.
    now = datetime(2026, 11, 30, 15, tzinfo=CPH)
    page = queue_page(bob, Filters(desk=d), 1, now)
    assert [r.case.number for r in page.rows] == [critical.number, w.case.number, question.number]
    over, high, none = page.rows
    # Critical: overdue since 12:00, business time 13-15 = 2h; High: 15-16 (1h) + Tue 08-10 (2h) = 3h.
    assert over.remaining is not None and (over.remaining.seconds, over.remaining.state) == (-7200, "breach")
    assert high.remaining is not None and (high.remaining.seconds, high.remaining.ticking) == (10800, True)
    assert high.remaining.state == "ok" and none.remaining is None
    # At lunch the calendar is closed: the countdown stands still at 13-16 + 08-10 = 5h.
    lunch = queue_page(bob, Filters(desk=d), 1, datetime(2026, 11, 30, 12, 30, tzinfo=CPH)).rows[1].remaining
    assert lunch is not None and (lunch.seconds, lunch.ticking) == (18000, False)
    # Tue 09:30: half an hour left, a warning.
    warn = queue_page(bob, Filters(desk=d), 1, datetime(2026, 12, 1, 9, 30, tzinfo=CPH)).rows[1].remaining
    assert warn is not None and (warn.seconds, warn.state) == (1800, "warning")
    # Filters.
    only = queue_page(bob, Filters(desk=d, sla="overdue"), 1, now)
    assert [r.case.number for r in only.rows] == [critical.number]
    assert [r.case for r in queue_page(bob, Filters(desk=d, sla="no_clock"), 1, now).rows] == [question]
    assert [r.case for r in queue_page(bob, Filters(desk=d, priority="critical"), 1, now).rows] == [critical]
    services.assign(question, bob)
    assert [r.case for r in queue_page(bob, Filters(desk=d, mine=True), 1, now).rows] == [question]


def test_queue_page_search_filters_and_rendering() -> None:
    w = world("plm-group")
    bob = w.users["agent"]
    services.customer_reply(w.case, "The flux capacitor smokes")
    other = services.open_case(w.desk, requester=w.alice, subject="Licence question", priority="question",
                               intake=PLM_INTAKE)  # fmt: skip
    client = _as(bob)
    by_body = client.get("/console/?desk=plm-group&q=capacitor").content.decode()
    assert w.case.number in by_body and other.number not in by_body
    by_subject = client.get("/console/?desk=plm-group&q=licence").content.decode()
    assert other.number in by_subject and w.case.number not in by_subject
    by_number = client.get(f"/console/?q={other.number}").content.decode()
    assert other.number in by_number and f">{w.case.number}<" not in by_number
    page = client.get("/console/?desk=plm-group").content.decode()
    assert 'data-remaining="' in page and '<span class="muted">priority not set</span>' not in page
    assert '<td class="remaining none">no clock</td>' in page
    assert "<script>" not in page and "countdown.js" in page


def test_queue_pages_run_past_the_due_cases_into_the_clockless_ones() -> None:
    w = world("plm-group")
    d, bob = w.desk, w.users["agent"]
    at = datetime(2026, 11, 30, 9, tzinfo=CPH)
    for i in range(30):  # 30 more without a clock: 31 rows, the due case first
        services.open_case(d, requester=w.alice, subject=f"Q{i}", priority="question", intake=PLM_INTAKE,
                           at=at + timedelta(minutes=i))  # fmt: skip
    now = datetime(2026, 11, 30, 10, tzinfo=CPH)
    first, second = queue_page(bob, Filters(desk=d), 1, now), queue_page(bob, Filters(desk=d), 2, now)
    assert first.has_next and not second.has_next
    assert len(first.rows) == 25 and len(second.rows) == 6
    assert first.rows[0].case == w.case
    numbers = [r.case.number for r in first.rows + second.rows]
    assert len(set(numbers)) == 31
    assert [r.case.subject for r in first.rows[1:3]] == ["Q29", "Q28"]  # newest clockless first
    assert queue_page(bob, Filters(desk=d), 3, now).rows == []


def test_requester_and_non_members_are_refused_and_superusers_see_every_desk() -> None:
    w = world("plm-group")
    root = User.objects.create_superuser("root", "root@x.test", "pw")
    assert w.case.number in _as(root).get("/console/").content.decode()
    nobody = staff("nobody")  # staff flag, but no desk
    assert _as(nobody).get("/console/").status_code == 403
    assert timezone.now()  # keep the import used


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the policy cache and the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_queue_costs_the_same_queries_for_5_and_30_cases() -> None:
    w = world("plm-group")
    bob = w.users["agent"]
    client = _as(bob)

    def add(n: int) -> None:
        for i in range(n):
            case = services.open_case(w.desk, requester=w.alice, subject=f"S{i}", priority=["high", "question"][i % 2],
                                      contract=w.case.contract, intake=PLM_INTAKE)  # fmt: skip
            services.assign(case, bob)

    add(4)
    five = _queries(client, "/console/?desk=plm-group")
    add(25)
    thirty = _queries(client, "/console/?desk=plm-group")
    assert five == thirty, (five, thirty)
    assert _queries(client, "/console/?desk=plm-group&q=S1") == _queries(client, "/console/?desk=plm-group&q=S")


def test_the_case_page_costs_the_same_queries_whatever_its_history() -> None:
    w = world("plm-group")
    bob = w.users["agent"]
    client, url = _as(bob), f"/console/cases/{w.case.number}/"
    services.agent_reply(w.case, bob, "first")
    few = _queries(client, url)
    for i in range(20):
        services.add_note(w.case, bob, f"note {i}")
        services.customer_reply(w.case, f"reply {i}")
        services.set_priority(w.case, ["critical", "high"][i % 2], actor=bob)
    services.classify(w.case, "bug", actor=bob)
    assert _queries(client, url) == few


def test_register_a_phone_call_on_the_line_that_picks_the_calendar_with_missing_intake_flagged() -> None:
    d = desk("mastercam")
    alice, _ = customer(d, country="GB", zone="Europe/London")
    bob = staff("bob")
    Membership.objects.create(desk=d, user=bob)
    client = _as(bob)
    form = client.get("/console/new/").content.decode()  # bob's only desk: no need to choose
    assert "phone (US)" in form and "phone (UK)" in form and "P1" in form
    data = {"desk": "mastercam", "contact": "ALICE@gb.test", "channel": "phone_uk", "priority": "P2",
            "subject": "Post processor crashes", "description": "Called in"}  # fmt: skip
    r = client.post("/console/new/", data, follow=True)
    case = Case.objects.get(desk=d, subject="Post processor crashes")
    # POLICIES 0.1: a UK phone case runs on the UK calendar; the intake fields were not given: flagged, not refused.
    assert (case.channel, case.calendar, case.requester, case.priority) == ("phone_uk", "UK", alice, "P2")
    assert case.info_missing and "information missing" in r.content.decode()
    assert CaseEvent.objects.get(case=case, kind="opened").actor == bob
    r = client.post("/console/new/", {**data, "contact": "nobody@x.test"})
    page = r.content.decode()
    assert r.status_code == 400 and "no contact nobody@x.test" in page and 'value="Post processor crashes"' in page


def test_the_contacts_type_ahead_gives_at_most_20_contacts_of_the_desk() -> None:
    w = world("plm-group")
    for i in range(25):
        colleague(w.alice, f"zed{i:02d}")
    client = _as(w.users["agent"])
    found = client.get("/console/contacts?desk=plm-group&q=zed").json()["contacts"]
    assert len(found) == 20 and found[0] == {"email": f"zed00@{w.alice.company_id}.test", "name": "Zed00",
                                              "company": "Customer DK"}  # fmt: skip
    assert client.get("/console/contacts?desk=mastercam&q=a").status_code == 404  # not bob's desk


def test_an_agent_downloads_a_notes_file_and_another_desk_gets_not_found(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    w = world("plm-group")
    _, dave = _staff(w)
    services.add_note(w.case, w.users["agent"], "internal log", files=[SimpleUploadedFile("x.log", b"secret")])
    att = w.case.attachments.get()
    url = f"/console/cases/{w.case.number}/files/{att.pk}/"
    client = _as(w.users["agent"])
    assert url in client.get(f"/console/cases/{w.case.number}/").content.decode()
    assert b"".join(client.get(url).streaming_content) == b"secret"  # type: ignore[attr-defined]
    other = _as(dave)
    gone = other.get(f"/console/cases/PLM-999999/files/{att.pk}/")
    r = other.get(url)
    assert (r.status_code, r.content) == (404, gone.content)
    assert _as(w.users["requester"]).get(url).status_code == 403


def test_the_sla_table_counts_down_running_clocks_only() -> None:
    w = world("plm-group")
    page = _as(w.users["agent"]).get(f"/console/cases/{w.case.number}/").content.decode()
    # The world's case is due Tue 1 Dec 10:00 CET; whatever now is, a running clock has its seconds on the page.
    w.case.refresh_from_db()
    if w.case.next_due_at is not None:
        assert page.count("data-remaining=") == 1
    services.resolve(w.case, "answered")
    page = _as(w.users["agent"]).get(f"/console/cases/{w.case.number}/").content.decode()
    assert "data-remaining=" not in page
