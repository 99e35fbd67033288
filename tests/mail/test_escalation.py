"""Mastercam (POLICIES 0.11, 0.23): escalation asked for by an e-mail reply quoting the case number."""

from __future__ import annotations

import pytest

from casedesk.cases import services
from casedesk.cases.models import Case
from casedesk.desks.models import Desk, Membership
from casedesk.mail.intake import Result, accept
from casedesk.mail.models import InboundAddress
from tests.cases.factories import customer, desk, staff

from .mails import mail

pytestmark = pytest.mark.django_db
ADDRESS = "support@mastercam.example.com"


@pytest.fixture
def mastercam() -> Desk:
    d = desk("mastercam")
    InboundAddress.objects.create(address=ADDRESS, desk=d)
    return d


def _open(mastercam: Desk, priority: str) -> Case:
    carl, _ = customer(mastercam, country="US", zone="America/Chicago")
    body = "The post processor writes the wrong feed.\nMastercam version: 2026\n"
    case = Case.objects.get(number=deliver(mail(frm=carl.email, subject="Post output wrong", body=body)).case)
    return services.set_priority(case, priority)


def deliver(raw: bytes) -> Result:
    return accept(raw, ADDRESS, source="pipe")


def test_a_reply_asking_to_escalate_goes_one_ordinary_level_at_a_time(mastercam: Desk) -> None:
    case = _open(mastercam, "P3")
    first = deliver(mail(frm="alice@us.test", subject=f"Re: [{case.number}] Please escalate"))
    case.refresh_from_db()
    assert (first.outcome, case.escalation_level) == ("comment", 1)
    escalated = case.events.get(kind="escalated")
    assert escalated.data["reason"] == "requested by e-mail from alice@us.test"
    deliver(mail(frm="alice@us.test", subject=f"RE: {case.number} escalation needed"))
    case.refresh_from_db()
    assert case.escalation_level == 2


def test_escalation_request_starts_only_the_critical_route_and_not_for_a_p3(mastercam: Desk) -> None:
    case = _open(mastercam, "P3")
    result = deliver(mail(frm="alice@us.test", subject=f"Escalation Request {case.number}"))
    case.refresh_from_db()
    assert (result.outcome, case.escalation_level) == ("comment", 0)  # the message is kept as a reply
    assert result.reason.startswith("escalation not started: Executive Sponsor or Customer Success Manager is only")


def test_escalation_request_on_a_p1_or_a_case_marked_critical_starts_the_critical_route(mastercam: Desk) -> None:
    p1 = _open(mastercam, "P1")
    deliver(mail(frm="alice@us.test", subject=f"Re: [{p1.number}] Escalation Request"))
    p1.refresh_from_db()
    assert p1.escalation_level == 3
    carol = staff("carol")
    Membership.objects.create(desk=mastercam, user=carol, role=Membership.Role.SUPPORT_MANAGER)
    p3 = Case.objects.get(number=deliver(mail(frm="alice@us.test", body="Mastercam version: 2026")).case)
    services.mark_critical(p3, True, actor=carol)
    deliver(mail(frm="alice@us.test", subject=f"Escalation Request - {p3.number}"))
    p3.refresh_from_db()
    assert p3.escalation_level == 3


def test_a_stranger_cannot_escalate_someone_elses_case(mastercam: Desk) -> None:
    case = _open(mastercam, "P1")
    result = deliver(mail(frm="mallory@evil.test", subject=f"Escalation Request {case.number}"))
    case.refresh_from_db()
    assert result.outcome == "case" and case.escalation_level == 0
