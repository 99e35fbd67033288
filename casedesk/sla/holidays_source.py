"""Public holidays from the pinned `holidays` package, cached per country and year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays


@dataclass(frozen=True)
class HolidaySource:
    country: str  # ISO 3166-1 alpha-2, as the `holidays` package names it
    subdiv: str | None = None


def check_source(src: HolidaySource) -> None:
    """Raise ValueError naming what is wrong with a country or subdivision."""
    supported = holidays.list_supported_countries()
    if src.country not in supported:
        raise ValueError(f"unknown holiday country {src.country!r}")
    if src.subdiv is not None and src.subdiv not in supported[src.country]:
        raise ValueError(f"unknown subdivision {src.subdiv!r} of {src.country}")


@lru_cache(maxsize=4096)
def holiday_dates(src: HolidaySource, year: int) -> frozenset[date]:
    """Dates of the source's public holidays (default category) in one year."""
    cal = holidays.country_holidays(src.country, subdiv=src.subdiv, years=year)
    return frozenset(cal.keys())

