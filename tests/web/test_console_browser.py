"""The console in Chromium: an agent finds a new case at the top of the queue with its countdown and replies,
a manager raises the priority and the due time moves, and a phone call is registered with the keyboard alone.

Screenshots go to var/screenshots/console-*.png.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect

from casedesk.cases import services
from casedesk.cases.models import Case
from casedesk.desks.models import Membership
from tests.cases.factories import customer, desk

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright runs an event loop in this thread
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PASSWORD = "console-pass-4711"
PLM_INTAKE = {"phone": "+45 1234", "product_version": "2025", "service_pack": "SP2.0", "english_ok": "yes"}


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "timezone_id": "Europe/Copenhagen", "viewport": {"width": 1440, "height": 900}}


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"console-{name}.png"), full_page=True)


def _sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/console/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/console/")
    expect(page.locator("#viewer-zone")).to_contain_text("Europe/Copenhagen")  # zone.js set the browser's zone


def _world():  # type: ignore[no-untyped-def]
    d = desk("plm-group")
    alice, contract = customer(d, country="DK", zone="Europe/Copenhagen", tier="standard")
    bob = User.objects.create_user("bob", "bob@desk.test", PASSWORD, is_staff=True)
    carol = User.objects.create_user("carol", "carol@desk.test", PASSWORD, is_staff=True)
    Membership.objects.create(desk=d, user=bob, role=Membership.Role.AGENT)
    Membership.objects.create(desk=d, user=carol, role=Membership.Role.SUPPORT_MANAGER)
    earlier = timezone.now() - timedelta(minutes=5)
    # Older work: a Low case (4 business days) and a question (no target); 8 business hours come first.
    for subject, priority in [("Licence transfer", "low"), ("How do I export STEP?", "question")]:
        services.open_case(d, requester=alice, subject=subject, priority=priority, contract=contract,
                           intake=PLM_INTAKE, at=earlier)  # fmt: skip
    new = services.open_case(d, requester=alice, subject="Crash on rebuild", description="It crashes on rebuild.",
                             priority="high", contract=contract, intake=PLM_INTAKE)  # fmt: skip
    return d, new


@pytest.mark.django_db(transaction=True)
def test_agent_replies_to_a_new_case_and_a_manager_raises_its_priority(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    _, case = _world()
    base = live_server.url
    _sign_in(page, base, "bob")
    rows = page.locator("#queue tbody tr")
    expect(rows).to_have_count(3)
    first = rows.first
    expect(first).to_contain_text(case.number)
    expect(first).to_contain_text("Crash on rebuild")
    expect(rows.nth(2)).to_contain_text("no clock")  # the question: no target
    cell = first.locator("td.remaining")
    seconds = int(cell.get_attribute("data-remaining") or "0")
    assert 0 < seconds <= 8 * 3600  # High: 8 business hours, none used up yet beyond a few seconds
    expect(cell).to_have_text(re.compile(r"^\d+h \d\dm \d\ds$|^\d+m \d\ds$"))  # painted by countdown.js
    before = cell.inner_text()
    page.wait_for_timeout(1500)
    if cell.get_attribute("data-ticking") == "1":  # the Danish calendar is open now: it counts down
        assert cell.inner_text() != before
    else:
        assert cell.inner_text() == before
    _shot(page, "queue")
    # Keyboard: j selects the first row, o opens it, r goes to the reply.
    page.keyboard.press("j")
    page.keyboard.press("o")
    page.wait_for_url(f"{base}/console/cases/{case.number}/")
    page.keyboard.press("r")
    expect(page.locator("#reply-body")).to_be_focused()
    page.keyboard.type("Thanks, Alice: please send the model.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_contain_text("Reply sent.")
    expect(page.locator("#case-timeline li.public")).to_contain_text("please send the model")
    expect(page.locator("#case-sla")).to_contain_text("met")  # the first reply is the initial response
    _shot(page, "case-after-reply")

    # A manager raises the priority of another case still waiting: the due moves earlier.
    waiting = Case.objects.get(subject="Licence transfer")
    _sign_in(page, base, "carol")
    page.goto(f"{base}/console/cases/{waiting.number}/")
    due = page.locator("#case-sla td.due").first
    low_due = due.inner_text()
    expect(page.locator("#case-sla")).to_contain_text("4bd")
    page.locator("#priority summary").click()
    expect(page.locator("#priority")).to_contain_text("Cannot use the software, severe business impact")
    page.locator("#priority input[value=critical]").check()
    page.get_by_role("button", name="Set priority").click()
    expect(page.locator(".flash")).to_contain_text("Priority set to critical.")
    expect(page.locator("#case-sla")).to_contain_text("4h")
    assert due.inner_text() < low_due  # same zone, same format: earlier sorts first
    expect(page.locator("#case-priority")).to_have_text("critical")
    _shot(page, "case-priority-raised")
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    _shot(page, "help")


@pytest.mark.django_db(transaction=True)
def test_an_agent_registers_a_phone_call_with_the_keyboard_alone(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    _world()
    base = live_server.url
    _sign_in(page, base, "bob")
    page.keyboard.press("c")  # shortcut: register a call
    page.wait_for_url(f"{base}/console/new/")
    expect(page.locator("#id_contact")).to_be_focused()  # the caller first
    page.keyboard.type("alice@dk")
    expect(page.locator("#call-contacts option")).to_have_count(1)  # the type-ahead found her
    page.keyboard.type(".test")
    page.keyboard.press("Tab")  # priority: arrows pick within the group
    page.keyboard.press("ArrowDown")
    expect(page.locator("input[name=priority][value=high]")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("License server unreachable")
    page.keyboard.press("Tab")
    page.keyboard.type("Called from the plant, since this morning.")
    _shot(page, "new-call")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Enter in a text field submits the form; the intake fields stay empty
    page.wait_for_url(re.compile(r"/console/cases/PLM-\d{6}/$"))
    expect(page.locator(".flash")).to_contain_text("is opened. Information is missing")
    expect(page.locator("#case-flags")).to_contain_text("information missing")
    case = Case.objects.get(subject="License server unreachable")
    assert (case.channel, case.priority, case.requester.email, case.info_missing) == (
        "phone",
        "high",
        "alice@dk.test",
        True,
    )
    _shot(page, "case-from-call")


@pytest.mark.django_db(transaction=True)
def test_the_demo_desk_queue_shows_overdue_cases_first_in_red(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    from casedesk.demo.loader import load_demo

    d = desk("plm-group")
    load_demo(d)
    bob = User.objects.create_user("bob", "bob@desk.test", PASSWORD, is_staff=True)
    Membership.objects.create(desk=d, user=bob, role=Membership.Role.AGENT)
    _sign_in(page, live_server.url, "bob")
    first = page.locator("#queue tbody tr").first.locator("td.remaining")
    expect(first).to_have_class(re.compile(r"\bbreach\b"))  # the demo has overdue cases: they come first
    expect(first).to_contain_text("overdue by")
    _shot(page, "queue-demo")
    page.locator("#queue tbody tr").first.locator("a").click()
    expect(page.locator("#case-sla tr.sla-overdue").first).to_be_visible()
    _shot(page, "case-demo-overdue")


@pytest.mark.django_db(transaction=True)
def test_an_agent_ticks_cases_with_the_keyboard_assigns_them_and_saves_the_view(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    _desk, new = _world()
    bob = User.objects.get(username="bob")
    _sign_in(page, live_server.url, "bob")
    page.goto(f"{live_server.url}/console/?desk=plm-group")
    # j selects the first row, x ticks it; j, x the second one.
    for _ in range(2):
        page.keyboard.press("j")
        page.keyboard.press("x")
    ticked = page.locator("#queue input[name=cases]:checked")
    expect(ticked).to_have_count(2)
    numbers = [ticked.nth(i).get_attribute("value") for i in range(2)]
    page.locator("#bulk select[name=assignee]").select_option(label="bob")
    page.locator("#bulk").get_by_role("button", name="Apply").click()
    expect(page.locator(".flash")).to_contain_text(f"Changed 2 cases: {numbers[0]}, {numbers[1]}.")
    assert set(Case.objects.filter(assignee=bob).values_list("number", flat=True)) == set(numbers)
    assert new.number in numbers  # the new High case is due first: it was the first row
    # Save "unassigned in PLM" and come back to it from the link above the queue.
    page.goto(f"{live_server.url}/console/?desk=plm-group&assignee=-")
    expect(page.locator("#queue tbody tr")).to_have_count(1)
    page.get_by_label("Save these filters as").fill("PLM unassigned")
    page.get_by_role("button", name="Save view").click()
    expect(page.locator(".flash")).to_contain_text("View “PLM unassigned” saved.")
    page.goto(f"{live_server.url}/console/")
    page.locator("nav.views").get_by_role("link", name="PLM unassigned").click()
    expect(page.locator("#queue tbody tr")).to_have_count(1)
    _shot(page, "queue-saved-view")
