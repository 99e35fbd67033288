"""A brute-force oracle for business calendars, written to be checked by eye.

It knows nothing of the engine's interval table: it walks real time forward in
whole UTC minutes, reads the calendar zone's wall clock at each minute and asks
whether the office is open then.

What "open" means
-----------------
A local date has windows [start, end), in seconds after local midnight (an end
of 86400 is the following midnight). On an ordinary day the office is open
while the wall clock shows a time inside a window.

Around a DST change the wall clock jumps:

* spring forward (e.g. 01:59 -> 03:00): the skipped readings never happen;
* fall back (e.g. 02:59 -> 02:00): an hour of readings is shown twice.

An office that opened at 02:30 does not close when the clock goes back to
02:00, and one that closed at 02:30 does not reopen. So a window opens the
first time that day's clock shows `start` (or a later time) and closes the
first time it shows `end` (or a later time). The oracle follows that rule
literally by keeping the *highest* clock reading shown so far on the current
local date and testing that reading against the windows. On a day without
DST change the highest reading is simply the current reading.

Every input is a whole minute and every window edge and UTC offset of the
zones used in the tests is a whole number of minutes, so nothing changes
inside a minute: [t, t + 1 min) is open or closed as a whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from casedesk.sla.calendar import CalendarSpec

Windows = tuple[tuple[int, int], ...]

DAY = 86400
MINUTE = timedelta(minutes=1)
SEARCH_LIMIT = timedelta(days=28)


class SearchLimitError(Exception):
    """The answer lies further ahead than the oracle is willing to walk."""


# -- which windows a local date has ------------------------------------------


def day_windows(spec: CalendarSpec, day: date) -> Windows:
    """The windows of one local date, straight from the declaration."""
    assert not spec.holidays, "the oracle only knows closed_dates, not holiday sources"
    if spec.always_open:
        return ((0, DAY),)
    if day in spec.open_dates:
        if spec.open_date_windows:
            return spec.open_date_windows
        for windows in spec.week:  # Monday first: the first weekday that has hours
            if windows:
                return windows
        return ()
    if day in spec.closed_dates:
        return ()
    return spec.week[day.weekday()]


def is_workday(spec: CalendarSpec, day: date) -> bool:
    return len(day_windows(spec, day)) > 0


# -- the wall clock ---------------------------------------------------------------


def _utc(t: datetime) -> datetime:
    assert t.tzinfo is not None, "aware datetimes only"
    assert t.second == 0 and t.microsecond == 0, "the oracle works in whole minutes"
    # Adding a timedelta to a datetime in a ZoneInfo zone is wall-clock
    # arithmetic; in UTC it is real elapsed time, which is what we step in.
    return t.astimezone(UTC)


def clock(spec: CalendarSpec, t: datetime) -> tuple[date, int]:
    """(local date, seconds after local midnight) that the zone's wall clock shows at t."""
    local = t.astimezone(ZoneInfo(spec.zone))
    return local.date(), local.hour * 3600 + local.minute * 60 + local.second


def minutes(spec: CalendarSpec, start: datetime) -> Iterator[tuple[datetime, bool]]:
    """(t, open during [t, t + 1 min)) for t = start, start + 1 min, ... (real minutes)."""
    t = _utc(start)
    # The highest reading shown so far today: look back to the local midnight.
    today, highest = clock(spec, t)
    back = t - MINUTE
    while clock(spec, back)[0] == today:
        highest = max(highest, clock(spec, back)[1])
        back -= MINUTE
    while True:
        day, reading = clock(spec, t)
        if day != today:
            assert day > today, "the local date never runs backwards in the test zones"
            today, highest = day, reading
        else:
            highest = max(highest, reading)
        is_open = any(w_start <= highest < w_end for w_start, w_end in day_windows(spec, today))
        yield t, is_open
        t += MINUTE


# -- the operations ----------------------------------------------------------------


def oracle_is_open(spec: CalendarSpec, t: datetime) -> bool:
    return next(minutes(spec, t))[1]


def oracle_next_open(spec: CalendarSpec, t: datetime) -> datetime:
    """t itself when open, else the first minute at which the office is open."""
    start = _utc(t)
    for u, is_open in minutes(spec, t):
        if is_open:
            return u
        if u - start > SEARCH_LIMIT:
            raise SearchLimitError
    raise AssertionError("unreachable")


def oracle_add(spec: CalendarSpec, start: datetime, seconds: int) -> datetime:
    """The earliest instant at which `seconds` of open time have passed since start."""
    assert seconds >= 0 and seconds % 60 == 0
    begin = _utc(start)
    if seconds == 0:
        return begin
    elapsed = 0
    for t, is_open in minutes(spec, start):
        if t - begin > SEARCH_LIMIT:
            raise SearchLimitError
        if is_open:
            elapsed += 60
            if elapsed == seconds:
                return t + MINUTE  # the minute [t, t + 1 min) completed the time
    raise AssertionError("unreachable")


def oracle_between(spec: CalendarSpec, a: datetime, b: datetime) -> int:
    """Open seconds in [a, b); negative when b is before a."""
    a, end = _utc(a), _utc(b)  # compare instants in UTC (see PEP 495 on inter-zone ==)
    if end < a:
        return -oracle_between(spec, end, a)
    if end - a > SEARCH_LIMIT:
        raise SearchLimitError
    total = 0
    for t, is_open in minutes(spec, a):
        if t >= end:
            return total
        if is_open:
            total += 60
    raise AssertionError("unreachable")


def first_reading_at_least(spec: CalendarSpec, day: date, seconds: int) -> datetime:
    """The first instant on local date `day` whose clock shows `seconds` or later.

    When the clock never gets that far on `day` (seconds == 86400), the next
    local midnight. The same rule as window edges above: 02:30 on a day that
    skips 02:00-03:00 is reached at 03:00; on a day that repeats it, the first
    02:30 counts.
    """
    zone = ZoneInfo(spec.zone)
    # Start well before the local midnight and walk forward to it.
    t = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(days=1)
    while t.astimezone(zone).date() < day:
        t += MINUTE
    while t.astimezone(zone).date() == day:
        if clock(spec, t)[1] >= seconds:
            return t
        t += MINUTE
    return t


def oracle_add_business_days(spec: CalendarSpec, start: datetime, days: int) -> datetime:
    """DESIGN.md, read literally.

    "N business days: take the same local time of day on the Nth following
    workday, counted from the start moved to the next opening if it is
    outside hours; if that day closes earlier, take its closing time. The
    business time between the start and that instant is the target; the due
    time is then the earliest instant with that business time elapsed."
    A workday is a local date with at least one open window.
    """
    assert days >= 0
    opened = oracle_next_open(spec, start)
    if days == 0:  # the instant itself (its time of day may be shown twice in a fold)
        return opened
    day, time_of_day = clock(spec, opened)
    for _ in range(days):
        day += timedelta(days=1)
        while not is_workday(spec, day):
            day += timedelta(days=1)
            if day - clock(spec, opened)[0] > SEARCH_LIMIT:
                raise SearchLimitError
    closing = day_windows(spec, day)[-1][1]  # the end of the day's last window
    candidate = first_reading_at_least(spec, day, min(time_of_day, closing))
    target = oracle_between(spec, opened, candidate)
    return oracle_add(spec, opened, target)


# -- helpers for choosing test inputs ----------------------------------------------


@cache
def offset_changes(zone_name: str, first_year: int, last_year: int) -> tuple[datetime, ...]:
    """UTC instants (whole minutes) at which the zone's UTC offset changes."""
    zone = ZoneInfo(zone_name)
    out: list[datetime] = []
    t = datetime(first_year, 1, 1, tzinfo=UTC)
    stop = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    hour = timedelta(hours=1)
    while t < stop:
        if t.astimezone(zone).utcoffset() != (t + hour).astimezone(zone).utcoffset():
            u = t + MINUTE
            while u.astimezone(zone).utcoffset() == t.astimezone(zone).utcoffset():
                u += MINUTE
            out.append(u)
        t += hour
    return tuple(out)


@cache
def skipped_readings(zone_name: str, first_year: int, last_year: int) -> tuple[tuple[date, int, int], ...]:
    """(local date, first skipped reading, first reading after the jump) of each spring-forward gap."""
    zone = ZoneInfo(zone_name)
    out = []
    for change in offset_changes(zone_name, first_year, last_year):
        before = (change - MINUTE).astimezone(zone)
        after = change.astimezone(zone)
        after_offset, before_offset = after.utcoffset(), before.utcoffset()
        assert after_offset is not None and before_offset is not None
        jump = after_offset - before_offset
        if jump <= timedelta(0):
            continue  # fall back: nothing is skipped
        after_reading = after.hour * 3600 + after.minute * 60
        first_skipped = after_reading - int(jump.total_seconds())
        assert first_skipped >= 0, "a gap across local midnight is not handled here"
        out.append((after.date(), first_skipped, after_reading))
    return tuple(out)


@cache
def repeated_readings(zone_name: str, first_year: int, last_year: int) -> tuple[tuple[date, int, int], ...]:
    """(local date, first repeated reading, end of the repeat) of each fall-back change."""
    zone = ZoneInfo(zone_name)
    out = []
    for change in offset_changes(zone_name, first_year, last_year):
        before = (change - MINUTE).astimezone(zone)
        after = change.astimezone(zone)
        after_offset, before_offset = after.utcoffset(), before.utcoffset()
        assert after_offset is not None and before_offset is not None
        jump = after_offset - before_offset
        if jump >= timedelta(0):
            continue
        after_reading = after.hour * 3600 + after.minute * 60
        out.append((after.date(), after_reading, after_reading + int(-jump.total_seconds())))
    return tuple(out)
