"""Shipped policy presets: one TOML file per organisation in casedesk/presets/."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from casedesk.sla.calendar import Calendar, CalendarSpec
from casedesk.sla.calendar_schema import parse_calendar
from casedesk.sla.policy_schema import Policy, parse_policy
from casedesk.sla.toml_source import PresetError, Source

PRESET_DIR = Path(__file__).resolve().parent.parent / "presets"
_TOP_KEYS = {"slug", "name", "description", "calendars", "policy"}

__all__ = ["Preset", "PresetError", "list_presets", "load_calendar", "load_preset", "preset_from_text", "read_preset"]


@dataclass(frozen=True)
class Preset:
    slug: str
    name: str
    description: str
    path: Path
    calendars: dict[str, CalendarSpec]
    policy: Policy
    raw: dict[str, Any] = field(compare=False, repr=False)


def _compile(preset: Preset, name: str, tz: str | None) -> Calendar:
    if name not in preset.calendars:
        known = ", ".join(preset.calendars)
        raise PresetError(f"unknown calendar {name!r} in preset {preset.slug} (known: {known})")
    return Calendar(preset.calendars[name], tz)


def read_preset(path: Path) -> Preset:
    """Parse and validate one preset file; PresetError names file and line."""
    return _parse(Source.read(path))


def preset_from_text(text: str, label: str) -> Preset:
    """A preset from stored TOML text (a desk's policy version); label names it in errors."""
    return _parse(Source(Path(label), text))


def _parse(src: Source) -> Preset:
    path = src.path
    data = src.data
    for key in data:
        if key not in _TOP_KEYS:
            raise src.error([key], f"unknown top-level key {key!r} (known: {', '.join(sorted(_TOP_KEYS))})")
    for key in ("slug", "name"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise src.error([key], f"{key} is required: a non-empty string")
    cal_tables = data.get("calendars")
    if not isinstance(cal_tables, dict) or not cal_tables:
        raise src.error(["calendars"], "at least one [calendars.NAME] table is required")
    calendars = {name: parse_calendar(src, name, table) for name, table in cal_tables.items()}
    policy = parse_policy(src, data.get("policy", {}), calendars)
    return Preset(
        slug=data["slug"],
        name=data["name"],
        description=str(data.get("description", "")),
        path=path,
        calendars=calendars,
        policy=policy,
        raw=data,
    )


def list_presets() -> list[str]:
    return sorted(p.stem for p in PRESET_DIR.glob("*.toml"))


@lru_cache(maxsize=64)
def load_preset(slug: str) -> Preset:
    """A shipped preset by slug (cached: presets are immutable while running)."""
    path = PRESET_DIR / f"{slug}.toml"
    if "/" in slug or not path.is_file():
        raise PresetError(f"unknown preset {slug!r} (known: {', '.join(list_presets())})")
    preset = read_preset(path)
    if preset.slug != slug:
        raise PresetError(f"slug {preset.slug!r} does not match the file name", str(path))
    return preset


@lru_cache(maxsize=512)
def load_calendar(preset_slug: str, calendar_name: str, tz: str | None = None) -> Calendar:
    """The compiled calendar `calendar_name` of a shipped preset; `tz` overrides its zone."""
    return _compile(load_preset(preset_slug), calendar_name, tz)
