"""Automatic mail is never answered nor a case; bounces attach to their case; a loop guard per sender."""

from __future__ import annotations

import pytest

from casedesk.cases.models import Case
from casedesk.desks.models import Desk
from casedesk.mail.intake import Result, accept
from casedesk.mail.models import InboundMessage, ThreadRef

from .mails import mail

pytestmark = pytest.mark.django_db


def deliver(raw: bytes) -> Result:
    return accept(raw, "support@plmgroup.no", source="pipe")


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Auto-Submitted": "auto-replied"}, "Auto-Submitted: auto-replied"),
        ({"Auto-Submitted": "auto-generated"}, "Auto-Submitted: auto-generated"),
        ({"Precedence": "bulk"}, "Precedence: bulk"),
        ({"Precedence": "list"}, "Precedence: list"),
        ({"Precedence": "junk"}, "Precedence: junk"),
        ({"X-Autoreply": "yes"}, "x-autoreply header"),
        ({"X-Autorespond": "Out of office"}, "x-autorespond header"),
    ],
)
def test_automatic_mail_is_stored_never_a_case_and_never_answered(
    plm: Desk, alice, headers: dict[str, str], reason: str  # type: ignore[no-untyped-def]
) -> None:
    result = deliver(mail(frm="alice@no.test", subject="Out of office", headers=headers))
    row = InboundMessage.objects.get(pk=result.message)
    assert (result.outcome, result.reason, row.automatic) == ("ignored_automatic", reason, True)
    assert Case.objects.count() == 0


def test_auto_submitted_no_is_a_person(plm: Desk, alice) -> None:  # type: ignore[no-untyped-def]
    assert deliver(mail(frm="alice@no.test", headers={"Auto-Submitted": "no"})).outcome == "case"


def test_an_out_of_office_reply_on_a_case_is_linked_but_writes_nothing(plm: Desk, alice) -> None:  # type: ignore[no-untyped-def]
    first = deliver(mail(frm="alice@no.test", message_id="<q@alice>"))
    case = Case.objects.get(number=first.case)
    before = list(case.events.values_list("kind", flat=True))  # the opening (and its entitlement record)
    ooo = deliver(mail(frm="alice@no.test", in_reply_to="<q@alice>", headers={"Auto-Submitted": "auto-replied"}))
    assert (ooo.outcome, ooo.case) == ("ignored_automatic", case.number)
    assert list(case.events.values_list("kind", flat=True)) == before


def test_a_bounce_attaches_to_its_case_as_a_delivery_failure(plm: Desk, alice) -> None:  # type: ignore[no-untyped-def]
    case = Case.objects.get(number=deliver(mail(frm="alice@no.test")).case)
    ThreadRef.objects.create(message_id="<sent-7@casedesk>", case=case, outgoing=True)
    report = (
        b"From: MAILER-DAEMON@mx.no.test\nTo: support@plmgroup.no\nSubject: Undelivered Mail Returned to Sender\n"
        b"Auto-Submitted: auto-replied\nMessage-ID: <dsn-1@mx>\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
        b"--b\nContent-Type: text/plain\n\nCould not deliver.\n"
        b"--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.no.test\n\n"
        b"Final-Recipient: rfc822; alice@no.test\nAction: failed\nStatus: 5.2.2\n"
        b"Diagnostic-Code: smtp; 552 mailbox full\n"
        b"\n--b\nContent-Type: text/rfc822-headers\n\nMessage-ID: <sent-7@casedesk>\nSubject: [PLM-000001]\n\n--b--\n"
    )
    result = deliver(report)
    assert (result.outcome, result.case) == ("bounce", case.number)
    event = case.events.get(kind="delivery_failed")
    assert event.data == {"recipient": "alice@no.test", "status": "5.2.2", "diagnostic": "smtp; 552 mailbox full"}
    assert InboundMessage.objects.get(pk=result.message).automatic


def test_a_bounce_for_a_message_we_never_sent_is_ignored_with_the_reason(plm: Desk) -> None:
    report = (
        b"From: MAILER-DAEMON@mx.test\nSubject: failure\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
        b"--b\nContent-Type: text/rfc822-headers\n\nMessage-ID: <spam@elsewhere>\n\n--b--\n"
    )
    result = deliver(report)
    assert result.outcome == "ignored_automatic"
    assert "did not send (<spam@elsewhere>)" in result.reason


def test_the_loop_guard_quarantines_a_sender_over_the_desks_limit(plm: Desk, alice, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CASEDESK_MAIL_SENDER_LIMIT = 3
    outcomes = [deliver(mail(frm="alice@no.test", subject=f"Loop {n}")).outcome for n in range(5)]
    assert outcomes == ["case", "case", "case", "quarantined", "quarantined"]
    row = InboundMessage.objects.filter(outcome="quarantined").first()
    assert row is not None and row.reason == "loop guard: more than 3 messages from alice@no.test within 10 minutes"


def test_mail_from_one_of_our_own_addresses_is_a_loop_and_never_answered(plm: Desk) -> None:
    result = deliver(mail(frm="PLM Support <Support@PLMgroup.dk>", subject="Re: [PLM-000001] received"))
    assert result.outcome == "ignored_automatic"
    assert result.reason == "sent from support@plmgroup.dk, an address of this installation: a mail loop"
    assert Case.objects.count() == 0
