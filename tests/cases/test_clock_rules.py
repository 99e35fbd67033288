"""Clocks that keep the record (POLICIES.md 0.16-0.20), each expected value worked out by hand.

PLM Group Denmark (Europe/Copenhagen): Mon-Thu 08-12, 13-16, Fri 08-12, 13-15; Standard
Critical 4 business hours, High 8, Medium 16, Low 4 business days. Mastercam `online`:
Mon-Fri 08-17 in the licensed user's zone; P1 response 2h, resolution 8h; P3 response 24h.
No holidays fall in 30 Nov - 4 Dec 2026 in Denmark or the US.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from casedesk.cases import services, sla_state
from casedesk.cases.models import CaseEvent, SlaMetric
from casedesk.desks.models import Membership

from .factories import customer, desk, staff

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")
NYC = ZoneInfo("America/New_York")
PARIS = ZoneInfo("Europe/Paris")
PLM_INTAKE = {"phone": "+45 1234", "product_version": "2025", "service_pack": "SP2.0", "english_ok": "yes"}
MC_INTAKE = {"site": "Plant", "product_version": "2026"}


def metric(case, key: str = "response") -> SlaMetric:  # type: ignore[no-untyped-def]
    return case.metrics.get(metric=key)


def plm(priority: str, at: datetime, tier: str = "standard"):  # type: ignore[no-untyped-def]
    d = desk("plm-group")
    alice, contract = customer(d, country="DK", zone="Europe/Copenhagen", tier=tier)
    return services.open_case(
        d, requester=alice, subject="Crash", priority=priority, contract=contract, intake=PLM_INTAKE, at=at
    )


def mastercam(priority: str, at: datetime):  # type: ignore[no-untyped-def]
    d = desk("mastercam")
    alice, contract = customer(d, country="US", zone="America/New_York")
    return services.open_case(
        d, requester=alice, subject="Post", priority=priority, contract=contract, intake=MC_INTAKE, at=at
    )


def ptc(priority: str, at: datetime, **extra: str):  # type: ignore[no-untyped-def]
    """A PTC case for a French customer (SCN 4000017); S0 needs a 24/7 phone, given in `extra`."""
    d = desk("ptc")
    alice, contract = customer(d, country="FR", zone="Europe/Paris", scn="4000017")
    intake = {"scn": "4000017", "product": "Creo", "category": "Modeling", "product_version": "11"}
    return services.open_case(
        d,
        requester=alice,
        subject="Creo",
        priority=priority,
        contract=contract,
        intake={**intake, "problem_type": "break-fix", **extra},
        at=at,
    )


def cph(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11 if day > 20 else 12, day, hour, minute, tzinfo=CPH)


def nyc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11 if day > 20 else 12, day, hour, minute, tzinfo=NYC)


# -- 0.16 a target change keeps the record -----------------------------------------


def test_lowering_critical_to_low_keeps_the_miss_recorded_at_its_instant() -> None:
    # Critical from Mon 09:00: 09-12 (3h) + 13-14 (1h) -> due 14:00. Lowered to Low at 15:00:
    # re-timed from the start, Mon 09:00 + 4 bd = Fri 4 Dec 09:00, but the 14:00 miss stays.
    case = plm("critical", cph(30, 9))
    services.set_priority(case, "low", at=cph(30, 15))
    m = metric(case)
    assert m.due_at == cph(4, 9)
    assert m.status == "running"
    assert m.breached
    assert m.breached_at == cph(30, 14)
    [record] = CaseEvent.objects.filter(case=case, kind="breached")
    assert record.at == cph(30, 14)
    assert (record.data["target"], record.data["priority"]) == ("4h", "critical")
    # Answered on Tuesday, well inside Low's 4 days: the case still missed its commitment.
    services.agent_reply(case, staff("bob"), "On it", at=cph(1, 9))
    m = metric(case)
    assert m.status == "missed"
    assert m.breached_at == cph(30, 14)


def test_raising_counts_from_the_start_not_from_the_change() -> None:
    # Low at Mon 09:00, raised to Critical at 10:00: 4 business hours from 09:00 = 14:00 (not 15:00).
    case = plm("low", cph(30, 9))
    services.set_priority(case, "critical", at=cph(30, 10))
    assert metric(case).due_at == cph(30, 14)
    assert not metric(case).breached


def test_a_raise_past_the_new_due_is_overdue_at_once_and_recorded_at_the_next_write() -> None:
    # Low at Mon 09:00; raised to Critical at 15:00: due from the start was 14:00, already past.
    case = plm("low", cph(30, 9))
    services.set_priority(case, "critical", at=cph(30, 15))
    m = metric(case)
    assert m.status == "overdue"
    assert m.due_at == cph(30, 14)
    assert m.breached_at == cph(30, 14)


# -- 0.17 bug/defect removes pending targets only ---------------------------------------


def test_bug_after_a_missed_response_keeps_the_miss_and_removes_the_pending_resolution() -> None:
    # P1 from Mon 09:00 New York: response due 11:00, resolution 8h on 08-17 due 17:00.
    case = mastercam("P1", nyc(30, 9))
    services.classify(case, "bug", at=nyc(30, 12))
    response, resolution = metric(case, "response"), metric(case, "resolution")
    assert response.status == "overdue"
    assert response.breached_at == nyc(30, 11)
    assert resolution.status == "cancelled"
    assert resolution.cancelled_at == nyc(30, 12)
    assert not resolution.breached


def test_bug_after_a_met_response_keeps_it_met() -> None:
    case = mastercam("P1", nyc(30, 9))
    bob = staff("bob")
    services.assign(case, bob, at=nyc(30, 9, 10))
    services.agent_reply(case, bob, "Calling you", at=nyc(30, 9, 30))
    services.classify(case, "defect", at=nyc(30, 10))
    assert metric(case, "response").status == "met"
    assert metric(case, "resolution").status == "cancelled"


def test_clearing_the_classification_brings_the_targets_back_as_if_never_set() -> None:
    case = mastercam("P1", nyc(30, 9))
    services.classify(case, "bug", at=nyc(30, 10))
    assert metric(case, "response").status == "cancelled"
    services.classify(case, "", at=nyc(30, 10, 30))
    m = metric(case, "response")
    assert (m.status, m.due_at) == ("running", nyc(30, 11))
    # Cleared only after the due: as if never set, the response was missed at 11:00.
    other = mastercam("P1", nyc(30, 9))
    services.classify(other, "bug", at=nyc(30, 10))
    services.classify(other, "", at=nyc(30, 12))
    m = metric(other, "response")
    assert (m.status, m.breached_at) == ("overdue", nyc(30, 11))


# -- 0.18 resolution stops every clock -----------------------------------------------


def test_resolved_before_the_due_without_a_reply_is_met() -> None:
    # High from Fri 27 Nov 14:30: 14:30-15:00 + Mon 7h + Tue 08:00-08:30 -> due Tue 1 Dec 08:30.
    case = plm("high", cph(27, 14, 30))
    services.resolve(case, "solved", at=cph(30, 10))
    m = metric(case)
    assert (m.status, m.stopped_at, m.live) == ("met", cph(30, 10), False)
    assert case.next_due_at is None


def test_resolved_after_the_due_without_a_reply_is_missed() -> None:
    case = plm("high", cph(27, 14, 30))
    services.resolve(case, "solved", at=cph(1, 9))
    m = metric(case)
    assert (m.status, m.breached_at) == ("missed", cph(1, 8, 30))
    case.refresh_from_db()
    assert case.sla_breached


# -- 0.19 no priority yet ------------------------------------------------------------


def test_plm_without_a_priority_runs_on_medium_and_says_so() -> None:
    # Medium 16h from Mon 09:00: Mon 6h, Tue 7h (13h), Wed 08:00-11:00 (16h) -> Wed 2 Dec 11:00.
    case = plm("", cph(30, 9))
    m = metric(case)
    assert (m.priority, m.priority_assumed, m.due_at) == ("medium", True, cph(2, 11))
    services.set_priority(case, "medium", at=cph(30, 10))
    m = metric(case)
    assert (m.priority_assumed, m.due_at) == (False, cph(2, 11))


def test_mastercam_without_a_priority_responds_on_p3_but_resolution_waits() -> None:
    # P3 response 24h on 08-17 from Mon 09:00: Mon 8h, Tue 9h (17h), Wed 08:00-15:00 (24h).
    case = mastercam("", nyc(30, 9))
    response = metric(case, "response")
    assert (response.priority, response.priority_assumed, response.due_at) == ("P3", True, nyc(2, 15))
    assert metric(case, "resolution").status == "waiting"


def test_ptc_requires_a_severity_when_the_case_is_logged() -> None:
    with pytest.raises(services.CaseError, match="severity"):
        ptc("", datetime(2026, 11, 30, 9, tzinfo=PARIS))


# -- 0.20 S0 reviews at fixed marks ----------------------------------------------------


def test_s0_review_marks_missed_while_nobody_writes_are_read_as_of_now() -> None:
    opened = datetime(2026, 11, 30, 9, tzinfo=PARIS)
    case = ptc("S0", opened, phone_24x7="+33 1 55")
    # 49 elapsed hours later: marks at +24h and +48h passed without a review; +72h is due.
    [review] = [s for s in sla_state.as_of(case, opened + timedelta(hours=49)) if s.metric == "review"]
    assert review.missed == 2
    assert [b.at for b in review.breaches] == [opened + timedelta(hours=24), opened + timedelta(hours=48)]
    assert review.due_at == opened + timedelta(hours=72)
    assert review.status == "running"


# -- 0.23 Mastercam escalation and resolutions -----------------------------------------


def test_mastercam_escalates_level_1_then_2_and_the_critical_route_needs_p1_or_a_managers_mark() -> None:
    case = mastercam("P2", nyc(30, 9))
    with pytest.raises(services.CaseError, match="level 1"):
        services.escalate(case, 2, "slow", at=nyc(30, 10))
    services.escalate(case, 1, "slow", at=nyc(30, 10))
    services.escalate(case, 2, "still slow", at=nyc(30, 11))
    with pytest.raises(services.CaseError, match="critical"):
        services.escalate(case, 3, "line down", at=nyc(30, 12))
    bob, carol = staff("bob"), staff("carol")
    Membership.objects.create(desk=case.desk, user=carol, role=Membership.Role.SUPPORT_MANAGER)
    with pytest.raises(services.CaseError, match="support manager"):
        services.mark_critical(case, True, actor=bob, at=nyc(30, 12))
    services.mark_critical(case, True, actor=carol, at=nyc(30, 12))
    services.escalate(case, 3, "line down", at=nyc(30, 12, 5))
    assert case.escalation_level == 3
    ev = CaseEvent.objects.get(case=case, kind="escalated", data__level=3)
    assert ev.data["subject"] == "Escalation Request"
    p1 = mastercam("P1", nyc(30, 9))
    services.escalate(p1, 3, "all machines down", at=nyc(30, 9, 30))


def test_mastercam_resolution_is_one_of_the_three_kinds() -> None:
    case = mastercam("P2", nyc(30, 9))
    with pytest.raises(services.CaseError, match="fixed"):
        services.resolve(case, "solved", at=nyc(30, 10))
    services.resolve(case, "fix_timeline_given", at=nyc(30, 10))
    assert case.status == "resolved"


# -- 0.21 commitments and internal goals ------------------------------------------------


def test_ptc_s3_updates_are_a_goal_until_a_schedule_is_agreed_then_a_commitment() -> None:
    # PTC business calendar (reading): Mon-Fri 08-17 in the customer's zone, no holidays.
    case = ptc("S3", datetime(2026, 11, 30, 9, tzinfo=PARIS), problem_type="how-to")
    services.agent_reply(case, staff("bob"), "Here is how", at=datetime(2026, 11, 30, 10, tzinfo=PARIS))
    update = metric(case, "update")
    # The desk's own default of 5 business days from Mon 10:00: Mon 7 Dec 10:00, a goal.
    assert (update.goal, update.target, update.due_at) == (True, "5bd", datetime(2026, 12, 7, 10, tzinfo=PARIS))
    services.agree_schedule(case, "update", "2bd", at=datetime(2026, 11, 30, 11, tzinfo=PARIS))
    update = metric(case, "update")
    # Agreed with the customer: 2 business days from the last update (Mon 10:00) = Wed 10:00, a commitment.
    assert (update.goal, update.target, update.due_at) == (False, "2bd", datetime(2026, 12, 2, 10, tzinfo=PARIS))


def test_a_missed_goal_is_recorded_but_is_no_breached_commitment() -> None:
    # PTC S1 updates every business day (a goal): replied Mon 10:00, next update Tue 10:00; given Wed 10:00.
    case = ptc("S1", datetime(2026, 11, 30, 9, tzinfo=PARIS))
    bob = staff("bob")
    services.agent_reply(case, bob, "Investigating", at=datetime(2026, 11, 30, 10, tzinfo=PARIS))
    services.agent_reply(case, bob, "Update", at=datetime(2026, 12, 2, 10, tzinfo=PARIS))
    update = metric(case, "update")
    assert update.missed == 1
    assert datetime.fromisoformat(update.history[0]["at"]) == datetime(2026, 12, 1, 10, tzinfo=PARIS)
    assert not update.breached
    case.refresh_from_db()
    assert not case.sla_breached
