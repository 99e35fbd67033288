"""The worker's sweep: warnings and breaches appear on their own as time passes, recorded at their instants,
told to the desk's people when the desk is open, never twice.

alice is a Swedish PLM Group customer; bob is the agent, carol the support manager, dan an agent of the
Sweden team. PLM's Swedish calendar is Mon-Fri 08:00-12:00 and 13:00-16:00 Stockholm; the preset's own
warning points (a reading) are 75 % of the target and 30 minutes of business time before due. Expected
instants are worked out by hand from those hours, never from the code.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from casedesk.cases import services
from casedesk.cases.models import Case, CaseEvent
from casedesk.desks.models import Desk, Membership, Queue, Team
from casedesk.notify.models import OutgoingMail
from tests.cases.factories import customer, desk, staff
from tests.notify.conftest import Capture, smtp  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db
STO = ZoneInfo("Europe/Stockholm")
INTAKE = {"phone": "+46 1234", "product_version": "2025", "service_pack": "SP2.0", "english_ok": "yes"}


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=STO)  # 30 Nov 2026 is a Monday


def run_worker(when: datetime) -> None:
    call_command("worker", "--once", "--at", when.isoformat())


def records(case: Case) -> list[tuple[str, datetime]]:
    rows = CaseEvent.objects.filter(case=case, kind__in=["warning", "breached"]).order_by("at", "id")
    return [(e.kind, e.at.astimezone(STO)) for e in rows]


@pytest.fixture
def plm() -> Desk:
    return desk("plm-group")


@pytest.fixture
def people(plm: Desk) -> dict[str, object]:
    bob, carol, dan = staff("bob"), staff("carol"), staff("dan")
    Membership.objects.create(desk=plm, user=bob, role=Membership.Role.AGENT)
    Membership.objects.create(desk=plm, user=carol, role=Membership.Role.SUPPORT_MANAGER)
    team = Team.objects.create(desk=plm, name="Sweden")
    team.queues.add(Queue.objects.get(desk=plm, key="SE"))
    Membership.objects.create(desk=plm, user=dan, role=Membership.Role.AGENT, team=team)
    return {"bob": bob, "carol": carol, "dan": dan}


def open_case(plm: Desk, tier: str, priority: str, when: datetime) -> Case:
    alice, contract = customer(plm, country="SE", zone="Europe/Stockholm", tier=tier)
    return services.open_case(
        plm, requester=alice, contract=contract, subject="Crash", priority=priority, intake=INTAKE, at=when
    )


def test_warnings_then_the_breach_are_recorded_at_their_instants_and_told_when_the_desk_is_open(  # type: ignore[no-untyped-def]
    plm: Desk,
    people,
    smtp: Capture,  # noqa: F811
) -> None:
    # Standard, critical: 4 h. Mon 09:00 + 3 h (09-12) + 1 h (13-14) = due Mon 14:00.
    # 75 % = 3 h elapsed: Mon 12:00; 30 min before due = 3 h 30 elapsed: Mon 13:30.
    case = open_case(plm, "standard", "critical", at(30, 9))
    services.assign(case, people["bob"], at=at(30, 9, 5))
    run_worker(at(30, 11, 59))
    assert records(case) == []

    run_worker(at(30, 12, 5))  # the 12:00 warning, during lunch: recorded now, told at 13:00 when the desk opens
    assert records(case) == [("warning", at(30, 12))]
    held = OutgoingMail.objects.get(case=case, kind="sla_warning")
    assert held.recipients == ["bob@desk.test"] and held.next_attempt_at == at(30, 13)
    assert smtp.to("bob@desk.test") == []
    run_worker(at(30, 13, 0, 30))
    (told,) = smtp.to("bob@desk.test")
    assert told["Subject"].startswith(f"[{case.number}] SLA warning: Initial response due 2026-11-30 14:00")
    assert told["Auto-Submitted"] == "auto-generated" and "In-Reply-To" not in told

    run_worker(at(30, 14, 5))
    assert records(case) == [("warning", at(30, 12)), ("warning", at(30, 13, 30)), ("breached", at(30, 14))]
    case.refresh_from_db()
    assert case.sla_breached and case.metrics.get(metric="response").status == "overdue"
    breach_mail = {r.message["To"]: r.message["Subject"] for r in smtp.messages[-2:]}
    assert breach_mail == {
        "bob@desk.test": f"[{case.number}] SLA breached: Initial response",
        "carol@desk.test": f"[{case.number}] SLA breached: Initial response",
    }
    sent = len(smtp.messages)
    run_worker(at(30, 14, 6))  # again, and again: nothing new
    run_worker(at(30, 15))
    assert len(records(case)) == 3 and len(smtp.messages) == sent
    assert case.requester.email not in {a for r in smtp.messages for a in r.rcpt_tos}  # internal, never to alice


def test_a_breach_at_closing_time_is_told_at_the_next_opening_not_at_night(  # type: ignore[no-untyped-def]
    plm: Desk,
    people,
    smtp: Capture,  # noqa: F811
) -> None:
    # Premium, critical: 2 h. Mon 14:00 + 2 h = due Mon 16:00, the desk's closing time.
    case = open_case(plm, "premium", "critical", at(30, 14))
    run_worker(at(30, 16, 0, 30))
    assert ("breached", at(30, 16)) in records(case)
    breach = OutgoingMail.objects.filter(case=case, kind="sla_breached")
    # Nobody assigned: the Sweden team (dan) and the support manager (carol), on Tuesday at 08:00.
    assert sorted(r for m in breach for r in m.recipients) == ["carol@desk.test", "dan@desk.test"]
    assert {m.next_attempt_at for m in breach} == {datetime(2026, 12, 1, 8, tzinfo=STO)}  # Tuesday
    run_worker(datetime(2026, 11, 30, 23, 0, tzinfo=STO))
    assert smtp.to("carol@desk.test") == []
    run_worker(datetime(2026, 12, 1, 8, 0, 10, tzinfo=STO))
    assert len(smtp.to("carol@desk.test")) == 1 and len(smtp.to("dan@desk.test")) == 1


def test_an_agent_writing_after_a_warning_point_does_not_lose_it(plm: Desk, people) -> None:  # type: ignore[no-untyped-def]
    case = open_case(plm, "standard", "critical", at(30, 9))
    services.add_note(case, people["bob"], "looking", at=at(30, 12, 10))  # past the 12:00 point, before a sweep
    assert records(case) == [("warning", at(30, 12))]
    run_worker(at(30, 12, 15))
    assert records(case) == [("warning", at(30, 12))]


def test_a_case_answered_in_time_is_never_breached(plm: Desk, people) -> None:  # type: ignore[no-untyped-def]
    case = open_case(plm, "standard", "critical", at(30, 9))
    services.agent_reply(case, people["bob"], "On it.", at=at(30, 10))
    run_worker(at(30, 16))
    case.refresh_from_db()
    assert records(case) == [] and not case.sla_breached and case.attention_at is None


def test_worker_refuses_a_time_without_a_zone() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="zone offset"):
        call_command("worker", "--once", "--at", "2026-11-30T12:00:00")


def test_a_due_at_the_sweeps_own_instant_is_taken_by_the_next_sweep(plm: Desk, people) -> None:  # type: ignore[no-untyped-def]
    # Standard critical 4 h from Mon 09:00: due 14:00. Premium critical 2 h from Mon 09:00: due 11:00.
    at_two = open_case(plm, "standard", "critical", at(30, 9))
    at_eleven = open_case(plm, "premium", "critical", at(30, 9, 0, 30))
    run_worker(at(30, 14))  # exactly at the first due: not passed yet, and the sweep goes on to the others
    assert ("breached", at(30, 11, 0, 30)) in records(at_eleven)
    assert all(kind != "breached" for kind, _ in records(at_two))
    run_worker(at(30, 14, 0, 1))
    assert ("breached", at(30, 14)) in records(at_two)
