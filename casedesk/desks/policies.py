"""A desk's policy at run time: versions, notice periods and compiled calendars."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from casedesk.desks.models import Desk, PolicyVersion, Queue
from casedesk.sla import Calendar
from casedesk.sla.policy_schema import Policy
from casedesk.sla.presets import Preset, preset_from_text


class PolicyError(ValueError):
    """A policy version that cannot be published as asked."""


_parsed_cache: dict[tuple[int, str], Preset] = {}


def preset_of(version: PolicyVersion) -> Preset:
    """The parsed preset stored in a policy version, cached by id and content digest
    (versions never change), so the source text is read from the database only once."""
    key = (version.pk, version.digest)
    preset = _parsed_cache.get(key)
    if preset is None:
        source = PolicyVersion.objects.values_list("source", flat=True).get(pk=version.pk)
        preset = preset_from_text(source, f"{version.desk_id}:{version.version}")
        if len(_parsed_cache) > 256:
            _parsed_cache.clear()
        _parsed_cache[key] = preset
    return preset


@lru_cache(maxsize=1024)
def _calendar(version_id: int, digest: str, name: str, tz: str | None) -> Calendar:
    return Calendar(_parsed_cache[(version_id, digest)].calendars[name], tz)


def calendar_of(version: PolicyVersion, name: str, tz: str | None = None) -> Calendar:
    """A compiled calendar of a version; tz applies only to calendars that follow the user's zone."""
    spec = preset_of(version).calendars[name]
    zone = tz if tz and spec.zone_follows else None
    return _calendar(version.pk, version.digest, name, zone)


def version_in_force(desk: Desk, at: datetime) -> PolicyVersion:
    versions = desk.policy_versions.defer("source")
    version = versions.filter(effective_at__lte=at).order_by("-effective_at").first()
    if version is None:
        version = versions.order_by("effective_at").first()
    if version is None:
        raise PolicyError(f"desk {desk.slug} has no policy version")
    return version


def midnight(day: date, zone: str) -> datetime:
    """00:00 of a day in a zone: when a policy version takes effect (POLICIES 0.15)."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone))


def earliest_effective(policy: Policy, announced_at: datetime) -> date:
    """The first day a version announced at `announced_at` may take effect: the notice
    counts calendar days in the desk's home zone, whatever the hour of the announcement."""
    return announced_at.astimezone(ZoneInfo(policy.home_zone)).date() + timedelta(days=policy.notice_days)


def publish_version(
    desk: Desk, source: str, *, announced_at: datetime, effective_on: date | None = None
) -> PolicyVersion:
    """Add a policy version, in force from 00:00 of `effective_on` in the policy's home zone.

    The first version is the policy as published. A later one takes effect no earlier than
    its announcement plus the notice period (Mastercam: 30 days); without a date it is
    scheduled for the later of its own `effective` date and that first allowed day."""
    preset = preset_from_text(source, f"{desk.slug}:new")
    policy = preset.policy
    has_versions = desk.policy_versions.exists()
    earliest = earliest_effective(policy, announced_at)
    if effective_on is None:
        effective_on = policy.effective or announced_at.astimezone(ZoneInfo(policy.home_zone)).date()
        if has_versions:
            effective_on = max(effective_on, earliest)
    if has_versions and effective_on < earliest:
        raise PolicyError(
            f"version {policy.version} cannot take effect before {earliest:%Y-%m-%d} ({policy.home_zone}): "
            f"{policy.notice_days} days' notice from the announcement on "
            f"{announced_at.astimezone(ZoneInfo(policy.home_zone)):%Y-%m-%d}"
        )
    if desk.policy_versions.filter(version=policy.version).exists():
        raise PolicyError(f"desk {desk.slug} already has policy version {policy.version}")
    return PolicyVersion.objects.create(
        desk=desk,
        version=policy.version,
        source=source,
        digest=hashlib.sha256(source.encode()).hexdigest(),
        announced_at=announced_at,
        effective_at=midnight(effective_on, policy.home_zone),
    )


def sync_queues(desk: Desk, preset: Preset) -> None:
    """Queues declared by the policy (PLM: one per country), plus a default one."""
    declared = preset.policy.section("queues") or [
        {"key": "main", "name": preset.name, "calendar": preset.policy.default_calendar}
    ]
    for q in declared:
        Queue.objects.update_or_create(
            desk=desk,
            key=q["key"],
            defaults={
                "name": q.get("name", q["key"]),
                "calendar": q.get("calendar", ""),
                "email": q.get("email", ""),
                "country": q.get("country", q["key"] if len(q["key"]) == 2 else ""),
            },
        )
