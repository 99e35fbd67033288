"""The compliance report as files: the CSV of its metric rows (streamed, constant memory) and a PDF of its tables.

The CSV has one row per counted metric row of the period (commitments and internal goals, `kind` says which),
read with a server-side cursor 2,000 rows at a time; times in ISO 8601 with the offset of the zone given (the
viewer's), business seconds as the report counts them (settled rows only). The PDF has the totals, the
breakdown, the internal goals and the removals: its size follows the number of groups, not of cases (removals
beyond MAX_REMOVALS are left to the CSV, and the PDF says how many). Both reuse the statement files' helpers
(CSV chunks and formula-safe text, the DejaVu font and the PDF table).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, tzinfo
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext

from casedesk.accounts.models import Company
from casedesk.cases.models import Case, SlaMetric
from casedesk.contracts.statement_files import _Table, csv_chunks, new_pdf, text_cell
from casedesk.desks.models import Desk, Queue
from casedesk.reports.compliance import BusinessTime, Line, Report, outcome_expression
from casedesk.reports.periods import Period

CSV_HEADER = [
    "case", "company", "queue", "agent", "priority", "metric", "kind", "outcome",
    "started", "due", "stopped", "business_seconds",
]  # fmt: skip
CHUNK = 2000
MAX_REMOVALS = 1000
_CASE_COLS = ("id", "number", "company_id", "queue_id", "assignee_id", "policy_version_id", "calendar_zone")
_METRIC_COLS = ("case_id", "metric", "goal", "outcome", "priority", "started_at", "due_at", "stopped_at", "calendar")


def filename(desk: Desk, period: Period, ext: str) -> str:
    return f"compliance-{desk.slug}-{period}.{ext}"


def _when(t: datetime | None, zone: tzinfo) -> str:
    return t.astimezone(zone).isoformat(timespec="seconds") if t else ""


def csv_rows(desk: Desk, period: Period, zone: tzinfo, *, company_id: int | None = None) -> Iterator[list[str]]:
    """The header, then a row per counted metric row of the period, oldest case first.

    The period's cases are walked with a server-side cursor over the desk's opening-time index, CHUNK cases at a
    time, with the case columns the rows need; each chunk's metric rows are then read by case id alone (the
    metric rows' case index, no join), and names (customer, queue, agent) looked up once each. Every query is a
    short indexed one whatever the size of the tables, and memory holds one chunk."""
    yield CSV_HEADER
    bt = BusinessTime(desk)
    cases = Case.objects.filter(desk=desk, opened_at__gte=period.start, opened_at__lt=period.end)
    if company_id is not None:
        cases = cases.filter(company_id=company_id)
    walk = cases.order_by("opened_at", "id").values_list(*_CASE_COLS).iterator(chunk_size=CHUNK)
    metrics = SlaMetric.objects.annotate(outcome=outcome_expression()).exclude(Q(outcome__isnull=True))
    queues = dict(Queue.objects.filter(desk=desk).values_list("pk", "name"))
    users: dict[int, str] = {}
    companies: dict[int, str] = {}
    while chunk_cases := list(itertools.islice(walk, CHUNK)):
        by_id = {c[0]: c for c in chunk_cases}
        wanted = {c[2] for c in chunk_cases} - companies.keys()
        companies.update(Company.objects.filter(pk__in=wanted).values_list("pk", "name"))
        wanted = {c[4] for c in chunk_cases if c[4] is not None} - users.keys()
        users.update(get_user_model().objects.filter(pk__in=wanted).values_list("pk", "username"))
        found = metrics.filter(case_id__in=list(by_id)).values_list(*_METRIC_COLS)
        order = {pk: n for n, pk in enumerate(by_id)}
        chunk = sorted(found, key=lambda m: (order[m[0]], m[1]))
        secs = _business_seconds(bt, chunk, by_id)
        for m, value in zip(chunk, secs, strict=True):
            case_id, metric, goal, outcome, prio, started, due, stopped, _calendar = m
            _, number, company, queue, agent, _version, _zone = by_id[case_id]
            yield [
                text_cell(number),
                text_cell(companies.get(company, "")),
                text_cell(queues.get(queue, "") if queue else ""),
                text_cell(users.get(agent, "") if agent else ""),
                text_cell(prio),
                text_cell(metric),
                "goal" if goal else "commitment",
                outcome,
                _when(started, zone),
                _when(due, zone),
                _when(stopped, zone),
                "" if value is None else str(value),
            ]


def _business_seconds(
    bt: BusinessTime, chunk: list[tuple[Any, ...]], cases: dict[int, tuple[Any, ...]]
) -> list[int | None]:
    """Business seconds of the chunk's settled rows (met or missed, started and stopped), per calendar."""
    secs: list[int | None] = [None] * len(chunk)
    groups: dict[tuple[int, str, str], list[int]] = {}
    for n, m in enumerate(chunk):
        if m[3] in ("met", "missed") and m[5] and m[7]:
            c = cases[m[0]]
            groups.setdefault((c[5], m[8], c[6]), []).append(n)
    for (version_id, name, zone), indexes in groups.items():
        cal = bt.calendar(version_id, name, zone)
        if cal is None:
            continue
        starts = np.array([int(chunk[n][5].timestamp()) for n in indexes], dtype=np.int64)
        stops = np.array([int(chunk[n][7].timestamp()) for n in indexes], dtype=np.int64)
        for n, value in zip(indexes, cal.between_many(starts, stops).tolist(), strict=True):
            secs[n] = max(value, 0)
    paused = [n for n, m in enumerate(chunk) if secs[n] is not None and (cases[m[0]][5], m[1]) in bt.pausing]
    if paused:  # only metrics whose policy version can pause
        pauses = bt.pauses(chunk[n][0] for n in paused)
        for n in paused:
            m, c = chunk[n], cases[chunk[n][0]]
            secs[n] = bt.seconds(c[5], m[8], c[6], m[5], m[7], pauses.get(m[0], {}).get(m[1], []))
    return secs


def csv_response(desk: Desk, period: Period, zone: tzinfo, *, company_id: int | None = None) -> StreamingHttpResponse:
    body = csv_chunks(csv_rows(desk, period, zone, company_id=company_id))
    response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(desk, period, "csv")}"'
    return response


# PDF


def hours_text(seconds: int | None) -> str:
    """Business time as hours and minutes: 3000 -> "0:50 h", 27000 -> "7:30 h"."""
    if seconds is None:
        return "—"
    minutes = (seconds + 30) // 60
    return f"{minutes // 60}:{minutes % 60:02d} h"


def rate_text(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f} %"


FIGURE_WIDTHS = (70, 49, 17, 17, 17, 17, 22, 34, 34)  # 277 mm: A4 landscape less the margins
REMOVAL_WIDTHS = (40, 70, 77, 40, 50)


def _figure_cells(ln: Line, *, label: bool) -> list[str]:
    f = ln.figures
    first = (ln.label or gettext("none")) if label else ln.metric_name
    return [
        first,
        ln.metric_name if label else ln.metric,
        str(f.met),
        str(f.missed),
        str(f.pending),
        str(f.removed),
        rate_text(f.rate),
        hours_text(f.median_seconds),
        hours_text(f.p90_seconds),
    ]


def pdf_bytes(report: Report, dimension_name: str) -> bytes:
    desk, period = report.desk, report.period
    title = gettext("SLA compliance: %(desk)s, %(period)s") % {"desk": desk.name, "period": str(period)}
    pdf, family = new_pdf(title, desk.name)
    t = pdf.text_of
    pdf.add_page()
    pdf.set_font(family, "B", 14)
    pdf.cell(0, 8, t(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 9)
    days = f"{period.first:%Y-%m-%d} – {period.last:%Y-%m-%d} ({period.zone})"
    pdf.cell(0, 5, t(gettext("Cases opened %(days)s; business time on each case's calendar.") % {"days": days}),
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    numbers = [gettext("Met"), gettext("Missed"), gettext("Pending"), gettext("Removed"), gettext("Met rate")]
    times = [gettext("Median (business hours)"), gettext("90th percentile (business hours)")]

    def section(heading: str) -> None:
        if pdf.get_y() + 20 > pdf.page_break_trigger:
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font(family, "B", 11)
        pdf.cell(0, 7, t(heading), new_x="LMARGIN", new_y="NEXT")

    def figure_table(lines: list[Line], first: str, second: str, *, label: bool) -> None:
        table = _Table(pdf, FIGURE_WIDTHS, [t(h) for h in [first, second, *numbers, *times]], family)
        table.heading()
        for ln in lines:
            table.row([t(c) for c in _figure_cells(ln, label=label)])
        if not lines:
            pdf.cell(0, 6, t(gettext("Nothing in this period.")), new_x="LMARGIN", new_y="NEXT")

    section(gettext("Commitments per metric"))
    figure_table(report.totals, gettext("Metric"), gettext("Key"), label=False)
    if report.by != "metric":
        section(gettext("Commitments by %(dimension)s") % {"dimension": dimension_name})
        figure_table(report.commitments, dimension_name, gettext("Metric"), label=True)
    section(gettext("The desk's internal goals (not commitments)"))
    figure_table(report.goals, dimension_name, gettext("Metric"), label=True)
    section(gettext("Targets removed (bug/defect or out of scope)"))
    table = _Table(
        pdf,
        REMOVAL_WIDTHS,
        [t(h) for h in (gettext("Case"), gettext("Metric"), gettext("Why"), gettext("By"), gettext("When"))],
        family,
    )
    table.heading()
    zone = period.start.tzinfo
    for r in report.removals[:MAX_REMOVALS]:
        when = r.at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
        table.row([t(c) for c in (r.case_number, r.metric_name, r.reason or gettext("unknown"), r.by or "—", when)])
    if not report.removals:
        pdf.cell(0, 6, t(gettext("No target was removed in this period.")), new_x="LMARGIN", new_y="NEXT")
    elif len(report.removals) > MAX_REMOVALS:
        more = len(report.removals) - MAX_REMOVALS
        pdf.cell(0, 6, t(gettext("and %(n)d more: see the CSV.") % {"n": more}), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def pdf_response(report: Report, dimension_name: str) -> HttpResponse:
    response = HttpResponse(pdf_bytes(report, dimension_name), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(report.desk, report.period, "pdf")}"'
    return response
