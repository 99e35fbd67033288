"""The queue's tools: team queues, company and product filters, saved views per agent, bulk assign and status.

The world (tests/web/test_portal_world.py): alice of "Customer DK" has a PLM
case on SOLIDWORKS 2025; here a Swedish customer opens one on 3DEXPERIENCE
R2025x, which PLM routes to the Swedish queue.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.test import Client

from casedesk.cases import services
from casedesk.cases.models import Case, CaseEvent
from casedesk.console.models import SavedView
from casedesk.desks.models import Membership, Team
from tests.cases.factories import customer, desk, staff
from tests.web.test_portal_world import MC_INTAKE, PLM_INTAKE, World, world

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _swedish_case(w: World) -> Case:
    sven, contract = customer(w.desk, country="SE", zone="Europe/Stockholm", tier="standard")
    intake = {**PLM_INTAKE, "product_version": "R2025x"}
    return services.open_case(
        w.desk, requester=sven, subject="Login fails", contract=contract, intake=intake, priority="high"
    )


def _numbers(page: str, *cases: Case) -> set[str]:
    return {c.number for c in cases if f">{c.number}</a>" in page}


def test_company_product_and_team_filters() -> None:
    w = world("plm-group")
    se = _swedish_case(w)
    assert se.queue is not None and se.queue.country == "SE" and w.case.queue != se.queue
    client = _as(w.users["agent"])
    base = "/console/?desk=plm-group"
    assert _numbers(client.get(base).content.decode(), w.case, se) == {w.case.number, se.number}
    assert _numbers(client.get(base + "&company=customer+se").content.decode(), w.case, se) == {se.number}
    assert _numbers(client.get(base + "&product=R2025").content.decode(), w.case, se) == {se.number}
    assert _numbers(client.get(base + "&product=2025").content.decode(), w.case, se) == {w.case.number}
    assert _numbers(client.get(base + "&company=Nobody+Ltd").content.decode(), w.case, se) == set()
    nordics = Team.objects.create(desk=w.desk, name="Sweden desk")
    nordics.queues.add(se.queue)
    Membership.objects.filter(user=w.users["agent"]).update(team=nordics)
    page = client.get(f"{base}&team={nordics.pk}").content.decode()
    assert _numbers(page, w.case, se) == {se.number} and "<h1>Sweden desk</h1>" in page
    # The navigation offers the agent's own team queue, and the filter lists offer the desk's values.
    home = client.get(base).content.decode()
    assert f"team={nordics.pk}" in home and "Team Sweden desk" in home
    assert '<option value="Customer SE">' in home and '<option value="R2025x">' in home


def test_saved_views_belong_to_their_agent() -> None:
    w = world("plm-group")
    bob = w.users["agent"]
    carol = staff("carol")
    Membership.objects.create(desk=w.desk, user=carol, role=Membership.Role.AGENT)
    bob_client = _as(bob)
    query = "desk=plm-group&company=Customer+SE&page=3&evil=%3Cscript%3E"
    page = bob_client.post("/console/views/", {"name": "  Swedish   customers ", "query": query}, follow=True)
    assert "View “Swedish customers” saved." in page.content.decode()
    view = SavedView.objects.get(user=bob)
    assert view.name == "Swedish customers" and view.query == "desk=plm-group&company=Customer+SE"
    assert 'href="/console/?desk=plm-group&amp;company=Customer+SE"' in bob_client.get("/console/").content.decode()
    # Saving under the same name replaces the filters; an empty name saves nothing.
    bob_client.post("/console/views/", {"name": "Swedish customers", "query": "desk=plm-group&sla=overdue"})
    assert list(SavedView.objects.filter(user=bob).values_list("query", flat=True)) == ["desk=plm-group&sla=overdue"]
    empty = bob_client.post("/console/views/", {"name": "  ", "query": "mine=1"}, follow=True)
    assert "Give the view a name" in empty.content.decode() and SavedView.objects.count() == 1
    # Carol neither sees nor deletes bob's view.
    carol_client = _as(carol)
    assert "Swedish customers" not in carol_client.get("/console/").content.decode()
    assert carol_client.post(f"/console/views/{view.pk}/delete/").status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()
    bob_client.post(f"/console/views/{view.pk}/delete/")
    assert not SavedView.objects.exists()


def test_bulk_assign_changes_each_visible_case_and_reports_the_others() -> None:
    w = world("plm-group")
    bob = w.users["agent"]
    se = _swedish_case(w)
    mc_desk = desk("mastercam")
    ann, contract = customer(mc_desk, country="US", zone="America/New_York")
    mc = services.open_case(  # another desk's case: bob may not touch it
        mc_desk, requester=ann, subject="Post fails", contract=contract, intake=MC_INTAKE, priority="P2"
    )
    reply = _as(bob).post(
        "/console/bulk/",
        {"cases": [w.case.number, se.number, mc.number], "assignee": str(bob.pk), "query": "desk=plm-group"},
        follow=True,
    )
    text = reply.content.decode()
    assert reply.redirect_chain[-1][0] == "/console/?desk=plm-group"
    assert f"Changed 2 cases: {w.case.number}, {se.number}." in text
    assert f"{mc.number}: no such case on your desks" in text
    for case in (w.case, se):
        case.refresh_from_db()
        assert case.assignee == bob and case.status == Case.Status.OPEN
        assert CaseEvent.objects.filter(case=case, kind="assigned", actor=bob).count() == 1
    mc.refresh_from_db()
    assert mc.assignee is None and not CaseEvent.objects.filter(case=mc, kind="assigned").exists()


def test_bulk_status_refuses_per_case_what_the_case_state_forbids() -> None:
    w = world("plm-group")
    bob = w.users["agent"]
    se = _swedish_case(w)
    services.resolve(se, "answered", actor=bob)
    client = _as(bob)
    text = client.post(
        "/console/bulk/", {"cases": [w.case.number, se.number], "status": "waiting_on_customer"}, follow=True
    ).content.decode()
    assert f"Changed 1 case: {w.case.number}." in text and f"{se.number}: case {se.number} is resolved" in text
    w.case.refresh_from_db()
    se.refresh_from_db()
    assert w.case.status == Case.Status.WAITING_ON_CUSTOMER and se.status == Case.Status.RESOLVED
    closed = client.post("/console/bulk/", {"cases": [w.case.number, se.number], "status": "closed"}, follow=True)
    assert f"Changed 1 case: {se.number}." in closed.content.decode()
    se.refresh_from_db()
    assert se.status == Case.Status.CLOSED


def test_bulk_assignee_must_belong_to_the_case_desk_and_nothing_is_written_otherwise() -> None:
    w = world("plm-group")
    outsider = staff("erin")
    Membership.objects.create(desk=desk("mastercam"), user=outsider, role=Membership.Role.AGENT)
    text = _as(w.users["agent"]).post(
        "/console/bulk/", {"cases": [w.case.number], "assignee": str(outsider.pk), "status": "on_hold_vendor"},
        follow=True,
    ).content.decode()  # fmt: skip
    assert "the assignee is not a member of this case" in text
    w.case.refresh_from_db()
    assert w.case.assignee is None and w.case.status == Case.Status.NEW


def test_bulk_without_a_tick_or_a_change_says_what_is_missing() -> None:
    w = world("plm-group")
    client = _as(w.users["agent"])
    assert "Tick at least one case" in client.post("/console/bulk/", {"status": "open"}, follow=True).content.decode()
    none = client.post("/console/bulk/", {"cases": [w.case.number]}, follow=True).content.decode()
    assert "Choose an assignee or a status" in none
    bad = client.post("/console/bulk/", {"cases": [w.case.number], "status": "resolved"}, follow=True)
    assert "Choose a status from the list" in bad.content.decode()


def test_the_queue_counts_down_an_s0_review_in_elapsed_time_after_24x7_work_is_found_not_needed() -> None:
    """PTC S0 opened Friday 4 Dec 2026 16:00 Paris: its management review is due 24 elapsed hours later,
    Saturday 16:00 (POLICIES 0.10). Once the 24x7 evaluation says "not needed", the case works on the
    business calendar (Mon-Fri 08-17 in the customer's zone), but the review still counts elapsed hours:
    at Friday 17:00 the row shows 23 hours left and ticking, not the 0 business hours left before Monday."""
    from casedesk.console.queue import Filters, queue_page
    from tests.cases.test_ptc import _open

    case = _open("S0", datetime(2026, 12, 4, 16, 0, tzinfo=PARIS), phone_24x7="+33 1 55 55 01 00")
    agent = staff("pia")
    Membership.objects.create(desk=case.desk, user=agent, role=Membership.Role.AGENT)
    services.set_round_the_clock(case, False, actor=agent, at=datetime(2026, 12, 4, 16, 30, tzinfo=PARIS))
    case.refresh_from_db()
    assert case.next_due_at == datetime(2026, 12, 5, 16, 0, tzinfo=PARIS)
    page = queue_page(agent, Filters(desk=case.desk), 1, datetime(2026, 12, 4, 17, 0, tzinfo=PARIS))
    (row,) = page.rows
    assert row.remaining is not None and (row.remaining.seconds, row.remaining.ticking) == (23 * 3600, True)


def test_the_queue_search_finds_words_of_the_first_message_and_of_replies_but_not_other_desks_cases() -> None:
    w = world("plm-group")
    sven, contract = customer(w.desk, country="SE", zone="Europe/Stockholm", tier="standard")
    vault = services.open_case(
        w.desk, requester=sven, subject="Vault", description="Error 0x80070005 when checking in to the PDM vault",
        contract=contract, intake=PLM_INTAKE, priority="high",
    )  # fmt: skip
    services.customer_reply(w.case, "Rebuild of Göteborg-assembly fails")
    client = _as(w.users["agent"])
    assert _numbers(client.get("/console/?q=0x80070005").content.decode(), w.case, vault) == {vault.number}
    assert _numbers(client.get("/console/?q=PDM+checking").content.decode(), w.case, vault) == {vault.number}
    assert _numbers(client.get("/console/?q=goteborg").content.decode(), w.case, vault) == {w.case.number}
    mc_desk = desk("mastercam")
    ann, mc_contract = customer(mc_desk, country="US", zone="America/New_York")
    services.open_case(mc_desk, requester=ann, subject="Post", description="Error 0x80070005 too",
                       contract=mc_contract, intake=MC_INTAKE, priority="P2")  # fmt: skip
    page = client.get("/console/?q=0x80070005").content.decode()
    assert _numbers(page, vault) == {vault.number} and page.count('name="cases"') == 1
    # The description shows once on the case page: above the timeline, not again in its "opened" entry.
    assert client.get(f"/console/cases/{vault.number}/").content.decode().count("Error 0x80070005") == 1
