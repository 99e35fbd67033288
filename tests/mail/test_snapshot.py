"""The per-process snapshot of desks, queues, addresses, policy versions and members: a change made by any
process (here: a queryset update, which no signal or save() sees) is read by the next message."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User

from casedesk.desks.models import Desk, Membership, PolicyVersion
from casedesk.desks.policies import version_in_force
from casedesk.mail import snapshot
from casedesk.mail.models import InboundAddress
from casedesk.mail.routing import RoutingError, route

pytestmark = pytest.mark.django_db


def test_an_address_changed_behind_its_back_routes_the_next_message(plm: Desk) -> None:
    InboundAddress.objects.create(address="help@plm.test", desk=plm)
    assert route("help@plm.test").desk == plm

    InboundAddress.objects.filter(address="help@plm.test").update(address="desk@plm.test")

    assert route("desk@plm.test").desk == plm
    with pytest.raises(RoutingError):
        route("help@plm.test")


def test_the_version_in_force_is_chosen_for_the_instant_asked(plm: Desk) -> None:
    first = version_in_force(plm, plm.policy_versions.get().effective_at)
    source = PolicyVersion.objects.values_list("source", flat=True).get(pk=first.pk)
    midnight = first.effective_at + timedelta(days=40)
    later = PolicyVersion.objects.create(
        desk=plm, version="next", source=source, digest=first.digest, announced_at=first.effective_at,
        effective_at=midnight,
    )  # fmt: skip
    snap = snapshot.current()
    for at in (first.effective_at - timedelta(days=1), midnight - timedelta(microseconds=1), midnight):
        assert snap.version_in_force(plm, at) == version_in_force(plm, at)
    assert snap.version_in_force(plm, midnight) == later
    assert snap.version_in_force(plm, midnight - timedelta(microseconds=1)) == first


def test_a_member_added_or_deactivated_is_known_at_once(plm: Desk) -> None:
    bob = User.objects.create_user("bob", email="Bob@Desk.test")
    assert snapshot.current().staff_id(plm, "bob@desk.test") is None

    Membership.objects.create(desk=plm, user=bob)
    assert snapshot.current().staff_id(plm, "bob@desk.test") == bob.pk

    User.objects.filter(pk=bob.pk).update(is_active=False)
    assert snapshot.current().staff_id(plm, "bob@desk.test") is None
