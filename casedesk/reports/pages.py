"""The compliance report pages: a desk's report for a period (support managers of the desk and superusers),
the drill-down behind each figure, and the report's CSV and PDF."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy

from casedesk.console.charts import Series, stacked_bars
from casedesk.console.overview_page import _managed
from casedesk.desks.models import Desk
from casedesk.desks.policies import preset_of, version_in_force
from casedesk.reports import exports
from casedesk.reports.compliance import DIMENSIONS, OUTCOMES, BusinessTime, Line, check, compliance, drill, label_of
from casedesk.reports.periods import Period, last_whole_month, parse_period, recent_months

DIMENSION_NAMES = {
    "metric": gettext_lazy("metric"),
    "queue": gettext_lazy("queue"),
    "company": gettext_lazy("customer"),
    "agent": gettext_lazy("agent"),
    "priority": gettext_lazy("priority or severity"),
}
OUTCOME_NAMES = {
    "met": gettext_lazy("met"),
    "missed": gettext_lazy("missed"),
    "pending": gettext_lazy("pending"),
    "removed": gettext_lazy("removed"),
}
FORMATS = ("", "csv", "pdf")
CHART_BARS = 24
PER_PAGE = 50


class BadRequest(ValueError):
    """A report asked for with a period, breakdown, key or format it cannot have (400, saying why)."""


def home_zone(desk: Desk) -> str:
    return preset_of(version_in_force(desk, timezone.now())).policy.home_zone


def asked_period(params: Mapping[str, str], zone: str) -> Period:
    """?period=2026-11 or 2026-11-03..2026-11-20, or ?from=&to= (the free range); default the last whole month."""
    first, last = (params.get("from") or "").strip(), (params.get("to") or "").strip()
    text = f"{first}..{last}" if first or last else (params.get("period") or "").strip()
    if not text:
        return last_whole_month(timezone.now(), zone)
    try:
        return parse_period(text, zone)
    except ValueError as error:
        raise BadRequest(str(error)) from None


def asked_by(params: Mapping[str, str]) -> str:
    by = (params.get("by") or "metric").strip()
    try:
        check(by)
    except ValueError as error:
        raise BadRequest(str(error)) from None
    return by


@dataclass(frozen=True)
class Cell:
    value: int
    url: str


@dataclass(frozen=True)
class Row:
    line: Line
    cells: list[Cell]  # met, missed, pending, removed
    all: Cell
    rate: str
    median: str
    p90: str


def _rows(desk: Desk, period: Period, by: str, lines: list[Line], *, goal: bool) -> list[Row]:
    base = reverse("reports:cases", args=[desk.slug])

    def link(ln: Line, outcome: str) -> str:
        query = {"period": str(period), "by": by, "key": ln.key, "metric": ln.metric, "outcome": outcome}
        if goal:
            query["goal"] = "1"
        return f"{base}?{urlencode(query)}"

    out = []
    for ln in lines:
        f = ln.figures
        cells = [Cell(f.count(o), link(ln, o)) for o in OUTCOMES]
        out.append(
            Row(
                ln,
                cells,
                Cell(f.total, link(ln, "")),
                exports.rate_text(f.rate),
                exports.hours_text(f.median_seconds),
                exports.hours_text(f.p90_seconds),
            )
        )
    return out


def _chart(lines: list[Line]) -> str:
    shown = sorted(lines, key=lambda ln: -ln.figures.total)[:CHART_BARS]
    labels = [f"{ln.label or gettext('none')} · {ln.metric_name}" if ln.label != ln.metric_name else ln.label
              for ln in shown]  # fmt: skip
    return stacked_bars(
        labels,
        [
            Series(gettext("met"), "#2e7d32", [ln.figures.met for ln in shown]),
            Series(gettext("missed"), "#c62828", [ln.figures.missed for ln in shown]),
            Series(gettext("pending"), "#f9a825", [ln.figures.pending for ln in shown]),
            Series(gettext("removed (bug/defect or out of scope)"), "#9e9e9e", [ln.figures.removed for ln in shown]),
        ],
        width=max(720, 60 * len(shown)),
    )


def _error(request: HttpRequest, desk: Desk, template: str, error: str, zone: str) -> HttpResponse:
    context = {"desk": desk, "error": error, "zone": zone, "dimensions": _dimensions(), "params": request.GET}
    context["months"] = recent_months(timezone.now(), zone)
    return render(request, template, context, status=400)


def _dimensions() -> list[tuple[str, str]]:
    return [(d, str(DIMENSION_NAMES[d])) for d in DIMENSIONS]


@login_required
def desk_report(request: HttpRequest, slug: str) -> HttpResponseBase:
    desk = _managed(request, slug)
    zone = home_zone(desk)
    try:
        period, by = asked_period(request.GET, zone), asked_by(request.GET)
        fmt = (request.GET.get("format") or "").strip().lower()
        if fmt not in FORMATS:
            raise BadRequest(gettext("“%(format)s” is not a format here: csv or pdf.") % {"format": fmt[:20]})
    except BadRequest as error:
        return _error(request, desk, "reports/desk.html", str(error), zone)
    if fmt == "csv":
        return exports.csv_response(desk, period, timezone.get_current_timezone())
    report = compliance(desk, period, by=by)
    if fmt == "pdf":
        return exports.pdf_response(report, str(DIMENSION_NAMES[by]))
    query = {"period": str(period), "by": by}
    context = {
        "desk": desk,
        "zone": zone,
        "report": report,
        "period": period,
        "by": by,
        "by_name": DIMENSION_NAMES[by],
        "dimensions": _dimensions(),
        "months": recent_months(timezone.now(), zone),
        "totals": _rows(desk, period, "metric", report.totals, goal=False),
        "breakdown": _rows(desk, period, by, report.commitments, goal=False) if by != "metric" else [],
        "goals": _rows(desk, period, by, report.goals, goal=True),
        # The chart is built from numbers and escaped labels only (charts.stacked_bars).
        "chart": mark_safe(_chart(report.commitments)),
        "csv_query": urlencode({**query, "format": "csv"}),
        "pdf_query": urlencode({**query, "format": "pdf"}),
        "params": request.GET,
    }
    return render(request, "reports/desk.html", context)


@dataclass(frozen=True)
class CaseRow:
    number: str
    subject: str
    company: str
    priority: str
    outcome: str
    due: object
    stopped: object
    business: str


@login_required
def cases(request: HttpRequest, slug: str) -> HttpResponse:
    desk = _managed(request, slug)
    zone = home_zone(desk)
    params = request.GET
    try:
        period, by = asked_period(params, zone), asked_by(params)
        key, metric = (params.get("key") or "").strip(), (params.get("metric") or "").strip()
        outcome, goal = (params.get("outcome") or "").strip(), params.get("goal") == "1"
        qs = drill(desk, period, by=by, key=key, metric=metric, outcome=outcome, goal=goal)
    except (BadRequest, ValueError) as error:
        return _error(request, desk, "reports/cases.html", str(error), zone)
    paginator = Paginator(qs, PER_PAGE)
    page = paginator.get_page(params.get("page"))
    bt = BusinessTime(desk)
    ids = [m.case_id for m in page.object_list if (m.case.policy_version_id, m.metric) in bt.pausing]
    pauses = bt.pauses(ids) if ids else {}
    rows = []
    for m in page.object_list:
        secs, outcome_of = None, str(vars(m)["outcome"])  # annotated by compliance.rows
        if outcome_of in ("met", "missed") and m.started_at and m.stopped_at:
            c = m.case
            secs = bt.seconds(c.policy_version_id, m.calendar, c.calendar_zone, m.started_at, m.stopped_at,
                              pauses.get(c.pk, {}).get(m.metric, []))  # fmt: skip
        rows.append(
            CaseRow(
                m.case.number,
                m.case.subject,
                m.case.company.name,
                m.priority,
                str(OUTCOME_NAMES[outcome_of]),
                m.due_at,
                m.stopped_at,
                exports.hours_text(secs),
            )
        )
    keep = {k: v for k, v in params.items() if k != "page"}
    back = {"period": str(period), "by": by}
    context = {
        "desk": desk,
        "zone": zone,
        "period": period,
        "by": by,
        "by_name": DIMENSION_NAMES[by],
        "key": key,
        "key_label": label_of(desk, by, key) if by != "metric" else "",
        "metric": label_of(desk, "metric", metric),
        "outcome": OUTCOME_NAMES.get(outcome, gettext("every outcome")),
        "goal": goal,
        "page": page,
        "rows": rows,
        "query": urlencode(keep),
        "back": f"{reverse('reports:desk', args=[desk.slug])}?{urlencode(back)}",
    }
    return render(request, "reports/cases.html", context)
