"""Creating or updating a desk from a shipped preset (idempotent)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.db import transaction
from django.utils import timezone

from casedesk.desks.models import Desk
from casedesk.desks.policies import publish_version, sync_queues
from casedesk.sla import load_preset


@transaction.atomic
def load_desk(slug: str) -> tuple[Desk, bool]:
    """The desk for a preset; a new policy version when the preset's version is new.

    Returns (desk, created). A preset version already loaded is left as it is.
    """
    preset = load_preset(slug)
    policy = preset.policy
    cc_view = (policy.section("visibility") or {}).get("cc_can_view_in_portal", True)
    desk, created = Desk.objects.update_or_create(
        slug=slug, defaults={"name": preset.name, "preset": slug, "cc_can_view_in_portal": cc_view}
    )
    if not desk.policy_versions.filter(version=policy.version).exists():
        source = preset.path.read_text(encoding="utf-8")
        if not desk.policy_versions.exists():
            # The first version is the policy as published: in force from its effective date.
            effective = datetime.combine(policy.effective, time(0), tzinfo=UTC) if policy.effective else None
            announced = effective or timezone.now()
            publish_version(desk, source, announced_at=announced, effective_at=effective)
        else:
            publish_version(desk, source, announced_at=timezone.now())
    sync_queues(desk, preset)
    return desk, created
