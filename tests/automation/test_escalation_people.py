"""Mastercam escalation (POLICIES 0.11): each step is routed to its people and acknowledged to the customer.

mastercam.toml's [policy.notify] (a reading) routes levels 1 and 2 to the support managers and level 3, the
critical route, to the customer's account manager as well, with the policy's subject "Escalation Request".
carl is a US customer whose account manager is erin; carol is the support manager, bob an agent.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from casedesk.cases import services
from casedesk.desks.models import Membership
from casedesk.notify.models import OutgoingMail
from tests.cases.factories import customer, desk, staff

pytestmark = pytest.mark.django_db
CHICAGO = ZoneInfo("America/Chicago")
MC_INTAKE = {"site": "Chicago", "product_version": "2025"}


def test_each_escalation_step_reaches_its_people_and_the_customer() -> None:
    mc = desk("mastercam")
    Membership.objects.create(desk=mc, user=staff("bob"), role=Membership.Role.AGENT)
    Membership.objects.create(desk=mc, user=staff("carol"), role=Membership.Role.SUPPORT_MANAGER)
    carl, contract = customer(mc, country="US", zone="America/Chicago")
    carl.company.account_manager = staff("erin")
    carl.company.save()
    case = services.open_case(
        mc, requester=carl, contract=contract, subject="Post fails", priority="P1", intake=MC_INTAKE,
        at=datetime(2026, 11, 30, 9, 0, tzinfo=CHICAGO),
    )  # fmt: skip
    for level, hour in [(1, 10), (2, 11), (3, 12)]:
        services.escalate(case, level, "no progress", at=datetime(2026, 11, 30, hour, 0, tzinfo=CHICAGO))

    staff_mail = OutgoingMail.objects.filter(case=case, kind="escalation").order_by("id")
    sent = [(m.subject, m.recipients[0]) for m in staff_mail]
    assert sent == [
        (f"[{case.number}] Escalation level 1 (Support manager / supervisor review): Post fails", "carol@desk.test"),
        (f"[{case.number}] Escalation level 2 (Technical-support management): Post fails", "carol@desk.test"),
        (f"[{case.number}] Escalation Request: Post fails", "erin@desk.test"),
        (f"[{case.number}] Escalation Request: Post fails", "carol@desk.test"),
    ]
    acknowledged = OutgoingMail.objects.filter(case=case, audience="requester", recipients=[carl.email])
    assert acknowledged.filter(kind="escalated").count() == 3  # the customer hears of each step
    from django.test import Client

    client = Client()
    client.force_login(case.desk.members.get(user__username="carol").user)
    queue = client.get("/console/").content.decode()
    row = queue[queue.index(f">{case.number}</a>") :].split("</tr>")[0]
    assert "escalated: level 3" in row
