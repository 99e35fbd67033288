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
