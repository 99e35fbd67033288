"""Property tests: the SLA calendar engine against the minute-stepping oracle.

Random calendars (split shifts, per-weekday hours, empty days, closed and
extra open dates) in zones with DST changes and odd offsets; starts anywhere
in 2025-2027 and, most of the time, within days of a UTC-offset change.
Window edges are often put near the DST changes (01:00-04:00, 00:00-01:00,
23:00-24:00), including times a spring-forward change skips and times a
fall-back change repeats; the oracle's reading of those is in oracle.py.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from casedesk.sla.calendar import Calendar, CalendarSpec
from casedesk.sla.holidays_source import HolidaySource, holiday_dates
from tests.sla.oracle import (
    SearchLimitError,
    Windows,
    clock,
    day_windows,
    offset_changes,
    oracle_add,
    oracle_add_business_days,
    oracle_between,
    oracle_is_open,
    oracle_next_open,
    repeated_readings,
    skipped_readings,
)

ZONES = (
    "Europe/Copenhagen",
    "America/New_York",
    "Australia/Lord_Howe",  # 30-minute DST
    "America/Santiago",  # changes at local midnight
    "Asia/Kolkata",  # +05:30, no DST
    "Pacific/Chatham",  # +12:45 / +13:45, changes at 02:45 / 03:45
    "Europe/London",
    "UTC",
)
FIRST_YEAR, LAST_YEAR = 2025, 2027
RANGE_START = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
RANGE_MINUTES = int((datetime(LAST_YEAR, 12, 31, tzinfo=UTC) - RANGE_START).total_seconds()) // 60
H = 3600

# Sized so the file runs in about half a minute; CASEDESK_PROPERTY_SCALE=20 for a soak run.
# (Compiling a calendar costs tens of milliseconds, so every example costs at least that.)
SCALE = int(os.environ.get("CASEDESK_PROPERTY_SCALE", "1"))
ORACLE = settings(max_examples=50 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ENGINE_ONLY = settings(max_examples=60 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@lru_cache(maxsize=512)
def compiled(spec: CalendarSpec) -> Calendar:
    return Calendar(spec)


def as_utc_seconds(t: datetime) -> int:
    return int(t.timestamp())


def utc(t: datetime) -> datetime:
    """The instant in UTC. Compare instants this way: `==` between zones is False
    for times in a DST fold (PEP 495), whatever the instants."""
    return t.astimezone(UTC)


def later(t: datetime, **delta: float) -> datetime:
    """t plus real elapsed time, kept in t's zone (plain `t + delta` is wall-clock arithmetic)."""
    return (utc(t) + timedelta(**delta)).astimezone(t.tzinfo)


# -- strategies ---------------------------------------------------------------------

# Minutes after local midnight. Besides arbitrary minutes, edges near the DST
# changes of the zones above (01:00-04:00, 00:00-01:00, 23:00-24:00) and office hours.
INTERESTING_MINUTES = (0, 30, 60, 90, 105, 120, 135, 150, 165, 180, 195, 225, 240, 480, 720, 780, 960, 1380, 1410, 1440)
minute_marks = st.one_of(st.integers(0, 1440), st.sampled_from(INTERESTING_MINUTES))


@st.composite
def day_hours(draw: st.DrawFn) -> Windows:
    """1-3 windows on minute boundaries, in order; neighbours may touch."""
    k = draw(st.integers(1, 3))
    marks = sorted(draw(st.lists(minute_marks, min_size=2 * k, max_size=2 * k)))
    windows = tuple((a * 60, b * 60) for a, b in zip(marks[::2], marks[1::2], strict=True) if a < b)
    return windows or ((8 * H, 16 * H),)


@st.composite
def calendars(draw: st.DrawFn, zone: str, around: date, focus: date | None = None) -> CalendarSpec:
    """A calendar with closed and extra open dates near `around`.

    `focus` is the local date of a nearby DST change: DST changes fall on
    weekends, so it is made an extra open date half of the time.
    """
    open_weekdays = draw(st.sets(st.integers(0, 6), min_size=1))
    week = tuple(draw(day_hours()) if d in open_weekdays else () for d in range(7))
    nearby = st.integers(-3, 24).map(lambda k: around + timedelta(days=k))
    closed = draw(st.frozensets(nearby, max_size=4))
    extra_open = draw(st.frozensets(nearby, max_size=2))
    if focus is not None and draw(st.booleans()):
        extra_open |= {focus}
    closed -= extra_open  # disjoint: no precedence question
    open_hours = draw(st.one_of(st.just(()), day_hours()))
    return CalendarSpec(
        name="prop",
        zone=zone,
        week=week,
        closed_dates=closed,
        open_dates=extra_open,
        open_date_windows=open_hours,
    )


@st.composite
def instants(draw: st.DrawFn, zone: str) -> datetime:
    """A whole minute in 2025-2027, two times in three within days of an offset change (if the zone has any)."""
    changes = offset_changes(zone, FIRST_YEAR, LAST_YEAR)
    if changes and draw(st.integers(0, 2)) > 0:
        t = draw(st.sampled_from(changes)) + timedelta(minutes=draw(st.integers(-3 * 1440, 1440)))
    else:
        t = RANGE_START + timedelta(minutes=draw(st.integers(0, RANGE_MINUTES)))
    # Callers pass aware datetimes in any zone: the calendar's own or UTC.
    return t.astimezone(ZoneInfo(draw(st.sampled_from((zone, "UTC")))))


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[CalendarSpec, datetime]:
    zone = draw(st.sampled_from(ZONES))
    start = draw(instants(zone))
    near = [c for c in offset_changes(zone, FIRST_YEAR, LAST_YEAR) if abs(c - utc(start)) < timedelta(days=4)]
    focus = near[0].astimezone(ZoneInfo(zone)).date() if near else None
    spec = draw(calendars(zone, start.astimezone(ZoneInfo(zone)).date(), focus))
    describe(spec, start)
    return spec, start


def describe(spec: CalendarSpec, start: datetime) -> None:
    """Label examples so `--hypothesis-show-statistics` shows what the DST cases cover."""
    near = [c for c in offset_changes(spec.zone, FIRST_YEAR, LAST_YEAR) if abs(c - utc(start)) < timedelta(days=4)]
    event("start within 4 days of an offset change" if near else "start away from offset changes")
    local_date = clock(spec, start)[0]
    for day, lo, hi in repeated_readings(spec.zone, FIRST_YEAR, LAST_YEAR):
        if near and abs(day - local_date) <= timedelta(days=4):
            if any(lo <= w_start <= hi or lo <= w_end <= hi for w_start, w_end in day_windows(spec, day)):
                event("window edge in a repeated (fall-back) hour near the start")
            elif any(w_start < lo and hi < w_end for w_start, w_end in day_windows(spec, day)):
                event("window spans a fall-back change near the start")
    for day, lo, hi in skipped_readings(spec.zone, FIRST_YEAR, LAST_YEAR):
        if near and abs(day - local_date) <= timedelta(days=4):
            if any(lo < w_start < hi or lo < w_end < hi for w_start, w_end in day_windows(spec, day)):
                event("window edge in a skipped (spring-forward) hour near the start")
            elif any(w_start <= lo and hi <= w_end for w_start, w_end in day_windows(spec, day)):
                event("window spans a spring-forward gap near the start")


def weekly_open_minutes(spec: CalendarSpec) -> int:
    return sum(end - start for day in spec.week for start, end in day) // 60


def durations(spec: CalendarSpec, least: int = 0) -> st.SearchStrategy[int]:
    """Whole minutes, up to three 8-hour business days (or one week of this calendar's hours)."""
    most = min(3 * 8 * 60, weekly_open_minutes(spec))
    return st.integers(least, max(least, most)).map(lambda m: m * 60)


def nth_sunday(year: int, month: int, n: int) -> date:
    """The nth Sunday of a month; n = -1 for the last one."""
    first = date(year, month, 1)
    days = [first + timedelta(days=k) for k in range(31)]
    sundays = [d for d in days if d.month == month and d.weekday() == 6]
    return sundays[n if n < 0 else n - 1]


def test_starts_cluster_around_the_dst_changes_we_expect() -> None:
    """The strategy's "near a DST change" starts sit on the days the rules give."""
    years = range(FIRST_YEAR, LAST_YEAR + 1)
    cph = ZoneInfo("Europe/Copenhagen")
    europe = {nth_sunday(y, m, -1) for y in years for m in (3, 10)}  # last Sunday of March / October
    assert {c.astimezone(cph).date() for c in offset_changes("Europe/Copenhagen", FIRST_YEAR, LAST_YEAR)} == europe
    assert {c.date() for c in offset_changes("Europe/London", FIRST_YEAR, LAST_YEAR)} == europe
    nyc = ZoneInfo("America/New_York")
    us = {nth_sunday(y, 3, 2) for y in years} | {nth_sunday(y, 11, 1) for y in years}
    assert {c.astimezone(nyc).date() for c in offset_changes("America/New_York", FIRST_YEAR, LAST_YEAR)} == us
    assert offset_changes("Asia/Kolkata", FIRST_YEAR, LAST_YEAR) == ()
    assert offset_changes("UTC", FIRST_YEAR, LAST_YEAR) == ()


# -- add / between / is_open / next_open against the oracle -------------------------


@ORACLE
@given(data=st.data())
def test_add_matches_oracle(data: st.DataObject) -> None:
    spec, start = data.draw(scenarios())
    seconds = data.draw(durations(spec))
    try:
        expected = oracle_add(spec, start, seconds)
    except SearchLimitError:
        assume(False)
    due = compiled(spec).add(start, seconds)
    assert utc(due) == utc(expected)
    assert str(due.tzinfo) == spec.zone  # shown in the calendar's zone


@ORACLE
@given(data=st.data())
def test_between_matches_oracle(data: st.DataObject) -> None:
    spec, a = data.draw(scenarios())
    b = later(a, minutes=data.draw(st.integers(-10 * 1440, 10 * 1440)))
    assert compiled(spec).between(a, b) == oracle_between(spec, a, b)


@ORACLE
@given(data=st.data())
def test_is_open_matches_oracle(data: st.DataObject) -> None:
    spec, t = data.draw(scenarios())
    cal = compiled(spec)
    for step in (0, data.draw(st.integers(1, 3 * 1440))):
        u = later(t, minutes=step)
        assert cal.is_open(u) == oracle_is_open(spec, u)


@ORACLE
@given(data=st.data())
def test_next_open_is_the_first_open_minute(data: st.DataObject) -> None:
    spec, t = data.draw(scenarios())
    try:
        expected = oracle_next_open(spec, t)
    except SearchLimitError:
        assume(False)
    nxt = compiled(spec).next_open(t)
    assert utc(nxt) == utc(expected)
    assert utc(nxt) >= utc(t)
    assert oracle_is_open(spec, nxt)
    assert oracle_between(spec, t, nxt) == 0  # nothing open in between


@ORACLE
@given(data=st.data())
def test_due_is_the_earliest_instant(data: st.DataObject) -> None:
    """One minute before the due, one minute of the duration is still to run."""
    spec, start = data.draw(scenarios())
    seconds = data.draw(durations(spec, least=1))
    due = compiled(spec).add(start, seconds)
    just_before = later(due, minutes=-1)
    assert oracle_between(spec, start, just_before) == seconds - 60
    assert oracle_is_open(spec, just_before)


@ORACLE
@given(data=st.data())
def test_add_business_days_matches_design_rule(data: st.DataObject) -> None:
    spec, start = data.draw(scenarios())
    days = data.draw(st.integers(0, 3))
    # A time of day that the target day skips (spring forward) is reached when
    # the clock jumps, like a window edge (test_business_day_landing_on_a_skipped_time_of_day).
    try:
        expected = oracle_add_business_days(spec, start, days)
    except SearchLimitError:
        assume(False)
    assert utc(compiled(spec).add_business_days(start, days)) == utc(expected)


# -- properties of the engine alone (no oracle: cheap, so more examples) ------------


@ENGINE_ONLY
@given(data=st.data())
def test_between_start_and_due_is_the_duration(data: st.DataObject) -> None:
    spec, start = data.draw(scenarios())
    start = later(start, seconds=data.draw(st.integers(0, 59)))  # whole seconds are fine too
    seconds = data.draw(st.integers(0, 30 * 24 * H))
    cal = compiled(spec)
    assert cal.between(start, cal.add(start, seconds)) == seconds


@ENGINE_ONLY
@given(data=st.data())
def test_add_is_monotonic_in_duration(data: st.DataObject) -> None:
    spec, start = data.draw(scenarios())
    d1, d2 = sorted(data.draw(st.lists(st.integers(0, 10 * 24 * H), min_size=2, max_size=2)))
    cal = compiled(spec)
    assert utc(cal.add(start, d1)) <= utc(cal.add(start, d2))


@ENGINE_ONLY
@given(data=st.data())
def test_add_is_monotonic_in_start(data: st.DataObject) -> None:
    spec, a1 = data.draw(scenarios())
    a2 = later(a1, seconds=data.draw(st.integers(0, 5 * 24 * H)))
    seconds = data.draw(st.integers(0, 10 * 24 * H))
    cal = compiled(spec)
    assert utc(cal.add(a1, seconds)) <= utc(cal.add(a2, seconds))


@ENGINE_ONLY
@given(data=st.data())
def test_add_many_equals_add_elementwise(data: st.DataObject) -> None:
    spec, start = data.draw(scenarios())
    offsets = data.draw(st.lists(st.integers(-5 * 24 * H, 5 * 24 * H), min_size=1, max_size=8))
    starts = [later(start, seconds=o) for o in offsets]
    cal = compiled(spec)
    as_array = np.array([as_utc_seconds(t) for t in starts], dtype="datetime64[s]")

    scalar = data.draw(st.integers(0, 10 * 24 * H))
    expected = np.array([as_utc_seconds(cal.add(t, scalar)) for t in starts], dtype="datetime64[s]")
    got = cal.add_many(as_array, scalar)
    assert got.dtype == np.dtype("datetime64[s]")
    np.testing.assert_array_equal(got, expected)

    per_item = data.draw(st.lists(st.integers(0, 10 * 24 * H), min_size=len(starts), max_size=len(starts)))
    expected = np.array([as_utc_seconds(cal.add(t, s)) for t, s in zip(starts, per_item, strict=True)])
    np.testing.assert_array_equal(cal.add_many(as_array, np.array(per_item)), expected.astype("datetime64[s]"))


# -- 24x7 across DST -------------------------------------------------------------------


@ENGINE_ONLY
@given(data=st.data())
def test_always_open_counts_real_elapsed_time(data: st.DataObject) -> None:
    zone = data.draw(st.sampled_from(ZONES))
    cal = compiled(CalendarSpec(name="24x7", zone=zone, week=((),) * 7, always_open=True))
    start = later(data.draw(instants(zone)), seconds=data.draw(st.integers(0, 59)))
    seconds = data.draw(st.integers(0, 40 * 24 * H))
    # Absolute time: the hour a spring-forward change skips is still an hour.
    end = later(start, seconds=seconds)
    assert utc(cal.add(start, seconds)) == utc(end)
    assert cal.between(start, end) == seconds
    assert cal.between(end, start) == -seconds
    assert cal.is_open(start)
    assert utc(cal.next_open(start)) == utc(start)


def test_always_open_over_copenhagen_spring_forward_is_23_hours() -> None:
    cal = compiled(CalendarSpec(name="24x7", zone="Europe/Copenhagen", week=((),) * 7, always_open=True))
    cph = ZoneInfo("Europe/Copenhagen")
    # 2026-03-29: the clocks go from 02:00 to 03:00, so the local day lasts 23 hours.
    assert cal.between(datetime(2026, 3, 29, tzinfo=cph), datetime(2026, 3, 30, tzinfo=cph)) == 23 * H
    assert utc(cal.add(datetime(2026, 3, 29, 1, 30, tzinfo=cph), H)) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


# -- add_business_days: DESIGN.md's examples on 08-12,13-16 Mon-Fri ----------------------

TALLINN = ZoneInfo("Europe/Tallinn")
OFFICE = ((8 * H, 12 * H), (13 * H, 16 * H))
TALLINN_OFFICE = CalendarSpec(name="EE office", zone="Europe/Tallinn", week=(OFFICE,) * 5 + ((), ()))


def tallinn(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in the week of Monday 2026-03-09 (no Estonian holiday, no DST change)."""
    return datetime(2026, 3, day, hour, minute, tzinfo=TALLINN)


def test_example_week_has_no_estonian_holiday() -> None:
    week = {date(2026, 3, d) for d in range(9, 17)}
    assert not week & holiday_dates(HolidaySource("EE"), 2026)
    assert date(2026, 3, 9).weekday() == 0  # Monday


@pytest.mark.parametrize(
    ("start", "due"),
    [
        pytest.param(tallinn(10, 10), tallinn(11, 10), id="Tue 10:00 -> Wed 10:00"),
        pytest.param(tallinn(13, 16), tallinn(16, 16), id="Fri 16:00 -> Mon 16:00"),
        pytest.param(tallinn(10, 12, 30), tallinn(11, 12), id="Tue 12:30 -> Wed 12:00"),
        pytest.param(tallinn(9, 8), tallinn(9, 16), id="Mon 08:00 -> Mon 16:00"),
    ],
)
def test_one_business_day_examples(start: datetime, due: datetime) -> None:
    assert utc(Calendar(TALLINN_OFFICE).add_business_days(start, 1)) == utc(due)
    assert utc(oracle_add_business_days(TALLINN_OFFICE, start, 1)) == utc(due)


# -- window edges the wall clock skips (spring forward) ---------------------------------

CPH = ZoneInfo("Europe/Copenhagen")
# 2026-03-29 in Copenhagen: 01:59 CET is followed by 03:00 CEST (01:00 UTC).
CPH_SPRING_DAY = (datetime(2026, 3, 29, tzinfo=CPH), datetime(2026, 3, 29, 8, tzinfo=CPH))


def daily(zone: str, start: int, end: int) -> Calendar:
    return Calendar(CalendarSpec(name="daily", zone=zone, week=(((start, end),),) * 7))


def test_window_starting_in_skipped_hour_opens_when_clock_jumps() -> None:
    # 02:30-03:30 daily: that Sunday the clock shows 03:00-03:30, so 30 minutes open.
    cal = daily("Europe/Copenhagen", 2 * H + 1800, 3 * H + 1800)
    assert oracle_between(cal.spec, *CPH_SPRING_DAY) == 1800
    assert cal.between(*CPH_SPRING_DAY) == 1800
    assert cal.is_open(datetime(2026, 3, 29, 3, 15, tzinfo=CPH))
    assert utc(cal.next_open(CPH_SPRING_DAY[0])) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 03:00 CEST


def test_window_ending_in_skipped_hour_closes_when_clock_jumps() -> None:
    # 00:00-02:30 daily: that Sunday the clock passes 02:30 at 01:59 -> 03:00, after 2 hours.
    cal = daily("Europe/Copenhagen", 0, 2 * H + 1800)
    assert oracle_between(cal.spec, *CPH_SPRING_DAY) == 2 * H
    assert cal.between(*CPH_SPRING_DAY) == 2 * H
    assert not cal.is_open(datetime(2026, 3, 29, 3, 15, tzinfo=CPH))


def test_window_inside_skipped_hour_never_opens() -> None:
    # 02:15-02:45 daily: that Sunday the clock never shows those times.
    cal = daily("Europe/Copenhagen", 2 * H + 900, 2 * H + 2700)
    assert oracle_between(cal.spec, *CPH_SPRING_DAY) == 0
    assert cal.between(*CPH_SPRING_DAY) == 0


def test_window_edge_in_repeated_hour_counts_once() -> None:
    # 2026-10-25 in Copenhagen: 02:59 CEST is followed by 02:00 CET (01:00 UTC).
    # 02:30-05:00: opens at the first 02:30 (00:30 UTC) and stays open through the
    # repeated hour until 05:00 CET (04:00 UTC): 3.5 hours.
    cal = daily("Europe/Copenhagen", 2 * H + 1800, 5 * H)
    day = (datetime(2026, 10, 25, tzinfo=CPH), datetime(2026, 10, 25, 8, tzinfo=CPH))
    assert oracle_between(cal.spec, *day) == 3 * H + 1800
    assert cal.between(*day) == 3 * H + 1800
    # 00:00-02:30: closes at the first 02:30 (00:30 UTC) and does not reopen at 02:00 CET.
    cal = daily("Europe/Copenhagen", 0, 2 * H + 1800)
    assert oracle_between(cal.spec, *day) == 2 * H + 1800
    assert cal.between(*day) == 2 * H + 1800
    assert not cal.is_open(datetime(2026, 10, 25, 1, 15, tzinfo=UTC))  # 02:15 CET, second time round


def test_santiago_midnight_gap() -> None:
    # America/Santiago, 2026-09-06: Saturday 23:59 -04 is followed by Sunday 01:00 -03 (04:00 UTC).
    # Windows 00:30-02:00 daily: on that Sunday the clock passes 00:30 at the jump, open 01:00-02:00.
    cal = daily("America/Santiago", 1800, 2 * H)
    scl = ZoneInfo("America/Santiago")
    sunday = (datetime(2026, 9, 5, 12, tzinfo=scl), datetime(2026, 9, 6, 12, tzinfo=scl))
    assert oracle_between(cal.spec, *sunday) == H
    assert cal.between(*sunday) == H
    assert utc(cal.next_open(sunday[0])) == datetime(2026, 9, 6, 4, 0, tzinfo=UTC)


def test_business_day_landing_on_a_skipped_time_of_day() -> None:
    # 00:00-06:00 daily; Sat 2026-03-28 02:30 CET + 1 bd. Sunday's clock never shows
    # 02:30: it passes it at 01:59 CET -> 03:00 CEST (01:00 UTC). Business time up to
    # then: Sat 02:30-06:00 (3.5 h) + Sun 00:00-02:00 CET (2 h); the earliest instant
    # with 5.5 h elapsed is that jump, 03:00 CEST (reading 02:30 with fold=0 gave 03:30).
    cal = daily("Europe/Copenhagen", 0, 6 * H)
    start = datetime(2026, 3, 28, 2, 30, tzinfo=CPH)
    expected = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert utc(oracle_add_business_days(cal.spec, start, 1)) == expected
    assert utc(cal.add_business_days(start, 1)) == expected
