"""PTC S0 (POLICIES 0.10): the support manager is told when a case opens as S0 or is raised to S0, and a
management review missed at night is told at once: S0's review runs on elapsed hours (24x7), so no opening of
the desk is awaited.

alice is a French PTC customer; bob is the agent, carol the support manager. Reviews fall due 24 elapsed hours
after the case became S0 (tests/cases/test_ptc.py pins the marks).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from casedesk.cases import services
from casedesk.cases.models import Case
from casedesk.desks.models import Desk, Membership
from casedesk.notify.models import OutgoingMail
from tests.cases.factories import customer, desk, staff
from tests.cases.test_ptc import INTAKE
from tests.notify.conftest import Capture, smtp  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
PHONE = {"phone_24x7": "+33 1 55 55 01 00"}


@pytest.fixture
def ptc() -> Desk:
    d = desk("ptc")
    Membership.objects.create(desk=d, user=staff("bob"), role=Membership.Role.AGENT)
    Membership.objects.create(desk=d, user=staff("carol"), role=Membership.Role.SUPPORT_MANAGER)
    return d


def open_ptc(ptc: Desk, priority: str, when: datetime, **extra: str) -> Case:
    alice, contract = customer(ptc, country="FR", zone="Europe/Paris", scn="4000017")
    intake = {**INTAKE, **extra}
    return services.open_case(
        ptc, requester=alice, contract=contract, subject="Production down", priority=priority, intake=intake, at=when
    )


def test_the_support_manager_is_told_when_a_case_opens_as_s0(ptc: Desk, smtp: Capture) -> None:  # noqa: F811
    case = open_ptc(ptc, "S0", datetime(2026, 11, 28, 23, 30, tzinfo=PARIS), **PHONE)  # a Saturday night
    call_command("worker", "--once", "--at", "2026-11-28T23:31:00+01:00")
    (told,) = smtp.to("carol@desk.test")
    assert told["Subject"] == f"[{case.number}] Opened as S0 - Business stopped: Production down"  # ptc.toml
    assert smtp.to("bob@desk.test") == []  # the policy names the support manager only


def test_raising_to_s0_tells_the_manager_and_lowering_does_not(ptc: Desk, smtp: Capture) -> None:  # noqa: F811
    case = open_ptc(ptc, "S2", datetime(2026, 11, 30, 10, 0, tzinfo=PARIS), **PHONE)
    assert not OutgoingMail.objects.filter(case=case, audience="staff").exists()
    services.set_priority(case, "S0", at=datetime(2026, 11, 30, 11, 0, tzinfo=PARIS))
    services.set_priority(case, "S1", at=datetime(2026, 11, 30, 12, 0, tzinfo=PARIS))
    staff_mail = OutgoingMail.objects.filter(case=case, audience="staff")
    assert [(m.kind, m.recipients) for m in staff_mail] == [("priority_raised", ["carol@desk.test"])]


def test_a_review_missed_at_night_is_told_at_once(ptc: Desk, smtp: Capture) -> None:  # noqa: F811
    # Opened as S0 on Friday 27 Nov 2026 at 02:00 Paris: the first review is due Saturday 02:00.
    case = open_ptc(ptc, "S0", datetime(2026, 11, 27, 2, 0, tzinfo=PARIS), **PHONE)
    services.assign(
        case, case.desk.members.get(user__username="bob").user, at=datetime(2026, 11, 27, 2, 5, tzinfo=PARIS)
    )
    call_command("worker", "--once", "--at", "2026-11-28T02:01:00+01:00")
    missed = case.events.filter(kind="breached", data__metric="review")
    assert [e.at for e in missed] == [datetime(2026, 11, 28, 2, 0, tzinfo=PARIS)]
    review_mail = OutgoingMail.objects.filter(case=case, kind="sla_breached")
    assert {r for m in review_mail for r in m.recipients} == {"bob@desk.test", "carol@desk.test"}
    assert {m.state for m in review_mail} == {"sent"}  # at 02:01 on a Saturday, not on Monday


def test_an_update_cadence_reminds_the_assignee_and_a_miss_is_a_missed_update_not_a_breach(  # type: ignore[no-untyped-def]
    ptc: Desk,
    smtp: Capture,  # noqa: F811
) -> None:
    # S2: next update every 3 business days (the desk's goal) on Mon-Fri 08:00-17:00 Paris, from the first reply.
    # Reply Mon 30 Nov 10:00 -> due Thu 3 Dec 10:00; 27 business hours, so 75 % = 20 h 15 m: Mon 10-17 (7 h),
    # Tue (9 h), Wed 08:00 + 4 h 15 = Wed 12:15; 30 min before due: Thu 09:30.
    case = open_ptc(ptc, "S2", datetime(2026, 11, 30, 9, 0, tzinfo=PARIS))
    bob = case.desk.members.get(user__username="bob").user
    services.assign(case, bob, at=datetime(2026, 11, 30, 9, 30, tzinfo=PARIS))
    services.agent_reply(case, bob, "Looking into it.", at=datetime(2026, 11, 30, 10, 0, tzinfo=PARIS))
    call_command("worker", "--once", "--at", "2026-12-02T12:16:00+01:00")
    (reminder,) = smtp.to("bob@desk.test")
    assert reminder["Subject"] == f"[{case.number}] SLA warning: Next status update due 2026-12-03 10:00 CET"
    call_command("worker", "--once", "--at", "2026-12-03T10:01:00+01:00")
    missed = case.events.get(kind="breached", data__metric="update")
    assert missed.at == datetime(2026, 12, 3, 10, 0, tzinfo=PARIS) and missed.data["goal"] is True
    case.refresh_from_db()
    assert not case.sla_breached  # an internal goal: never a missed commitment (POLICIES 0.21)
    subjects = [m["Subject"] for m in smtp.to("bob@desk.test")]
    assert subjects[-1] == f"[{case.number}] Internal goal missed: Next status update"
    assert smtp.to("carol@desk.test") == []  # goals are the assignee's, not the manager's


def test_rnd_engagement_is_an_event_on_the_case(ptc: Desk) -> None:
    from django.test import Client

    case = open_ptc(ptc, "S0", datetime(2026, 11, 30, 9, 0, tzinfo=PARIS), **PHONE)
    client = Client()
    client.force_login(case.desk.members.get(user__username="bob").user)
    r = client.post(f"/console/cases/{case.number}/rnd/", {"rnd-note": "SPR 12345 opened with R&D"})
    assert r.status_code == 302
    event = case.events.get(kind="rnd_engaged")
    assert event.data["note"] == "SPR 12345 opened with R&D" and event.actor is not None
    page = client.get(f"/console/cases/{case.number}/").content.decode()
    assert "rnd engaged" in page and "SPR 12345 opened with R&amp;D" in page


def test_the_manager_is_reminded_before_each_review_mark(ptc: Desk, smtp: Capture) -> None:  # noqa: F811
    # Opened as S0 on Mon 30 Nov 2026 at 09:00 Paris: the review mark is Tue 09:00; ptc.toml's reminders
    # (a reading) fall 18 h after the opening (75 % of 24 h), Tue 03:00, and 30 minutes before, Tue 08:30.
    case = open_ptc(ptc, "S0", datetime(2026, 11, 30, 9, 0, tzinfo=PARIS), **PHONE)
    call_command("worker", "--once", "--at", "2026-12-01T03:00:30+01:00")
    warned = case.events.filter(kind="warning", data__metric="review")
    assert [e.at for e in warned] == [datetime(2026, 12, 1, 3, 0, tzinfo=PARIS)]
    reminder = [m for m in smtp.to("carol@desk.test") if "SLA warning" in m["Subject"]]
    assert len(reminder) == 1  # at 03:00: the review runs round the clock, so nobody waits for office hours
    services.record_review(case, "held", actor=None, at=datetime(2026, 12, 1, 8, 0, tzinfo=PARIS))
    call_command("worker", "--once", "--at", "2026-12-01T09:05:00+01:00")
    assert not case.events.filter(kind="breached").exists()  # reviewed before the mark: nothing missed
