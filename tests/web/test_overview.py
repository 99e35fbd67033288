"""The manager's overview: counts a manager can check by hand against the cases behind them."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from casedesk.cases import services
from casedesk.console.overview import overview
from casedesk.desks.models import Membership
from tests.cases.factories import customer, desk, staff

pytestmark = pytest.mark.django_db
MC_INTAKE = {"site": "Plant", "product_version": "2026"}


def test_a_manager_sees_overdue_missed_removed_and_escalated_cases_of_their_desk(client: Client) -> None:
    d = desk("mastercam")
    alice, contract = customer(d, country="US", zone="America/New_York")
    carol, bob = staff("carol"), staff("bob")
    Membership.objects.create(desk=d, user=carol, role=Membership.Role.SUPPORT_MANAGER)
    Membership.objects.create(desk=d, user=bob, role=Membership.Role.AGENT)
    old = timezone.now() - timedelta(days=20)  # P1: 2h response, 8h resolution: both long past

    def open_p1(subject: str):  # type: ignore[no-untyped-def]
        return services.open_case(d, requester=alice, subject=subject, priority="P1", contract=contract,
                                  intake=MC_INTAKE, at=old)  # fmt: skip

    _overdue, escalated, bug, resolved = (open_p1(s) for s in ("overdue", "escalated", "bug", "resolved"))
    services.escalate(escalated, 1, "slow", at=old + timedelta(minutes=5))
    services.classify(bug, "bug", at=old + timedelta(minutes=10))  # before any due (2h): both targets removed
    # 10 days later is past 2h and 8h of Mon-Fri 08-17 business time whatever the day (holidays included).
    services.resolve(resolved, "fixed", at=old + timedelta(days=10))  # after both dues: 2 commitments missed
    client.force_login(carol)
    page = client.get(f"/console/overview/{d.slug}/").content.decode()
    assert page.count('<td><a href="/console/cases/') == 1  # one open escalation listed
    assert escalated.number in page
    # Open now: overdue and escalated are overdue (never answered); the bug case has no clock running.
    assert "<h2>2</h2><p>open cases overdue now" in page
    assert "<h2>1</h2><p>open cases without a clock" in page
    assert "<svg" in page and "missed" in page and "removed (bug/defect or out of scope)" in page
    # The resolved case settled 2 missed commitments (response, resolution); the bug case's 2 targets were removed.
    weeks = overview(d).weeks
    assert len(weeks) == 12
    assert (sum(w.met for w in weeks), sum(w.missed for w in weeks), sum(w.removed for w in weeks)) == (0, 2, 2)


def test_only_the_desks_support_managers_see_its_overview(client: Client) -> None:
    d = desk("mastercam")
    bob = staff("bob")
    Membership.objects.create(desk=d, user=bob, role=Membership.Role.AGENT)
    client.force_login(bob)
    assert client.get(f"/console/overview/{d.slug}/").status_code == 404
    assert client.get("/console/overview/no-such-desk/").status_code == 404
    client.force_login(User.objects.create_superuser("root", "root@x.test", "pw"))
    assert client.get(f"/console/overview/{d.slug}/").status_code == 200
