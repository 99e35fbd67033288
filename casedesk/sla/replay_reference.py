"""What-if replay, the reference: `replay_one` runs one case through the clocks' own fold (`clock.compute`) with a
context built the way the services build a case's (`cases.sla_state.context`). The bulk path
(`replay_bulk`) is held equal to it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from casedesk.sla.calendar import Calendar, CalendarSpec
from casedesk.sla.clock import (
    Context,
    Event,
    MetricState,
    compute,
)
from casedesk.sla.policy_schema import Policy
from casedesk.sla.presets import Preset, PresetError
from casedesk.sla.replay_targets import contract_targets


@dataclass(frozen=True)
class History:
    """One case as the clocks see it: what decides its metrics besides the policy."""

    key: int  # the case's id
    calendar: str  # the case's calendar name (Case.calendar)
    zone: str  # Case.calendar_zone ("" = the calendar's own zone)
    tier: str  # Case.tier
    overrides: Mapping[str, Mapping[str, str]]  # the contract's own targets {priority: {metric: "4h" | "none"}}
    events: Sequence[Event]  # ordered by (at, id), records (breached/warning) excluded


@dataclass(frozen=True)
class Outcome:
    """One metric of one case, as the replay ends it (as of `now`)."""

    key: int
    metric: str
    status: str
    goal: bool
    breached: bool
    priority: str
    due_at: datetime | None
    stopped_at: datetime | None
    cancelled_at: datetime | None


def outcome(key: int, st: MetricState) -> Outcome:
    return Outcome(
        key, st.metric, st.status, st.goal, st.breached, st.priority, st.due_at, st.stopped_at, st.cancelled_at
    )


# -- the reference: one case through the fold ---------------------------------------------------------


@lru_cache(maxsize=256)
def _compiled(spec: CalendarSpec, zone: str | None) -> Calendar:
    return Calendar(spec, zone)


def calendar_for(preset: Preset, zone: str) -> Callable[[str], Calendar]:
    """A case's calendars under `preset`: a calendar that follows the user's zone runs in the case's zone."""

    def get(name: str) -> Calendar:
        spec = preset.calendars.get(name)
        if spec is None:
            known = ", ".join(preset.calendars)
            raise PresetError(f"the policy {preset.slug} has no calendar {name!r} (known: {known})")
        return _compiled(spec, zone if zone and spec.zone_follows else None)

    return get


def context(preset: Preset, history: History, policy: Policy | None = None) -> Context:
    """The context `cases.sla_state.context` builds for this case, under `preset` (or a part of its policy)."""
    pol = policy or preset.policy
    targets = contract_targets(pol, history.overrides)
    return Context(pol, calendar_for(preset, history.zone), targets, history.calendar, tier=history.tier)


def replay_one(preset: Preset, history: History, now: datetime) -> list[Outcome]:
    """Every metric of one case under `preset`, replayed from its events as of `now` (the reference)."""
    return [outcome(history.key, st) for st in compute(context(preset, history), history.events, now)]


def missing_calendars(preset: Preset, histories: Iterable[History]) -> dict[str, int]:
    """Calendar names the cases use that the draft lacks, with how many cases use each."""
    out: dict[str, int] = {}
    for h in histories:
        if h.calendar not in preset.calendars:
            out[h.calendar] = out.get(h.calendar, 0) + 1
    return out
