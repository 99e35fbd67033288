"""The SLA engine: business calendars, durations, targets and metric clocks.

Pure Python (plus numpy, zoneinfo and the `holidays` package); it imports
nothing from Django or the rest of casedesk, so it can be tested, benchmarked
and reused on its own.
"""

from casedesk.sla.calendar import Calendar, CalendarSpec
from casedesk.sla.durations import Target, parse_target
from casedesk.sla.presets import PresetError, list_presets, load_calendar, load_preset

__all__ = [
    "Calendar",
    "CalendarSpec",
    "PresetError",
    "Target",
    "list_presets",
    "load_calendar",
    "load_preset",
    "parse_target",
]
