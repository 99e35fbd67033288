"""Statement pages (issue 15): /console/companies/<id>/statement/ and /portal/statement/, on the page, as CSV and
as PDF; who may see which company's; bad requests. The ledger is tests.contracts.test_statements' (worked by
hand there): November 2026 opens at 10.00 h and CAD 500.00 of credit and closes at 8.00 h and CAD 380.00.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casedesk.accounts.models import Contact
from casedesk.contracts import statements
from casedesk.contracts.models import LedgerEntry
from casedesk.desks.models import Membership
from tests.cases.factories import customer, desk, staff
from tests.contracts.test_statements import NAME, Ledger, at
from tests.web.test_portal_world import portal_user

pytestmark = pytest.mark.django_db
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture
def ledger() -> Ledger:
    return Ledger()


def _as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def bob(ledger: Ledger) -> User:
    """bob, an agent of the customer's desk (Solidxperts)."""
    user = staff("bob")
    Membership.objects.create(desk=ledger.company.desk, user=user, role=Membership.Role.AGENT)
    return user


def dave() -> User:
    """dave, an agent of another desk (Mastercam)."""
    user = staff("dave")
    Membership.objects.create(desk=desk("mastercam"), user=user, role=Membership.Role.AGENT)
    return user


def alice(ledger: Ledger) -> User:
    return portal_user(Contact.objects.get(company=ledger.company, name="Alice"))


def console_url(ledger: Ledger) -> str:
    return reverse("console:statement", args=[ledger.company.pk])


def csv_of(response: StreamingHttpResponse) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[arg-type]
    assert not text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def test_console_page_lines_balances_and_links(ledger: Ledger) -> None:
    response = _as(bob(ledger)).get(console_url(ledger), NOVEMBER)
    assert response.status_code == 200
    page = response.content.decode()
    assert NAME.replace("&", "&amp;") in page
    for name in ("d1", "fix", "ded", "late"):
        assert f'id="entry-{ledger.ids[name]}"' in page
    assert f'id="entry-{ledger.ids["after"]}"' not in page
    assert f'id="entry-{ledger.ids["block"]}"' not in page
    case_url = reverse("console:case", args=[ledger.case.number])
    assert f'<a href="{case_url}">{ledger.case.number}</a>' in page
    assert f"correction of #{ledger.ids['d2']}" in page
    # times in the desk's home zone, whoever looks: 23:30 in Toronto is 04:30 UTC the next day
    assert '<time datetime="2026-11-30T23:30:00-05:00">2026-11-30 23:30</time>' in page
    assert "10.00 hours; credit 500.00 CAD" in page
    assert "8.00 hours; credit 380.00 CAD" in page
    assert "0.00 CAD, 75.00 EUR" in page  # per currency, never one total
    assert 'href="?from=2026-11-01&amp;to=2026-11-30&amp;format=csv"' in page
    assert f'href="{reverse("console:ledger", args=[ledger.contract.pk])}"' in page
    assert 'href="?from=2026-11-01&amp;to=2026-11-30&amp;format=pdf"' in page


def test_console_csv_is_the_statement(ledger: Ledger) -> None:
    response = _as(bob(ledger)).get(console_url(ledger), {**NOVEMBER, "format": "csv"})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"statement-company-{ledger.company.pk}-2026-11-01-2026-11-30.csv" in response["Content-Disposition"]
    rows = csv_of(response)
    st = statements.statement(ledger.company, *statements.period(NOVEMBER, at(12, 1).date()))
    lines = list(st.lines())
    entries = [r for r in rows if r["entry"]]
    assert len(entries) == len(lines) == 9
    for row, line in zip(entries, lines, strict=True):
        assert row["entry"] == str(line.entry)
        assert LedgerEntry.objects.get(pk=int(row["entry"])).kind == row["kind"]  # each row traces to its entry
        assert row["hours_balance"] == f"{line.hours_balance}"
        assert row["amount"] == ("" if line.amount is None else f"{line.amount}")
        assert row["case"] == line.case
        assert row["note"] == line.note
    ppi = next(r for r in entries if r["entry"] == str(ledger.ids["ppi"]))
    assert (ppi["amount"], ppi["currency"], ppi["billed"]) == ("150.00", "CAD", "150.00")


def test_console_pdf_and_one_contract(ledger: Ledger) -> None:
    client = _as(bob(ledger))
    query = {**NOVEMBER, "contract": str(ledger.contract.pk), "format": "pdf"}
    response = client.get(console_url(ledger), query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"statement-contract-{ledger.contract.pk}-2026-11-01-2026-11-30.pdf" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    assert len(response.content) > 5_000
    page = client.get(console_url(ledger), {**NOVEMBER, "contract": str(ledger.contract.pk)}).content.decode()
    assert f"?from=2026-11-01&amp;to=2026-11-30&amp;contract={ledger.contract.pk}&amp;format=pdf" in page


def test_console_default_period_is_the_previous_month(ledger: Ledger) -> None:
    response = _as(bob(ledger)).get(console_url(ledger))
    assert response.status_code == 200
    today = timezone.now().astimezone(ZoneInfo("America/Toronto")).date()
    last = today.replace(day=1) - timedelta(days=1)
    assert f'name="from" required value="{last.replace(day=1):%Y-%m-%d}"' in response.content.decode()
    assert f'name="to" required value="{last:%Y-%m-%d}"' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-11-31", "to": "2026-12-01"}, "is not a date for “from”"),
        ({"from": "2026-11-01", "to": "yesterday"}, "is not a date for “to”"),
        ({"from": "2026-11-30", "to": "2026-11-01"}, "The period ends (2026-11-01) before it starts (2026-11-30)."),
        ({**NOVEMBER, "format": "xlsx"}, "is not a format here"),
        ({**NOVEMBER, "contract": "abc"}, "is not a contract number"),
    ],
)
def test_console_bad_request_says_why_and_nothing_else(ledger: Ledger, query: dict[str, str], message: str) -> None:
    response = _as(bob(ledger)).get(console_url(ledger), query)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'id="statement-error"' in page
    assert 'id="statement-lines"' not in page
    assert 'id="statement-facts"' not in page
    assert "format=csv" not in page


def test_console_who_may_see_it(ledger: Ledger) -> None:
    url = console_url(ledger)
    anonymous = _as(None).get(url, NOVEMBER)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/?next=")
    other_desk = _as(dave())
    assert other_desk.get(url, NOVEMBER).status_code == 404  # another desk's company: like no company
    assert other_desk.get(url, {**NOVEMBER, "format": "csv"}).status_code == 404
    agent = _as(bob(ledger))
    assert agent.get(reverse("console:statement", args=[999_999])).status_code == 404
    assert _as(alice(ledger)).get(url, NOVEMBER).status_code == 403  # a requester is not a member
    root = User.objects.create_superuser("root", "root@desk.test", "x")
    assert _as(root).get(url, NOVEMBER).status_code == 200
    other, _ = customer(ledger.company.desk, country="FR", zone="Europe/Paris")
    foreign = {**NOVEMBER, "contract": str(other.company.contracts.get().pk)}
    assert agent.get(url, foreign).status_code == 404  # a contract of another company


def test_console_query_count_does_not_grow_with_the_lines(ledger: Ledger) -> None:
    client = _as(bob(ledger))
    client.get(console_url(ledger), NOVEMBER)
    with CaptureQueriesContext(connection) as nine:
        client.get(console_url(ledger), NOVEMBER)
    for day in range(1, 25):
        ledger.add(f"more{day}", LedgerEntry.Kind.DRAWDOWN, at(11, day, 14), hours="-0.10", case=True, rate=True)
    with CaptureQueriesContext(connection) as more:
        response = client.get(console_url(ledger), NOVEMBER)
    assert response.content.decode().count('id="entry-') == 33
    assert len(more) == len(nine)


def test_portal_statement_of_the_own_company(ledger: Ledger) -> None:
    client = _as(alice(ledger))
    tracker = client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("portal:statement")}"' in tracker
    response = client.get(reverse("portal:statement"), NOVEMBER)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="entry-{ledger.ids["fix"]}"' in page
    assert "8.00 hours; credit 380.00 CAD" in page
    assert reverse("console:case", args=[ledger.case.number]) not in page  # no console links in the portal
    rows = csv_of(client.get(reverse("portal:statement"), {**NOVEMBER, "format": "csv"}))  # type: ignore[arg-type]
    assert [r["entry"] for r in rows if r["entry"]] == [str(line.entry) for line in _november(ledger).lines()]
    pdf = client.get(reverse("portal:statement"), {**NOVEMBER, "format": "pdf"})
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")


def test_portal_never_another_company(ledger: Ledger) -> None:
    stranger, theirs = customer(ledger.company.desk, country="FR", zone="Europe/Paris")
    LedgerEntry.objects.create(
        company=stranger.company, contract=theirs, kind=LedgerEntry.Kind.PURCHASE, hours="4.00", at=at(11, 3)
    )
    client = _as(alice(ledger))
    url = reverse("portal:statement")
    assert client.get(url, {**NOVEMBER, "contract": str(theirs.pk)}).status_code == 404
    assert client.get(url, {**NOVEMBER, "contract": str(theirs.pk), "format": "csv"}).status_code == 404
    # the stranger's own statement has their entry and none of alice's company's
    theirs_client = _as(portal_user(stranger))
    page = theirs_client.get(url, NOVEMBER).content.decode()
    assert "4.00 hours" in page
    assert f'id="entry-{ledger.ids["d1"]}"' not in page
    assert theirs_client.get(url, {"from": "2026-11-31", "to": "x"}).status_code == 400
    anonymous = _as(None).get(url, NOVEMBER)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("portal:login"))
    assert _as(bob(ledger)).get(url, NOVEMBER).status_code == 403  # staff: not a contact


def _november(ledger: Ledger) -> statements.Statement:
    return statements.statement(ledger.company, *statements.period(NOVEMBER, at(12, 1).date()))
