"""SLA targets as written in policies and on the command line: 8h, 90m, 4bd, 2w."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from casedesk.sla.calendar import Calendar

_TARGET = re.compile(r"^\s*(\d+)\s*(s|m|h|bd|w)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}


@dataclass(frozen=True)
class Target:
    """A business-time target: either business seconds or business days."""

    seconds: int = 0
    business_days: int = 0

    def __post_init__(self) -> None:
        if self.seconds < 0 or self.business_days < 0:
            raise ValueError("a target must not be negative")
        if self.seconds and self.business_days:
            raise ValueError("a target is business time or business days, not both")

    def due(self, calendar: Calendar, start: datetime) -> datetime:
        if self.business_days:
            return calendar.add_business_days(start, self.business_days)
        return calendar.add(start, self.seconds)

    def __str__(self) -> str:
        if self.business_days:
            return f"{self.business_days}bd"
        s = self.seconds
        if s % 3600 == 0:
            return f"{s // 3600}h"
        if s % 60 == 0:
            return f"{s // 60}m"
        return f"{s}s"


def parse_target(text: str) -> Target:
    """'8h', '90m', '30s', '4bd' (business days), '2w' (= 10 business days)."""
    if text.strip().startswith("-"):
        raise ValueError(f"negative target {text!r}: a target must be zero or more")
    m = _TARGET.match(text)
    if not m:
        raise ValueError(f"unparsable target {text!r}: use a whole number with h, m, s, bd or w (8h, 90m, 4bd, 2w)")
    n, unit = int(m.group(1)), m.group(2)
    if unit == "bd":
        return Target(business_days=n)
    if unit == "w":
        return Target(business_days=5 * n)
    return Target(seconds=n * _UNIT_SECONDS[unit])
