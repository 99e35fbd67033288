"""The [policy] table of a preset (filled in by the desks-and-cases work)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from casedesk.sla.calendar import CalendarSpec
from casedesk.sla.toml_source import Source


@dataclass(frozen=True)
class Policy:
    raw: dict[str, Any]


def parse_policy(src: Source, table: Any, calendars: dict[str, CalendarSpec]) -> Policy:
    if not isinstance(table, dict):
        raise src.error(["policy"], "[policy] must be a table")
    return Policy(raw=table)
