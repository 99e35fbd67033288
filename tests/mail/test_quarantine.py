"""Releasing a quarantined message into a case, or discarding it; both recorded with who and when."""

from __future__ import annotations

import pytest

from casedesk.cases.models import Case
from casedesk.desks.models import Desk, Membership
from casedesk.mail.intake import accept
from casedesk.mail.models import InboundAddress, InboundMessage
from casedesk.mail.quarantine import QuarantineError, discard, release
from tests.cases.factories import customer, desk, staff

from .mails import mail

pytestmark = pytest.mark.django_db


def _agent(d: Desk, name: str = "bob"):  # type: ignore[no-untyped-def]
    user = staff(name)
    Membership.objects.create(desk=d, user=user, role=Membership.Role.AGENT)
    return user


def test_a_ptc_message_without_severity_is_released_with_the_agents_severity() -> None:
    ptc = desk("ptc")
    InboundAddress.objects.create(address="support@ptc.example.com", desk=ptc)
    eve, _ = customer(ptc, country="FR", zone="Europe/Paris", scn="SCN-1")
    held = accept(mail(frm=eve.email), "support@ptc.example.com", source="pipe")
    assert held.outcome == "quarantined"
    bob = _agent(ptc)
    msg = release(held.message, actor=bob, priority="S2")
    case = Case.objects.get(pk=msg.case_id)
    assert (msg.outcome, case.priority, msg.handled_by) == ("case", "S2", bob)
    assert msg.reason.startswith("released by bob (was: PTC logs every case with a severity")


def test_mail_to_an_unknown_address_is_released_onto_the_desk_the_agent_chooses(plm: Desk, alice) -> None:  # type: ignore[no-untyped-def]
    held = accept(mail(frm="alice@no.test"), "old-support@plmgroup.no", source="pipe")
    bob = _agent(plm)
    with pytest.raises(QuarantineError, match="choose the desk"):
        release(held.message, actor=bob)
    msg = release(held.message, actor=bob, desk=plm)
    assert msg.outcome == "case" and Case.objects.get(pk=msg.case_id).queue.key == "NO"


def test_a_message_held_by_the_loop_guard_is_released_past_it(plm: Desk, alice, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CASEDESK_MAIL_SENDER_LIMIT = 1
    accept(mail(frm="alice@no.test"), "support@plmgroup.no", source="pipe")
    held = accept(mail(frm="alice@no.test", subject="Second"), "support@plmgroup.no", source="pipe")
    assert held.outcome == "quarantined"
    assert release(held.message, actor=_agent(plm)).outcome == "case"
    assert Case.objects.count() == 2


def test_discard_keeps_the_message_and_who_threw_it_away(plm: Desk) -> None:
    held = accept(mail(), "nobody@plmgroup.no", source="pipe")
    stranger = _agent(desk("dytron"), "mallory")
    bob = staff("bob")
    msg = discard(held.message, actor=bob, note="spam")
    assert (msg.outcome, msg.handled_by) == ("discarded", bob)
    assert msg.reason == "discarded by bob: spam (was: no desk receives mail at nobody@plmgroup.no)"
    assert bytes(InboundMessage.objects.get(pk=held.message).raw)
    with pytest.raises(QuarantineError, match="not quarantined"):
        discard(held.message, actor=stranger)


def test_only_members_of_the_desk_handle_its_quarantine(plm: Desk) -> None:
    held = accept(mail(frm="x@unknown.test", headers={}), "support@plmgroup.no", source="pipe")
    InboundMessage.objects.filter(pk=held.message).update(outcome="quarantined", reason="test")
    with pytest.raises(QuarantineError, match="only a member of PLM Group"):
        release(held.message, actor=_agent(desk("dytron"), "dave"))
