"""A period's cases as the replay reads them: their clock events and what was recorded, by raw SQL in chunks.

Cases are read in keyset chunks (opened_at, id) on the desk's opening index, and each chunk's events in one
query on the (case, at) index, so memory stays bounded by the chunk whatever the period's size. Only what the
clocks read is selected: never an event's `body` (message text), never the breach and warning records.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import connection

from casedesk.accounts.models import Contract
from casedesk.cases.models import Case, CaseEvent, SlaMetric
from casedesk.desks.models import Desk
from casedesk.reports.periods import Period
from casedesk.sla.clock import INPUTS, Event
from casedesk.sla.replay import History, Outcome

CHUNK = 5000

_CASE = Case._meta.db_table
_EVENT = CaseEvent._meta.db_table
_METRIC = SlaMetric._meta.db_table
_CONTRACT = Contract._meta.db_table

_CASES_SQL = f"""
SELECT c.id, c.opened_at, c.calendar, c.calendar_zone, c.tier, k.targets
FROM {_CASE} c LEFT JOIN {_CONTRACT} k ON k.id = c.contract_id
WHERE c.desk_id = %s AND c.opened_at >= %s AND c.opened_at < %s
  AND (c.opened_at > %s OR (c.opened_at = %s AND c.id > %s))
ORDER BY c.opened_at, c.id
"""


def _in(ids: Sequence[object]) -> str:
    return ", ".join(["%s"] * len(ids))


def _ids_in(column: str, ids: Sequence[int]) -> str:
    """`column IN (...)`; on PostgreSQL one array parameter (5,000 placeholders cost psycopg more than the query)."""
    return f"{column} = ANY(%s)" if connection.vendor == "postgresql" else f"{column} IN ({_in(ids)})"


def _ids_params(ids: Sequence[int]) -> list[Any]:
    return [list(ids)] if connection.vendor == "postgresql" else list(ids)


def _aware(value: Any) -> datetime | None:
    """A timestamp as the driver gives it (PostgreSQL: aware; SQLite: naive UTC or text) -> aware UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class _Json:
    """JSON columns come as text (SQLite, psycopg's jsonb as text) or parsed; the same text is parsed once."""

    def __init__(self) -> None:
        self.seen: dict[str, Any] = {}

    def __call__(self, value: Any, empty: Any) -> Any:
        if value is None:
            return empty
        if not isinstance(value, str):
            return value
        parsed = self.seen.get(value)
        if parsed is None:
            if len(self.seen) > 10_000:
                self.seen.clear()
            parsed = self.seen[value] = json.loads(value)
        return parsed


def count(desk: Desk, period: Period) -> int:
    """How many of the desk's cases opened in the period."""
    return Case.objects.filter(desk=desk, opened_at__gte=period.start, opened_at__lt=period.end).count()


def _case_chunks(desk: Desk, period: Period, size: int) -> Iterator[list[tuple[Any, ...]]]:
    adapt = connection.ops.adapt_datetimefield_value
    # Strictly after (start, 0): the first chunk takes cases opened at `start` too (ids are positive).
    after_at, after_id = period.start, 0
    with connection.cursor() as cur:
        while True:
            # The lower bound is the last case read (never before the period's start): the opening index starts
            # there, so each chunk costs the same wherever it is in the period.
            params = [desk.pk, adapt(after_at), adapt(period.end), adapt(after_at), adapt(after_at), after_id]
            cur.execute(_CASES_SQL + f" LIMIT {int(size)}", params)
            rows = cur.fetchall()
            if not rows:
                return
            yield rows
            if len(rows) < size:
                return
            after_at, after_id = _aware(rows[-1][1]) or after_at, rows[-1][0]


def _instant_column() -> tuple[str, Callable[[Any], datetime | None]]:
    """The events' `at` as UTC ISO text the C parser reads in one step: the drivers' own converters (Django's on
    SQLite, psycopg's pure-Python timestamptz loader) plus a zone conversion cost several times more per row."""
    if connection.vendor == "sqlite":
        return "at || '+00:00'", datetime.fromisoformat
    if connection.vendor == "postgresql":
        return "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00:00'", datetime.fromisoformat
    return "at", _aware


def chunks(desk: Desk, period: Period, size: int = CHUNK) -> Iterator[list[History]]:
    """The period's histories, `size` cases at a time (ordered by opening, then id)."""
    parse = _Json()
    # Only what the fold reads (clock.INPUTS): customers' replies, notes and entitlement checks, about a third
    # of a desk's events, change no fact and are never loaded.
    inputs = tuple(sorted(INPUTS))
    for cases in _case_chunks(desk, period, size):
        ids = [r[0] for r in cases]
        events: dict[int, list[Event]] = {i: [] for i in ids}
        at_col, instant = _instant_column()
        sql = (
            f"SELECT case_id, kind, {at_col}, data FROM {_EVENT} WHERE {_ids_in('case_id', ids)}"
            f" AND kind IN ({_in(inputs)}) ORDER BY case_id, at, id"
        )
        with connection.cursor() as cur:
            cur.execute(sql, [*_ids_params(ids), *inputs])
            seen, current, into = parse.seen, None, []
            while batch := cur.fetchmany(20_000):
                for case_id, kind, at, data in batch:  # the hot loop: one lookup per row where it can
                    if case_id != current:
                        current, into = case_id, events[case_id]
                    parsed = seen.get(data) if data.__class__ is str else None
                    if parsed is None:
                        parsed = parse(data, {})
                    into.append(Event(kind, instant(at), parsed))  # type: ignore[arg-type]
        yield [
            History(
                key=pk,
                calendar=calendar,
                zone=zone or "",
                tier=tier or "",
                overrides=parse(targets, {}) or {},
                events=events[pk],
            )
            for pk, _, calendar, zone, tier, targets in cases
        ]


def histories(desk: Desk, period: Period) -> Iterator[History]:
    """The desk's cases opened in the period with their clock events, calendar, zone, tier and contract targets."""
    for chunk in chunks(desk, period):
        yield from chunk


_METRIC_COLS = "case_id, metric, status, goal, breached, priority, due_at, stopped_at, cancelled_at"


def _outcome(row: Sequence[Any]) -> Outcome:
    key, metric, status, goal, breached, priority, due, stopped, cancelled = row
    return Outcome(
        key=key,
        metric=metric,
        status=status,
        goal=bool(goal),
        breached=bool(breached),
        priority=priority or "",
        due_at=_aware(due),
        stopped_at=_aware(stopped),
        cancelled_at=_aware(cancelled),
    )


def recorded_of(case_ids: Sequence[int]) -> list[Outcome]:
    """The stored metric rows of these cases as Outcomes, by case then metric."""
    if not case_ids:
        return []
    sql = f"SELECT {_METRIC_COLS} FROM {_METRIC} WHERE {_ids_in('case_id', case_ids)} ORDER BY case_id, metric"
    with connection.cursor() as cur:
        cur.execute(sql, _ids_params(case_ids))
        return [_outcome(r) for r in cur.fetchall()]


def recorded(desk: Desk, period: Period) -> Iterator[Outcome]:
    """What happened: the stored SlaMetric rows of the desk's cases opened in the period, as Outcomes."""
    for cases in _case_chunks(desk, period, CHUNK):
        yield from recorded_of([r[0] for r in cases])
