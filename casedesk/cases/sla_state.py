"""A case's SLA metric rows, recomputed from its events by the pure engine."""

from __future__ import annotations

from datetime import datetime

from casedesk.cases.models import Case, CaseEvent, SlaMetric
from casedesk.desks.policies import calendar_of, preset_of
from casedesk.sla import Calendar, Target, parse_target
from casedesk.sla.clock import Event, MetricState, compute

_FIELDS = ["name", "status", "target", "calendar", "started_at", "due_at", "stopped_at"]
_FIELDS += ["remaining_seconds", "breached", "missed"]


def states(case: Case, now: datetime, events: list[Event] | None = None) -> list[MetricState]:
    """Every metric of the case's policy version as of `now`."""
    version = case.policy_version
    policy = preset_of(version).policy
    overrides = case.contract.targets if case.contract_id and case.contract else {}

    def calendar_for(name: str) -> Calendar:
        return calendar_of(version, name, case.calendar_zone or None)

    def target_for(priority: str, metric: str) -> Target | None:
        text = overrides.get(priority, {}).get(metric) if overrides else None
        if text:
            return None if text == "none" else parse_target(text)
        return policy.target(case.tier or "*", priority, metric)

    if events is None:
        events = [Event(e.kind, e.at, e.data) for e in CaseEvent.objects.filter(case=case).order_by("at", "id")]
    return compute(policy, events, now, calendar_for, target_for, case.calendar)


def recompute(case: Case, now: datetime, events: list[Event] | None = None, new: bool = False) -> list[SlaMetric]:
    """Write the metric rows of a case; the same events always give the same rows.

    A case just opened passes its one event and new=True, saving two reads."""
    existing = {} if new else {m.metric: m for m in SlaMetric.objects.filter(case=case)}
    created: list[SlaMetric] = []
    changed: list[SlaMetric] = []
    for st in states(case, now, events):
        row = existing.get(st.metric) or SlaMetric(case=case, metric=st.metric)
        for f in _FIELDS:
            setattr(row, f, _value(st, f))
        (changed if row.pk else created).append(row)
    if created:
        SlaMetric.objects.bulk_create(created)
    if changed:
        SlaMetric.objects.bulk_update(changed, _FIELDS)
    return created + changed


def _value(st: MetricState, field: str) -> object:
    value = getattr(st, field)
    return "" if value is None and field in {"target", "calendar"} else value
