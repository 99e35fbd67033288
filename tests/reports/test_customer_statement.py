"""A company's monthly SLA statement in the portal (/portal/sla/), against a hand-counted Mastercam month.

Mastercam (POLICIES section 2): online cases run Mon-Fri 08:00-17:00 in the licensed user's zone (here
America/Chicago), P1 response 2h / resolution 8h, P2 8h / 24h, P3 24h / 48h; the response is the first contact
after assignment; resolution starts when a priority is set and the information is in (0.3). A bug classification
removes every pending target (0.2, 0.17). The status update is the desk's internal goal (0.21): never shown to
customers. The desk's home zone is America/New_York, so November 2026 is [1 Nov 00:00, 1 Dec 00:00) New York.

Customer US (alice, her colleague bea), November 2026 (Mondays: 2, 30 November):
- A1 alice, P1, Mon 2 Nov 09:00: assigned 09:10, reply 10:00 -> response met in 1h; resolved 12:00 -> met in 3h.
- A2 alice, P1, Tue 3 Nov 09:00: assigned 09:10, reply 12:00 -> response missed (due 11:00), 3h; resolved 16:30
  -> resolution met (due 17:00) in 7h30m.
- A3 alice, P2, Wed 4 Nov 09:00: classified a bug by bob at 10:00 -> response and resolution removed.
- A4 bea, P3, Mon 30 Nov 09:00: nothing since -> response and resolution pending.
- A0 alice, P1, Fri 30 Oct 09:00: October, not in November's statement.
Customer GB (another company): B1, P1, Thu 5 Nov: never in the US company's statement.

By hand, November, the US company: Response 1 met, 1 missed, 1 pending, 1 removed, 50% met, median of 1h and 3h
= 2h, 90th percentile (nearest rank of two) 3h. Resolution 2 met, 0 missed, 1 pending, 1 removed, 100%, median of
3h and 7h30m = 5h15m, 90th percentile 7h30m.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from casedesk.accounts.models import Contact
from casedesk.cases import services
from casedesk.cases.models import Case
from tests.cases.factories import customer, desk, staff
from tests.web.test_portal_world import MC_INTAKE, colleague, portal_user

pytestmark = pytest.mark.django_db
CHI = ZoneInfo("America/Chicago")
LON = ZoneInfo("Europe/London")


@dataclass
class Month:
    alice: Contact
    bea: Contact
    other: Contact
    cases: dict[str, Case]


def _open(contact: Contact, contract, subject: str, priority: str, at: datetime) -> Case:  # type: ignore[no-untyped-def]
    return services.open_case(
        contact.company.desk,
        requester=contact,
        contract=contract,
        subject=subject,
        priority=priority,
        intake=dict(MC_INTAKE),
        at=at,
    )


def november() -> Month:
    mc = desk("mastercam")
    bob = staff("bob")
    alice, contract = customer(mc, country="US", zone="America/Chicago")
    bea = colleague(alice, "bea")
    other, other_contract = customer(mc, country="GB", zone="Europe/London")
    cases: dict[str, Case] = {}

    a0 = _open(alice, contract, "Old October case", "P1", datetime(2026, 10, 30, 9, tzinfo=CHI))
    cases["A0"] = a0
    a1 = _open(alice, contract, "Post processor crash", "P1", datetime(2026, 11, 2, 9, tzinfo=CHI))
    services.assign(a1, bob, at=datetime(2026, 11, 2, 9, 10, tzinfo=CHI))
    services.agent_reply(a1, bob, "Looking at it", at=datetime(2026, 11, 2, 10, tzinfo=CHI))
    services.resolve(a1, "fixed", at=datetime(2026, 11, 2, 12, tzinfo=CHI))
    cases["A1"] = a1
    a2 = _open(alice, contract, "Licence will not start", "P1", datetime(2026, 11, 3, 9, tzinfo=CHI))
    services.assign(a2, bob, at=datetime(2026, 11, 3, 9, 10, tzinfo=CHI))
    services.agent_reply(a2, bob, "Sorry for the wait", at=datetime(2026, 11, 3, 12, tzinfo=CHI))
    services.resolve(a2, "fixed", at=datetime(2026, 11, 3, 16, 30, tzinfo=CHI))
    cases["A2"] = a2
    a3 = _open(alice, contract, "Toolpath gouges the part", "P2", datetime(2026, 11, 4, 9, tzinfo=CHI))
    services.classify(a3, "bug", actor=bob, at=datetime(2026, 11, 4, 10, tzinfo=CHI))
    cases["A3"] = a3
    a4 = _open(bea, contract, "Bea's private question", "P3", datetime(2026, 11, 30, 9, tzinfo=CHI))
    cases["A4"] = a4
    b1 = _open(other, other_contract, "Secret of the other company", "P1", datetime(2026, 11, 5, 10, tzinfo=LON))
    cases["B1"] = b1
    return Month(alice, bea, other, cases)


@pytest.fixture
def month() -> Month:
    return november()


def _rows(page: str, table: str) -> list[str]:
    body = page.split(f'id="{table}"')[1].split("<tbody>")[1].split("</tbody>")[0]
    return [r for r in body.split("<tr")[1:]]


def _cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]


def _browser(contact: Contact) -> Client:
    browser = Client()
    browser.force_login(portal_user(contact))
    return browser


def test_the_statement_gives_the_hand_counted_figures_of_the_month(month: Month) -> None:
    page = _browser(month.alice).get("/portal/sla/?period=2026-11").content.decode()
    metrics = [_cells(r) for r in _rows(page, "sla-metrics")]
    assert metrics == [  # in the policy's order
        ["Response", "1", "1", "1", "1", "50%", "2h", "3h"],
        ["Resolution", "2", "0", "1", "1", "100%", "5h 15m", "7h 30m"],
    ]


def test_the_cases_of_the_month_with_their_outcomes_and_only_the_readers_own_described(month: Month) -> None:
    page = _browser(month.alice).get("/portal/sla/?period=2026-11").content.decode()
    rows = {_cells(r)[0]: r for r in _rows(page, "sla-cases")}
    numbers = [month.cases[k].number for k in ("A1", "A2", "A3", "A4")]
    assert list(rows) == numbers  # opened in November, oldest first; not October's, not the other company's
    a1, a2, a3, a4 = (rows[n] for n in numbers)
    assert _cells(a1)[-1] == "Response: met; Resolution: met"
    assert _cells(a2)[-1] == "Response: missed; Resolution: met"
    assert _cells(a3)[-1] == "Response: removed; Resolution: removed"
    assert _cells(a4)[-1] == "Response: pending; Resolution: pending"
    # Alice's own cases link to their pages; her colleague's case is numbered, never described (GDPR visibility).
    assert f'href="/portal/cases/{numbers[0]}/"' in a1
    assert "Bea&#x27;s private question" not in page and "Bea's private question" not in page
    assert "/portal/cases/" not in a4 and "a colleague" in a4
    assert "Post processor crash" in a1
    assert "Secret of the other company" not in page and month.cases["B1"].number not in page
    assert month.cases["A0"].number not in page


def test_a_bug_classification_is_listed_with_when_and_not_who(month: Month) -> None:
    page = _browser(month.alice).get("/portal/sla/?period=2026-11").content.decode()
    removals = [_cells(r) for r in _rows(page, "sla-removals")]
    number = month.cases["A3"].number
    # Alice reads times in her zone (Chicago): classified Wed 4 Nov 10:00 CST.
    assert removals == [
        [number, "Response", "classified as a software bug", "2026-11-04 10:00 CST"],
        [number, "Resolution", "classified as a software bug", "2026-11-04 10:00 CST"],
    ]
    assert "bob" not in page.split('id="sla-removals"')[1]


def test_internal_goals_are_never_shown_to_customers(month: Month) -> None:
    # A2's status-update goal (the desk's own, 4h after the 12:00 response) was missed before the 16:30
    # resolution; it is the desk's business, not a commitment (POLICIES 0.21).
    assert month.cases["A2"].metrics.filter(goal=True).exists()
    page = _browser(month.alice).get("/portal/sla/?period=2026-11").content.decode()
    assert "Status update" not in page
    assert "update" not in " ".join(_cells(r)[0] for r in _rows(page, "sla-metrics")).lower()


def test_the_other_company_sees_only_its_own_month(month: Month) -> None:
    page = _browser(month.other).get("/portal/sla/?period=2026-11").content.decode()
    cases = [_cells(r)[0] for r in _rows(page, "sla-cases")]
    assert cases == [month.cases["B1"].number]
    assert "Post processor crash" not in page and month.cases["A1"].number not in page


def test_a_month_without_cases_and_a_bad_period(month: Month) -> None:
    browser = _browser(month.alice)
    page = browser.get("/portal/sla/?period=2026-09").content.decode()
    assert "No case opened in this period." in page and "No commitment in this period." in page
    bad = browser.get("/portal/sla/?period=2026-13")
    assert bad.status_code == 400 and "is not a month" in bad.content.decode()


def test_the_page_is_in_the_contacts_language(month: Month) -> None:
    month.alice.language = "fr"
    month.alice.save()
    page = _browser(month.alice).get("/portal/sla/?period=2026-11").content.decode()
    assert ">Demandes</h2>" in page  # the catalogue's "Cases" in French


def test_signed_out_and_staff_cannot_read_it(month: Month) -> None:
    assert Client().get("/portal/sla/").status_code == 302
    agent = Client()
    agent.force_login(staff("carol"))
    assert agent.get("/portal/sla/?period=2026-11").status_code == 403


def test_the_contact_opts_in_and_out_on_the_page(month: Month) -> None:
    browser = _browser(month.alice)
    assert 'name="sla_statements" checked' not in browser.get("/portal/sla/").content.decode()
    browser.post("/portal/sla/", {"sla_statements": "on"})
    month.alice.refresh_from_db()
    assert month.alice.sla_statements
    assert 'name="sla_statements" checked' in browser.get("/portal/sla/").content.decode()
    browser.post("/portal/sla/", {})
    month.alice.refresh_from_db()
    assert not month.alice.sla_statements
    month.bea.refresh_from_db()
    assert not month.bea.sla_statements  # one's own choice only


def test_staff_set_the_opt_in_in_the_admin(month: Month) -> None:
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("root", "root@desk.test", "pw")
    browser = Client()
    browser.force_login(admin)
    form = browser.get(f"/admin/accounts/contact/{month.bea.pk}/change/").content.decode()
    assert 'name="sla_statements"' in form


def test_by_default_the_last_whole_month_of_the_desks_home_zone(month: Month) -> None:
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.now().astimezone(ZoneInfo("America/New_York")).date()  # Mastercam's home zone
    before = today.replace(day=1) - timedelta(days=1)
    page = _browser(month.alice).get("/portal/sla/").content.decode()
    assert f'<option value="{before:%Y-%m}" selected>' in page
    assert f"cases opened in {before:%Y-%m} (days in America/New_York)" in page


def test_no_parameter_reaches_another_companys_statement(month: Month) -> None:
    other = month.other.company.pk
    page = _browser(month.alice).get(f"/portal/sla/?period=2026-11&company={other}&company_id={other}")
    cases = [_cells(r)[0] for r in _rows(page.content.decode(), "sla-cases")]
    assert month.cases["B1"].number not in cases and len(cases) == 4


def test_the_page_reads_the_same_number_of_queries_whatever_the_number_of_cases(month: Month) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = _browser(month.alice)
    browser.get("/portal/sla/?period=2026-11")  # warm: the preset parsed once per process
    with CaptureQueriesContext(connection) as four:
        browser.get("/portal/sla/?period=2026-11")
    contract = month.alice.company.contracts.get()
    for day in (9, 10, 11):
        _open(month.alice, contract, f"More {day}", "P2", datetime(2026, 11, day, 9, tzinfo=CHI))
    with CaptureQueriesContext(connection) as seven:
        page = browser.get("/portal/sla/?period=2026-11").content.decode()
    assert len(_rows(page, "sla-cases")) == 7
    assert len(seven) == len(four)
