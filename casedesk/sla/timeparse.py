"""Parsing user-given times: ISO 8601, local to a calendar's zone when no offset is given."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def parse_time(text: str, zone: ZoneInfo) -> datetime:
    """'2026-11-27T14:30' (read in `zone`) or with an offset/Z ('...+01:00', '...Z')."""
    raw = text.strip()
    try:
        t = datetime.fromisoformat(raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw)
    except ValueError:
        raise ValueError(
            f"malformed time {text!r}: use ISO 8601 like 2026-11-27T14:30 or 2026-11-27T14:30+01:00"
        ) from None
    if t.tzinfo is None:
        return t.replace(tzinfo=zone)
    return t
