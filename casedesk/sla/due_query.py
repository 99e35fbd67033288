"""One due-time calculation for the CLI (`casedesk sla due`) and the API (`/api/v1/sla/due`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from casedesk.sla.calendar import Calendar
from casedesk.sla.durations import Target, parse_target
from casedesk.sla.presets import PresetError, load_calendar
from casedesk.sla.target_lookup import lookup_target
from casedesk.sla.timeparse import parse_time
from casedesk.sla.zones import valid_zone


@dataclass(frozen=True)
class DueAnswer:
    calendar: Calendar
    start: datetime
    target: Target
    due: datetime


def query_calendar(preset: str, name: str, tz: str | None = None) -> Calendar:
    """A preset's calendar, its windows read in `tz` when given; ValueError/PresetError say what is wrong."""
    if tz is not None and not valid_zone(tz):
        raise ValueError(f"unknown time zone {tz!r}")
    return load_calendar(preset, name, tz)


def due_time(
    preset: str,
    calendar: str,
    start: str,
    *,
    target: str | None = None,
    tier: str | None = None,
    priority: str | None = None,
    metric: str = "",
    tz: str | None = None,
) -> DueAnswer:
    """The due time of a target given as text, or looked up in the preset by tier, priority and metric."""
    cal = query_calendar(preset, calendar, tz)
    t0 = parse_time(start, cal.zone)
    if target:
        tgt = parse_target(target)
    elif priority:
        tgt = lookup_target(preset, tier, priority, metric)
    else:
        raise ValueError("give a target, or a priority (with the tier and metric where the policy needs them)")
    return DueAnswer(cal, t0, tgt, tgt.due(cal, t0))


__all__ = ["DueAnswer", "PresetError", "due_time", "query_calendar"]
