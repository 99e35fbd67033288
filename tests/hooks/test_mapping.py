"""Which case events become which webhook events (emit.hook_event, a pure function of the event)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from casedesk.cases.models import CaseEvent
from casedesk.hooks.emit import hook_event

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("opened", "case.opened"),
        ("resolved", "case.resolved"),
        ("escalated", "case.escalated"),
        ("breached", "sla.breached"),
        ("agent_reply", "case.updated"),
        ("customer_reply", "case.updated"),
        ("status", "case.updated"),
        ("priority", "case.updated"),
        ("assigned", "case.updated"),
        ("reopened", "case.updated"),
        ("closed", "case.updated"),
        ("cc_added", "case.updated"),
        ("note", None),  # internal notes are never sent
        ("review", None),
        ("confidential", None),
        ("forwarded_to_vendor", None),
        ("rnd_engaged", None),
        ("delivery_failed", None),
        ("time_logged", None),
        ("entitlement", None),
    ],
)
def test_each_kind_maps_to_its_event(kind: str, expected: str | None) -> None:
    assert hook_event(CaseEvent(kind=kind, data={}), NOW) == expected


def test_a_warning_found_only_after_its_due_is_not_news() -> None:
    due_later = CaseEvent(kind="warning", data={"due": "2026-11-30T13:00:00+00:00"})
    due_passed = CaseEvent(kind="warning", data={"due": "2026-11-30T11:00:00+00:00"})
    assert hook_event(due_later, NOW) == "sla.warning"
    assert hook_event(due_passed, NOW) is None
    assert hook_event(due_passed) == "sla.warning"  # no instant given: recorded as it came
