"""Finding a policy's target for tier x priority x metric (the CLI's --priority form)."""

from __future__ import annotations

from casedesk.sla.durations import Target
from casedesk.sla.policy_schema import ANY_TIER
from casedesk.sla.presets import load_preset


def lookup_target(preset_slug: str, tier: str | None, priority: str, metric: str) -> Target:
    """The target, or ValueError saying which part of the combination the policy lacks."""
    policy = load_preset(preset_slug).policy
    slug = preset_slug
    tiers = {t.key.lower(): t.key for t in policy.tiers}
    prios = {p.key.lower(): p.key for p in policy.priorities}
    if priority.lower() not in prios:
        raise ValueError(f"unknown priority {priority!r} in {slug} (known: {', '.join(prios.values())})")
    prio = prios[priority.lower()]
    if tier:
        if tier.lower() not in tiers:
            known = ", ".join(tiers.values()) or "none: this policy has no tiers"
            raise ValueError(f"unknown tier {tier!r} in {slug} (known: {known})")
        tier_key = tiers[tier.lower()]
    elif any(k[0] != ANY_TIER for k in policy.targets):
        raise ValueError(f"{slug} targets depend on the tier: give --tier ({', '.join(tiers.values())})")
    else:
        tier_key = ANY_TIER
    metric = metric or next(iter(policy.metrics), "")
    if metric not in policy.metrics:
        raise ValueError(f"unknown metric {metric!r} in {slug} (known: {', '.join(policy.metrics)})")
    # A commitment if the policy states one, else the desk's own goal (PTC's update cadences).
    target = policy.target(tier_key, prio, metric) or policy.goal(tier_key, prio, metric)
    if target is None:
        where = f"tier {tier_key}, " if tier_key != ANY_TIER else ""
        raise ValueError(f"{slug} has no {metric} target for {where}priority {prio}")
    return target
