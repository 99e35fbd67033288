"""A new policy version is announced in writing to the customers it will apply to, when it is published
(POLICIES 0.15: Mastercam gives at least 30 days' notice; the notice itself is pinned in
tests/cases/test_policy_versions.py). alice's contract runs past the day the version takes effect, bob's
ends before it; both are Mastercam customers in New York.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from casedesk.accounts.models import Contract
from casedesk.desks.models import Desk
from casedesk.desks.policies import publish_version
from casedesk.notify.announcements import announce_pending
from casedesk.notify.models import OutgoingMail
from casedesk.sla import load_preset
from tests.cases.factories import customer

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")


def test_customers_under_contract_when_it_takes_effect_are_told_once_in_their_language() -> None:
    d = Desk.objects.create(slug="mastercam", name="Mastercam CONNECT", preset="mastercam")
    shipped = load_preset("mastercam").path.read_text()
    publish_version(d, shipped.replace('version = "2025.1"', 'version = "2024.1"'),
                    announced_at=datetime(2024, 1, 1, tzinfo=UTC), effective_on=date(2024, 1, 1))  # fmt: skip
    alice, _ = customer(d, country="US", zone="America/New_York")
    alice.language = "fr"
    alice.save()
    _, bobs = customer(d, country="CA", zone="America/Toronto")
    Contract.objects.filter(pk=bobs.pk).update(ends_on=date(2026, 12, 31))

    announced = datetime(2026, 12, 1, 9, 0, tzinfo=NEW_YORK)
    publish_version(d, shipped, announced_at=announced, effective_on=date(2027, 1, 1))
    assert announce_pending(d, now=announced) == 1
    (mail,) = OutgoingMail.objects.filter(audience="customers")
    assert mail.recipients == [alice.email] and mail.language == "fr" and mail.case is None
    assert (
        "2025.1" in mail.subject
        and "2027-01-01" in mail.subject
        and mail.subject != ("Mastercam CONNECT: support policy 2025.1 takes effect on 2027-01-01")
    )  # French, not the English words
    assert announce_pending(d, now=announced) == 0  # once per version
    call_command("worker", "--once", "--at", "2026-12-01T09:01:00-05:00")  # a minute after it was queued
    mail.refresh_from_db()
    assert mail.state == "sent"
