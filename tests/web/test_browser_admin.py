"""A manager signs in to the admin in Chromium and finds overdue cases with the SLA filter."""

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from casedesk.demo.loader import load_demo
from casedesk.desks.loading import load_desk

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright runs an event loop in this thread
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    """The manager works in Copenhagen: the admin shows times there, named."""
    return {**browser_context_args, "timezone_id": "Europe/Copenhagen", "viewport": {"width": 1600, "height": 900}}


@pytest.mark.django_db(transaction=True)
def test_manager_finds_overdue_cases_in_the_admin(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    desk, _ = load_desk("plm-group")
    load_demo(desk)
    User.objects.create_superuser("carol", "carol@desk.test", "s3cret-pass")
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("carol")
    page.get_by_label("Password").fill("s3cret-pass")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/cases/case/")
    expect(page.locator("#viewer-zone")).to_have_text("times in Europe/Copenhagen")
    expect(page.get_by_text("PLM-0000", exact=False).first).to_be_visible()
    page.get_by_role("link", name="overdue now").click()
    page.wait_for_url("**/admin/cases/case/?sla=overdue")
    rows = page.locator("#result_list tbody tr")
    expect(rows.first).to_be_visible()
    expect(rows.first.locator("td.field-sla")).to_contain_text("overdue since")
    expect(rows.first.locator("td.field-opened")).to_have_text(re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d CES?T$"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "admin-overdue-cases.png"), full_page=True)
    rows.first.locator("th a").click()
    expect(page.locator("#case-sla")).to_contain_text("Initial response")
    expect(page.locator("#case-sla tr.sla-overdue").first).to_be_visible()
    expect(page.locator("#case-timeline")).to_contain_text("opened")
    page.screenshot(path=str(SHOTS / "admin-case.png"), full_page=True)
