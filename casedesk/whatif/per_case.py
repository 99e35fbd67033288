"""What if this case had been opened at another instant, or on another calendar of its policy.

The case's whole event history is shifted by the same delta (its shape kept: the same replies after the
same elapsed times) and replayed under the case's own policy version, its contract's targets and tier, on
the chosen calendar (in the chosen zone where that calendar follows the user's zone). Nothing is written.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from casedesk.cases import sla_state
from casedesk.cases.models import Case, CaseEvent
from casedesk.core.localtime import duration
from casedesk.desks.policies import calendar_of, preset_of
from casedesk.sla import Calendar
from casedesk.sla.clock import RECORDS, Event, MetricState, compute


@dataclass(frozen=True)
class Side:
    state: MetricState
    business_seconds: int | None  # from the start to the stop (or to the instant evaluated), in the calendar's time

    @property
    def business(self) -> str:
        return duration(self.business_seconds)


@dataclass(frozen=True)
class Row:
    metric: str
    name: str
    happened: Side | None
    whatif: Side | None

    @property
    def flipped(self) -> bool:
        a = self.happened.state.status if self.happened else ""
        b = self.whatif.state.status if self.whatif else ""
        return a != b


@dataclass(frozen=True)
class Answer:
    opened_at: datetime
    calendar: str
    zone: str
    delta: timedelta
    rows: list[Row]


def calendars(case: Case) -> list[str]:
    """The calendars of the case's policy version, in the policy's order."""
    return list(preset_of(case.policy_version).calendars)


def follows_zone(case: Case, calendar: str) -> bool:
    return bool(preset_of(case.policy_version).calendars[calendar].zone_follows)


def events(case: Case) -> list[Event]:
    rows = (
        CaseEvent.objects.filter(case=case)
        .exclude(kind__in=RECORDS)
        .order_by("at", "id")
        .values_list("kind", "at", "data")
    )
    return [Event(k, at, d) for k, at, d in rows]


def _side(st: MetricState, cal: Calendar, now: datetime) -> Side:
    seconds = None
    if st.started_at is not None:
        end = st.stopped_at or st.cancelled_at or now
        seconds = cal.between(st.started_at, end) if end >= st.started_at else 0
    return Side(st, seconds)


def _calendar(case: Case, st: MetricState, default: str, zone: str | None) -> Calendar:
    return calendar_of(case.policy_version, st.calendar or default, zone)


def what_if(case: Case, *, opened_at: datetime, calendar: str, zone: str, now: datetime) -> Answer:
    """Every metric of the case as it happened (as of `now`) beside the shifted replay (as of `now` + delta)."""
    if calendar not in calendars(case):
        raise ValueError(f"the case's policy has no calendar {calendar!r}")
    delta = opened_at - case.opened_at
    base = sla_state.context(case)
    tz = zone or None

    def calendar_for(name: str) -> Calendar:
        return calendar_of(case.policy_version, name, tz)

    ctx = dataclasses.replace(base, calendar_for=calendar_for, calendar_name=calendar)
    shifted = [Event(e.kind, e.at + delta, e.data) for e in events(case)]
    then = now + delta
    happened = {st.metric: st for st in compute(base, events(case), now)}
    whatif = {st.metric: st for st in compute(ctx, shifted, then)}
    rows = []
    for key, spec in preset_of(case.policy_version).policy.metrics.items():
        h, w = happened.get(key), whatif.get(key)
        rows.append(
            Row(
                metric=key,
                name=spec.name,
                happened=_side(h, _calendar(case, h, case.calendar, case.calendar_zone or None), now) if h else None,
                whatif=_side(w, _calendar(case, w, calendar, tz), then) if w else None,
            )
        )
    return Answer(opened_at, calendar, zone, delta, rows)
