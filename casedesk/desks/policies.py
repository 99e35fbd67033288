"""A desk's policy at run time: versions, notice periods and compiled calendars."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from django.db import transaction

from casedesk.desks.models import Desk, PolicyVersion, Queue
from casedesk.sla import Calendar
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


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def publish_version(
    desk: Desk, source: str, *, announced_at: datetime, effective_at: datetime | None = None
) -> PolicyVersion:
    """Add a policy version. After the first, it takes effect no earlier than
    its announcement plus the policy's notice period (Mastercam: 30 days)."""
    preset = preset_from_text(source, f"{desk.slug}:new")
    policy = preset.policy
    if effective_at is None:
        effective_at = _midnight(policy.effective) if policy.effective else announced_at
    earliest = announced_at + timedelta(days=policy.notice_days)
    has_versions = desk.policy_versions.exists()
    if has_versions and effective_at < earliest:
        raise PolicyError(
            f"version {policy.version} cannot take effect before {earliest:%Y-%m-%d %H:%M} UTC: "
            f"{policy.notice_days} days' notice from the announcement on {announced_at:%Y-%m-%d}"
        )
    if desk.policy_versions.filter(version=policy.version).exists():
        raise PolicyError(f"desk {desk.slug} already has policy version {policy.version}")
    with transaction.atomic():
        version = PolicyVersion.objects.create(
            desk=desk,
            version=policy.version,
            source=source,
            digest=hashlib.sha256(source.encode()).hexdigest(),
            announced_at=announced_at,
            effective_at=effective_at,
        )
        sync_queues(desk, preset)
    return version


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
