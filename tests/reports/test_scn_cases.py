"""PTC's SCN report with each SCN's cases (POLICIES section 5: "customers with the Online Licensing privilege can
get a detailed report listing their SCNs"), for alice of Customer US, SCN 4000017 (valid) and 4000099 (ended).

PTC's commitments (POLICIES 0.10, 0.20, 0.21): the S0 management review every 24 elapsed hours; the status updates
of S0-S2 are the desk's internal goals, never shown as commitments. Cases under SCN 4000017, Boston time:
- K1 alice, S0, Mon 2 Nov 10:00; a review only on Tue 3 Nov 12:00, after the first mark (3 Nov 10:00): missed.
- K2 alice, S0, Wed 4 Nov 10:00; downgraded to S1 at 12:00: the reviews stop, met.
- K3 alice, S2, Thu 5 Nov 10:00: no commitment (its update cadence is a goal).
- K4 bea (a colleague), S2, Fri 6 Nov 10:00: listed, not linked (alice may not open it).
- K5 carl (a colleague), S2, Fri 6 Nov 11:00, alice copied: PTC lets copied contacts see it, so linked.
Another company naming the same SCN in its own case is not listed.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from casedesk.accounts.models import Contact, Contract
from casedesk.cases import services
from casedesk.cases.models import Case
from tests.cases.factories import customer, desk
from tests.cases.test_ptc import INTAKE
from tests.web.test_portal_world import colleague, portal_user

BOSTON = ZoneInfo("America/New_York")
PHONE = {"phone_24x7": "+1 617 555 0100"}
pytestmark = pytest.mark.django_db


def _open(contact: Contact, contract: Contract, subject: str, severity: str, at: datetime, **extra: str) -> Case:
    return services.open_case(
        contact.company.desk,
        requester=contact,
        contract=contract,
        subject=subject,
        priority=severity,
        intake={**INTAKE, **extra},
        at=at,
    )


@pytest.fixture
def world() -> dict[str, Case | Contact]:
    ptc = desk("ptc")
    alice, contract = customer(ptc, country="US", zone="America/New_York", scn="4000017")
    Contract.objects.create(
        desk=ptc,
        company=alice.company,
        site=alice.site,
        starts_on=date(2024, 1, 1),
        ends_on=date(2025, 12, 31),
        service_number="4000099",
    )
    bea, carl = colleague(alice, "bea"), colleague(alice, "carl")
    k1 = _open(alice, contract, "Production line stopped", "S0", datetime(2026, 11, 2, 10, tzinfo=BOSTON), **PHONE)
    services.record_review(k1, "late review", at=datetime(2026, 11, 3, 12, tzinfo=BOSTON))
    k2 = _open(alice, contract, "Regeneration hangs", "S0", datetime(2026, 11, 4, 10, tzinfo=BOSTON), **PHONE)
    services.set_priority(k2, "S1", at=datetime(2026, 11, 4, 12, tzinfo=BOSTON))
    k3 = _open(alice, contract, "Drawing template question", "S2", datetime(2026, 11, 5, 10, tzinfo=BOSTON))
    k4 = _open(bea, contract, "Bea's licence server", "S2", datetime(2026, 11, 6, 10, tzinfo=BOSTON))
    k5 = _open(carl, contract, "Carl's assembly", "S2", datetime(2026, 11, 6, 11, tzinfo=BOSTON))
    services.add_cc(k5, alice, at=datetime(2026, 11, 6, 11, 5, tzinfo=BOSTON))
    stranger, their_contract = customer(ptc, country="DE", zone="Europe/Berlin", scn="4000017")
    k6 = _open(stranger, their_contract, "Their own case", "S2", datetime(2026, 11, 6, 12, tzinfo=BOSTON))
    return {"alice": alice, "bea": bea, "K1": k1, "K2": k2, "K3": k3, "K4": k4, "K5": k5, "K6": k6}


def _cells(row: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def _table(page: str, scn: str) -> list[str]:
    body = page.split(f'id="scn-cases-{scn}"')[1].split("<tbody>")[1].split("</tbody>")[0]
    return body.split("<tr")[1:]


def _browser(contact: Contact) -> Client:
    browser = Client()
    browser.force_login(portal_user(contact))
    return browser


def test_each_scn_lists_its_cases_with_their_sla_outcome(world: dict) -> None:
    alice = world["alice"]
    alice.online_licensing = True
    alice.save()
    page = _browser(alice).get("/portal/scns/").content.decode()
    rows = _table(page, "4000017")
    n = {k: world[k].number for k in ("K1", "K2", "K3", "K4", "K5", "K6")}
    assert [_cells(r) for r in rows] == [  # newest first
        [n["K5"], "Carl's assembly", "New", "S2 - Moderate impact", "2026-11-06 11:00 EST", "—"],
        [n["K4"], "Bea's licence server", "New", "S2 - Moderate impact", "2026-11-06 10:00 EST", "—"],
        [n["K3"], "Drawing template question", "New", "S2 - Moderate impact", "2026-11-05 10:00 EST", "—"],
        [n["K2"], "Regeneration hangs", "New", "S1 - Business critical", "2026-11-04 10:00 EST",
         "S0 management review: met"],
        [n["K1"], "Production line stopped", "New", "S0 - Business stopped", "2026-11-02 10:00 EST",
         "S0 management review: missed"],
    ]  # fmt: skip
    linked = {k for k in n if f'href="/portal/cases/{n[k]}/"' in page}
    assert linked == {"K1", "K2", "K3", "K5"}  # not bea's case; never the other company's
    assert n["K6"] not in page and "Their own case" not in page
    assert "Next status update" not in page  # the update cadence is the desk's internal goal
    ended = _table(page, "4000099")
    assert [_cells(r) for r in ended] == [["No case under this SCN."]]


def test_the_links_open_exactly_the_cases_alice_may_open(world: dict) -> None:
    alice = world["alice"]
    alice.online_licensing = True
    alice.save()
    browser = _browser(alice)
    page = browser.get("/portal/scns/").content.decode()
    for number in re.findall(r'href="/portal/cases/([^/"]+)/"', page):
        assert browser.get(f"/portal/cases/{number}/").status_code == 200
    assert browser.get(f"/portal/cases/{world['K4'].number}/").status_code == 404  # listed, not hers to open


def test_without_the_privilege_no_case_is_listed(world: dict) -> None:
    r = _browser(world["bea"]).get("/portal/scns/")
    # The page refuses with a word on how to get the privilege (its status is the existing 403 of the SCN report).
    assert r.status_code == 403
    body = r.content.decode()
    assert world["K4"].number not in body and "4000017" not in body and "scn-cases" not in body
