"""A case's targets: its contract's own first, then the policy's (one helper for the services and the replay).

A contract may state its own targets per priority and metric (DYTRON SLA, POLICIES 0.22): "4h", "1bd", or
"none" for no target at all. What it does not state comes from the policy: its commitments, then the desk's
internal goals.
"""

from __future__ import annotations

from collections.abc import Mapping

from casedesk.sla.clock import Rule, TargetFor, policy_targets
from casedesk.sla.durations import parse_target
from casedesk.sla.policy_schema import Policy

Overrides = Mapping[str, Mapping[str, str]]


def contract_targets(policy: Policy, overrides: Overrides | None) -> TargetFor:
    """target_for of a case under `policy` whose contract states `overrides` ({priority: {metric: text}})."""
    from_policy = policy_targets(policy)
    if not overrides:
        return from_policy

    def target_for(tier: str, priority: str, metric: str) -> Rule | None:
        text = overrides.get(priority, {}).get(metric)
        if text:
            return None if text == "none" else Rule(parse_target(text))  # the contract's own: a commitment
        return from_policy(tier, priority, metric)

    return target_for
