"""Threading: In-Reply-To/References first, then the case number in the subject for participants only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from casedesk.accounts.models import Contact
from casedesk.cases import services
from casedesk.cases.models import Case
from casedesk.desks.models import Desk, Membership
from casedesk.mail.intake import Result, accept
from casedesk.mail.models import InboundMessage, ThreadRef
from tests.cases.factories import customer, staff

from .mails import mail


def deliver(raw: bytes, to: str = "support@plmgroup.no") -> Result:
    return accept(raw, to, source="pipe")


pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(plm: Desk, alice) -> Case:  # type: ignore[no-untyped-def]
    result = deliver(mail(frm="alice@no.test", message_id="<first@alice>"))
    return Case.objects.get(number=result.case)


def test_a_reply_naming_the_first_message_is_a_comment_with_the_quote_folded(opened: Case) -> None:
    body = "It works after SP5.1, thanks.\n\nOn Tue, 1 Dec 2026, Alice wrote:\n> It crashes when I save."
    result = deliver(mail(frm="alice@no.test", subject="Re: crash", body=body, in_reply_to="<first@alice>"))
    assert (result.outcome, result.case) == ("comment", opened.number)
    event = opened.events.get(kind="customer_reply")
    assert event.body == "It works after SP5.1, thanks."
    row = InboundMessage.objects.get(pk=result.message)
    assert row.event == event and "> It crashes" in row.text  # the full original stays available
    assert ThreadRef.objects.filter(case=opened).count() == 2


def test_a_reply_to_a_message_the_desk_sent_threads_too(opened: Case) -> None:
    ThreadRef.objects.create(message_id="<notify-1@casedesk>", case=opened, outgoing=True)
    result = deliver(mail(frm="alice@no.test", subject="Re: your case", in_reply_to="<notify-1@casedesk>"))
    assert (result.outcome, result.case) == ("comment", opened.number)


def test_the_case_number_in_the_subject_threads_for_the_requester(opened: Case) -> None:
    result = deliver(mail(frm="alice@no.test", subject=f"More logs [{opened.number}]"))
    assert (result.outcome, result.case) == ("comment", opened.number)


def test_a_stranger_quoting_someone_elses_case_number_gets_a_new_case(opened: Case) -> None:
    result = deliver(mail(frm="mallory@evil.test", subject=f"Re: {opened.number}"))
    assert result.outcome == "case" and result.case != opened.number
    assert not opened.events.filter(kind="customer_reply").exists()


def test_a_stranger_holding_the_message_id_still_gets_a_new_case(opened: Case) -> None:
    result = deliver(mail(frm="mallory@evil.test", in_reply_to="<first@alice>"))
    assert result.outcome == "case" and result.case != opened.number


def test_a_customer_of_another_company_quoting_the_number_gets_a_new_case(plm: Desk, opened: Case) -> None:
    other, _ = customer(plm, country="DK", zone="Europe/Copenhagen", tier="standard")
    result = deliver(mail(frm=other.email, subject=f"Re: {opened.number}"))
    assert result.outcome == "case" and result.case != opened.number


def test_a_cc_on_the_case_may_reply_by_number(opened: Case) -> None:
    bob_customer = Contact.objects.create(company=opened.company, name="Berit", email="berit@no.test")
    services.add_cc(opened, bob_customer)
    result = deliver(mail(frm="berit@no.test", subject=f"Re: {opened.number} also here"))
    assert (result.outcome, result.case) == ("comment", opened.number)


def test_a_colleague_copied_on_the_first_message_becomes_cc(plm: Desk, alice) -> None:  # type: ignore[no-untyped-def]
    contact, _ = alice
    Contact.objects.create(company=contact.company, name="Berit", email="berit@no.test")
    result = deliver(mail(frm="alice@no.test", cc="Berit <BERIT@no.test>, someone@else.test"))
    case = Case.objects.get(number=result.case)
    assert [cc.contact.email for cc in case.ccs.all()] == ["berit@no.test"]


def test_a_reply_after_a_target_passed_is_linked_to_the_reply_not_the_breach(plm: Desk, alice) -> None:  # type: ignore[no-untyped-def]
    """The breach is recorded by the reply's write, after the reply's event: the message still links to its reply."""
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    first = accept(mail(frm="alice@no.test", message_id="<slow@alice>"), "support@plmgroup.no", source="pipe", at=start)
    reply = mail(frm="alice@no.test", subject="Re: anyone?", body="Still waiting.", in_reply_to="<slow@alice>")
    result = accept(reply, "support@plmgroup.no", source="pipe", at=start + timedelta(days=30))
    assert (result.outcome, result.case) == ("comment", first.case)
    case = Case.objects.get(number=first.case)
    assert case.events.filter(kind="breached").exists()
    row = InboundMessage.objects.get(pk=result.message)
    assert row.event is not None and (row.event.kind, row.event.body) == ("customer_reply", "Still waiting.")


def test_the_desks_own_address_in_cc_is_never_copied_on_the_case(plm: Desk, alice) -> None:  # type: ignore[no-untyped-def]
    contact, _ = alice
    Contact.objects.create(company=contact.company, name="Desk loop", email="support@plmgroup.dk")
    cc = "support@plmgroup.dk, Berit <berit@no.test>"
    Contact.objects.create(company=contact.company, name="Berit", email="berit@no.test")
    result = deliver(mail(frm="alice@no.test", cc=cc))
    case = Case.objects.get(number=result.case)
    assert [c.contact.email for c in case.ccs.all()] == ["berit@no.test"]


def test_the_agent_replying_by_mail_is_an_agent_reply(plm: Desk, opened: Case) -> None:
    bob = staff("bob")
    Membership.objects.create(desk=plm, user=bob, role=Membership.Role.AGENT)
    result = deliver(mail(frm="bob@desk.test", subject=f"Re: {opened.number}", body="Please send the log."))
    assert (result.outcome, result.case) == ("comment", opened.number)
    event = opened.events.get(kind="agent_reply")
    assert (event.actor, event.body) == (bob, "Please send the log.")


def test_a_reply_to_a_closed_case_opens_a_new_one_and_says_so(opened: Case) -> None:
    services.resolve(opened, "fixed")
    services.close(opened)
    result = deliver(mail(frm="alice@no.test", subject=f"Re: {opened.number}"))
    assert result.outcome == "case" and result.case != opened.number
    new = Case.objects.get(number=result.case)
    assert f"case {opened.number} is closed" in new.description
