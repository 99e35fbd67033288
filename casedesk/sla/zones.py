"""IANA time zone names: one check for presets, sites, contacts and the CLI."""

from __future__ import annotations

from zoneinfo import ZoneInfo


def valid_zone(name: str) -> bool:
    """True for a zone tzdata knows (Europe/Oslo, UTC); False for blanks, typos and paths."""
    if not name or name != name.strip():
        return False
    try:
        ZoneInfo(name)
    except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True
