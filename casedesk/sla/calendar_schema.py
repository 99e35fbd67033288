"""The [calendars.NAME] tables of a preset, validated into CalendarSpecs.

[calendars.DK]
zone = "Europe/Copenhagen"
holidays = ["DK"]                      # "CC" or "CC-SUBDIV", `holidays` package
hours = { mon-thu = ["08:00-12:00", "13:00-16:00"], fri = ["08:00-12:00", "13:00-15:00"] }
closed = ["2026-12-24"]                # extra closed dates
open = ["2026-01-17"]                  # extra open dates (with open_hours or the first workday's)
always_open = true                     # 24x7: no windows, no holidays
zone_follows = "licensed_user"         # the case's licensed user's zone replaces `zone`
note = "Hotline hours are a reading"   # shown to agents (CalendarSpec.note)
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from casedesk.sla.calendar import CalendarSpec, DayWindows
from casedesk.sla.holidays_source import HolidaySource, check_source
from casedesk.sla.toml_source import Source

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW = re.compile(r"^(\d\d):(\d\d)-(\d\d):(\d\d)$")
_KEYS = {"zone", "holidays", "hours", "closed", "open", "open_hours", "always_open", "zone_follows", "note"}
ZONE_FOLLOWS = {"", "licensed_user", "requester"}


def parse_windows(src: Source, keys: list[str], value: Any) -> DayWindows:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise src.error(keys, 'hours are a list of "HH:MM-HH:MM" strings')
    out: list[tuple[int, int]] = []
    for text in value:
        m = _WINDOW.match(text.strip())
        if not m:
            raise src.error(keys, f'malformed window {text!r}: write "HH:MM-HH:MM"')
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        start, end = h1 * 3600 + m1 * 60, h2 * 3600 + m2 * 60
        if h1 > 23 or m1 > 59 or m2 > 59 or end > 86400 or start >= end:
            raise src.error(keys, f"window {text!r} must run forward within one day (end at most 24:00)")
        if out and start < out[-1][1]:
            raise src.error(keys, f"window {text!r} overlaps or precedes the one before it")
        out.append((start, end))
    return tuple(out)


def _day_range(src: Source, keys: list[str], key: str) -> list[int]:
    parts = key.split("-")
    if len(parts) > 2 or any(p not in DAYS for p in parts):
        raise src.error(keys, f"unknown day {key!r}: use mon..sun or a range like mon-fri")
    first, last = DAYS.index(parts[0]), DAYS.index(parts[-1])
    if last < first:
        raise src.error(keys, f"day range {key!r} runs backwards")
    return list(range(first, last + 1))


def _dates(src: Source, keys: list[str], value: Any) -> frozenset[date]:
    if not isinstance(value, list):
        raise src.error(keys, "a list of dates (2026-12-24) is expected")
    out = set()
    for v in value:
        if isinstance(v, date):
            out.add(v)
            continue
        try:
            out.add(date.fromisoformat(str(v)))
        except ValueError:
            raise src.error(keys, f"malformed date {v!r}: write YYYY-MM-DD") from None
    return frozenset(out)


def _holidays(src: Source, keys: list[str], value: Any) -> tuple[HolidaySource, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise src.error(keys, 'holidays are a list like ["DK"] or ["GB-ENG"]')
    out = []
    for v in value:
        country, _, subdiv = str(v).partition("-")
        hs = HolidaySource(country, subdiv or None)
        try:
            check_source(hs)
        except ValueError as exc:
            raise src.error(keys, str(exc)) from None
        out.append(hs)
    return tuple(out)


def parse_calendar(src: Source, name: str, table: Any) -> CalendarSpec:
    base = ["calendars", name]
    if not isinstance(table, dict):
        raise src.error(base, f"calendar {name} must be a table")
    for key in table:
        if key not in _KEYS:
            raise src.error([*base, key], f"unknown calendar setting {key!r} (known: {', '.join(sorted(_KEYS))})")
    zone = table.get("zone", "UTC")
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise src.error([*base, "zone"], f"unknown time zone {zone!r}") from None
    follows = table.get("zone_follows", "")
    if follows not in ZONE_FOLLOWS:
        raise src.error([*base, "zone_follows"], f"zone_follows is one of {sorted(ZONE_FOLLOWS - {''})}")
    note = table.get("note", "")
    if not isinstance(note, str):
        raise src.error([*base, "note"], "note is a text shown to agents")
    always = table.get("always_open", False)
    if not isinstance(always, bool):
        raise src.error([*base, "always_open"], "always_open is true or false")
    week: list[DayWindows] = [()] * 7
    hours = table.get("hours", {})
    if not isinstance(hours, dict):
        raise src.error([*base, "hours"], "hours is a table of day = windows")
    if always and hours:
        raise src.error([*base, "hours"], "an always_open calendar has no hours")
    if not always and not hours:
        raise src.error(base, f"calendar {name} needs hours (or always_open = true)")
    seen: set[int] = set()
    for key, windows in hours.items():
        for d in _day_range(src, [*base, "hours"], key):
            if d in seen:
                raise src.error([*base, "hours"], f"{DAYS[d]} is given twice")
            seen.add(d)
            week[d] = parse_windows(src, [*base, "hours"], windows)
    return CalendarSpec(
        name=name,
        zone=str(zone),
        week=tuple(week),
        holidays=_holidays(src, [*base, "holidays"], table.get("holidays", [])),
        closed_dates=_dates(src, [*base, "closed"], table.get("closed", [])),
        open_dates=_dates(src, [*base, "open"], table.get("open", [])),
        open_date_windows=parse_windows(src, [*base, "open_hours"], table.get("open_hours", [])),
        always_open=always,
        zone_follows=follows,
        note=note,
    )
