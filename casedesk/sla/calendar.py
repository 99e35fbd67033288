"""Business calendars: exact business-time arithmetic on aware datetimes.

A calendar is compiled into a table of open intervals in UTC epoch seconds
(each window of each workday, converted through the calendar's zone so DST
is handled once, at build time) with the business seconds accumulated before
each interval. Every operation is then one or two binary searches, in pure
Python for single values and in numpy for arrays.

Times are whole seconds: sub-second parts of inputs are dropped.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from casedesk.sla.holidays_source import HolidaySource, holiday_dates

# A window is (start, end) in seconds after local midnight; end may be 86400.
Window = tuple[int, int]
DayWindows = tuple[Window, ...]

_DAY = 86400
_YEARS_AHEAD = 6  # the table is built this many years past the latest query
_MAX_EMPTY_YEARS = 30  # a calendar that never opens in this span is an error


@dataclass(frozen=True)
class CalendarSpec:
    """What a calendar is, as declared in a preset."""

    name: str
    zone: str
    week: tuple[DayWindows, ...]  # Monday .. Sunday
    holidays: tuple[HolidaySource, ...] = ()
    closed_dates: frozenset[date] = frozenset()
    # Extra open dates (e.g. Latvia's transferred working Saturdays) use these
    # windows; empty means "the windows of the calendar's first workday".
    open_dates: frozenset[date] = frozenset()
    open_date_windows: DayWindows = ()
    always_open: bool = False
    zone_follows: str = ""  # e.g. "licensed_user": callers may pass the user's zone
    note: str = field(default="", compare=False)  # the preset's `note`, shown to agents

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValueError("a week has 7 days of windows (Monday first)")
        for day in (*self.week, self.open_date_windows):
            _check_windows(day)

    def windows_on(self, day: date) -> DayWindows:
        """The open windows of one local date (empty on closed days)."""
        if self.always_open:
            return ((0, _DAY),)
        if day in self.open_dates:
            return self.open_date_windows or next((w for w in self.week if w), ())
        if day in self.closed_dates:
            return ()
        windows = self.week[day.weekday()]
        if windows and self.holidays and _is_holiday(self.holidays, day):
            return ()
        return windows


def _check_windows(windows: DayWindows) -> None:
    last_end = -1
    for start, end in windows:
        if not 0 <= start < end <= _DAY:
            raise ValueError(f"window {start}-{end} is not inside one day")
        if start < last_end:
            raise ValueError("windows of one day overlap or are out of order")
        last_end = end


def _is_holiday(sources: tuple[HolidaySource, ...], day: date) -> bool:
    return any(day in holiday_dates(src, day.year) for src in sources)


@dataclass
class _Table:
    """Open intervals [starts[i], ends[i]) in UTC epoch seconds, sorted and disjoint."""

    first_year: int
    last_year: int
    lo: int  # epoch second where the table starts (local midnight, first_year)
    hi: int  # epoch second where it ends (local midnight after last_year)
    starts: list[int]
    ends: list[int]
    cum: list[int]  # business seconds in all intervals before i
    cum_end: list[int]  # business seconds up to the end of interval i
    np_starts: npt.NDArray[np.int64]
    np_ends: npt.NDArray[np.int64]
    np_cum: npt.NDArray[np.int64]
    np_cum_end: npt.NDArray[np.int64]


def _build_table(spec: CalendarSpec, zone: ZoneInfo, first_year: int, last_year: int) -> _Table:
    starts: list[int] = []
    ends: list[int] = []
    day = date(first_year, 1, 1)
    stop = date(last_year + 1, 1, 1)
    one = timedelta(days=1)
    while day < stop:
        windows = spec.windows_on(day)
        if windows:
            midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
            for w_start, w_end in windows:
                # Wall-clock arithmetic on aware datetimes, then .timestamp()
                # resolves the wall time through the zone (DST included).
                s = _wall_to_epoch(midnight + timedelta(seconds=w_start), zone)
                e = _wall_to_epoch(midnight + timedelta(seconds=w_end), zone)
                if e <= s:  # a window inside a DST gap never opens
                    continue
                if ends and s <= ends[-1]:  # touching windows merge (24x7, 22-24 + 00-06)
                    ends[-1] = max(ends[-1], e)
                else:
                    starts.append(s)
                    ends.append(e)
        day += one
    lo = int(datetime(first_year, 1, 1, tzinfo=zone).timestamp())
    hi = int(datetime(last_year + 1, 1, 1, tzinfo=zone).timestamp())
    # A sentinel interval past the end keeps every search in range; it is
    # never used as an answer because callers extend the table first.
    starts.append(max(hi, ends[-1] if ends else hi) + _DAY)
    ends.append(starts[-1] + 1)
    cum: list[int] = []
    total = 0
    for s, e in zip(starts, ends, strict=True):
        cum.append(total)
        total += e - s
    cum_end = [c + e - s for c, s, e in zip(cum, starts, ends, strict=True)]
    return _Table(
        first_year,
        last_year,
        lo,
        hi,
        starts,
        ends,
        cum,
        cum_end,
        np.array(starts, dtype=np.int64),
        np.array(ends, dtype=np.int64),
        np.array(cum, dtype=np.int64),
        np.array(cum_end, dtype=np.int64),
    )


def _wall_to_epoch(wall: datetime, zone: ZoneInfo) -> int:
    """Epoch second of a wall-clock time; a time the zone skips (a spring-forward gap)
    maps to the instant the clock jumps, so a window edge in the gap opens or closes then."""
    ts = int(wall.timestamp())  # fold=0: a gap time is read with the offset before the jump
    if datetime.fromtimestamp(ts, zone).replace(tzinfo=None) == wall.replace(tzinfo=None):
        return ts
    lo, hi = int(wall.replace(fold=1).timestamp()), ts  # the jump lies between these
    after = datetime.fromtimestamp(hi, zone).utcoffset()
    while lo < hi:  # first second already on the offset after the jump
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, zone).utcoffset() == after:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _epoch(t: datetime) -> int:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"naive datetime {t.isoformat()}: give a time zone")
    return int(t.timestamp() // 1)


class Calendar:
    """A compiled business calendar. Thread-safe; tables grow on demand."""

    def __init__(self, spec: CalendarSpec, tz: str | None = None) -> None:
        self.spec = spec
        self.zone = ZoneInfo(tz or spec.zone)
        self.name = spec.name
        self._lock = threading.Lock()
        year = datetime.now(self.zone).year
        self._table = _build_table(spec, self.zone, year - 2, year + _YEARS_AHEAD)

    def __repr__(self) -> str:
        return f"Calendar({self.name!r}, zone={self.zone.key!r})"

    # -- table management -------------------------------------------------

    def _covering(self, lo: int, hi: int) -> _Table:
        """A table whose range covers [lo, hi] epoch seconds."""
        tab = self._table
        if tab.lo <= lo and hi < tab.hi:
            return tab
        with self._lock:
            tab = self._table
            first, last = tab.first_year, tab.last_year
            if lo < tab.lo:
                first = min(first, datetime.fromtimestamp(lo, self.zone).year - 1)
            if hi >= tab.hi:
                last = max(last, datetime.fromtimestamp(min(hi, 2**35), self.zone).year + 1)
            if last - first > 400:
                raise ValueError("date out of the supported range (400 years)")
            tab = _build_table(self.spec, self.zone, first, last)
            self._table = tab
            return tab

    def _grow(self, tab: _Table) -> _Table:
        """Extend the table forward (a target runs past its end)."""
        if tab.cum[-1] == 0 and tab.last_year - tab.first_year > _MAX_EMPTY_YEARS:
            raise ValueError(f"calendar {self.name} is never open")
        span = max(_YEARS_AHEAD, (tab.last_year - tab.first_year) // 2)
        return self._covering(tab.lo, tab.hi + span * 366 * _DAY)

    # -- single values ----------------------------------------------------

    def is_open(self, t: datetime) -> bool:
        ts = _epoch(t)
        tab = self._covering(ts, ts)
        i = bisect_right(tab.ends, ts)
        return tab.starts[i] <= ts

    def next_open(self, t: datetime) -> datetime:
        """t itself when open, else the next opening."""
        ts = _epoch(t)
        tab = self._covering(ts, ts)
        i = bisect_right(tab.ends, ts)
        while i == len(tab.ends) - 1:  # only the sentinel is left
            tab = self._grow(tab)
            i = bisect_right(tab.ends, ts)
        return datetime.fromtimestamp(max(ts, tab.starts[i]), self.zone)

    def add(self, start: datetime, seconds: int | timedelta) -> datetime:
        """The earliest instant at which `seconds` of business time have elapsed."""
        secs = _seconds(seconds)
        ts = _epoch(start)
        if secs == 0:
            return datetime.fromtimestamp(ts, self.zone)
        tab = self._covering(ts, ts)
        while True:
            i = bisect_right(tab.ends, ts)
            s = tab.starts[i]
            target = tab.cum[i] + (ts - s if ts > s else 0) + secs
            j = bisect_left(tab.cum_end, target, i)
            if j < len(tab.starts) - 1:
                return datetime.fromtimestamp(tab.starts[j] + target - tab.cum[j], self.zone)
            tab = self._grow(tab)

    def between(self, a: datetime, b: datetime) -> int:
        """Business seconds from a to b (negative when b is before a)."""
        ta, tb = _epoch(a), _epoch(b)
        if tb < ta:
            return -self.between(b, a)
        tab = self._covering(ta, tb)
        return _position(tab, tb) - _position(tab, ta)

    def is_workday(self, day: date) -> bool:
        return bool(self.spec.windows_on(day))

    def add_business_days(self, start: datetime, days: int) -> datetime:
        """N business days: same local time on the Nth following workday (DESIGN.md).

        The start moves to the next opening when outside hours; a target day
        that closes earlier gives its closing time; the due is the earliest
        instant at which the business time up to that instant has elapsed.
        """
        if days < 0:
            raise ValueError("business days must not be negative")
        opened = self.next_open(start)
        if days == 0:
            return opened
        local = opened.astimezone(self.zone)
        day = local.date()
        for _ in range(days):
            day += timedelta(days=1)
            guard = 0
            while not self.is_workday(day):
                day += timedelta(days=1)
                guard += 1
                if guard > 366 * _MAX_EMPTY_YEARS:
                    raise ValueError(f"calendar {self.name} has no workday ahead")
        # Same wall time on that day; fold=0 picks the first of an ambiguous hour.
        wall = datetime.combine(day, local.timetz().replace(tzinfo=None), self.zone)
        candidate = datetime.fromtimestamp(_wall_to_epoch(wall, self.zone), self.zone)
        return self.add(opened, self.between(opened, candidate))

    # -- arrays -----------------------------------------------------------

    def add_many(
        self,
        starts: npt.NDArray[np.datetime64],
        seconds: int | npt.NDArray[np.integer],
    ) -> npt.NDArray[np.datetime64]:
        """`add` over arrays: datetime64[s] UTC in and out, seconds scalar or array."""
        ts = np.asarray(starts).astype("datetime64[s]").astype(np.int64)
        secs = np.broadcast_to(np.asarray(seconds, dtype=np.int64), ts.shape)
        if ts.size == 0:
            return ts.astype("datetime64[s]")
        if (secs < 0).any():
            raise ValueError("business seconds must not be negative")
        tab = self._covering(int(ts.min()), int(ts.max()))
        while True:
            i = np.searchsorted(tab.np_ends, ts, side="right")
            s = tab.np_starts[i]
            target = tab.np_cum[i] + np.maximum(ts - s, 0) + secs
            j = np.searchsorted(tab.np_cum_end, target, side="left")
            if (j < len(tab.starts) - 1).all():
                due = tab.np_starts[j] + target - tab.np_cum[j]
                due = np.where(secs == 0, ts, due)
                return due.astype("datetime64[s]")
            tab = self._grow(tab)

    def between_many(self, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """`between` over arrays of epoch seconds: business seconds from each a to its b (negative if b < a)."""
        ta, tb = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
        if ta.size == 0:
            return np.zeros(ta.shape, dtype=np.int64)
        tab = self._covering(int(min(ta.min(), tb.min())), int(max(ta.max(), tb.max())))
        return _positions(tab, tb) - _positions(tab, ta)


def _positions(tab: _Table, ts: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """`_position` over an array."""
    i = np.searchsorted(tab.np_ends, ts, side="right")
    return tab.np_cum[i] + np.maximum(ts - tab.np_starts[i], 0)


def _position(tab: _Table, ts: int) -> int:
    """Business seconds from the table's start to ts."""
    i = bisect_right(tab.ends, ts)
    s = tab.starts[i]
    return tab.cum[i] + (ts - s if ts > s else 0)


def _seconds(value: int | timedelta) -> int:
    secs = int(value.total_seconds()) if isinstance(value, timedelta) else int(value)
    if secs < 0:
        raise ValueError("business seconds must not be negative")
    return secs


# -- business days over arrays ----------------------------------------------------------------------------


@dataclass
class _Days:
    """A table's local dates and zone offsets, for `add_business_days_many`.

    Day d is local date `first + d`; `wall` is local wall time as seconds since 1970-01-01 00:00 (naive)."""

    first: int  # days since 1970-01-01 of the table's first local date
    workdays: npt.NDArray[np.int64]  # day indices of the workdays, ascending
    upto: npt.NDArray[np.int64]  # upto[d]: workdays among days 0..d
    trans: npt.NDArray[np.int64]  # epoch seconds where an offset starts (trans[0]: before the table)
    offs: npt.NDArray[np.int64]  # offs[k]: UTC offset in seconds from trans[k]


_EPOCH_DATE = date(1970, 1, 1)
_OFFSET_STEP = 6 * 3600  # offsets are sampled this often, then each change is found to the second


def _offset(zone: ZoneInfo, ts: int) -> int:
    off = datetime.fromtimestamp(ts, zone).utcoffset()
    assert off is not None
    return int(off.total_seconds())


def _build_days(spec: CalendarSpec, zone: ZoneInfo, tab: _Table) -> _Days:
    first = date(tab.first_year, 1, 1)
    n = (date(tab.last_year + 1, 1, 1) - first).days
    flags = np.fromiter((bool(spec.windows_on(first + timedelta(days=d))) for d in range(n)), dtype=bool, count=n)
    trans, offs = [tab.lo - 2 * _DAY], [_offset(zone, tab.lo - 2 * _DAY)]
    t = trans[0]
    while t < tab.hi + 2 * _DAY:
        nxt = t + _OFFSET_STEP
        off = _offset(zone, nxt)
        if off != offs[-1]:
            lo, hi = t + 1, nxt  # the first second on the new offset lies in (t, nxt]
            while lo < hi:
                mid = (lo + hi) // 2
                if _offset(zone, mid) == off:
                    hi = mid
                else:
                    lo = mid + 1
            trans.append(lo)
            offs.append(off)
        t = nxt
    return _Days(
        (first - _EPOCH_DATE).days,
        np.flatnonzero(flags).astype(np.int64),
        np.cumsum(flags, dtype=np.int64),
        np.array(trans, dtype=np.int64),
        np.array(offs, dtype=np.int64),
    )


def add_business_days_many(
    cal: Calendar, starts: npt.NDArray[np.int64], days: int | npt.NDArray[np.integer]
) -> npt.NDArray[np.int64]:
    """`Calendar.add_business_days` over arrays of epoch seconds (whole seconds, as `_epoch` gives them): the
    same local time on the Nth following workday, from the next opening, its closing time if that day closes
    earlier; a time the zone skips that day is the instant the clock jumps, a repeated one its first
    occurrence (its second when the start itself was a second occurrence, as the single-value rule gives)."""
    ts = np.asarray(starts, dtype=np.int64)
    n = np.broadcast_to(np.asarray(days, dtype=np.int64), ts.shape)
    if ts.size == 0:
        return ts.copy()
    if (n < 0).any():
        raise ValueError("business days must not be negative")
    tab = cal._covering(int(ts.min()), int(ts.max()))
    while True:
        out = _business_days(cal, tab, ts, n)
        if out is not None:
            return out
        tab = cal._grow(tab)


_DAYS_CACHE: dict[tuple[int, int], tuple[_Table, _Days]] = {}
_DAYS_LOCK = threading.Lock()


def _days_of(cal: Calendar, tab: _Table) -> _Days:
    key = (id(cal), id(tab))
    with _DAYS_LOCK:
        hit = _DAYS_CACHE.get(key)
        if hit is not None and hit[0] is tab:
            return hit[1]
    days = _build_days(cal.spec, cal.zone, tab)
    with _DAYS_LOCK:
        if len(_DAYS_CACHE) > 256:
            _DAYS_CACHE.clear()
        _DAYS_CACHE[key] = (tab, days)
    return days


def _business_days(
    cal: Calendar, tab: _Table, ts: npt.NDArray[np.int64], n: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64] | None:
    """One attempt on `tab`; None when some answer lies past it (the caller grows the table)."""
    last = len(tab.starts) - 1  # the sentinel
    i = np.searchsorted(tab.np_ends, ts, side="right")
    if (i >= last).any():
        return None
    opened = np.maximum(ts, tab.np_starts[i])
    dd = _days_of(cal, tab)
    k = np.searchsorted(dd.trans, opened, side="right") - 1
    off = dd.offs[k]
    wall = opened + off
    # A start in the hour a fall-back repeats, second time round (what astimezone marks fold=1).
    prev_off = dd.offs[np.maximum(k - 1, 0)]
    second = (k > 0) & (prev_off > off) & (opened < dd.trans[k] + (prev_off - off))
    day = wall // _DAY - dd.first
    tod = wall % _DAY
    if (day < 0).any() or (day >= len(dd.upto)).any():
        return None
    pos = dd.upto[day] + n - 1  # index of the Nth workday after `day`
    if (pos >= len(dd.workdays)).any():
        return None
    target = dd.workdays[np.where(n > 0, pos, 0)]
    wall_c = (target + dd.first) * _DAY + tod
    # Wall time -> epoch (_wall_to_epoch): read with the offset before a change until the old clock reaches it.
    wt = dd.trans[1:] + dd.offs[:-1]  # wall time at which the offset of trans[k] takes over, k >= 1
    k0 = np.searchsorted(wt, wall_c, side="right")
    cand = wall_c - dd.offs[k0]
    nxt = np.minimum(k0 + 1, len(dd.trans) - 1)
    in_gap = cand < dd.trans[k0]  # skipped: the clock jumps over this wall time
    cand = np.where(in_gap & ~second, dd.trans[k0], cand)
    # A repeated wall time: the second occurrence when the start was one.
    has_next = k0 + 1 < len(dd.trans)
    repeated = has_next & (dd.offs[nxt] < dd.offs[k0]) & (wall_c >= dd.trans[nxt] + dd.offs[nxt])
    cand = np.where(second & repeated, wall_c - dd.offs[nxt], cand)
    if (cand >= tab.hi).any():
        return None
    # add(opened, between(opened, candidate)): the earliest instant at the candidate's business position.
    jc = np.searchsorted(tab.np_ends, cand, side="right")
    pos_c = tab.np_cum[jc] + np.maximum(cand - tab.np_starts[jc], 0)
    pos_o = tab.np_cum[i] + np.maximum(opened - tab.np_starts[i], 0)
    j = np.searchsorted(tab.np_cum_end, pos_c, side="left")
    if (j >= last).any():
        return None
    due = tab.np_starts[j] + pos_c - tab.np_cum[j]
    return np.where((n == 0) | (pos_c == pos_o), opened, due)
