"""Creating or updating a desk from a shipped preset (idempotent)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from casedesk.desks.models import Desk
from casedesk.desks.policies import midnight, publish_version, sync_queues
from casedesk.sla import load_preset


@transaction.atomic
def load_desk(slug: str) -> tuple[Desk, bool]:
    """The desk for a preset; (desk, created).

    A preset version already loaded is left as it is. A new version of a shipped
    preset is announced now and scheduled for the first day its notice allows."""
    preset = load_preset(slug)
    policy = preset.policy
    cc_view = (policy.section("visibility") or {}).get("cc_can_view_in_portal", True)
    desk, created = Desk.objects.update_or_create(
        slug=slug, defaults={"name": preset.name, "preset": slug, "cc_can_view_in_portal": cc_view}
    )
    if not desk.policy_versions.filter(version=policy.version).exists():
        source = preset.path.read_text(encoding="utf-8")
        first = not desk.policy_versions.exists()
        # The first version is the policy as published, in force from its own effective date.
        announced = midnight(policy.effective, policy.home_zone) if first and policy.effective else timezone.now()
        publish_version(desk, source, announced_at=announced)
    sync_queues(desk, preset)
    return desk, created
