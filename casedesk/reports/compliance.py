"""SLA compliance of a desk over a period: commitments met, missed, pending and removed, and business time.

A period's commitments are the SLA metric rows of the desk's cases opened in the period. A row's outcome:

- missed: a commitment was missed (`breached`, kept once recorded even if the case was later met, classified
  bug/defect or put out of scope: an exclusion never hides a miss, POLICIES 0.2, 0.17); a live row already
  `overdue` counts as missed too;
- met: status met and never breached;
- pending: running or paused, not breached;
- removed: cancelled and not breached (a bug/defect classification or out of scope), listed apart with who
  classified the case and when;
- rows without a target (no_target, skipped, waiting) are not counted.

Internal goals (POLICIES 0.21, `goal`) are counted apart and never as commitments; a goal is "missed" when its
row says so (status missed or overdue, or a missed period of a repeating one).

One pass over the period's rows (the case's desk and opening-time index, then the metric rows by case): the
database computes each row's outcome and gives its times as epoch seconds, read through the cursor without
per-value conversion; counts and times are tallied in Python (numpy for the business seconds and percentiles).
A month of the largest desk is tens of thousands of rows: one scan instead of a GROUP BY and a second scan for
the settled rows, which are most of them. Removals are read only when some were counted.
Business time (median and 90th percentile, settled rows only: met or missed with a start and a stop): business
seconds on the row's own calendar (`SlaMetric.calendar`, compiled for the case's policy version and
`calendar_zone`) from `started_at` to `stopped_at`, less the business time the metric was paused (read from the
case's stored clock, only for metrics whose policy version declares pause conditions: the shipped presets pause
nothing, POLICIES 0.4). The median of an even count is the mean of the two middle values; the 90th percentile is
the nearest rank (the smallest value at or above which 10% of the values lie), both rounded to whole seconds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import BigIntegerField, CharField, Func, Q, QuerySet, Value, When
from django.db.models import Case as When_
from django.utils import timezone
from django.utils.translation import gettext

from casedesk.accounts.models import Company
from casedesk.cases.models import Case, CaseEvent, SlaMetric
from casedesk.desks.models import Desk, PolicyVersion, Queue
from casedesk.desks.policies import calendar_of, preset_of, version_in_force
from casedesk.reports.periods import Period
from casedesk.sla import clock
from casedesk.sla.clock_json import from_json

DIMENSIONS = ("metric", "queue", "company", "agent", "priority")
OUTCOMES = ("met", "missed", "pending", "removed")
# The column each dimension groups by (metric rows), and whether its key is a row id.
_FIELD = {
    "metric": "metric",
    "queue": "case__queue_id",
    "company": "case__company_id",
    "agent": "case__assignee_id",
    "priority": "priority",
}
_IDS = frozenset({"queue", "company", "agent"})


@dataclass(frozen=True)
class Figures:
    met: int
    missed: int
    pending: int
    removed: int
    median_seconds: int | None  # business seconds from start to stop on the metric's calendar, settled rows
    p90_seconds: int | None

    @property
    def settled(self) -> int:
        return self.met + self.missed

    @property
    def rate(self) -> float | None:
        """Met among the settled (met or missed); None when none settled."""
        return self.met / self.settled if self.settled else None

    @property
    def total(self) -> int:
        return self.met + self.missed + self.pending + self.removed

    def count(self, outcome: str) -> int:
        return int(getattr(self, outcome))


@dataclass(frozen=True)
class Line:
    key: str  # the drill-down value (queue id, company id, user id, priority key, metric key; "" = none)
    label: str
    metric: str  # metric key
    metric_name: str
    figures: Figures


@dataclass(frozen=True)
class Removal:
    case_number: str
    metric: str
    metric_name: str
    reason: str  # "bug", "defect", or "out of scope: <item>"
    by: str  # username of whoever classified ("" if unknown)
    at: datetime


@dataclass
class Report:
    desk: Desk
    period: Period
    by: str
    commitments: list[Line]  # goal=False rows, one Line per (dimension value, metric)
    goals: list[Line]  # internal goals, apart
    totals: list[Line]  # commitments per metric, whole desk (key == metric)
    removals: list[Removal]
    goal_totals: list[Line] = field(default_factory=list)  # internal goals per metric, whole desk


def outcome_expression() -> When_:
    """A row's outcome as the database computes it (None: not counted)."""
    return When_(
        When(breached=True, then=Value("missed")),
        When(goal=True, status__in=["missed", "overdue"], then=Value("missed")),
        When(goal=True, missed__gt=0, then=Value("missed")),
        When(status__in=["missed", "overdue"], then=Value("missed")),
        When(status="met", then=Value("met")),
        When(status__in=["running", "paused"], then=Value("pending")),
        When(status="cancelled", then=Value("removed")),
        default=Value(None),
        output_field=CharField(),
    )


def rows(desk: Desk, period: Period, *, company_id: int | None = None) -> QuerySet[SlaMetric]:
    """The period's metric rows (cases opened in it), each with its `outcome` (None: not counted)."""
    qs = SlaMetric.objects.filter(case__desk=desk, case__opened_at__gte=period.start, case__opened_at__lt=period.end)
    if company_id is not None:
        qs = qs.filter(case__company_id=company_id)
    return qs.annotate(outcome=outcome_expression())


def check(by: str, *, key: str | None = None, outcome: str | None = None) -> None:
    """ValueError with a clear message for a dimension, key or outcome the report does not have."""
    if by not in DIMENSIONS:
        raise ValueError(
            gettext("“%(by)s” is not a breakdown: one of %(known)s.") % {"by": by[:30], "known": ", ".join(DIMENSIONS)}
        )
    if key and by in _IDS and not (key.isdigit() and len(key) < 19):
        raise ValueError(gettext("“%(key)s” is not a %(by)s of this report.") % {"key": key[:30], "by": by})
    if outcome is not None and outcome not in ("", *OUTCOMES):
        raise ValueError(
            gettext("“%(outcome)s” is not an outcome: one of %(known)s.")
            % {"outcome": outcome[:30], "known": ", ".join(OUTCOMES)}
        )


# -- business time ----------------------------------------------------------------------------------------------


class BusinessTime:
    """Business seconds of settled rows, on each row's calendar; calendars and pause data looked up once."""

    def __init__(self, desk: Desk) -> None:
        self.versions = {v.pk: v for v in PolicyVersion.objects.filter(desk=desk).defer("source")}
        self.pausing: set[tuple[int, str]] = set()
        for v in self.versions.values():
            for key, spec in preset_of(v).policy.metrics.items():
                if spec.pause:
                    self.pausing.add((v.pk, key))
        self._calendars: dict[tuple[int, str, str], Any] = {}

    def metric_names(self) -> dict[str, str]:
        """The names of the metrics of every version of the desk's policy (the newest version's name wins)."""
        ordered = sorted(self.versions.values(), key=lambda v: v.effective_at)
        return {k: spec.name for v in ordered for k, spec in preset_of(v).policy.metrics.items()}

    def calendar(self, version_id: int, name: str, zone: str) -> Any:
        k = (version_id, name, zone)
        if k not in self._calendars:
            try:
                self._calendars[k] = calendar_of(self.versions[version_id], name, zone or None)
            except KeyError:
                self._calendars[k] = None  # a calendar the version does not declare: no business time
        return self._calendars[k]

    def pauses(self, wanted: Iterable[int]) -> dict[int, dict[str, list[list[datetime | None]]]]:
        """Each case's pauses per metric, from its stored clock (only cases whose metrics can pause)."""
        out: dict[int, dict[str, list[list[datetime | None]]]] = {}
        ids = list(set(wanted))
        for i in range(0, len(ids), 500):
            for pk, data in Case.objects.filter(pk__in=ids[i : i + 500]).values_list("pk", "clock"):
                if data:
                    state = from_json(data)
                    out[pk] = {k: t.pauses for k, t in state.tracks.items()}
        return out

    def seconds(
        self,
        version_id: int,
        calendar: str,
        zone: str,
        started: datetime,
        stopped: datetime,
        pauses: list[list[datetime | None]] = (),  # type: ignore[assignment]
    ) -> int | None:
        cal = self.calendar(version_id, calendar, zone)
        if cal is None:
            return None
        total = cal.between(started, stopped)
        for p0, p1 in pauses:
            a, b = max(p0 or started, started), min(p1 or stopped, stopped)
            if b > a:
                total -= cal.between(a, b)
        return max(total, 0)


def _stats(values: list[int]) -> tuple[int | None, int | None]:
    if not values:
        return None, None
    arr = np.asarray(values, dtype=np.int64)
    median = round(float(np.median(arr)))
    p90 = int(np.percentile(arr, 90, method="inverted_cdf"))
    return median, p90


class Epoch(Func):
    """A datetime column as whole epoch seconds, read by the database: integers cost far less to fetch than
    datetimes (a month of a large desk is tens of thousands of settled rows)."""

    output_field = BigIntegerField()
    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django keeps datetimes in SQLite as UTC text; strftime('%s') reads them as seconds since the epoch.
        return super().as_sql(compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)")


def _read(qs: QuerySet[SlaMetric], dim: str, bt: BusinessTime) -> list[tuple[str, str, bool, str, int | None]]:
    """(dimension key, metric, goal, outcome, business seconds) of each counted row, in one pass over the
    period's rows: the outcome computed by the database, times as epoch seconds, read through the cursor
    (no per-value conversion); business seconds for settled rows (status met or missed, with a start and a
    stop), per calendar over arrays."""
    q = qs.exclude(Q(outcome__isnull=True)).values_list(
        _FIELD[dim], "metric", "goal", "outcome", "status", "case__policy_version_id", "calendar",
        "case__calendar_zone", "case_id", Epoch("started_at"), Epoch("stopped_at"),
    )  # fmt: skip
    sql, params = q.query.sql_with_params()
    with connections[q.db].cursor() as cursor:
        cursor.execute(sql, params)
        data = cursor.fetchall()
    by_calendar: dict[tuple[int, str, str], list[int]] = defaultdict(list)
    for n, row in enumerate(data):
        if row[4] in ("met", "missed") and row[9] is not None and row[10] is not None:
            by_calendar[(row[5], row[6], row[7])].append(n)
    secs: list[int | None] = [None] * len(data)
    for (version_id, name, zone), indexes in by_calendar.items():
        cal = bt.calendar(version_id, name, zone)
        if cal is None:
            continue
        starts = np.fromiter((data[n][9] for n in indexes), dtype=np.int64, count=len(indexes))
        stops = np.fromiter((data[n][10] for n in indexes), dtype=np.int64, count=len(indexes))
        for n, value in zip(indexes, cal.between_many(starts, stops).tolist(), strict=True):
            secs[n] = max(value, 0)
    # Only metrics whose policy version can pause (the shipped presets pause none): no scan otherwise.
    paused = (
        [n for n, row in enumerate(data) if secs[n] is not None and (row[5], row[1]) in bt.pausing]
        if bt.pausing
        else []
    )
    if paused:  # only metrics whose policy version can pause: subtract the business time paused
        pauses = bt.pauses(data[n][8] for n in paused)
        for n in paused:
            metric, version_id, name, zone, case_id, started, stopped = (data[n][i] for i in (1, 5, 6, 7, 8, 9, 10))
            secs[n] = bt.seconds(
                version_id,
                name,
                zone,
                datetime.fromtimestamp(started, UTC),
                datetime.fromtimestamp(stopped, UTC),
                pauses.get(case_id, {}).get(metric, []),
            )
    return [
        ("" if row[0] is None else str(row[0]), row[1], bool(row[2]), row[3], value)
        for row, value in zip(data, secs, strict=True)
    ]


# -- the report -------------------------------------------------------------------------------------------------


def _labels(desk: Desk, by: str, keys: Iterable[Any]) -> dict[str, str]:
    wanted = [k for k in keys if k not in (None, "")]
    if by == "queue":
        return {str(q.pk): q.name for q in Queue.objects.filter(desk=desk, pk__in=wanted)}
    if by == "company":
        return {str(c.pk): c.name for c in Company.objects.filter(pk__in=wanted)}
    if by == "agent":
        users = get_user_model().objects.filter(pk__in=wanted)
        return {str(u.pk): (u.get_full_name() or u.get_username()) for u in users}
    return {}


def _policy_names(desk: Desk) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """Metric names, priority names and the metric order of the desk's policy (the version in force now)."""
    policy = preset_of(version_in_force(desk, timezone.now())).policy
    metrics = {k: spec.name for k, spec in policy.metrics.items()}
    priorities = {p.key: p.name for p in policy.priorities}
    return metrics, priorities, list(policy.metrics)


def compliance(desk: Desk, period: Period, *, by: str = "metric", company_id: int | None = None) -> Report:
    check(by)
    qs = rows(desk, period, company_id=company_id)
    counts: dict[tuple[bool, str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(OUTCOMES, 0))
    per_metric: dict[tuple[bool, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(OUTCOMES, 0))
    times: dict[tuple[bool, str, str], list[int]] = defaultdict(list)
    metric_times: dict[tuple[bool, str], list[int]] = defaultdict(list)
    bt = BusinessTime(desk)
    read = _read(qs, by, bt)
    tally = Counter((goal, key, metric, outcome) for key, metric, goal, outcome, _ in read)
    for (goal, key, metric, outcome), n in tally.items():
        counts[(goal, key, metric)][outcome] += n
        per_metric[(goal, metric)][outcome] += n
    for key, metric, goal, _, secs in read:
        if secs is not None:
            times[(goal, key, metric)].append(secs)
    for (goal, _, metric), values in times.items():
        metric_times[(goal, metric)].extend(values)
    names = bt.metric_names()
    metric_names, priority_names, order = _policy_names(desk)
    names = {**names, **metric_names}
    labels = _labels(desk, by, {k for _, k, _ in counts})
    if by == "priority":
        labels = {k: priority_names.get(k, k) for _, k, _ in counts}
    elif by == "metric":
        labels = {k: names.get(k, k) for _, k, _ in counts}
    rank = {m: i for i, m in enumerate(order)}

    def figures(c: dict[str, int], values: list[int]) -> Figures:
        return Figures(c["met"], c["missed"], c["pending"], c["removed"], *_stats(values))

    def lines(goal: bool) -> list[Line]:
        out = [
            Line(key, labels.get(key, key) if key else "", metric, names.get(metric, metric), figures(c, times[g]))
            for g, c in counts.items()
            if g[0] == goal
            for _, key, metric in [g]
        ]
        return sorted(out, key=lambda ln: (ln.label == "", ln.label.lower(), rank.get(ln.metric, 99), ln.metric))

    def totals(goal: bool) -> list[Line]:
        out = [
            Line(m, names.get(m, m), m, names.get(m, m), figures(c, metric_times[(g, m)]))
            for (g, m), c in per_metric.items()
            if g == goal
        ]
        return sorted(out, key=lambda ln: (rank.get(ln.metric, 99), ln.metric))

    return Report(
        desk=desk,
        period=period,
        by=by,
        commitments=lines(False),
        goals=lines(True),
        totals=totals(False),
        # Read only when the counts found any (a month without removals costs no second pass).
        removals=removals(qs, names) if any(c["removed"] for (g, _), c in per_metric.items() if not g) else [],
        goal_totals=totals(True),
    )


def removals(qs: QuerySet[SlaMetric], names: dict[str, str]) -> list[Removal]:
    """Commitments removed in the period's rows, with the classification that removed them: who and when."""
    removed = list(
        qs.filter(Q(outcome="removed"), goal=False)
        .values_list("case_id", "case__number", "metric", "name", "cancelled_at")
        .order_by("cancelled_at", "case__number", "metric")
    )
    if not removed:
        return []
    case_ids = {r[0] for r in removed}
    events: dict[tuple[int, datetime], tuple[str, str]] = {}
    kinds = [clock.CLASSIFIED, clock.SCOPE]
    ids = list(case_ids)
    for i in range(0, len(ids), 500):
        found = CaseEvent.objects.filter(case_id__in=ids[i : i + 500], kind__in=kinds).values_list(
            "case_id", "at", "kind", "data", "actor__username"
        )
        for case_id, at, kind, data, username in found.order_by("at", "id"):
            if kind == clock.CLASSIFIED:
                reason = str(data.get("classification", ""))
            else:
                if data.get("in_scope", True):
                    continue
                reason = f"out of scope: {data.get('item', '')}"
            events[(case_id, at)] = (reason, username or "")
    out = []
    for case_id, number, metric, name, cancelled in removed:
        assert cancelled is not None  # a cancelled row has its instant
        reason, by = events.get((case_id, cancelled), ("", ""))
        out.append(Removal(number, metric, names.get(metric, name), reason, by, cancelled))
    return out


def drill(
    desk: Desk,
    period: Period,
    *,
    by: str,
    key: str,
    metric: str,
    outcome: str,
    goal: bool = False,
    company_id: int | None = None,
) -> QuerySet[SlaMetric]:
    """The metric rows behind one figure (outcome "" = every counted outcome), oldest case first."""
    check(by, key=key, outcome=outcome)
    qs = rows(desk, period, company_id=company_id).filter(goal=goal).exclude(Q(outcome__isnull=True))
    if metric:
        qs = qs.filter(metric=metric)
    if by != "metric" or key:
        dim = _FIELD[by]
        qs = qs.filter(Q(**{f"{dim}__isnull": True}) if key == "" and by in _IDS else Q(**{dim: key}))
    if outcome:
        qs = qs.filter(Q(outcome=outcome))
    return qs.select_related("case", "case__company", "case__queue", "case__assignee").order_by(
        "case__opened_at", "case__number", "metric"
    )


def label_of(desk: Desk, by: str, key: str) -> str:
    """What a drill-down's key names (a queue, customer, agent, priority or metric), "" for none."""
    if not key:
        return ""
    metric_names, priority_names, _ = _policy_names(desk)
    if by == "metric":
        return metric_names.get(key, key)
    if by == "priority":
        return priority_names.get(key, key)
    return _labels(desk, by, [key]).get(key, key)
