"""Mastercam CONNECT: response after assignment, resolution clock on priority AND info, bugs."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from casedesk.cases import services

from .factories import customer, desk, staff

pytestmark = pytest.mark.django_db
CHI = ZoneInfo("America/Chicago")
UTC = ZoneInfo("UTC")
INTAKE = {"site": "Plant", "product_version": "2026"}


def _open(at: datetime, priority: str = "", info_complete: bool = True, channel: str = "portal"):  # type: ignore[no-untyped-def]
    d = desk("mastercam")
    alice, contract = customer(d, country="US", zone="America/Chicago")
    return services.open_case(
        d,
        requester=alice,
        subject="Post outputs wrong feed",
        priority=priority,
        contract=contract,
        intake=INTAKE,
        info_complete=info_complete,
        channel=channel,
        at=at,
    )


def metric(case, key):  # type: ignore[no-untyped-def]
    return case.metrics.get(metric=key)


def test_resolution_clock_starts_when_priority_and_information_are_both_there() -> None:
    # Opened Mon 30 Nov 09:00 Chicago without the needed information; P1 set at 10:00; info at 11:00.
    case = _open(datetime(2026, 11, 30, 9, 0, tzinfo=CHI), info_complete=False)
    assert metric(case, "resolution").status == "waiting"
    services.set_priority(case, "P1", at=datetime(2026, 11, 30, 10, 0, tzinfo=CHI))
    assert metric(case, "resolution").status == "waiting"
    services.info_received(case, at=datetime(2026, 11, 30, 11, 0, tzinfo=CHI))
    m = metric(case, "resolution")
    assert m.started_at == datetime(2026, 11, 30, 11, 0, tzinfo=CHI)
    # 8h on 08-17 in the licensed user's zone: 11-17 (6h) + Tue 08-10 (2h) -> Tue 10:00 Chicago.
    assert m.due_at == datetime(2026, 12, 1, 10, 0, tzinfo=CHI)


def test_response_is_the_first_contact_after_assignment() -> None:
    bob, carol = staff("bob"), staff("carol")
    case = _open(datetime(2026, 11, 30, 9, 0, tzinfo=CHI), priority="P1")
    # P1 response 2h from submission: 11:00 Chicago.
    assert metric(case, "response").due_at == datetime(2026, 11, 30, 11, 0, tzinfo=CHI)
    services.agent_reply(case, bob, "Auto-ack", at=datetime(2026, 11, 30, 9, 5, tzinfo=CHI))
    assert metric(case, "response").status == "running"  # not assigned yet: not the response
    services.assign(case, bob, actor=carol, at=datetime(2026, 11, 30, 10, 30, tzinfo=CHI))
    services.agent_reply(case, bob, "Calling you now", at=datetime(2026, 11, 30, 10, 45, tzinfo=CHI))
    m = metric(case, "response")
    assert m.status == "met"
    assert m.stopped_at == datetime(2026, 11, 30, 10, 45, tzinfo=CHI)


def test_bug_classification_removes_every_pending_target() -> None:
    bob = staff("bob")
    case = _open(datetime(2026, 11, 30, 9, 0, tzinfo=CHI), priority="P2")
    services.classify(case, "bug", actor=bob, at=datetime(2026, 11, 30, 9, 30, tzinfo=CHI))
    assert metric(case, "response").status == "cancelled"
    assert metric(case, "resolution").status == "cancelled"
    event = case.events.get(kind="classified")
    assert (event.actor, event.data["classification"]) == (bob, "bug")


def test_a_response_already_met_stays_met_after_bug_classification() -> None:
    bob = staff("bob")
    case = _open(datetime(2026, 11, 30, 9, 0, tzinfo=CHI), priority="P2")
    services.assign(case, bob, at=datetime(2026, 11, 30, 9, 10, tzinfo=CHI))
    services.agent_reply(case, bob, "Hi", at=datetime(2026, 11, 30, 9, 20, tzinfo=CHI))
    services.classify(case, "defect", actor=bob, at=datetime(2026, 11, 30, 9, 30, tzinfo=CHI))
    assert metric(case, "response").status == "met"
    assert metric(case, "resolution").status == "cancelled"


def test_p4_resolution_is_two_weeks_of_business_days_across_thanksgiving() -> None:
    # Mon 23 Nov 10:00 Chicago + 10 business days, Thu 26 Nov (Thanksgiving) closed,
    # Fri 27 open: 24,25,27,30 Nov, 1,2,3,4,7,8 Dec -> Tue 8 Dec 10:00.
    case = _open(datetime(2026, 11, 23, 10, 0, tzinfo=CHI), priority="P4")
    assert metric(case, "resolution").due_at == datetime(2026, 12, 8, 10, 0, tzinfo=CHI)


def test_uk_phone_cases_run_on_uk_hours_in_utc() -> None:
    # UK: 09-17 UTC. Mon 30 Nov 16:00 UTC + P1 response 2h: 16-17 (1h) + Tue 09-10 -> Tue 10:00 UTC.
    case = _open(datetime(2026, 11, 30, 16, 0, tzinfo=UTC), priority="P1", channel="phone_uk")
    assert case.calendar == "UK"
    assert metric(case, "response").due_at == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def test_escalation_goes_level_by_level() -> None:
    carol = staff("carol")
    case = _open(datetime(2026, 11, 30, 9, 0, tzinfo=CHI), priority="P2")
    later = datetime(2026, 12, 2, 9, 0, tzinfo=CHI)
    services.escalate(case, 1, "Customer unhappy", actor=carol, at=later)
    with pytest.raises(services.CaseError, match="already at escalation level 1"):
        services.escalate(case, 1, "again", actor=carol, at=later)
    with pytest.raises(services.CaseError, match="no escalation level 4"):
        services.escalate(case, 4, "x", actor=carol, at=later)
    assert case.escalation_level == 1
