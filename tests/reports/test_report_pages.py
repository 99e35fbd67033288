"""The compliance page and its drill-down, as a manager sees them; who may see them."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from casedesk.accounts.models import Contact
from casedesk.desks.models import Membership
from tests.cases.factories import desk, staff
from tests.reports.worlds import mastercam_november, plm_november

pytestmark = pytest.mark.django_db


def cells(page: str, table: str) -> list[list[str]]:
    """The table's body rows as text (links and tags dropped)."""
    body = page.split(f'id="{table}"', 1)[1].split("</tbody>", 1)[0].split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows]


def test_a_manager_reads_the_months_figures_by_company(client: Client) -> None:
    w = plm_november()
    client.force_login(w.carol)
    response = client.get(f"/console/reports/{w.desk.slug}/", {"period": "2026-11", "by": "company"})
    assert response.status_code == 200
    page = response.content.decode()
    # Met B C F I, missed A G, pending E, removed D (worlds.py); median 3h, p90 7:30 h.
    assert cells(page, "report-totals") == [["Initial response", "4", "2", "1", "1", "8", "66.7 %", "3:00 h", "7:30 h"]]
    assert cells(page, "report-breakdown") == [
        ["Customer FI", "Initial response", "1", "1", "0", "0", "2", "50.0 %", "6:45 h", "7:30 h"],
        ["Customer SE", "Initial response", "3", "1", "1", "1", "6", "75.0 %", "2:30 h", "3:00 h"],
    ]
    assert "<svg" in page and "<script" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert cells(page, "report-goals") == [["Nothing in this period."]]
    d = w.cases["D"].number
    # 09:30 Stockholm, in the viewer's zone (UTC).
    removal = [d, "Initial response", "out of scope: Installation", "bob", "2026-11-12 08:30 UTC"]
    assert cells(page, "report-removals") == [removal]
    assert f'href="/console/cases/{d}/"' in page


def test_every_number_links_to_exactly_its_cases(client: Client) -> None:
    w = plm_november()
    client.force_login(w.carol)
    page = client.get(f"/console/reports/{w.desk.slug}/", {"period": "2026-11", "by": "company"}).content.decode()
    se = w.cases["A"].company_id
    query = f"period=2026-11&amp;by=company&amp;key={se}&amp;metric=response&amp;outcome=met"
    link = f"/console/reports/{w.desk.slug}/cases/?{query}"
    assert f'<a href="{link}">3</a>' in page
    listing = client.get(link.replace("&amp;", "&")).content.decode()
    c = w.cases
    # I, B, C in opening order, each linking to its timeline, with its business time; times in the viewer's zone
    # (UTC), Stockholm being UTC+1. I: 8h from Mon 08:00 with lunch is Tue 09:00; B: 2h from 11:30 is 14:30;
    # C: 4h from Tue 15:00 is Wed 11:00.
    se_name = "Customer SE"
    assert cells(listing, "report-cases") == [
        [c["I"].number, "case I", se_name, "medium", "met", "2026-11-03 08:00 UTC", "2026-11-02 09:00 UTC", "2:00 h"],
        [c["B"].number, "case B", se_name, "critical", "met", "2026-11-09 13:30 UTC", "2026-11-09 12:20 UTC", "0:50 h"],
        [c["C"].number, "case C", se_name, "high", "met", "2026-11-11 10:00 UTC", "2026-11-11 09:00 UTC", "3:00 h"],
    ]
    for n in ("I", "B", "C"):
        assert f'href="/console/cases/{c[n].number}/"' in listing
    missed = client.get(f"/console/reports/{w.desk.slug}/cases/", {"period": "2026-11", "metric": "response",
                                                                    "outcome": "missed"}).content.decode()  # fmt: skip
    assert [r[0] for r in cells(missed, "report-cases")] == [c["A"].number, c["G"].number]


def test_goals_are_apart_from_commitments(client: Client) -> None:
    w = mastercam_november()
    client.force_login(w.carol)
    page = client.get(f"/console/reports/{w.desk.slug}/", {"period": "2026-11"}).content.decode()
    assert cells(page, "report-totals") == [
        ["Response", "1", "1", "0", "0", "2", "50.0 %", "1:30 h", "1:30 h"],
        ["Resolution", "1", "0", "0", "1", "2", "100.0 %", "3:00 h", "3:00 h"],
    ]
    goals = page.split('id="goals"', 1)[1]
    assert "internal goals (not commitments)" in page
    assert cells(goals, "report-goals") == [
        # By metric: one column names the metric (not the same name twice).
        ["Status update to the technical contact", "1", "0", "0", "0", "1", "100.0 %", "1:30 h", "1:30 h"]
    ]
    assert cells(page, "report-removals")[0][:4] == [w.cases["M1"].number, "Resolution", "bug", "bob"]


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"period": "2026-13"}, "is not a month"),
        ({"period": "2026-11", "by": "weather"}, "is not a breakdown"),
        ({"from": "2026-11-20", "to": "2026-11-03"}, "ends before it starts"),
        ({"period": "2026-11", "format": "xls"}, "is not a format"),
    ],
)
def test_a_bad_request_is_a_400_saying_why(client: Client, query: dict[str, str], says: str) -> None:
    d = desk("plm-group")
    client.force_login(User.objects.create_superuser("root", "root@x.test", "pw"))
    response = client.get(f"/console/reports/{d.slug}/", query)
    assert response.status_code == 400
    assert says in response.content.decode()
    drill = client.get(f"/console/reports/{d.slug}/cases/", {"period": "2026-11", "by": "company", "key": "x1"})
    assert drill.status_code == 400 and "is not a company of this report" in drill.content.decode()
    drill = client.get(f"/console/reports/{d.slug}/cases/", {"period": "2026-11", "outcome": "lost"})
    assert drill.status_code == 400 and "is not an outcome" in drill.content.decode()


def test_the_default_is_the_last_whole_month_and_a_free_range_works(client: Client) -> None:
    w = plm_november()
    client.force_login(w.carol)
    page = client.get(f"/console/reports/{w.desk.slug}/").content.decode()
    assert 'id="report-month"' in page and "<option" in page
    # Monday 2 to Thursday 12 November: A, B, C, D and I.
    page = client.get(f"/console/reports/{w.desk.slug}/", {"from": "2026-11-01", "to": "2026-11-12"}).content.decode()
    assert cells(page, "report-totals")[0][:6] == ["Initial response", "3", "1", "0", "1", "5"]


def test_only_the_desks_managers_and_superusers_see_its_report(client: Client) -> None:
    w = plm_november()
    other = desk("mastercam")
    eve = staff("eve")
    Membership.objects.create(desk=other, user=eve, role=Membership.Role.SUPPORT_MANAGER)
    requester = User.objects.create_user("alice-se", "alice@se.test")
    Contact.objects.filter(email="alice@se.test").update(user=requester)
    for user in (w.bob, eve, requester):  # an agent of the desk, another desk's manager, a requester
        client.force_login(user)
        assert client.get(f"/console/reports/{w.desk.slug}/").status_code == 404
        assert client.get(f"/console/reports/{w.desk.slug}/cases/", {"period": "2026-11"}).status_code == 404
        assert client.get(f"/console/reports/{w.desk.slug}/", {"period": "2026-11", "format": "csv"}).status_code == 404
    client.force_login(w.carol)
    assert client.get(f"/console/reports/{other.slug}/").status_code == 404
    assert client.get("/console/reports/no-such-desk/").status_code == 404
    client.force_login(User.objects.create_superuser("root", "root@x.test", "pw"))
    assert client.get(f"/console/reports/{w.desk.slug}/").status_code == 200


def test_the_console_links_a_manager_to_the_desks_report(client: Client) -> None:
    w = plm_november()
    client.force_login(w.carol)
    overview = client.get(f"/console/overview/{w.desk.slug}/").content.decode()
    assert f'href="/console/reports/{w.desk.slug}/"' in overview
    assert "PLM Group reports" in overview  # the navigation, on every console page
    client.force_login(w.bob)
    assert f'href="/console/reports/{w.desk.slug}/"' not in client.get("/console/").content.decode()


def test_the_report_costs_the_same_queries_whatever_the_number_of_cases(client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casedesk.cases import commercial, services
    from tests.cases.factories import customer
    from tests.reports.worlds import PLM_INTAKE, STOCKHOLM, at

    w = plm_november()
    client.force_login(w.carol)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(f"/console/reports/{w.desk.slug}/", {"period": "2026-11", "by": "company"})
            assert page.status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    for country in ("DK", "EE", "LV"):  # three more companies, each with a case answered and one out of scope
        alice, contract = customer(w.desk, country=country, zone="Europe/Stockholm", tier="premium")
        for n in range(2):
            case = services.open_case(w.desk, requester=alice, subject="more", priority="high", contract=contract,
                                      intake=PLM_INTAKE, at=at(STOCKHOLM, 24, 9, n))  # fmt: skip
            if n:
                services.agent_reply(case, w.bob, "Done.", at=at(STOCKHOLM, 24, 10))
            else:
                commercial.classify_scope(case, "Installation", actor=w.bob, at=at(STOCKHOLM, 24, 9, 30))
    assert queries() == before
