"""Remaining business time and age as the console shows them (pure helpers over a case's calendar)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.translation import gettext

from casedesk.cases.models import Case
from casedesk.core.localtime import duration
from casedesk.desks.policies import calendar_of, preset_of
from casedesk.sla import Calendar

WARNING_SECONDS = 3600  # under one business hour left: the countdown turns amber


@dataclass(frozen=True)
class Remaining:
    seconds: int  # business seconds until due; negative once overdue
    ticking: bool  # the calendar is open now, so the countdown moves
    warned: bool = False  # a warning point the preset declares has passed for this due

    @property
    def state(self) -> str:
        if self.seconds < 0:
            return "breach"
        return "warning" if self.warned or self.seconds < WARNING_SECONDS else "ok"

    @property
    def text(self) -> str:
        if self.seconds < 0:
            return gettext("overdue by %(time)s") % {"time": duration(-self.seconds)}
        return duration(self.seconds)


def case_calendar(case: Case) -> Calendar:
    """The calendar the case's clocks run on now, in the licensed user's zone where the calendar follows it:
    the case's own, or its priority's round-the-clock one while 24x7 work is needed (PTC S0, POLICIES 0.10)."""
    special = preset_of(case.policy_version).policy.priority_calendars.get(case.priority)
    name = special if special and case.round_the_clock else case.calendar
    return calendar_of(case.policy_version, name, case.calendar_zone or None)


def due_calendar(case: Case) -> Calendar:
    """The calendar of the metric that is due next: a metric may keep its own (PTC's S0 review counts
    elapsed hours even after 24x7 work was found not needed). Reads `pending_metrics` when the queue
    prefetched it, else the case's calendar."""
    for metric in getattr(case, "pending_metrics", ()):
        if metric.due_at == case.next_due_at and metric.calendar:
            return calendar_of(case.policy_version, metric.calendar, case.calendar_zone or None)
    return case_calendar(case)


def remaining(case: Case, now: datetime) -> Remaining | None:
    """Business time from now to the case's nearest pending due; None when no clock runs."""
    if case.next_due_at is None:
        return None
    cal = due_calendar(case)
    return Remaining(cal.between(now, case.next_due_at), cal.is_open(now), _warned(case, now))


def _warned(case: Case, now: datetime) -> bool:
    """The metric due next passed one of its warning points (recorded by the sweep or a write), from the
    `pending_metrics` the queue prefetched."""
    for metric in getattr(case, "pending_metrics", ()):
        if metric.due_at == case.next_due_at and metric.warned and metric.started_at is not None:
            start, due, at = (t.astimezone(UTC).isoformat() for t in (metric.started_at, metric.due_at, now))
            return any(start <= p < due and p <= at for p in metric.warned)  # one UTC spelling (sla_state)
    return False


def age(opened_at: datetime, now: datetime) -> str:
    """Elapsed (not business) time since opening: '3d 4h', '5h 10m', '12m'."""
    minutes = max(0, int((now - opened_at).total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m"
