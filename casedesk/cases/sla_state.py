"""A case's SLA metric rows, kept by folding each new event onto the case's stored clock state.

A write that appends the newest event folds only that event (constant cost,
whatever the case's history); a backdated event, a changed policy version or
contract replays every event, with the same result. Breaches, once recorded
(a `breached` event at the instant the due passed, and the metric's
history), are never erased by a later change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

from casedesk.cases.models import Case, CaseEvent, SlaMetric
from casedesk.desks.policies import calendar_of, preset_of
from casedesk.sla import Calendar
from casedesk.sla.clock import (
    BREACHED,
    RECORDS,
    WARNING,
    ClockState,
    Context,
    Event,
    MetricState,
    evaluate,
    fold,
    new_state,
)
from casedesk.sla.clock_json import from_json, to_json
from casedesk.sla.replay_targets import contract_targets

_FIELDS = ["name", "status", "live", "goal", "target", "calendar", "priority", "priority_assumed"]
_FIELDS += ["started_at", "due_at", "stopped_at", "cancelled_at", "remaining_seconds", "next_change_at"]
_FIELDS += ["breached", "breached_at", "missed", "history", "warned", "as_of"]
# What a change of state is: the remaining time alone moves with every instant.
_STATE_FIELDS = [f for f in _FIELDS if f not in {"remaining_seconds", "as_of"}]


def context(case: Case) -> Context:
    """The policy version, calendars and targets a case's clocks run on."""
    version = case.policy_version
    policy = preset_of(version).policy
    overrides = case.contract.targets if case.contract_id and case.contract else {}

    def calendar_for(name: str) -> Calendar:
        return calendar_of(version, name, case.calendar_zone or None)

    return Context(policy, calendar_for, contract_targets(policy, overrides), case.calendar, tier=case.tier)


def clock_key(case: Case) -> str:
    """What besides the events decides the clocks; a stored state folded under another key is replayed."""
    overrides = case.contract.targets if case.contract_id and case.contract else {}
    parts = [case.policy_version.digest, str(case.policy_version_id), case.calendar, case.calendar_zone, case.tier]
    parts.append(json.dumps(overrides, sort_keys=True))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _replay(case: Case, ctx: Context) -> ClockState:
    # Only what the clocks read: message bodies live in CaseEvent.body, never loaded here.
    rows = (
        CaseEvent.objects.filter(case=case)
        .exclude(kind__in=RECORDS)
        .order_by("at", "id")
        .values_list("kind", "at", "data")
    )
    return fold(ctx, new_state(ctx), (Event(k, at, d) for k, at, d in rows))


def advance(case: Case, new_events: Sequence[Event], now: datetime) -> list[MetricState]:
    """Fold the case's newest events onto its stored state (or replay all of them) and
    set case.clock, clock_key, next_due_at, no_clock; the caller saves the case."""
    ctx = context(case)
    key = clock_key(case)
    stored = from_json(case.clock) if case.clock and case.clock_key == key else None
    in_order = stored is not None and all(stored.last_at is None or e.at >= stored.last_at for e in new_events)
    if stored is not None and in_order:
        state = fold(ctx, stored, new_events)
    elif case.pk is None:
        state = fold(ctx, new_state(ctx), new_events)  # a case being opened: nothing stored yet
    else:
        state = _replay(case, ctx)  # the new events are already stored
    case.clock, case.clock_key = to_json(state), key
    states = evaluate(ctx, state, now)
    case.next_due_at = min((s.due_at for s in states if s.live and s.due_at), default=None)
    case.no_clock = case.is_open and case.next_due_at is None
    case.attention_at = min((s.next_change_at for s in states if s.live and s.next_change_at), default=None)
    return states


def as_of(case: Case, now: datetime) -> list[MetricState]:
    """Every metric of a case as of `now`, from its stored state (no replay, no write): what a page shows."""
    ctx = context(case)
    if case.clock and case.clock_key == clock_key(case):
        return evaluate(ctx, from_json(case.clock), now)
    return evaluate(ctx, _replay(case, ctx), now)


class Written(NamedTuple):
    rows: list[SlaMetric]
    records: list[CaseEvent]  # the breach and warning records written now, oldest first


@dataclass
class Planned:
    """What `write` stores, computed without touching the database (the sweep stores many cases' at once)."""

    rows: list[SlaMetric]  # every metric row of the case, stored or new
    created: list[SlaMetric] = field(default_factory=list)
    changed: list[SlaMetric] = field(default_factory=list)
    records: list[CaseEvent] = field(default_factory=list)  # breach and warning records, oldest first


def plan(case: Case, states: list[MetricState], now: datetime, existing: dict[str, SlaMetric]) -> Planned:
    """The metric rows as of `now` and every breach and warning point passed and not yet recorded (a
    `breached` or `warning` event at its instant, whoever brought the case to `now`: a write or a sweep).
    `existing`: the case's stored rows by metric. A row whose state did not change is not in `changed`:
    its `as_of` says when its remaining time was computed. Sets case.sla_breached."""
    out = Planned(rows=[])
    for st in states:
        row = existing.get(st.metric) or SlaMetric(case=case, metric=st.metric, history=[])
        out.rows.append(row)
        before = {f: getattr(row, f) for f in _STATE_FIELDS}
        known = {h["at"] for h in row.history}
        for b in st.breaches:
            at = _utc(b.at)
            if at not in known:
                entry = {"at": at, "target": b.target, "goal": b.goal, "priority": b.priority}
                row.history = [*row.history, entry]
                data = {"metric": st.metric, "target": b.target, "goal": b.goal, "priority": b.priority}
                data["calendar"] = st.calendar
                out.records.append(CaseEvent(case=case, at=b.at, kind=BREACHED, data=data))
        warned = set(row.warned or ())
        for point in (p for p in st.warn_points if p <= now and _utc(p) not in warned):
            warned.add(_utc(point))
            data = {"metric": st.metric, "target": st.target, "goal": st.goal, "priority": st.priority}
            data.update(calendar=st.calendar, due=_utc(st.due_at) if st.due_at else None)
            out.records.append(CaseEvent(case=case, at=point, kind=WARNING, data=data))
        if len(warned) != len(row.warned or ()):
            row.warned = sorted(warned)
        for f in _FIELDS:
            if f not in {"history", "warned", "breached", "breached_at", "as_of"}:
                setattr(row, f, _value(st, f))
        # Recorded commitment breaches stay, whatever a later change or correction does.
        kept = sorted(h["at"] for h in row.history if not h["goal"])
        row.breached = bool(kept)
        row.breached_at = datetime.fromisoformat(kept[0]) if kept else None
        if row.pk is None:
            row.as_of = now
            out.created.append(row)
        elif any(getattr(row, f) != v for f, v in before.items()):
            row.as_of = now
            out.changed.append(row)
    out.records.sort(key=lambda r: r.at)
    case.sla_breached = any(r.breached for r in out.rows)
    return out


def write(case: Case, states: list[MetricState], now: datetime, *, new: bool = False) -> Written:
    """`plan` for one case, stored: new rows and records inserted, changed rows saved. The caller saves the
    case (`KEPT`)."""
    existing = {} if new else {m.metric: m for m in SlaMetric.objects.filter(case=case)}
    planned = plan(case, states, now, existing)
    for row in planned.changed:
        row.save(update_fields=_FIELDS)
    if planned.created:
        SlaMetric.objects.bulk_create(planned.created)
    if planned.records:
        CaseEvent.objects.bulk_create(planned.records)
    return Written(planned.rows, planned.records)


# The metric rows' columns `write` saves, and what advance and write set on the case, for the callers' save().
METRIC_FIELDS = tuple(_FIELDS)
KEPT = ["clock", "clock_key", "next_due_at", "no_clock", "sla_breached", "attention_at"]


def refresh(case: Case, now: datetime) -> Written:
    """Bring a case's stored metrics to `now` (a sweep, demo data): breaches and warnings that passed get
    recorded."""
    states = advance(case, [], now)
    written = write(case, states, now)
    case.save(update_fields=KEPT)
    return written


def _utc(t: datetime) -> str:
    return t.astimezone(UTC).isoformat()  # one spelling per instant, whatever zone computed it


def _value(st: MetricState, field: str) -> object:
    value = getattr(st, field)
    return "" if value is None and field in {"target", "calendar"} else value
