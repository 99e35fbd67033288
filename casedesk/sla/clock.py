"""Metric clocks: a case's SLA state, folded from its events.

The same events always give the same state. A metric (first response,
resolution, next status update, S0 management review) starts when all its
start facts hold, pauses while any pause fact holds, stops when a stop fact
becomes true or the case is resolved, and loses its pending target while a
cancel fact holds. Rules decided in POLICIES.md 0.16-0.21:

- a change of priority, tier or calendar re-times a pending metric from its
  start (or from the change, `retime = "from_change"`), and a due that had
  already passed stays recorded as a breach at the instant it passed;
- a cancel (bug/defect) removes only a pending target; clearing it brings the
  target back as if it had never been set;
- a request classified out of scope (a `scope` event with `in_scope` false:
  the paid route at the rate card instead of the SLA) is an implicit cancel
  condition of every metric (`out_of_scope`, whatever the metric's own
  `cancel` list says), with the same rules: a due already passed stays a
  breach, and back in scope the targets return as if never removed; S0
  review marks (`kind = "review"`) are the desk's own and are not removed;
- resolving stops every clock: met if before the due time, missed otherwise;
- until a priority is set, metrics run on the policy's default priority;
- S0 reviews fall due at fixed marks from when the case became S0; a mark
  passed without a review is a miss and the next mark becomes due;
- a target from the policy's `goals` table is the desk's internal goal: it is
  tracked and reminded, but its misses are not breached commitments.

The state is a `ClockState` (facts + one track per metric) that `fold`
advances one event at a time and that `clock_json` serialises, so a case can keep
it and fold only its newest event; `evaluate` reads it as of any instant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from casedesk.sla.calendar import Calendar
from casedesk.sla.conditions import CONDITIONS, PRIORITY_PREFIX
from casedesk.sla.durations import Target, parse_target
from casedesk.sla.policy_schema import MetricSpec, Policy


@dataclass(frozen=True)
class Event:
    """What happened to a case, as the clocks need it."""

    kind: str
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)


# Event kinds the fold understands (cases.services writes exactly these).
OPENED = "opened"  # data: {"priority", "tier", "info_complete", "channel"}
PRIORITY = "priority"  # data: {"priority": key or ""}
TIER = "tier"  # data: {"tier": key}
ASSIGNED = "assigned"  # data: {"assignee": id or None}
AGENT_REPLY = "agent_reply"  # a public reply or contact by an agent
CUSTOMER_REPLY = "customer_reply"
INTERNAL_NOTE = "note"
INFO_REQUESTED = "info_requested"
INFO_RECEIVED = "info_received"
CLASSIFIED = "classified"  # data: {"classification": "bug" | "defect" | ""}
SCOPE = "scope"  # data: {"item": str, "in_scope": bool, "offer": str}; item "" is back in scope
STATUS = "status"  # data: {"status": "waiting_on_customer" | "open" | ...}
RESOLVED = "resolved"  # data: {"resolution": kind}
REOPENED = "reopened"
REVIEW = "review"  # an S0 management review held
ROUND_THE_CLOCK = "round_the_clock"  # data: {"needed": bool}
ESCALATED = "escalated"  # data: {"level": n}
SCHEDULE_AGREED = "schedule_agreed"  # data: {"metric": key, "target": "5bd"}: a commitment for this case
# What `apply` reads. Any other event (a customer's reply, a note, entitlement, a CC) changes no fact, so the
# fold passes over it unchanged: a replay may leave it out (whatif.load does; tests/sla/test_replay holds it).
INPUTS = frozenset(
    {
        OPENED, PRIORITY, TIER, ASSIGNED, AGENT_REPLY, INFO_REQUESTED, INFO_RECEIVED, CLASSIFIED, SCOPE, STATUS,
        RESOLVED, REOPENED, REVIEW, ROUND_THE_CLOCK, ESCALATED, SCHEDULE_AGREED,
    }
)  # fmt: skip
# Records the clocks write about themselves; never inputs of the fold.
BREACHED = "breached"  # data: {"metric", "target", "goal", "due"}
WARNING = "warning"  # data: {"metric", "target", "goal", "due", "point"}: a warning point the preset declares passed
RECORDS = frozenset({BREACHED, WARNING})

LIVE = frozenset({"waiting", "running", "paused", "overdue"})
FINISHED = frozenset({"met", "missed", "cancelled", "no_target", "skipped"})


@dataclass
class Facts:
    """The state of a case after some events (what conditions read)."""

    opened: bool = False
    priority: str = ""  # set explicitly; the desk default is not a fact
    tier: str = ""
    assigned: bool = False
    responded: bool = False
    responded_after_assignment: bool = False
    info_complete: bool = True
    bug_classified: bool = False
    out_of_scope: bool = False  # absent from states stored before it existed: in scope
    waiting_on_customer: bool = False
    resolved: bool = False
    escalated: bool = False
    round_the_clock: bool = True
    last_agent_contact: datetime | None = None
    reviews: int = 0
    agreed: dict[str, str] = field(default_factory=dict)

    def holds(self, name: str) -> bool:
        """A condition name from a preset: one of CONDITIONS, or `priority:KEY`."""
        if name.startswith(PRIORITY_PREFIX):
            return self.priority == name[len(PRIORITY_PREFIX) :]
        if name == "priority_set":
            return bool(self.priority)
        if name not in CONDITIONS:
            raise KeyError(f"unknown clock condition {name!r}")
        return bool(getattr(self, name))

    def copy(self) -> Facts:
        return Facts(**{**self.__dict__, "agreed": dict(self.agreed)})


def apply(facts: Facts, ev: Event) -> None:
    k, d = ev.kind, ev.data
    if k == OPENED:
        facts.opened = True
        facts.info_complete = bool(d.get("info_complete", True))
        facts.priority = str(d.get("priority") or "")
        facts.tier = str(d.get("tier", facts.tier) or "")
    elif k == PRIORITY:
        facts.priority = str(d.get("priority") or "")
    elif k == TIER:
        facts.tier = str(d.get("tier") or "")
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
    elif k == SCOPE:
        facts.out_of_scope = not d.get("in_scope", True)
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
    elif k == ESCALATED:
        facts.escalated = True
    elif k == SCHEDULE_AGREED:
        facts.agreed[str(d["metric"])] = str(d["target"])


@dataclass(frozen=True)
class Rule:
    """A target and whether it is a commitment or the desk's internal goal."""

    target: Target
    goal: bool = False


@dataclass(frozen=True)
class Breach:
    """A due that passed unmet: recorded at the instant it passed, never erased."""

    at: datetime
    target: str
    goal: bool = False
    priority: str = ""  # the priority the missed target belonged to


@dataclass(frozen=True)
class MetricState:
    metric: str
    name: str
    status: str  # live: waiting | running | paused | overdue; finished: met | missed | cancelled | no_target | skipped
    target: str = ""
    calendar: str = ""
    priority: str = ""  # the priority the target comes from
    priority_assumed: bool = False  # the desk's default priority: none set yet
    goal: bool = False  # an internal goal, not a commitment
    started_at: datetime | None = None
    due_at: datetime | None = None
    stopped_at: datetime | None = None
    cancelled_at: datetime | None = None
    remaining_seconds: int | None = None  # business seconds left (negative when overdue)
    next_change_at: datetime | None = None  # next warning point or due, while running
    warn_points: tuple[datetime, ...] = ()  # the current due's warning instants, passed ones included
    breaches: tuple[Breach, ...] = ()
    missed: int = 0  # dues missed (repeating metrics: periods or review marks)

    @property
    def live(self) -> bool:
        return self.status in LIVE

    @property
    def breached(self) -> bool:
        """A commitment was missed (internal goals never count)."""
        return any(not b.goal for b in self.breaches)

    @property
    def breached_at(self) -> datetime | None:
        return min((b.at for b in self.breaches if not b.goal), default=None)


@dataclass
class Track:
    """What the fold keeps for one metric."""

    started_at: datetime | None = None
    anchor: datetime | None = None  # where the current target counts from
    stopped_at: datetime | None = None
    outcome: str = ""  # "" while live; met | missed | skipped
    cancelled_at: datetime | None = None
    pauses: list[list[datetime | None]] = field(default_factory=list)
    tier: str = ""
    priority: str = ""
    assumed: bool = False
    rtc: bool = True
    agreed: str = ""
    breaches: list[Breach] = field(default_factory=list)
    period_missed: bool = False  # cadence: this period's due is already recorded as missed
    settled: int = 0  # review: marks settled since the start
    window_reviewed: bool = False  # review: a review was held before the next mark


@dataclass
class ClockState:
    facts: Facts = field(default_factory=Facts)
    tracks: dict[str, Track] = field(default_factory=dict)
    last_at: datetime | None = None


CalendarFor = Callable[[str], Calendar]
TargetFor = Callable[[str, str, str], Rule | None]  # (tier, priority, metric) -> rule


@dataclass(frozen=True)
class Context:
    """What a case's clocks read besides its events."""

    policy: Policy
    calendar_for: CalendarFor
    target_for: TargetFor
    calendar_name: str
    tier: str = ""  # the case's tier, for events written before tiers were recorded on them


def policy_targets(policy: Policy) -> TargetFor:
    """The policy's own targets (commitments), then its goals."""

    def target_for(tier: str, priority: str, metric: str) -> Rule | None:
        t = policy.target(tier or "*", priority, metric)
        if t is not None:
            return Rule(t)
        g = policy.goal(tier or "*", priority, metric)
        return Rule(g, goal=True) if g is not None else None

    return target_for


def new_state(ctx: Context) -> ClockState:
    return ClockState(Facts(tier=ctx.tier), {key: Track() for key in ctx.policy.metrics})


def fold(ctx: Context, state: ClockState, events: Iterable[Event]) -> ClockState:
    """Advance the state by events given in order (at, then arrival); records are skipped."""
    for ev in events:
        if ev.kind in RECORDS:
            continue
        before = state.facts.copy()
        apply(state.facts, ev)
        for key, spec in ctx.policy.metrics.items():
            tr = state.tracks.setdefault(key, Track())
            if spec.kind == "review":
                _advance_review(ctx, spec, tr, before, state.facts, ev.at)
            else:
                _advance(ctx, spec, tr, before, state.facts, ev.at)
        state.last_at = ev.at if state.last_at is None else max(state.last_at, ev.at)
    return state


def compute(ctx: Context, events: Iterable[Event], now: datetime) -> list[MetricState]:
    """Every metric of the policy for one case, replayed from all its events, as of `now`."""
    ordered = sorted((e for e in events if e.at <= now), key=lambda e: e.at)
    return evaluate(ctx, fold(ctx, new_state(ctx), ordered), now)


# -- the fold ---------------------------------------------------------------


def _all(names: tuple[str, ...], facts: Facts) -> bool:
    return all(facts.holds(n) for n in names)


def _stops(spec: MetricSpec, facts: Facts) -> bool:
    """Resolution stops every clock (POLICIES 0.18); repeating ones also stop when their start no longer holds."""
    if facts.resolved or any(facts.holds(n) for n in spec.stop):
        return True
    return spec.kind != "once" and not _all(spec.start, facts)


def _wanted(ctx: Context, spec: MetricSpec, facts: Facts) -> tuple[str, str, bool, str]:
    """(tier, priority, round the clock, agreed target) the metric should run under."""
    priority = facts.priority or ctx.policy.default_priority
    return facts.tier, priority, facts.round_the_clock, facts.agreed.get(spec.key, "")


def _take(ctx: Context, spec: MetricSpec, tr: Track, facts: Facts) -> None:
    tr.tier, tr.priority, tr.rtc, tr.agreed = _wanted(ctx, spec, facts)
    tr.assumed = not facts.priority


def _restart(tr: Track, at: datetime) -> None:
    tr.started_at = tr.anchor = at
    tr.stopped_at = tr.cancelled_at = None
    tr.outcome = ""
    tr.pauses = []
    tr.period_missed = tr.window_reviewed = False
    tr.settled = 0


def _breach(tr: Track, at: datetime, rule: Rule | None) -> None:
    if rule is not None and all(b.at != at for b in tr.breaches):
        tr.breaches.append(Breach(at, str(rule.target), rule.goal, tr.priority))


def _advance(ctx: Context, spec: MetricSpec, tr: Track, before: Facts, facts: Facts, at: datetime) -> None:
    if tr.outcome == "skipped" and not facts.resolved:
        tr.outcome, tr.stopped_at = "", None  # reopened before it ever started: it may start now
    if tr.outcome:
        if spec.kind == "once" or _stops(spec, facts):
            return
        _restart(tr, at)  # a cadence comes back (reopened); its breaches stay recorded
        _take(ctx, spec, tr, facts)
    elif tr.started_at is None:
        if not _all(spec.start, facts):
            if facts.resolved:
                tr.outcome, tr.stopped_at = "skipped", at
            return
        _restart(tr, at)
        _take(ctx, spec, tr, facts)
    elif _wanted(ctx, spec, facts) != (tr.tier, tr.priority, tr.rtc, tr.agreed):
        # A new target: a due already passed stays a breach; then re-time from the start (or the change).
        old, rule = _due(ctx, spec, tr), _rule(ctx, spec, tr)
        if old is not None and old < at and tr.cancelled_at is None:
            _breach(tr, old, rule)
            tr.period_missed = True
        _take(ctx, spec, tr, facts)
        if spec.retime == "from_change":
            tr.anchor = at
    else:
        tr.assumed = not facts.priority

    _cancel(ctx, spec, tr, facts, at)
    if spec.kind == "cadence" and facts.last_agent_contact == at and before.last_agent_contact != at:
        _period_done(ctx, spec, tr, at)
        if not _stops(spec, facts):
            tr.anchor, tr.pauses, tr.period_missed = at, [], False  # the next update is due a cadence later
    if _stops(spec, facts):
        due = _due(ctx, spec, tr)
        late = due is not None and at > due and not tr.period_missed
        if late and tr.cancelled_at is None:
            assert due is not None
            _breach(tr, due, _rule(ctx, spec, tr))
        tr.stopped_at = at
        tr.outcome = "missed" if late or tr.breaches else "met"
        _close_pause(tr, at)
        return
    paused_now = any(facts.holds(n) for n in spec.pause)
    if paused_now and not (tr.pauses and tr.pauses[-1][1] is None):
        tr.pauses.append([at, None])
    elif not paused_now:
        _close_pause(tr, at)


def _period_done(ctx: Context, spec: MetricSpec, tr: Track, at: datetime) -> None:
    """A status update given: late if after this period's due (counted once per period)."""
    due = _due(ctx, spec, tr)
    if due is not None and at > due and not tr.period_missed and tr.cancelled_at is None:
        _breach(tr, due, _rule(ctx, spec, tr))


def _cancel(ctx: Context, spec: MetricSpec, tr: Track, facts: Facts, at: datetime) -> None:
    """Bug/defect removes a pending target only; clearing it restores the target as if never set.
    Out of scope cancels every metric this way, whether or not its `cancel` list names it."""
    cancel_now = facts.out_of_scope or any(facts.holds(n) for n in spec.cancel)
    if cancel_now == (tr.cancelled_at is not None):
        return
    due = _due(ctx, spec, tr)
    if cancel_now and tr.cancelled_at is None:
        if due is not None and due < at:
            _breach(tr, due, _rule(ctx, spec, tr))  # already breached: keeps that outcome
            tr.period_missed = True  # recorded: not a second time as overdue
        if not tr.breaches:
            tr.cancelled_at = at
    elif not cancel_now and tr.cancelled_at is not None:
        tr.cancelled_at = None
        if due is not None and due < at:
            _breach(tr, due, _rule(ctx, spec, tr))
            tr.period_missed = True


def _close_pause(tr: Track, at: datetime) -> None:
    if tr.pauses and tr.pauses[-1][1] is None:
        tr.pauses[-1][1] = at


def _advance_review(ctx: Context, spec: MetricSpec, tr: Track, before: Facts, facts: Facts, at: datetime) -> None:
    """Fixed marks from when the metric started (the case became S0); one review per mark."""
    active = not _stops(spec, facts)
    reviewed = facts.reviews > before.reviews
    if tr.started_at is not None and not tr.outcome:
        _settle(ctx, spec, tr, at)
        tr.window_reviewed = tr.window_reviewed or reviewed
        if not active:
            tr.stopped_at = at
            tr.outcome = "missed" if tr.breaches else "met"
        return
    if active:
        _restart(tr, at)  # opened at, or raised to, S0; earlier runs' misses stay recorded
        _take(ctx, spec, tr, facts)
        tr.window_reviewed = reviewed


def _mark(ctx: Context, spec: MetricSpec, tr: Track, rule: Rule, k: int) -> datetime:
    assert tr.anchor is not None
    cal = _calendar(ctx, spec, tr)
    if rule.target.business_days:
        return cal.add_business_days(tr.anchor, rule.target.business_days * k)
    return cal.add(tr.anchor, rule.target.seconds * k)


def _settle(ctx: Context, spec: MetricSpec, tr: Track, upto: datetime) -> None:
    """Marks strictly before `upto`: met when a review was held in the window ending there, else missed."""
    rule = _rule(ctx, spec, tr)
    if rule is None or rule.target == Target():
        return
    while (mark := _mark(ctx, spec, tr, rule, tr.settled + 1)) < upto:
        if not tr.window_reviewed:
            _breach(tr, mark, rule)
        tr.settled += 1
        tr.window_reviewed = False


# -- targets, calendars and dues ----------------------------------------------


def _rule(ctx: Context, spec: MetricSpec, tr: Track) -> Rule | None:
    if tr.agreed:
        return Rule(parse_target(tr.agreed))  # agreed with the customer on this case: a commitment
    return ctx.target_for(tr.tier, tr.priority, spec.key)


def _calendar_name(ctx: Context, spec: MetricSpec, tr: Track) -> str:
    if spec.calendar:
        return spec.calendar
    special = ctx.policy.priority_calendars.get(tr.priority)
    return special if special and tr.rtc else ctx.calendar_name


def _calendar(ctx: Context, spec: MetricSpec, tr: Track) -> Calendar:
    return ctx.calendar_for(_calendar_name(ctx, spec, tr))


def _pauses_since(tr: Track) -> list[list[datetime | None]]:
    """Pauses that matter from the anchor on, clipped to it."""
    assert tr.anchor is not None
    out = []
    for p0, p1 in tr.pauses:
        assert p0 is not None
        if p1 is None or p1 > tr.anchor:
            out.append([max(p0, tr.anchor), p1])
    return out


def _due(ctx: Context, spec: MetricSpec, tr: Track) -> datetime | None:
    """The due time under the track's current target; None without a target or while paused with time left."""
    if tr.anchor is None:
        return None
    rule = _rule(ctx, spec, tr)
    if rule is None:
        return None
    cal = _calendar(ctx, spec, tr)
    pauses = _pauses_since(tr)
    if rule.target.business_days:
        # Business days count from the anchor; pauses push the due by their business time.
        due = rule.target.due(cal, tr.anchor)
        for p0, p1 in pauses:
            assert p0 is not None
            if p1 is None:
                return None
            due = cal.add(due, cal.between(p0, p1))
        return due
    return _due_with_pauses(cal, tr.anchor, rule.target.seconds, pauses)


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


def _target_seconds(cal: Calendar, rule: Rule, anchor: datetime) -> int:
    if rule.target.business_days:
        return cal.between(anchor, rule.target.due(cal, anchor))
    return rule.target.seconds


def _warn_points(spec: MetricSpec, cal: Calendar, tr: Track, rule: Rule) -> list[datetime]:
    """Instants the policy asks to warn at: `75%` of the target, or `30m` of business time before due."""
    assert tr.anchor is not None
    total = _target_seconds(cal, rule, tr.anchor)
    out = []
    for w in spec.warn:
        used = round(total * float(w[:-1]) / 100) if w.endswith("%") else total - parse_target(w).seconds
        if 0 < used < total:
            t = _due_with_pauses(cal, tr.anchor, used, _pauses_since(tr))
            if t is not None:
                out.append(t)
    return out


# -- reading the state as of an instant ----------------------------------------


def evaluate(ctx: Context, state: ClockState, now: datetime) -> list[MetricState]:
    return [_state(ctx, spec, state.tracks.get(spec.key) or Track(), now) for spec in ctx.policy.metrics.values()]


def _state(ctx: Context, spec: MetricSpec, tr: Track, now: datetime) -> MetricState:
    base: dict[str, Any] = {"metric": spec.key, "name": spec.name, "breaches": tuple(tr.breaches)}
    base["missed"] = len(tr.breaches)
    if tr.outcome == "skipped":
        return MetricState(**base, status="skipped", stopped_at=tr.stopped_at)
    if tr.started_at is None:
        return MetricState(**base, status="waiting")
    rule = _rule(ctx, spec, tr)
    base.update(priority=tr.priority, priority_assumed=tr.assumed, started_at=tr.started_at)
    if rule is None:
        if not tr.priority and ctx.policy.priorities:
            return MetricState(**base, status="waiting")  # no priority yet and no default to run on
        return MetricState(**base, status="no_target", stopped_at=tr.stopped_at)
    cal_name = _calendar_name(ctx, spec, tr)
    cal = ctx.calendar_for(cal_name)
    base.update(target=str(rule.target), calendar=cal_name, goal=rule.goal)
    if tr.cancelled_at is not None:
        return MetricState(**base, status="cancelled", cancelled_at=tr.cancelled_at, stopped_at=tr.stopped_at)
    if spec.kind == "review":
        return _review_state(ctx, spec, tr, rule, base, now)
    due = _due(ctx, spec, tr)
    if tr.outcome:
        return MetricState(**base, status=tr.outcome, due_at=due, stopped_at=tr.stopped_at)
    if due is None:
        assert tr.anchor is not None
        total = _target_seconds(cal, rule, tr.anchor)
        paused = sum(cal.between(p0, p1 or now) for p0, p1 in _pauses_since(tr) if p0 is not None)
        used = cal.between(tr.anchor, now) - paused
        return MetricState(**base, status="paused", remaining_seconds=total - used)
    points = tuple(sorted(_warn_points(spec, cal, tr, rule)))
    if now > due:
        if not tr.period_missed:
            base["breaches"] = (*tr.breaches, Breach(due, str(rule.target), rule.goal, tr.priority))
            base["missed"] = len(base["breaches"])
        return MetricState(
            **base, status="overdue", due_at=due, remaining_seconds=-cal.between(due, now), warn_points=points
        )
    return MetricState(
        **base,
        status="running",
        due_at=due,
        remaining_seconds=cal.between(now, due),
        next_change_at=min([*(t for t in points if t > now), due]),
        warn_points=points,
    )


def _review_state(
    ctx: Context, spec: MetricSpec, tr: Track, rule: Rule, base: dict[str, Any], now: datetime
) -> MetricState:
    if tr.outcome:
        return MetricState(**base, status=tr.outcome, stopped_at=tr.stopped_at)
    probe = Track(**{f.name: getattr(tr, f.name) for f in fields(Track)})
    probe.breaches = list(tr.breaches)
    _settle(ctx, spec, probe, now)
    due = _mark(ctx, spec, probe, rule, probe.settled + (2 if probe.window_reviewed else 1))
    cal = _calendar(ctx, spec, tr)
    base.update(breaches=tuple(probe.breaches), missed=len(probe.breaches))
    points = _review_warn_points(spec, rule, due)
    return MetricState(
        **base,
        status="running",
        due_at=due,
        remaining_seconds=cal.between(now, due),
        next_change_at=min([*(t for t in points if t > now), due]),
        warn_points=points,
    )


def _review_warn_points(spec: MetricSpec, rule: Rule, due: datetime) -> tuple[datetime, ...]:
    """A review's reminders before its mark: reviews fall due at elapsed-time marks, so the points are elapsed
    time too (`75%` of the period after the previous mark, `30m` before the mark)."""
    period = rule.target.seconds
    out = []
    for w in spec.warn:
        before = period - round(period * float(w[:-1]) / 100) if w.endswith("%") else parse_target(w).seconds
        if 0 < before < period:
            out.append(due - timedelta(seconds=before))
    return tuple(sorted(out))
