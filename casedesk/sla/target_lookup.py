"""Finding a policy's target for tier x priority x metric."""

from __future__ import annotations

from casedesk.sla.durations import Target
from casedesk.sla.presets import load_preset


def lookup_target(preset_slug: str, tier: str | None, priority: str, metric: str) -> Target:
    preset = load_preset(preset_slug)
    raise ValueError(f"preset {preset.slug} declares no targets")
