"""A requester in Chromium: signs in, opens a case, finds it in the tracker with its next expected response,
comments; a colleague at the same company gets not-found for it (PLM's GDPR rule)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from casedesk.cases.models import Case
from tests.web.test_portal_world import PASSWORD, world

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright runs an event loop in this thread
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": {"width": 1300, "height": 900}}


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"portal-{name}.png"), full_page=True)


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/portal/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/portal/")


@pytest.mark.django_db(transaction=True)
def test_requester_opens_a_case_tracks_it_and_comments_colleague_gets_not_found(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    w = world("plm-group")  # alice's High case of Monday 30 Nov 09:00 Copenhagen: due Tuesday 1 Dec 10:00 CET
    base = live_server.url
    _sign_in(page, base, w.alice.email)
    expect(page.locator("#cases")).to_contain_text("Initial response by 2026-12-01 10:00 CET")
    _shot(page, "tracker-before")

    page.get_by_role("link", name="Open a new case").click()
    page.get_by_label("Subject").fill("Drawing views vanish after rebuild")
    page.get_by_label("Priority").select_option("high")
    page.get_by_label("Phone").fill("+45 1234 5678")
    page.get_by_label("SOLIDWORKS version (2025) or 3DEXPERIENCE release (R2025x)").fill("2025x")  # wrong form
    page.get_by_label("Service pack (SPX.X)").fill("SP2.1")
    page.get_by_label("I accept English support").select_option("yes")
    page.get_by_label("Description").fill("Since the update the views vanish.")
    page.get_by_role("button", name="Open the case").click()
    expect(page.locator(".field.has-error")).to_contain_text("'2025x' is not in the expected form")
    expect(page.get_by_label("Subject")).to_have_value("Drawing views vanish after rebuild")
    expect(page.get_by_label("Description")).to_have_value("Since the update the views vanish.")
    _shot(page, "new-case-error")
    page.get_by_label("SOLIDWORKS version (2025) or 3DEXPERIENCE release (R2025x)").fill("2025")
    page.get_by_role("button", name="Open the case").click()
    expect(page.locator(".flash")).to_contain_text("is opened")
    number = Case.objects.exclude(pk=w.case.pk).get().number
    expect(page.locator("h1")).to_contain_text(number)
    expect(page.locator("#expected")).to_have_text(re.compile(r"Initial response by \d{4}-\d\d-\d\d \d\d:\d\d CES?T"))

    page.get_by_role("navigation").get_by_role("link", name="My cases").click()
    row = page.locator("#cases tbody tr").first  # newest first
    expect(row).to_contain_text(number)
    expect(row).to_contain_text("High")
    expect(row.locator("td.expected")).to_have_text(re.compile(r"Initial response by \d{4}-\d\d-\d\d \d\d:\d\d CES?T"))
    _shot(page, "tracker")

    row.get_by_role("link", name=number).click()
    page.get_by_label("Your comment").fill("It also happens in <b>drawings</b> made in 2024.")
    page.get_by_role("button", name="Add the comment").click()
    expect(page.locator("#timeline")).to_contain_text("It also happens in <b>drawings</b> made in 2024.")
    _shot(page, "case")

    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, base, w.users["colleague"].username)
    expect(page.locator("body")).not_to_contain_text(number)
    response = page.goto(f"{base}/portal/cases/{number}/")
    assert response is not None and response.status == 404
    missing = page.goto(f"{base}/portal/cases/PLM-999999/")
    assert missing is not None and missing.status == 404
    expect(page.locator("body")).not_to_contain_text("Drawing views")
    _shot(page, "colleague-not-found")
