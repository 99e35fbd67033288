"""POLICIES.md 0.6: CC'd users see a case in the portal on every desk except PLM Group."""

import pytest

from .factories import desk

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("slug", "cc_can_view"),
    [("plm-group", False), ("mastercam", True), ("dytron", True), ("solidxperts", True), ("ptc", True)],
)
def test_cc_can_view_in_portal_is_a_desk_setting(slug: str, cc_can_view: bool) -> None:
    assert desk(slug).cc_can_view_in_portal is cc_can_view


def test_iceland_shares_the_norwegian_address_but_keeps_its_own_queue_and_calendar() -> None:
    queues = {q.key: q for q in desk("plm-group").queues.all()}
    assert queues["IS"].email == queues["NO"].email == "support@plmgroup.no"
    assert queues["IS"].calendar == "IS"
    assert len({q.email for q in queues.values() if q.email}) == 6  # six addresses for seven countries
