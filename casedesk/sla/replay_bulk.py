"""What-if replay, the bulk path (`replay`): equal to `replay_reference.replay_one` for every case; how it works
is told in `casedesk.sla.replay`."""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from itertools import pairwise
from typing import Any

import numpy as np

from casedesk.sla.calendar import Calendar, add_business_days_many
from casedesk.sla.clock import (
    RECORDS,
    MetricState,
    Rule,
    _due_with_pauses,
    compute,
)
from casedesk.sla.conditions import PRIORITY_PREFIX
from casedesk.sla.policy_schema import MetricSpec, Policy
from casedesk.sla.presets import Preset
from casedesk.sla.replay_reference import History, Outcome, calendar_for, context, outcome, replay_one
from casedesk.sla.replay_targets import contract_targets

# -- the bulk path -----------------------------------------------------------------------------------

# Facts as bits (clock.Facts; priority:KEY conditions get bits of their own from _PRIO up).
_OPENED, _ASSIGNED, _RESPONDED, _AFTER = 1, 2, 4, 8
_INFO, _BUG, _OUT, _WAITING, _RESOLVED, _ESCALATED, _PSET = 16, 32, 64, 128, 256, 512, 1024
_PRIO = 2048
_BITS = {
    "opened": _OPENED,
    "assigned": _ASSIGNED,
    "responded": _RESPONDED,
    "responded_after_assignment": _AFTER,
    "info_complete": _INFO,
    "bug_classified": _BUG,
    "out_of_scope": _OUT,
    "waiting_on_customer": _WAITING,
    "resolved": _RESOLVED,
    "escalated": _ESCALATED,
    "priority_set": _PSET,
}

# Marks of a running metric: its start, a change of target, a new agent contact (cadences).
_START, _CHANGE, _CONTACT = 0, 1, 2

# Track states in the scan.
_WAITING_TO_START, _LIVE, _DONE, _SKIPPED, _SLOW, _RUN_OVER = 0, 1, 2, 3, 4, 5


class _Metric:
    """A metric's conditions as bit masks."""

    def __init__(self, index: int, spec: MetricSpec, bit: Callable[[str], int]) -> None:
        self.index, self.spec, self.key = index, spec, spec.key
        self.cadence = spec.kind == "cadence"
        self.review = spec.kind == "review"
        self.skips = spec.kind != "review"  # resolved before it started; a review just never starts
        self.start = sum({bit(n) for n in spec.start})
        self.stop = sum({bit(n) for n in spec.stop}) | _RESOLVED
        self.pause = sum({bit(n) for n in spec.pause})
        self.cancel = sum({bit(n) for n in spec.cancel}) | _OUT


# A due to compute, per calendar in numpy: (case index, metric slot, case key, metric, goal, priority, anchor epoch
# seconds, seconds, business days, stop, cell). A cadence's earlier periods come first, with case index -1, the
# contact that ended them as stop, and the cell [late] they share with the metric's last period.
_Due = tuple[int, int, int, str, bool, str, int, int, int, Any, list[Any] | None]


class _Replay:
    def __init__(self, preset: Preset, now: datetime) -> None:
        self.preset, self.now, self.policy = preset, now, preset.policy
        self.now_ts = now.timestamp()
        policy = self.policy
        prio_bit: dict[str, int] = {}

        def bit(name: str) -> int:
            if name.startswith(PRIORITY_PREFIX):
                key = name[len(PRIORITY_PREFIX) :]
                return prio_bit.setdefault(key, _PRIO << len(prio_bit))
            return _BITS[name]

        self.metrics = [_Metric(i, spec, bit) for i, spec in enumerate(policy.metrics.values())]
        # The bits a priority value sets: priority_set and its own priority:KEY.
        self.prio_bits = {key: _PSET | b for key, b in prio_bit.items()}
        self.default = policy.default_priority
        self.has_priorities = bool(policy.priorities)
        self.calendars: dict[tuple[str, str], Calendar] = {}
        self.rules: dict[Any, Callable[[str, str, str], Rule | None]] = {}
        self.rule_cache: dict[tuple[Any, str, str, str], Rule | None] = {}
        self.partial: dict[tuple[str, ...], Policy] = {}
        self.out: list[list[Outcome | None]] = []
        self.changed: list[tuple[int, int, int, str, str, datetime | None, datetime | None, list[Any]]] = []
        self.dues: dict[int, tuple[Calendar, list[_Due]]] = {}
        self.fast = 0  # metrics decided on the bulk path
        self.slow = 0  # metrics through the fold

    # -- per case ------------------------------------------------------------------------------------

    def calendar(self, name: str, zone: str) -> Calendar:
        cal = self.calendars.get((name, zone))
        if cal is None:
            cal = self.calendars[(name, zone)] = calendar_for(self.preset, zone)(name)
        return cal

    def rule(self, h: History, tier: str, priority: str, metric: str) -> Rule | None:
        okey: Any = None
        if h.overrides:
            okey = json.dumps(h.overrides, sort_keys=True)
        k = (okey, tier, priority, metric)
        if k in self.rule_cache:
            return self.rule_cache[k]
        target_for = self.rules.get(okey)
        if target_for is None:
            target_for = self.rules[okey] = contract_targets(self.policy, h.overrides)
        rule = self.rule_cache[k] = target_for(tier, priority, metric)
        return rule

    def add(self, h: History) -> None:
        row: list[Outcome | None] = [None] * len(self.metrics)
        self.out.append(row)
        tracks = self.scan(h)
        if tracks is None:  # a shape the scan does not follow at all: the whole case through the fold
            row[:] = replay_one(self.preset, h, self.now)
            self.slow += len(row)
            return
        slow = [m.key for m, t in zip(self.metrics, tracks, strict=True) if t[0] == _SLOW]
        if slow:
            self.slow += len(slow)
            for st in self.fold(h, tuple(slow)):
                row[self.index_of(st.metric)] = outcome(h.key, st)
        for m, t in zip(self.metrics, tracks, strict=True):
            state = t[0]
            if state == _SLOW:
                continue
            self.fast += 1
            if state == _WAITING_TO_START:
                row[m.index] = Outcome(h.key, m.key, "waiting", False, False, "", None, None, None)
            elif m.review:
                row[m.index] = self.settle_review(h, m, t)
            elif state == _SKIPPED:
                row[m.index] = Outcome(h.key, m.key, "skipped", False, False, "", None, t[7], None)
            else:
                self.settle(h, len(self.out) - 1, m, t)

    def index_of(self, key: str) -> int:
        return next(m.index for m in self.metrics if m.key == key)

    def fold(self, h: History, keys: tuple[str, ...]) -> list[MetricState]:
        policy = self.partial.get(keys)
        if policy is None:
            policy = self.partial[keys] = replace(self.policy, metrics={k: self.policy.metrics[k] for k in keys})
        return compute(context(self.preset, h, policy), h.events, self.now)

    def scan(self, h: History) -> list[list[Any]] | None:
        """One pass over the events: per metric [state, anchor, wanted, priority, tier, rtc, pauses, stop, changed,
        marks (start, each change of priority, tier or hours, each new agent contact of a cadence: (kind, at,
        priority, tier, round the clock)), cancelled at]. None when the case has a shape only the fold follows
        (reopened, agreed schedule, out of order)."""
        now = self.now
        metrics = self.metrics
        prio_bits = self.prio_bits
        default = self.default
        tracks: list[list[Any]] = [
            [_WAITING_TO_START, None, 0, "", "", True, None, None, None, None, None] for _ in metrics
        ]
        bits = _INFO
        pbits = 0
        priority = ""
        tier = h.tier
        rtc = True
        wanted = 0  # bumped whenever (tier, priority or default, round the clock) changes
        seen = -1
        seen_wanted = -1
        last: datetime | None = None
        pending = len(metrics)  # metrics not yet started or still running
        reopens = False  # a later reopening would change a decided metric: skipped, or a finished cadence
        contact: datetime | None = None  # the last agent contact
        events = iter(h.events)
        for ev in events:
            k = ev.kind
            if k in RECORDS:
                continue
            at = ev.at
            if last is not None and at < last:
                return None
            if at > now:
                break
            last = at
            tick = False  # a new agent contact: a cadence's period ends
            if k == "agent_reply":
                bits |= _RESPONDED | _AFTER if bits & _ASSIGNED else _RESPONDED
                tick, contact = at != contact, at
            elif k == "customer_reply" or k == "note":
                pass
            elif k == "assigned":
                if ev.data.get("assignee") is not None:
                    bits |= _ASSIGNED
                else:
                    bits &= ~_ASSIGNED
            elif k == "opened":
                d = ev.data
                bits |= _OPENED
                bits = bits | _INFO if d.get("info_complete", True) else bits & ~_INFO
                before = (tier, priority or default)
                priority = str(d.get("priority") or "")
                tier = str(d.get("tier", tier) or "")
                pbits = prio_bits.get(priority, _PSET) if priority else 0
                if (tier, priority or default) != before:
                    wanted += 1
            elif k == "status":
                if ev.data.get("status") == "waiting_on_customer":
                    bits |= _WAITING
                else:
                    bits &= ~_WAITING
            elif k == "resolved":
                bits = (bits | _RESOLVED) & ~_WAITING
            elif k == "priority":
                before_p = priority or default
                priority = str(ev.data.get("priority") or "")
                pbits = prio_bits.get(priority, _PSET) if priority else 0
                if (priority or default) != before_p:
                    wanted += 1
            elif k == "info_requested":
                bits &= ~_INFO
            elif k == "info_received":
                bits |= _INFO
            elif k == "classified":
                if ev.data.get("classification") in {"bug", "defect"}:
                    bits |= _BUG
                else:
                    bits &= ~_BUG
            elif k == "escalated":
                bits |= _ESCALATED
            elif k == "review":
                pass
            elif k == "tier":
                new_tier = str(ev.data.get("tier") or "")
                if new_tier != tier:
                    tier = new_tier
                    wanted += 1
            elif k == "scope":
                if ev.data.get("in_scope", True):
                    bits &= ~_OUT
                else:
                    bits |= _OUT
            elif k == "round_the_clock":
                needed = bool(ev.data.get("needed", True))
                if needed != rtc:
                    rtc = needed
                    wanted += 1
            elif k == "reopened" or k == "schedule_agreed":
                return None
            facts = bits | pbits
            if facts == seen and wanted == seen_wanted and not tick and k != "review":
                continue  # nothing a condition, a target or a cadence reads changed
            seen, seen_wanted = facts, wanted
            for m, t in zip(metrics, tracks, strict=True):
                state = t[0]
                started = False
                if m.review:
                    # Runs of S0 reviews (clock._advance_review): from when it holds to when it stops holding;
                    # the reviews held in each run, judged against its marks by settle_review.
                    active = facts & m.start == m.start and not facts & m.stop
                    if state == _LIVE:
                        if k == "review":
                            t[6].append(at)
                        if not active:
                            t[9].append((t[1], t[3], t[4], t[5], t[6], at, t[10]))
                            t[0] = _RUN_OVER
                    elif active:
                        if t[9] is None:
                            t[9] = []
                        t[0], t[1], t[3], t[4], t[5] = _LIVE, at, priority or default, tier, rtc
                        t[6], t[10] = [], k == "review"
                    continue
                if state == _WAITING_TO_START:
                    if facts & m.start == m.start:
                        marks = [(_START, at, priority or default, tier, rtc)]
                        t[:] = [_LIVE, at, wanted, priority or default, tier, rtc, None, None, False, marks, None]
                        started = True
                    elif facts & _RESOLVED and m.skips:
                        t[0], t[7] = _SKIPPED, at
                        pending -= 1
                        reopens = True
                        continue
                    else:
                        continue
                elif state != _LIVE:
                    continue
                elif t[2] != wanted:
                    if t[6] or t[10] is not None:
                        t[0] = _SLOW  # re-timed after a pause or a cancel: the fold follows it
                        pending -= 1
                        continue
                    t[2], t[8] = wanted, True  # re-timed: a new target from here (settle_changed)
                    t[9].append((_CHANGE, at, priority or default, tier, rtc))
                if facts & m.cancel:
                    if m.cadence or t[6]:
                        t[0] = _SLOW
                        pending -= 1
                        continue
                    if t[10] is None:
                        t[10] = at  # the pending target removed here unless already breached (settle)
                elif t[10] is not None:
                    t[0] = _SLOW  # the cancel cleared: the target comes back, the fold follows it
                    pending -= 1
                    continue
                if facts & m.stop or (m.cadence and facts & m.start != m.start):
                    t[0], t[7] = _DONE, at  # a pause still open is closed at the stop by settle
                    pending -= 1
                    reopens = reopens or m.cadence
                    continue
                if m.cadence:
                    if facts & m.pause:
                        t[0] = _SLOW  # a paused cadence: the fold follows it
                        pending -= 1
                    elif tick and not started:
                        t[9].append((_CONTACT, at, "", "", True))  # the next update is due a period after it
                    continue
                if m.pause:
                    pauses = t[6]
                    is_open = bool(pauses) and pauses[-1][1] is None
                    if facts & m.pause:
                        if len(t[9]) > 1 or t[10] is not None:
                            t[0] = _SLOW  # paused after a new target or a cancel: the fold follows it
                            pending -= 1
                        elif not is_open:
                            if pauses is None:
                                pauses = t[6] = []
                            pauses.append([at, None])
                    elif is_open:
                        pauses[-1][1] = at
            if not pending:
                # Every metric is decided: later events change nothing, unless a skipped one is reopened.
                if reopens and any(e.kind == "reopened" and e.at <= now for e in events):
                    return None
                break
        return tracks

    def settle(self, h: History, case: int, m: _Metric, t: list[Any]) -> None:
        """A metric of the common shape: its outcome now, or its due queued for the calendar pass."""
        _state, anchor, _w, priority, tier, rtc, pauses, stopped, changed, marks, cancelled = t
        if changed or cancelled is not None:
            self.settle_changed(h, case, m, t)
            return
        periods = [mark[1] for mark in marks]  # the start, then each new contact (cadences)
        rule = self.rule(h, tier, priority, m.key)
        row = self.out[case]
        if rule is None:
            if not priority and self.has_priorities:  # no priority yet and no default to run on
                row[m.index] = Outcome(h.key, m.key, "waiting", False, False, priority, None, None, None)
            else:
                row[m.index] = Outcome(h.key, m.key, "no_target", False, False, priority, None, stopped, None)
            return
        cal = self.metric_calendar(h, m, priority, rtc)
        target = rule.target
        if pauses:
            late_due: datetime | None = None
            if stopped is not None and pauses[-1][1] is None:
                # Stopped while paused: the fold judged it late or not with the pause still open (no due
                # while paused with time left), and reports the due with the pause closed at the stop.
                late_due = _due(cal, rule, anchor, pauses)
                pauses[-1][1] = stopped
                due_dt = _due(cal, rule, anchor, pauses)
            else:
                due_dt = late_due = _due(cal, rule, anchor, pauses)
            row[m.index] = _final(h.key, m.key, rule.goal, priority, due_dt, late_due, stopped, self.now)
            return
        group = self.dues.get(id(cal))
        if group is None:
            group = self.dues[id(cal)] = (cal, [])
        items = group[1]
        seconds, days = target.seconds, target.business_days
        cell = None
        if len(periods) > 1:
            # A cadence's periods before the last: each is late if the next contact came after its due.
            cell = [False]
            for a, end in pairwise(periods):
                items.append((-1, 0, 0, "", False, "", int(a.timestamp() // 1), seconds, days, end, cell))
        last = int(periods[-1].timestamp() // 1)
        items.append((case, m.index, h.key, m.key, rule.goal, priority, last, seconds, days, stopped, cell))

    def settle_review(self, h: History, m: _Metric, t: list[Any]) -> Outcome:
        """clock._advance_review and _review_state over the runs the scan found: marks a period apart from each
        run's start; a mark passed without a review held since the previous one is missed."""
        runs = list(t[9])
        if t[0] == _LIVE:
            runs.append((t[1], t[3], t[4], t[5], t[6], None, t[10]))
        breaches: dict[datetime, bool] = {}  # one breach per instant, the first recorded
        now = self.now
        outcome: Outcome | None = None
        for anchor, priority, tier, rtc, reviews, stop, reviewed in runs:
            rule = self.rule(h, tier, priority, m.key)
            if rule is None:
                commitment = any(not g for g in breaches.values())
                if not priority and self.has_priorities:
                    outcome = Outcome(h.key, m.key, "waiting", False, commitment, priority, None, None, None)
                else:
                    outcome = Outcome(h.key, m.key, "no_target", False, commitment, priority, None, stop, None)
                continue
            cal = self.metric_calendar(h, m, priority, rtc)
            seconds, days, goal = rule.target.seconds, rule.target.business_days, rule.goal
            zero = not seconds and not days

            def mark(
                k: int, anchor: datetime = anchor, cal: Calendar = cal, s: int = seconds, d: int = days
            ) -> datetime:
                return cal.add_business_days(anchor, d * k) if d else cal.add(anchor, s * k)

            settled = 0
            for upto, review in [*((r, True) for r in reviews), (stop if stop is not None else now, False)]:
                if not zero:
                    while (at := mark(settled + 1)) < upto:
                        if not reviewed:
                            breaches.setdefault(at, goal)
                        settled += 1
                        reviewed = False
                reviewed = reviewed or review
            commitment = any(not g for g in breaches.values())
            if stop is not None:
                status = "missed" if breaches else "met"
                outcome = Outcome(h.key, m.key, status, goal, commitment, priority, None, stop, None)
            else:
                due = mark(settled + (2 if reviewed else 1))
                outcome = Outcome(h.key, m.key, "running", goal, commitment, priority, due, None, None)
        assert outcome is not None
        return outcome

    def metric_calendar(self, h: History, m: _Metric, priority: str, rtc: bool) -> Calendar:
        """clock._calendar_name: the metric's own, the priority's around the clock, else the case's."""
        name = m.spec.calendar
        if not name:
            special = self.policy.priority_calendars.get(priority)
            name = special if special and rtc else h.calendar
        return self.calendar(name, h.zone)

    def settle_changed(self, h: History, case: int, m: _Metric, t: list[Any]) -> None:
        """A metric whose target changed while it ran, or a once-metric a cancel condition reached: a due per
        target and period (re-timed from the period's start, or from the change), judged after the calendar
        pass (judge_changed)."""
        anchor, stopped, marks, cancelled = t[1], t[7], t[9], t[10]
        checks: list[tuple[int, list[int] | None, datetime | None, bool, Any]] = []
        _kind, _at, priority, tier, rtc = marks[0]
        for kind, at, new_priority, new_tier, new_rtc in marks[1:]:
            cell, goal, zone = self.due_cell(h, m, priority, tier, rtc, anchor)
            checks.append((kind, cell, at, goal, zone))
            if kind == _CHANGE:
                priority, tier, rtc = new_priority, new_tier, new_rtc
                if m.spec.retime == "from_change":
                    anchor = at
            else:
                anchor = at  # a new contact: the next period counts from it
        cell, goal, zone = self.due_cell(h, m, priority, tier, rtc, anchor)
        checks.append((_START, cell, None, goal, zone))
        self.changed.append((case, m.index, h.key, m.key, priority, stopped, cancelled, checks))

    def due_cell(
        self, h: History, m: _Metric, priority: str, tier: str, rtc: bool, anchor: datetime
    ) -> tuple[list[int] | None, bool, Any]:
        """A due asked of the calendar pass: (cell it is written to, goal, zone); no cell without a target."""
        rule = self.rule(h, tier, priority, m.key)
        if rule is None:
            return None, False, None
        cal = self.metric_calendar(h, m, priority, rtc)
        cell = [0]
        target = rule.target
        item = (-2, 0, 0, "", False, "", int(anchor.timestamp() // 1), target.seconds, target.business_days, None, cell)
        group = self.dues.get(id(cal))
        if group is None:
            group = self.dues[id(cal)] = (cal, [])
        group[1].append(item)
        return cell, rule.goal, cal.zone

    def judge_changed(self) -> None:
        """clock._advance and _state for the metrics settle_changed queued, their dues known."""
        now_ts = self.now_ts
        for case, slot, key, metric, priority, stopped, cancelled, checks in self.changed:
            breaches: dict[int, bool] = {}  # due -> goal; one breach per instant, the first recorded
            missed_before = False  # clock.Track.period_missed
            for kind, cell, end, goal, _zone in checks[:-1]:
                assert end is not None
                if kind == _CHANGE:
                    if cell is not None and cell[0] < end.timestamp():  # the old due had passed at the change
                        breaches.setdefault(cell[0], goal)
                        missed_before = True
                else:  # a new contact ends the period: late after its due, unless already recorded
                    if cell is not None and end.timestamp() > cell[0] and not missed_before:
                        breaches.setdefault(cell[0], goal)
                    missed_before = False
            _kind, cell, _end, goal, zone = checks[-1]
            row = self.out[case]
            if cell is None:
                commitment = any(not g for g in breaches.values())
                if not priority and self.has_priorities:
                    row[slot] = Outcome(key, metric, "waiting", False, commitment, priority, None, None, None)
                else:
                    row[slot] = Outcome(key, metric, "no_target", False, commitment, priority, None, stopped, None)
                continue
            d = cell[0]
            if cancelled is not None:
                if d < cancelled.timestamp():  # already breached: the cancel keeps that outcome
                    breaches.setdefault(d, goal)
                    missed_before = True
                if not breaches:
                    row[slot] = Outcome(key, metric, "cancelled", goal, False, priority, None, stopped, cancelled)
                    continue
            if stopped is not None:
                late = stopped.timestamp() > d and not missed_before
                if late:
                    breaches.setdefault(d, goal)
                status = "missed" if late or breaches else "met"
            else:
                over = now_ts > d
                if over and not missed_before:
                    breaches.setdefault(d, goal)
                status = "overdue" if over else "running"
            commitment = any(not g for g in breaches.values())
            due_at = datetime.fromtimestamp(d, zone)
            row[slot] = Outcome(key, metric, status, goal, commitment, priority, due_at, stopped, None)
        self.changed = []

    # -- the calendar pass -------------------------------------------------------------------------

    def finish(self) -> list[Outcome]:
        now_ts = self.now_ts
        out = self.out
        for cal, items in self.dues.values():
            count = len(items)
            anchors = np.fromiter((d[6] for d in items), dtype=np.int64, count=count)
            seconds = np.fromiter((d[7] for d in items), dtype=np.int64, count=count)
            days = np.fromiter((d[8] for d in items), dtype=np.int64, count=count)
            by_days = days > 0
            due = cal.add_many(anchors.astype("datetime64[s]"), seconds).astype(np.int64)
            if by_days.any():
                due[by_days] = add_business_days_many(cal, anchors[by_days], days[by_days])
            zone = cal.zone
            for (case, slot, key, metric, goal, priority, _a, _s, _d, stopped, cell), d in zip(
                items, due.tolist(), strict=True
            ):
                if case == -2:  # a due settle_changed asked for
                    assert cell is not None
                    cell[0] = d
                    continue
                if case < 0:  # a cadence's earlier period, ended by the contact `stopped`
                    if stopped.timestamp() > d:
                        assert cell is not None
                        cell[0] = True
                    continue
                earlier = cell is not None and cell[0]
                if stopped is not None:
                    late = stopped.timestamp() > d
                    status = "missed" if late or earlier else "met"
                else:
                    late = now_ts > d
                    status = "overdue" if late else "running"
                at = datetime.fromtimestamp(d, zone)
                missed = (late or earlier) and not goal
                out[case][slot] = Outcome(key, metric, status, goal, missed, priority, at, stopped, None)
        self.dues = {}
        self.judge_changed()
        return [o for row in out for o in row if o is not None]


def _due(cal: Calendar, rule: Rule, anchor: datetime, pauses: list[list[datetime | None]] | None) -> datetime | None:
    """clock._due for a once-metric whose pauses all began after its start."""
    # Pauses that matter (clock._pauses_since): these all began at or after the anchor.
    pauses = [p for p in pauses or () if p[1] is None or p[1] > anchor]
    if rule.target.business_days:
        due = rule.target.due(cal, anchor)
        for p0, p1 in pauses:
            assert p0 is not None
            if p1 is None:
                return None
            due = cal.add(due, cal.between(p0, p1))
        return due
    return _due_with_pauses(cal, anchor, rule.target.seconds, pauses)


def _final(
    key: int,
    metric: str,
    goal: bool,
    priority: str,
    due: datetime | None,
    late_due: datetime | None,
    stopped: datetime | None,
    now: datetime,
) -> Outcome:
    if stopped is not None:
        late = late_due is not None and stopped > late_due
        status = "missed" if late else "met"
    elif due is None:
        late, status = False, "paused"
    else:
        late = now > due
        status = "overdue" if late else "running"
    return Outcome(key, metric, status, goal, late and not goal, priority, due, stopped, None)


def replay(preset: Preset, histories: Iterable[History], now: datetime, *, processes: int = 1) -> list[Outcome]:
    """Every metric of every case under `preset` as of `now`, case by case in the order given, each case's
    metrics in the policy's order: equal to `replay_one` for every history.

    processes > 1 splits the cases into that many consecutive parts replayed in forked processes (Linux), for
    large replays on several cores; the result is the same list."""
    if processes <= 1:
        return replay_counts(preset, histories, now)[0]
    hs = histories if isinstance(histories, list) else list(histories)
    if len(hs) < _PER_PROCESS * 2:
        return replay_counts(preset, hs, now)[0]
    parts = min(processes, len(hs) // _PER_PROCESS)
    size = -(-len(hs) // parts)
    global _WORK
    _WORK = (preset, hs, now)  # the forked processes inherit it: nothing to send them
    try:
        with multiprocessing.get_context("fork").Pool(parts) as pool:
            done = pool.map(_replay_part, [(i, min(i + size, len(hs))) for i in range(0, len(hs), size)])
    finally:
        _WORK = None
    return [o for part in done for o in part]


_PER_PROCESS = 5000  # fewer cases than this per process cost more to fork and return than they save
_WORK: tuple[Preset, list[History], datetime] | None = None


def _replay_part(bounds: tuple[int, int]) -> list[Outcome]:
    assert _WORK is not None
    preset, hs, now = _WORK
    return replay_counts(preset, hs[bounds[0] : bounds[1]], now)[0]


def replay_counts(preset: Preset, histories: Iterable[History], now: datetime) -> tuple[list[Outcome], int, int]:
    """`replay`, with how many metrics took the bulk path and how many went through the fold."""
    run = _Replay(preset, now)
    for h in histories:
        run.add(h)
    return run.finish(), run.fast, run.slow
