"""The [policy] table of a preset, validated into a Policy.

Everything a desk needs to run an organisation's published policy: tiers,
priorities with their definitions, metrics with clock conditions, targets per
tier x priority x metric, how a case's calendar is chosen, case numbers,
intake fields, scope, version window, escalation levels and notifications.

Every section some part of casedesk reads is checked here, so that
`casedesk preset check FILE` names the file and line of each mistake; unknown
keys inside a section are errors that list the known ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from casedesk.sla.calendar import CalendarSpec
from casedesk.sla.conditions import CONDITIONS, is_condition
from casedesk.sla.durations import Target, parse_target
from casedesk.sla.toml_source import KeyPath, Source
from casedesk.sla.zones import valid_zone

ANY_TIER = "*"
METRIC_KINDS = {"once", "cadence", "review"}
CALENDAR_BY = {"country", "channel", "fixed"}
RETIME = {"from_start", "from_change"}
_WARN = re.compile(r"^(\d{1,2}(\.\d+)?%|\d+[smh])$")
_NUMBER = re.compile(r"^[^{}]*\{seq:0?(\d+)d?\}[^{}]*$")


# Who a notification can go to ([policy.notify], [policy.grace_calls] notify).
ROLES = ("agent", "support_manager", "assignee", "team", "account_manager", "customer_email", "requester")
GRACE_RESETS = ("subscription_anniversary",)
LEVEL_BILLING = ("included", "rate_card", "prepaid_credit", "contract")
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")  # ISO 639 code, optional region: "en", "fr-CA"
_IDENT = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Choice:
    key: str
    name: str
    definition: str = ""
    # A tier whose contracts must state their own targets (DYTRON SLA: POLICIES 0.22).
    targets_from_contract: bool = False


@dataclass(frozen=True)
class QueueSpec:
    key: str
    name: str
    calendar: str
    email: str = ""
    country: str = ""


@dataclass(frozen=True)
class EscalationLevel:
    level: int
    name: str
    subject: str = ""
    # Taken only for a critical case: one at a priority in `when_priority`, or
    # one a manager has marked critical (Mastercam: POLICIES 0.11, 0.23).
    critical_only: bool = False
    when_priority: tuple[str, ...] = ()


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
    queues: tuple[QueueSpec, ...] = ()
    # Customers from a country without a queue of their own go here, flagged for triage (PLM: POLICIES 0.24).
    fallback_queue: str = ""
    escalation: tuple[EscalationLevel, ...] = ()
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

    def tier(self, key: str) -> Choice | None:
        return next((t for t in self.tiers if t.key == key), None)

    def queue(self, key: str) -> QueueSpec | None:
        return next((q for q in self.queues if q.key == key), None)

    def format_number(self, seq: int) -> str:
        return self.case_number.format(seq=seq)

    def section(self, name: str) -> Any:
        return self.raw.get(name)


def _str_list(src: Source, keys: KeyPath, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise src.error(keys, "a list of strings is expected")
    return tuple(value)


def _conditions(src: Source, keys: KeyPath, value: Any) -> tuple[str, ...]:
    names = _str_list(src, keys, value)
    for n in names:
        if not is_condition(n):
            raise src.error(keys, f"unknown condition {n!r} (known: {', '.join(sorted(CONDITIONS))}, priority:KEY)")
    return names


def _unknown(src: Source, keys: KeyPath, table: dict[str, Any], known: set[str], what: str) -> None:
    for k in table:
        if k not in known:
            raise src.error([*keys, k], f"unknown {what} setting {k!r} (known: {', '.join(sorted(known))})")


def _entries(src: Source, key: str, value: Any) -> list[dict[str, Any]]:
    """The entries of an array of tables [[policy.KEY]]."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise src.error(["policy", key], f"[[policy.{key}]] entries are expected")
    return value


def _text(src: Source, keys: KeyPath, value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise src.error(keys, f"{what} is a string")
    return value


def _flag(src: Source, keys: KeyPath, value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise src.error(keys, f"{what} is true or false")
    return value


def _whole(src: Source, keys: KeyPath, value: Any, what: str, minimum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        kind = "positive whole number" if minimum > 0 else "whole number, 0 or more"
        raise src.error(keys, f"{what} is a {kind}, not {value!r}")
    return value


def _choices(src: Source, key: str, value: Any) -> tuple[Choice, ...]:
    known = {"key", "name", "definition"} | ({"targets_from_contract"} if key == "tiers" else set())
    out: list[Choice] = []
    for i, item in enumerate(_entries(src, key, value)):
        base: list[str | int] = ["policy", key, i]
        _unknown(src, base, item, known, key[:-1] if key == "tiers" else "priority")
        if not isinstance(item.get("key"), str) or not item["key"]:
            raise src.error(base, f"each {key} entry needs a key")
        if any(c.key == item["key"] for c in out):
            raise src.error([*base, "key"], f"duplicate {key} key {item['key']!r}")
        out.append(
            Choice(
                item["key"],
                _text(src, [*base, "name"], item.get("name", item["key"]), "name"),
                _text(src, [*base, "definition"], item.get("definition", ""), "definition"),
                _flag(
                    src,
                    [*base, "targets_from_contract"],
                    item.get("targets_from_contract", False),
                    "targets_from_contract",
                ),
            )
        )
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


_INTAKE_KEYS = {"key", "label", "required", "pattern", "help", "when_priority", "choices"}


def _intake(src: Source, value: Any, priorities: set[str]) -> tuple[IntakeField, ...]:
    out: list[IntakeField] = []
    for i, item in enumerate(_entries(src, "intake", value)):
        base: list[str | int] = ["policy", "intake", i]
        _unknown(src, base, item, _INTAKE_KEYS, "intake field")
        if not isinstance(item.get("key"), str) or not item["key"]:
            raise src.error(base, "each intake field needs a key")
        key = item["key"]
        if any(f.key == key for f in out):
            raise src.error([*base, "key"], f"duplicate intake field {key!r}")
        pattern = _text(src, [*base, "pattern"], item.get("pattern", ""), "pattern")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise src.error([*base, "pattern"], f"bad pattern for {key}: {exc}") from None
        when = _text(src, [*base, "when_priority"], item.get("when_priority", ""), "when_priority")
        if when and when not in priorities:
            raise src.error([*base, "when_priority"], f"unknown priority {when!r} in when_priority")
        out.append(
            IntakeField(
                key=key,
                label=_text(src, [*base, "label"], item.get("label", key), "label"),
                required=_flag(src, [*base, "required"], item.get("required", False), "required"),
                pattern=pattern,
                help=_text(src, [*base, "help"], item.get("help", ""), "help"),
                when_priority=when,
                choices=_str_list(src, [*base, "choices"], item.get("choices", [])),
            )
        )
    return tuple(out)


def _queues(src: Source, value: Any, calendars: dict[str, CalendarSpec]) -> tuple[QueueSpec, ...]:
    known = {"key", "name", "calendar", "email", "country"}
    out: list[QueueSpec] = []
    for i, item in enumerate(_entries(src, "queues", value)):
        base: list[str | int] = ["policy", "queues", i]
        _unknown(src, base, item, known, "queue")
        key = item.get("key")
        if not isinstance(key, str) or not key.strip():
            raise src.error(base, "each queue needs a key")
        if any(q.key == key for q in out):
            raise src.error([*base, "key"], f"duplicate queue key {key!r}")
        if "calendar" not in item:
            raise src.error(base, f"queue {key} needs a calendar (known: {', '.join(calendars)})")
        cal = _text(src, [*base, "calendar"], item["calendar"], "calendar")
        if cal not in calendars:
            raise src.error(
                [*base, "calendar"], f"queue {key}: unknown calendar {cal!r} (known: {', '.join(calendars)})"
            )
        email = _text(src, [*base, "email"], item.get("email", ""), "email")
        if email and not _EMAIL.match(email):
            raise src.error([*base, "email"], f"queue {key}: {email!r} is not an e-mail address")
        country = _text(src, [*base, "country"], item.get("country", ""), "country")
        if country and not re.fullmatch(r"[A-Z]{2}", country):
            raise src.error(
                [*base, "country"], f"queue {key}: country is a two-letter ISO code like NO, not {country!r}"
            )
        name = _text(src, [*base, "name"], item.get("name", key), "name")
        out.append(QueueSpec(key, name, cal, email, country))
    return tuple(out)


def _escalation(src: Source, value: Any, priorities: set[str]) -> tuple[EscalationLevel, ...]:
    known = {"level", "name", "subject", "critical_only", "when_priority", "note"}
    out: list[EscalationLevel] = []
    for i, item in enumerate(_entries(src, "escalation", value)):
        base: list[str | int] = ["policy", "escalation", i]
        _unknown(src, base, item, known, "escalation")
        if "level" not in item:
            raise src.error(base, "each escalation entry needs a level (1, 2, ...)")
        level = _whole(src, [*base, "level"], item["level"], "level", 1)
        if out and level <= out[-1].level:
            what = "repeats" if level == out[-1].level else "comes after"
            raise src.error([*base, "level"], f"escalation level {level} {what} level {out[-1].level}: levels rise")
        if not isinstance(item.get("name"), str) or not item["name"].strip():
            raise src.error(base, f"escalation level {level} needs a name")
        when = _str_list(src, [*base, "when_priority"], item.get("when_priority", []))
        for p in when:
            if p not in priorities:
                known_p = ", ".join(sorted(priorities)) or "none declared"
                raise src.error([*base, "when_priority"], f"unknown priority {p!r} (known: {known_p})", p)
        _text(src, [*base, "note"], item.get("note", ""), "note")
        out.append(
            EscalationLevel(
                level=level,
                name=item["name"],
                subject=_text(src, [*base, "subject"], item.get("subject", ""), "subject"),
                critical_only=_flag(src, [*base, "critical_only"], item.get("critical_only", False), "critical_only"),
                when_priority=when,
            )
        )
    return tuple(out)


def _table(src: Source, name: str, value: Any, known: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise src.error(["policy", name], f"[policy.{name}] must be a table")
    _unknown(src, ["policy", name], value, known, name)
    return value


def _roles(src: Source, keys: KeyPath, value: Any) -> tuple[str, ...]:
    roles = _str_list(src, keys, value)
    for r in roles:
        if r not in ROLES:
            raise src.error(keys, f"unknown role {r!r} (known: {', '.join(ROLES)})", r)
    return roles


def _notify(src: Source, value: Any) -> None:
    """[policy.notify] EVENT = [ROLE, ...]: who is told of what (PTC: s0_opened = ["support_manager"])."""
    if not isinstance(value, dict):
        raise src.error(["policy", "notify"], "[policy.notify] must be a table of event = [roles]")
    for event, roles in value.items():
        if not _IDENT.match(event):
            raise src.error(["policy", "notify", event], f"event name {event!r}: lower case letters, digits and _")
        _roles(src, ["policy", "notify", event], roles)


def _scope(src: Source, value: Any) -> None:
    """The lists an agent classifies a request by (contracts/scope.py); each offer names the paid route:
    `excluded_offer` for every excluded item, `paid_offer` for every paid service, `item_offers` per item."""
    lists = {"covered", "excluded", "paid_services", "grace_eligible"}
    offers = {"excluded_offer", "paid_offer", "item_offers"}
    table = _table(src, "scope", value, lists | offers | {"max_install_devices"})
    for k in lists & set(table):
        _str_list(src, ["policy", "scope", k], table[k])
    for item in table.get("grace_eligible", []):
        if item not in table.get("excluded", []):
            raise src.error(["policy", "scope", "grace_eligible"], f"{item!r} is not in scope.excluded", item)
    _text(src, ["policy", "scope", "excluded_offer"], table.get("excluded_offer", ""), "excluded_offer")
    _text(src, ["policy", "scope", "paid_offer"], table.get("paid_offer", ""), "paid_offer")
    per_item = table.get("item_offers", {})
    if not isinstance(per_item, dict):
        raise src.error(["policy", "scope", "item_offers"], 'item_offers is a table: "item" = "paid route"')
    for item, offer in per_item.items():
        _text(src, ["policy", "scope", "item_offers", item], offer, "an item's offer")
        if item not in [*table.get("excluded", []), *table.get("paid_services", [])]:
            raise src.error(
                ["policy", "scope", "item_offers", item], f"{item!r} is not in scope.excluded or scope.paid_services"
            )
    if "max_install_devices" in table:
        _whole(src, ["policy", "scope", "max_install_devices"], table["max_install_devices"], "max_install_devices", 1)


def _versions(src: Source, value: Any) -> None:
    counts = {"licensed_previous", "supported_previous"}
    table = _table(src, "versions", value, counts | {"later_releases_while_valid", "online_services"})
    for k in counts & set(table):
        _whole(src, ["policy", "versions", k], table[k], k, 0)
    if "later_releases_while_valid" in table:
        _flag(
            src,
            ["policy", "versions", "later_releases_while_valid"],
            table["later_releases_while_valid"],
            "later_releases_while_valid",
        )
    if table.get("online_services", "current") != "current":
        raise src.error(
            ["policy", "versions", "online_services"], 'online_services is "current" (current version only)'
        )


def _grace_calls(src: Source, value: Any, tiers: set[str]) -> None:
    """Solidxperts: grace calls per year by active seats, [from, to, count] bands from 1 seat up."""
    table = _table(src, "grace_calls", value, {"seats", "reset", "not_eligible_tiers", "notify"})
    keys = ["policy", "grace_calls", "seats"]
    bands = table.get("seats")
    if not isinstance(bands, list) or not bands:
        raise src.error(
            keys if "seats" in table else ["policy", "grace_calls"], "seats = [[from, to, count], ...] is required"
        )
    expected_from = 1
    for band in bands:
        ok = (
            isinstance(band, list)
            and len(band) == 3
            and all(isinstance(n, int) and not isinstance(n, bool) for n in band)
        )
        if not ok:
            raise src.error(
                keys,
                f"seat band {band!r}: write [from, to, count] with whole numbers",
                band if isinstance(band, list) else None,
            )
        first, last, count = band
        if first != expected_from:
            gap = "overlaps the band before" if first < expected_from else "leaves a gap after the band before"
            raise src.error(keys, f"seat band {band!r} {gap}: it should start at {expected_from}", band)
        if last < first:
            raise src.error(keys, f"seat band {band!r} ends before it starts", band)
        if count < 1:
            raise src.error(keys, f"seat band {band!r}: the number of grace calls must be positive", band)
        expected_from = last + 1
    reset = table.get("reset", GRACE_RESETS[0])
    if reset not in GRACE_RESETS:
        raise src.error(
            ["policy", "grace_calls", "reset"], f"unknown reset {reset!r} (known: {', '.join(GRACE_RESETS)})"
        )
    not_eligible = _str_list(src, ["policy", "grace_calls", "not_eligible_tiers"], table.get("not_eligible_tiers", []))
    for t in not_eligible:
        if t not in tiers:
            known = ", ".join(sorted(tiers)) or "none declared"
            raise src.error(["policy", "grace_calls", "not_eligible_tiers"], f"unknown tier {t!r} (known: {known})", t)
    _roles(src, ["policy", "grace_calls", "notify"], table.get("notify", []))


def _pay_per_incident(src: Source, value: Any) -> None:
    table = _table(src, "pay_per_incident", value, {"deduct_within_days"})
    if "deduct_within_days" in table:
        keys = ["policy", "pay_per_incident", "deduct_within_days"]
        _whole(src, keys, table["deduct_within_days"], "deduct_within_days", 1)


def _levels(src: Source, value: Any, tiers: set[str]) -> None:
    """DYTRON: [policy.levels] TIER = { billing = ..., note = ... } for declared tiers."""
    if not isinstance(value, dict):
        raise src.error(["policy", "levels"], "[policy.levels] must be a table of tier = { billing, note }")
    for tier, row in value.items():
        keys = ["policy", "levels", tier]
        if tier not in tiers:
            known = ", ".join(sorted(tiers)) or "none declared"
            raise src.error(keys, f"unknown tier {tier!r} (known: {known})")
        if not isinstance(row, dict):
            raise src.error(keys, "{ billing = ..., note = ... } is expected")
        _unknown(src, keys, row, {"billing", "note", "bought_here_only"}, "level")
        if not isinstance(row.get("bought_here_only", False), bool):
            raise src.error(keys, "bought_here_only must be true or false")
        billing = row.get("billing", "")
        if billing and billing not in LEVEL_BILLING:
            raise src.error(keys, f"unknown billing {billing!r} (known: {', '.join(LEVEL_BILLING)})")
        _text(src, keys, row.get("note", ""), "note")


def _languages(src: Source, value: Any) -> None:
    keys = ["policy", "languages"]
    for code in _str_list(src, keys, value):
        if not _LANGUAGE.match(code):
            raise src.error(keys, f"{code!r} is not a language code (ISO 639: en, fr, fr-CA)", code)


def _strings_table(src: Source, name: str, value: Any) -> None:
    """[policy.readings] and the like: name = "text" (or a list of texts)."""
    if not isinstance(value, dict):
        raise src.error(["policy", name], f"[policy.{name}] must be a table")
    for k, v in value.items():
        _str_list(src, ["policy", name, k], v)


def _sections(src: Source, table: dict[str, Any], tiers: set[str], priorities: set[str]) -> None:
    """The descriptive sections: checked here, read by the desk and the console through Policy.section()."""
    if "notify" in table:
        _notify(src, table["notify"])
    if "scope" in table:
        _scope(src, table["scope"])
    if "versions" in table:
        _versions(src, table["versions"])
    if "visibility" in table:
        vis = _table(src, "visibility", table["visibility"], {"cc_can_view_in_portal"})
        for k, v in vis.items():
            _flag(src, ["policy", "visibility", k], v, k)
    if "data_requests" in table:
        data = _table(src, "data_requests", table["data_requests"], {"checklist"})
        _str_list(src, ["policy", "data_requests", "checklist"], data.get("checklist", []))
    if "languages" in table:
        _languages(src, table["languages"])
    if "levels" in table:
        _levels(src, table["levels"], tiers)
    if "grace_calls" in table:
        _grace_calls(src, table["grace_calls"], tiers)
    if "pay_per_incident" in table:
        _pay_per_incident(src, table["pay_per_incident"])
    if "readings" in table:
        _strings_table(src, "readings", table["readings"])


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
    "fallback_queue",
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
    if len(set(kinds)) != len(kinds):
        raise src.error(["policy", "resolution_kinds"], "resolution_kinds are listed twice")
    for tier in tiers:
        if tier.targets_from_contract and any(k[0] == tier.key for k in targets):
            raise src.error(
                ["policy", "targets", tier.key],
                f"tier {tier.key} takes its targets from each contract (targets_from_contract = true): "
                "the policy gives it none",
            )
    queues = _queues(src, table.get("queues", []), calendars)
    fallback = _text(src, ["policy", "fallback_queue"], table.get("fallback_queue", ""), "fallback_queue")
    if fallback and all(q.key != fallback for q in queues):
        known_q = ", ".join(q.key for q in queues) or "none declared"
        raise src.error(
            ["policy", "fallback_queue"], f"fallback_queue {fallback!r} is not a declared queue (known: {known_q})"
        )
    escalation = _escalation(src, table.get("escalation", []), prio_keys)
    _sections(src, table, tier_keys, prio_keys)
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
        queues=queues,
        fallback_queue=fallback,
        escalation=escalation,
        raw=table,
    )
