"""The report's CSV (every counted metric row, streamed) and PDF (its tables), against the hand-counted world."""

import csv
import io
import re
import zlib

import pytest
from django.http import StreamingHttpResponse
from django.test import Client

from casedesk.contracts import statement_files
from tests.reports.worlds import plm_november

pytestmark = pytest.mark.django_db


def test_the_csv_has_every_counted_row_of_the_period_with_its_business_time(client: Client) -> None:
    w = plm_november()
    client.force_login(w.carol)
    response = client.get(f"/console/reports/{w.desk.slug}/", {"period": "2026-11", "format": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"] == 'attachment; filename="compliance-plm-group-2026-11.csv"'
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    c = w.cases
    by_case = {r["case"]: r for r in rows}
    # The eight November cases (not the one of 30 October nor the one of 1 December, Oslo time), one row each.
    assert sorted(by_case) == sorted(c[n].number for n in "ABCDEFGI") and len(rows) == 8
    seconds = {n: by_case[c[n].number]["business_seconds"] for n in "ABCDEFGI"}
    assert seconds == {"A": "10800", "B": "3000", "C": "10800", "D": "", "E": "", "F": "27000", "G": "21600",
                       "I": "7200"}  # fmt: skip
    outcomes = {n: by_case[c[n].number]["outcome"] for n in "ABCDEFGI"}
    assert outcomes == {"A": "missed", "B": "met", "C": "met", "D": "removed", "E": "pending", "F": "met",
                        "G": "missed", "I": "met"}  # fmt: skip
    a = by_case[c["A"].number]
    assert (a["company"], a["queue"], a["agent"], a["priority"], a["metric"], a["kind"]) == (
        "Customer SE", "Sweden", "bob", "critical", "response", "commitment"
    )  # fmt: skip
    # Mon 2 Nov 09:00 Stockholm, due 11:00, answered 13:00: in the viewer's zone (UTC).
    assert (a["started"], a["due"], a["stopped"]) == (
        "2026-11-02T08:00:00+00:00", "2026-11-02T10:00:00+00:00", "2026-11-02T12:00:00+00:00"
    )  # fmt: skip
    assert list(rows[0]) == ["case", "company", "queue", "agent", "priority", "metric", "kind", "outcome",
                             "started", "due", "stopped", "business_seconds"]  # fmt: skip


def content_text(data: bytes) -> str:
    """The text drawn on the PDF's pages with a built-in font (Latin-1 strings in the content streams)."""
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            body = zlib.decompress(stream)
        except zlib.error:
            body = stream
        strings = re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", body)
        out += [re.sub(r"\\(.)", r"\1", s.decode("latin-1")) for s in strings]
    return "\n".join(out)


def test_the_pdf_has_the_totals_breakdown_goals_and_removals(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    w = plm_november()
    client.force_login(w.carol)
    response = client.get(f"/console/reports/{w.desk.slug}/", {"period": "2026-11", "format": "pdf", "by": "agent"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF-") and b"DejaVu" in data
    assert b"/Title (SLA compliance: PLM Group, 2026-11)" in data
    # With a built-in font the words are readable in the page streams: check the figures there.
    monkeypatch.setattr(statement_files, "FONT_DIRS", [])
    text = content_text(client.get(f"/console/reports/{w.desk.slug}/",
                                   {"period": "2026-11", "format": "pdf", "by": "agent"}).content)  # fmt: skip
    lines = text.split("\n")
    i = lines.index("Initial response", lines.index("Commitments per metric"))
    assert lines[i : i + 9] == ["Initial response", "response", "4", "2", "1", "1", "66.7 %", "3:00 h", "7:30 h"]
    j = lines.index("bob", lines.index("Commitments by agent"))
    assert lines[j : j + 9] == ["bob", "Initial response", "1", "1", "0", "0", "50.0 %", "1:55 h", "3:00 h"]
    assert "The desk's internal goals (not commitments)" in lines
    k = lines.index(w.cases["D"].number)
    assert lines[k : k + 4] == [w.cases["D"].number, "Initial response", "out of scope: Installation", "bob"]


def test_the_csv_is_the_same_read_a_few_cases_at_a_time(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from casedesk.reports import exports

    w = plm_november()
    client.force_login(w.carol)

    def read() -> str:
        response = client.get(f"/console/reports/{w.desk.slug}/", {"period": "2026-11", "format": "csv"})
        return b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]

    whole = read()
    monkeypatch.setattr(exports, "CHUNK", 3)  # 8 cases: chunks of 3, 3 and 2
    assert read() == whole
    assert whole.count("\r\n") == 9
