"""The [policy] table of a preset, validated into a Policy.

Everything a desk needs to run an organisation's published policy: tiers,
priorities with their definitions, metrics with clock conditions, targets per
tier x priority x metric, how a case's calendar is chosen, case numbers,
intake fields, scope, version window, escalation levels and notifications.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from casedesk.sla.calendar import CalendarSpec
from casedesk.sla.conditions import CONDITIONS, is_condition
from casedesk.sla.durations import Target, parse_target
from casedesk.sla.toml_source import Source
from casedesk.sla.zones import valid_zone

ANY_TIER = "*"
METRIC_KINDS = {"once", "cadence", "review"}
CALENDAR_BY = {"country", "channel", "fixed"}
RETIME = {"from_start", "from_change"}
_WARN = re.compile(r"^(\d{1,2}(\.\d+)?%|\d+[smh])$")
_NUMBER = re.compile(r"^[^{}]*\{seq:0?(\d+)d?\}[^{}]*$")


@dataclass(frozen=True)
class Choice:
    key: str
    name: str
    definition: str = ""


@dataclass(frozen=True)
class MetricSpec:
    key: str
    name: str
    kind: str = "once"
    start: tuple[str, ...] = ("opened",)
    stop: tuple[str, ...] = ()
    pause: tuple[str, ...] = ()
    cancel: tuple[str, ...] = ()
    calendar: str = ""  # a calendar of its own (S0 reviews: elapsed time on 24x7)
    # A new target counts from the metric's start (Zendesk, JSM; every shipped preset)
    # or from the change (ServiceNow's "retroactive start" off).
    retime: str = "from_start"
    warn: tuple[str, ...] = ()  # warning points: "75%" of the target, "30m" before due


@dataclass(frozen=True)
class IntakeField:
    key: str
    label: str
    required: bool = False
    pattern: str = ""
    help: str = ""
    when_priority: str = ""  # required only at this priority (PTC S0: 24/7 phone)
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Policy:
    version: str = "1"
    effective: date | None = None
    notice_days: int = 0
    case_number: str = "{seq:06d}"
    calendar_by: str = "fixed"
    default_calendar: str = ""
    calendar_map: dict[str, str] = field(default_factory=dict)
    tiers: tuple[Choice, ...] = ()
    priorities: tuple[Choice, ...] = ()
    metrics: dict[str, MetricSpec] = field(default_factory=dict)
    targets: dict[tuple[str, str, str], Target | None] = field(default_factory=dict)
    goals: dict[tuple[str, str, str], Target | None] = field(default_factory=dict)  # the desk's own, not commitments
    default_priority: str = ""  # clocks run on it until a priority is set (POLICIES 0.19)
    priority_required: bool = False  # a severity must be given at intake (PTC)
    home_zone: str = "UTC"  # notice periods count calendar days here (POLICIES 0.15)
    resolution_kinds: tuple[str, ...] = ()  # when given, a resolution must be one of these
    priority_calendars: dict[str, str] = field(default_factory=dict)
    intake: tuple[IntakeField, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    def target(self, tier: str, priority: str, metric: str) -> Target | None:
        """The target, None when the policy gives none; tier '*' rows apply to every tier."""
        for key in ((tier, priority, metric), (ANY_TIER, priority, metric)):
            if key in self.targets:
                return self.targets[key]
        return None

    def goal(self, tier: str, priority: str, metric: str) -> Target | None:
        """An internal goal of the desk (a number the original does not state)."""
        for key in ((tier, priority, metric), (ANY_TIER, priority, metric)):
            if key in self.goals:
                return self.goals[key]
        return None

    def tier_key(self, text: str) -> str | None:
        """The declared tier matching `text` without regard to case; None when the policy has no such tier."""
        return next((t.key for t in self.tiers if t.key.lower() == text.strip().lower()), None)

    def priority(self, key: str) -> Choice | None:
        return next((p for p in self.priorities if p.key == key), None)

    def format_number(self, seq: int) -> str:
        return self.case_number.format(seq=seq)

    def section(self, name: str) -> Any:
        return self.raw.get(name)


def _str_list(src: Source, keys: list[str], value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise src.error(keys, "a list of strings is expected")
    return tuple(value)


def _conditions(src: Source, keys: list[str], value: Any) -> tuple[str, ...]:
    names = _str_list(src, keys, value)
    for n in names:
        if not is_condition(n):
            raise src.error(keys, f"unknown condition {n!r} (known: {', '.join(sorted(CONDITIONS))}, priority:KEY)")
    return names


def _choices(src: Source, key: str, value: Any) -> tuple[Choice, ...]:
    if not isinstance(value, list):
        raise src.error(["policy", key], f"[[policy.{key}]] entries are expected")
    out = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str) or not item["key"]:
            raise src.error(["policy", key], f"each {key} entry needs a key")
        out.append(Choice(item["key"], str(item.get("name", item["key"])), str(item.get("definition", ""))))
    if len({c.key for c in out}) != len(out):
        raise src.error(["policy", key], f"duplicate {key} keys")
    return tuple(out)


def _metrics(src: Source, value: Any, calendars: dict[str, CalendarSpec]) -> dict[str, MetricSpec]:
    if not isinstance(value, dict):
        raise src.error(["policy", "metrics"], "[policy.metrics.NAME] tables are expected")
    out = {}
    known = {"name", "kind", "start", "stop", "pause", "cancel", "calendar", "note", "retime", "warn"}
    for key, t in value.items():
        base = ["policy", "metrics", key]
        if not isinstance(t, dict):
            raise src.error(base, f"metric {key} must be a table")
        for k in t:
            if k not in known:
                raise src.error([*base, k], f"unknown metric setting {k!r} (known: {', '.join(sorted(known))})")
        kind = t.get("kind", "once")
        if kind not in METRIC_KINDS:
            raise src.error([*base, "kind"], f"kind is one of {sorted(METRIC_KINDS)}")
        cal = t.get("calendar", "")
        if cal and cal not in calendars:
            raise src.error([*base, "calendar"], f"unknown calendar {cal!r}")
        retime = t.get("retime", "from_start")
        if retime not in RETIME:
            raise src.error([*base, "retime"], f"retime is one of {sorted(RETIME)}")
        warn = _str_list(src, [*base, "warn"], t.get("warn", []))
        for w in warn:
            if not _WARN.match(w):
                raise src.error([*base, "warn"], f"warning {w!r}: 75% of the target or 30m before due")
        out[key] = MetricSpec(
            key=key,
            name=str(t.get("name", key)),
            kind=kind,
            start=_conditions(src, [*base, "start"], t.get("start", ["opened"])),
            stop=_conditions(src, [*base, "stop"], t.get("stop", [])),
            pause=_conditions(src, [*base, "pause"], t.get("pause", [])),
            cancel=_conditions(src, [*base, "cancel"], t.get("cancel", [])),
            calendar=cal,
            retime=retime,
            warn=warn,
        )
    return out


# A target past a year of business time is a typo, not a service level.
MAX_TARGET = Target(seconds=365 * 24 * 3600)
MAX_BUSINESS_DAYS = 260


def check_target(text: str) -> Target:
    """A target as a policy or a contract may state it: positive and below a year; ValueError says why."""
    target = parse_target(text)
    if target == Target():
        raise ValueError(f"target {text!r} is zero: a due at the very start cannot be met")
    if target.seconds > MAX_TARGET.seconds or target.business_days > MAX_BUSINESS_DAYS:
        raise ValueError(f"target {text!r} is longer than a year")
    return target


def _targets(
    src: Source, value: Any, tiers: set[str], priorities: set[str], metrics: set[str], section: str = "targets"
) -> dict[tuple[str, str, str], Target | None]:
    """[policy.targets.TIER] PRIORITY = { METRIC = "8h" | "none" }; TIER "*" = every tier."""
    if not isinstance(value, dict):
        raise src.error(["policy", section], f"[policy.{section}.TIER] tables are expected")
    out: dict[tuple[str, str, str], Target | None] = {}
    for tier, rows in value.items():
        if tier != ANY_TIER and tier not in tiers:
            raise src.error(["policy", section, tier], f"unknown tier {tier!r} (known: {', '.join(sorted(tiers))})")
        if not isinstance(rows, dict):
            raise src.error(["policy", section, tier], "priority = { metric = target } rows are expected")
        for prio, cells in rows.items():
            keys = ["policy", section, tier, prio]
            if prio not in priorities:
                raise src.error(keys, f"unknown priority {prio!r} (known: {', '.join(sorted(priorities))})")
            if not isinstance(cells, dict):
                raise src.error(keys, "{ metric = target } is expected")
            for metric, text in cells.items():
                if metric not in metrics:
                    raise src.error(keys, f"unknown metric {metric!r} (known: {', '.join(sorted(metrics))})")
                if text == "none":
                    out[(tier, prio, metric)] = None
                    continue
                try:
                    out[(tier, prio, metric)] = check_target(str(text))
                except ValueError as exc:
                    raise src.error(keys, str(exc)) from None
    return out


def _intake(src: Source, value: Any, priorities: set[str]) -> tuple[IntakeField, ...]:
    if not isinstance(value, list):
        raise src.error(["policy", "intake"], "[[policy.intake]] entries are expected")
    out = []
    for item in value:
        if not isinstance(item, dict) or not item.get("key"):
            raise src.error(["policy", "intake"], "each intake field needs a key")
        pattern = str(item.get("pattern", ""))
        try:
            re.compile(pattern)
        except re.error as exc:
            raise src.error(["policy", "intake"], f"bad pattern for {item['key']}: {exc}") from None
        when = str(item.get("when_priority", ""))
        if when and when not in priorities:
            raise src.error(["policy", "intake"], f"unknown priority {when!r} in when_priority")
        out.append(
            IntakeField(
                key=str(item["key"]),
                label=str(item.get("label", item["key"])),
                required=bool(item.get("required", False)),
                pattern=pattern,
                help=str(item.get("help", "")),
                when_priority=when,
                choices=tuple(str(c) for c in item.get("choices", [])),
            )
        )
    return tuple(out)


_KNOWN = {
    "version",
    "effective",
    "notice_days",
    "case_number",
    "calendar_by",
    "default_calendar",
    "calendar_map",
    "tiers",
    "priorities",
    "metrics",
    "targets",
    "goals",
    "default_priority",
    "priority_required",
    "home_zone",
    "resolution_kinds",
    "priority_calendars",
    "intake",
    # descriptive sections the desk shows and other parts of casedesk read
    "scope",
    "versions",
    "escalation",
    "notify",
    "levels",
    "grace_calls",
    "pay_per_incident",
    "readings",
    "languages",
    "queues",
    "data_requests",
    "visibility",
}


def parse_policy(src: Source, table: Any, calendars: dict[str, CalendarSpec]) -> Policy:
    if not isinstance(table, dict):
        raise src.error(["policy"], "[policy] must be a table")
    for key in table:
        if key not in _KNOWN:
            raise src.error(["policy", key], f"unknown policy setting {key!r} (known: {', '.join(sorted(_KNOWN))})")
    effective = table.get("effective")
    if effective is not None and not isinstance(effective, date):
        raise src.error(["policy", "effective"], "effective is a date (2026-01-01)")
    notice = table.get("notice_days", 0)
    if not isinstance(notice, int) or notice < 0:
        raise src.error(["policy", "notice_days"], "notice_days is a whole number of days, 0 or more")
    number = str(table.get("case_number", "{seq:06d}"))
    if not _NUMBER.match(number):
        raise src.error(["policy", "case_number"], 'case_number must contain one {seq:0Nd}, e.g. "C{seq:07d}"')
    calendar_by = table.get("calendar_by", "fixed")
    if calendar_by not in CALENDAR_BY:
        raise src.error(["policy", "calendar_by"], f"calendar_by is one of {sorted(CALENDAR_BY)}")
    default_cal = table.get("default_calendar", next(iter(calendars)))
    cal_map = table.get("calendar_map", {})
    pri_cals = table.get("priority_calendars", {})
    for keys, name in [(["policy", "default_calendar"], default_cal)] + [
        (["policy", "calendar_map", k], v) for k, v in cal_map.items()
    ]:
        if name not in calendars:
            raise src.error(keys, f"unknown calendar {name!r} (known: {', '.join(calendars)})")
    tiers = _choices(src, "tiers", table.get("tiers", []))
    priorities = _choices(src, "priorities", table.get("priorities", []))
    prio_keys = {p.key for p in priorities}
    for k, v in pri_cals.items():
        if k not in prio_keys or v not in calendars:
            raise src.error(["policy", "priority_calendars", k], f"{k} = {v!r}: unknown priority or calendar")
    metrics = _metrics(src, table.get("metrics", {}), calendars)
    tier_keys = {t.key for t in tiers}
    targets = _targets(src, table.get("targets", {}), tier_keys, prio_keys, set(metrics))
    goals = _targets(src, table.get("goals", {}), tier_keys, prio_keys, set(metrics), "goals")
    default_priority = table.get("default_priority", "")
    if default_priority and default_priority not in prio_keys:
        raise src.error(["policy", "default_priority"], f"unknown priority {default_priority!r}")
    required = table.get("priority_required", False)
    if not isinstance(required, bool):
        raise src.error(["policy", "priority_required"], "priority_required is true or false")
    home_zone = table.get("home_zone", "UTC")
    if not isinstance(home_zone, str) or not valid_zone(home_zone):
        raise src.error(["policy", "home_zone"], f"unknown time zone {home_zone!r} (an IANA name like Europe/Oslo)")
    kinds = _str_list(src, ["policy", "resolution_kinds"], table.get("resolution_kinds", []))
    return Policy(
        version=str(table.get("version", "1")),
        effective=effective,
        notice_days=notice,
        case_number=number,
        calendar_by=calendar_by,
        default_calendar=str(default_cal),
        calendar_map=dict(cal_map),
        tiers=tiers,
        priorities=priorities,
        metrics=metrics,
        targets=targets,
        goals=goals,
        default_priority=default_priority,
        priority_required=required,
        home_zone=home_zone,
        resolution_kinds=kinds,
        priority_calendars=dict(pri_cals),
        intake=_intake(src, table.get("intake", []), prio_keys),
        raw=table,
    )
