"""Metric clocks: a case's SLA state, recomputed from its events alone.

The same events always give the same state. A metric (first response,
resolution, next status update, S0 management review) starts when all its
start facts hold, pauses while any pause fact holds, stops when a stop fact
becomes true and is cancelled (no target any more) by a cancel fact. Facts
come from folding the case's events in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from casedesk.sla.calendar import Calendar
from casedesk.sla.durations import Target
from casedesk.sla.policy_schema import MetricSpec, Policy


@dataclass(frozen=True)
class Event:
    """What happened to a case, as the clocks need it."""

    kind: str
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)


# Event kinds the fold understands (cases.services writes exactly these).
OPENED = "opened"
PRIORITY = "priority"  # data: {"priority": key or ""}
ASSIGNED = "assigned"  # data: {"assignee": id or None}
AGENT_REPLY = "agent_reply"  # a public reply or contact by an agent
CUSTOMER_REPLY = "customer_reply"
INFO_REQUESTED = "info_requested"
INFO_RECEIVED = "info_received"
CLASSIFIED = "classified"  # data: {"classification": "bug" | "defect" | ""}
STATUS = "status"  # data: {"status": "waiting_on_customer" | "open" | ...}
RESOLVED = "resolved"  # data: {"resolution": kind}
REOPENED = "reopened"
REVIEW = "review"  # an S0 management review held
ROUND_THE_CLOCK = "round_the_clock"  # data: {"needed": bool}


@dataclass
class Facts:
    """The state of a case after some events (what conditions read)."""

    opened: bool = False
    priority: str = ""
    assigned: bool = False
    responded: bool = False
    responded_after_assignment: bool = False
    info_complete: bool = True
    bug_classified: bool = False
    waiting_on_customer: bool = False
    resolved: bool = False
    round_the_clock: bool = True
    last_agent_contact: datetime | None = None
    reviews: int = 0

    def holds(self, name: str) -> bool:
        """A condition name from a preset: a fact, or `priority:KEY`."""
        if name.startswith("priority:"):
            return self.priority == name.split(":", 1)[1]
        if name == "priority_set":
            return bool(self.priority)
        return bool(getattr(self, name))


def apply(facts: Facts, ev: Event) -> None:
    k, d = ev.kind, ev.data
    if k == OPENED:
        facts.opened = True
        facts.info_complete = bool(d.get("info_complete", True))
        facts.priority = str(d.get("priority") or "")
    elif k == PRIORITY:
        facts.priority = str(d.get("priority") or "")
    elif k == ASSIGNED:
        facts.assigned = d.get("assignee") is not None
    elif k == AGENT_REPLY:
        facts.responded = True
        facts.responded_after_assignment = facts.responded_after_assignment or facts.assigned
        facts.last_agent_contact = ev.at
    elif k == INFO_REQUESTED:
        facts.info_complete = False
    elif k == INFO_RECEIVED:
        facts.info_complete = True
    elif k == CLASSIFIED:
        facts.bug_classified = d.get("classification") in {"bug", "defect"}
    elif k == STATUS:
        facts.waiting_on_customer = d.get("status") == "waiting_on_customer"
    elif k == RESOLVED:
        facts.resolved = True
        facts.waiting_on_customer = False
    elif k == REOPENED:
        facts.resolved = False
    elif k == REVIEW:
        facts.reviews += 1
    elif k == ROUND_THE_CLOCK:
        facts.round_the_clock = bool(d.get("needed", True))


@dataclass(frozen=True)
class MetricState:
    metric: str
    name: str
    status: str  # waiting | running | paused | met | breached | cancelled | no_target
    target: str = ""
    calendar: str = ""
    started_at: datetime | None = None
    due_at: datetime | None = None
    stopped_at: datetime | None = None
    remaining_seconds: int | None = None  # business seconds left (negative when overdue)
    breached: bool = False
    missed: int = 0  # repeating metrics: earlier dues missed


@dataclass
class _Track:
    """What the fold records for one metric."""

    started_at: datetime | None = None
    stopped_at: datetime | None = None
    cancelled_at: datetime | None = None
    pauses: list[list[datetime | None]] = field(default_factory=list)
    priority: str = ""
    round_the_clock: bool = True
    # repeating metrics: one (due, done_at) per period
    periods: list[tuple[datetime, datetime | None]] = field(default_factory=list)


CalendarFor = Callable[[str], Calendar]
TargetFor = Callable[[str, str], Target | None]  # (priority, metric) -> target


def compute(
    policy: Policy,
    events: Iterable[Event],
    now: datetime,
    calendar_for: CalendarFor,
    target_for: TargetFor,
    calendar_name: str,
) -> list[MetricState]:
    """Every metric of the policy for one case, as of `now`."""
    ordered = sorted((e for e in events if e.at <= now), key=lambda e: e.at)
    facts = Facts()
    tracks = {key: _Track() for key in policy.metrics}
    for ev in ordered:
        before = _snapshot(facts)
        apply(facts, ev)
        for key, spec in policy.metrics.items():
            _advance(spec, tracks[key], before, facts, ev.at)
    return [
        _state(spec, tracks[spec.key], now, calendar_for, target_for, policy, calendar_name)
        for spec in policy.metrics.values()
    ]


def _snapshot(facts: Facts) -> Facts:
    return Facts(**facts.__dict__)


def _all(names: tuple[str, ...], facts: Facts) -> bool:
    return all(facts.holds(n) for n in names)


def _any(names: tuple[str, ...], facts: Facts) -> bool:
    return any(facts.holds(n) for n in names)


def _calendar_name(policy: Policy, priority: str, round_the_clock: bool, default: str) -> str:
    special = policy.priority_calendars.get(priority)
    return special if special and round_the_clock else default


def _advance(spec: MetricSpec, tr: _Track, before: Facts, facts: Facts, at: datetime) -> None:
    if tr.stopped_at or tr.cancelled_at:
        if spec.kind == "once" or not _all(spec.start, facts) or _any(spec.stop, facts):
            return
        # a repeating metric comes back (re-raised to S0, reopened)
        tr.stopped_at = tr.cancelled_at = None
        tr.started_at = None
        tr.periods = []
    if tr.started_at is None:
        if not _all(spec.start, facts):
            return
        tr.started_at = at
        tr.priority = facts.priority
        if spec.kind != "once":
            tr.periods = []
    # A stop or cancel keeps the priority the clock ran under (a downgrade from S0 ends S0's reviews).
    if _any(spec.cancel, facts):
        tr.cancelled_at = at
        _close_pause(tr, at)
        return
    if _any(spec.stop, facts) or (spec.kind != "once" and not _all(spec.start, facts)):
        tr.stopped_at = at
        _close_pause(tr, at)
        return
    tr.priority = facts.priority
    tr.round_the_clock = facts.round_the_clock
    paused_now = _any(spec.pause, facts)
    if paused_now and not (tr.pauses and tr.pauses[-1][1] is None):
        tr.pauses.append([at, None])
    elif not paused_now:
        _close_pause(tr, at)
    if spec.kind == "cadence" and facts.last_agent_contact == at and before.last_agent_contact != at:
        tr.periods.append((at, None))  # an update given: the next one is due a cadence later
    if spec.kind == "review" and facts.reviews > before.reviews:
        tr.periods.append((at, None))


def _close_pause(tr: _Track, at: datetime) -> None:
    if tr.pauses and tr.pauses[-1][1] is None:
        tr.pauses[-1][1] = at


def _state(
    spec: MetricSpec,
    tr: _Track,
    now: datetime,
    calendar_for: CalendarFor,
    target_for: TargetFor,
    policy: Policy,
    calendar_name: str,
) -> MetricState:
    base: dict[str, Any] = {"metric": spec.key, "name": spec.name}
    if tr.cancelled_at is not None:
        return MetricState(**base, status="cancelled", started_at=tr.started_at, stopped_at=tr.cancelled_at)
    if tr.started_at is None:
        return MetricState(**base, status="waiting")
    target = target_for(tr.priority, spec.key)
    if target is None and not tr.priority and policy.priorities:
        return MetricState(**base, status="waiting", started_at=tr.started_at)  # until a priority is set
    if target is None:
        return MetricState(**base, status="no_target", started_at=tr.started_at, stopped_at=tr.stopped_at)
    cal_name = spec.calendar or _calendar_name(policy, tr.priority, tr.round_the_clock, calendar_name)
    cal = calendar_for(cal_name)
    common = {**base, "target": str(target), "calendar": cal_name, "started_at": tr.started_at}
    if spec.kind == "once":
        return _once_state(common, tr, target, cal, now)
    return _repeating_state(spec, common, tr, target, cal, now)


def _once_state(common: dict[str, Any], tr: _Track, target: Target, cal: Calendar, now: datetime) -> MetricState:
    assert tr.started_at is not None
    end = tr.stopped_at or now
    if target.business_days:
        # Business days count on the calendar from the start; pauses push the due by their business time.
        due: datetime | None = target.due(cal, tr.started_at)
        assert due is not None
        for p0, p1 in tr.pauses:
            assert p0 is not None
            due = cal.add(due, cal.between(p0, p1 or end)) if p1 else None
            if due is None:
                break
    else:
        due = _due_with_pauses(cal, tr.started_at, target.seconds, tr.pauses)
    if tr.stopped_at is not None:
        late = due is not None and tr.stopped_at > due
        return MetricState(
            **common, status="breached" if late else "met", due_at=due, stopped_at=tr.stopped_at, breached=late
        )
    paused = bool(tr.pauses) and tr.pauses[-1][1] is None
    if due is None or paused:
        used = _used(cal, tr.started_at, tr.pauses, now)
        left = (target.seconds or cal.between(tr.started_at, target.due(cal, tr.started_at))) - used
        return MetricState(**common, status="paused", remaining_seconds=left)
    late = now > due
    return MetricState(
        **common,
        status="breached" if late else "running",
        due_at=due,
        remaining_seconds=cal.between(now, due),
        breached=late,
    )


def _used(cal: Calendar, start: datetime, pauses: list[list[datetime | None]], now: datetime) -> int:
    total = cal.between(start, now)
    for p0, p1 in pauses:
        assert p0 is not None
        total -= cal.between(p0, p1 or now)
    return total


def _due_with_pauses(
    cal: Calendar, start: datetime, seconds: int, pauses: list[list[datetime | None]]
) -> datetime | None:
    """Walk the running segments between pauses; None while paused with time left."""
    remaining = seconds
    seg_start = start
    for p0, p1 in pauses:
        assert p0 is not None
        run = cal.between(seg_start, p0)
        if run >= remaining:
            return cal.add(seg_start, remaining)
        remaining -= run
        if p1 is None:
            return None
        seg_start = p1
    return cal.add(seg_start, remaining)


def _repeating_state(
    spec: MetricSpec, common: dict[str, Any], tr: _Track, target: Target, cal: Calendar, now: datetime
) -> MetricState:
    """Repeating metrics: `cadence` (next status update a target after the last
    one) and `review` (a fixed schedule: start + k x target)."""
    assert tr.started_at is not None
    done = sorted({at for at, _ in tr.periods if at >= tr.started_at})
    if spec.kind == "review":
        # dues[i] is settled by the (i+1)th review held
        dues = [_nth(cal, target, tr.started_at, k) for k in range(1, len(done) + 2)]
        missed = sum(1 for i, r in enumerate(done) if r > dues[i])
    else:
        # each update is due one cadence after the one before (or after the clock started)
        anchors = sorted({tr.started_at, *done})
        dues = [target.due(cal, a) for a in anchors]
        missed = sum(1 for i in range(1, len(anchors)) if anchors[i] > dues[i - 1])
    due = dues[-1]
    if tr.stopped_at is not None:
        return MetricState(**common, status="met", stopped_at=tr.stopped_at, missed=missed)
    late = now > due
    return MetricState(
        **common,
        status="breached" if late else "running",
        due_at=due,
        remaining_seconds=cal.between(now, due),
        breached=late,
        missed=missed,
    )


def _nth(cal: Calendar, target: Target, start: datetime, k: int) -> datetime:
    if target.business_days:
        return cal.add_business_days(start, target.business_days * k)
    return cal.add(start, target.seconds * k)
