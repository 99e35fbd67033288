"""A report's period: whole days in a zone (the desk's home zone), a month or a free range of days."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext

MAX_DAYS = 400  # a free range: at most a little more than a year
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Period:
    first: date  # first day, in `zone`
    last: date  # last day, included
    zone: str  # IANA zone the days are read in (the desk's home zone: policy.home_zone)

    @property
    def start(self) -> datetime:
        """00:00 of the first day in the zone."""
        return datetime.combine(self.first, time(0), tzinfo=ZoneInfo(self.zone))

    @property
    def end(self) -> datetime:
        """00:00 of the day after the last one in the zone (exclusive)."""
        return datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=ZoneInfo(self.zone))

    @property
    def is_month(self) -> bool:
        return self.first.day == 1 and self.last == _month_end(self.first.year, self.first.month)

    def __str__(self) -> str:
        if self.is_month:
            return f"{self.first:%Y-%m}"
        return f"{self.first:%Y-%m-%d}..{self.last:%Y-%m-%d}"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def month(year: int, month: int, zone: str) -> Period:
    if not 1 <= month <= 12 or not 1 <= year <= 9998:
        raise ValueError(gettext("%(year)04d-%(month)02d is not a month.") % {"year": year, "month": month})
    return Period(date(year, month, 1), _month_end(year, month), zone)


def last_whole_month(now: datetime, zone: str) -> Period:
    """The month before the one `now` falls in, read in the zone."""
    today = now.astimezone(ZoneInfo(zone)).date()
    before = today.replace(day=1) - timedelta(days=1)
    return month(before.year, before.month, zone)


def parse_period(text: str, zone: str) -> Period:
    """ "2026-11" (a month) or "2026-11-03..2026-11-20" (days, both included); ValueError saying what is wrong."""
    text = (text or "").strip()
    if m := _MONTH.match(text):
        return month(int(m[1]), int(m[2]), zone)
    if m := _RANGE.match(text):
        try:
            first, last = date.fromisoformat(m[1]), date.fromisoformat(m[2])
        except ValueError:
            raise ValueError(gettext("“%(text)s” names a day that does not exist.") % {"text": text[:40]}) from None
        if last < first:
            raise ValueError(gettext("The period ends before it starts: %(text)s.") % {"text": text[:40]})
        if (last - first).days + 1 > MAX_DAYS:
            raise ValueError(gettext("A period is at most %(days)d days long.") % {"days": MAX_DAYS})
        return Period(first, last, zone)
    raise ValueError(
        gettext("“%(text)s” is not a period: give a month (2026-11) or two days (2026-11-03..2026-11-20).")
        % {"text": text[:40]}
    )


def recent_months(now: datetime, zone: str, count: int = 13) -> list[Period]:
    """This month and the `count - 1` before it, newest first (the page's picker)."""
    today = now.astimezone(ZoneInfo(zone)).date()
    y, m = today.year, today.month
    out = []
    for _ in range(count):
        out.append(month(y, m, zone))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out
