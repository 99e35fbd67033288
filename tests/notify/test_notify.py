"""Case notifications through a real SMTP server: who gets what, in which language, threaded, sent once."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, override, pgettext

from casedesk.accounts.models import Contact, Contract
from casedesk.cases import services
from casedesk.cases.models import Case, CaseEvent
from casedesk.desks.models import Desk
from casedesk.mail.intake import accept
from casedesk.mail.models import InboundAddress, ThreadRef
from casedesk.notify.models import OutgoingMail
from casedesk.notify.sending import BACKOFF, send_due, send_one
from tests.cases.factories import customer, desk, staff
from tests.mail.mails import mail

from .conftest import Capture

pytestmark = pytest.mark.django_db
STO = ZoneInfo("Europe/Stockholm")
INTAKE = {"phone": "+46 1234", "product_version": "2025", "service_pack": "SP2.0", "english_ok": "yes"}
MONDAY_9 = datetime(2026, 11, 30, 9, tzinfo=STO)


def sv(msgid: str, context: str = "") -> str:
    """The Swedish catalogue's words for an English message id (and they are not the English ones)."""
    with override("sv"):
        text = pgettext(context, msgid) if context else gettext(msgid)
    assert text != msgid, f"the Swedish catalogue lacks {msgid!r}"
    return text


@pytest.fixture
def plm() -> Desk:
    return desk("plm-group")


@pytest.fixture
def alice(plm: Desk) -> tuple[Contact, Contract]:
    """alice@se.test, a Swedish PLM customer who reads Swedish."""
    contact, contract = customer(plm, country="SE", zone="Europe/Stockholm", tier="standard")
    contact.language = "sv"
    contact.save(update_fields=["language"])
    return contact, contract


@pytest.fixture
def carol_cc(alice: tuple[Contact, Contract]) -> Contact:
    """Alice's colleague, copied on her cases; she reads English."""
    a = alice[0]
    return Contact.objects.create(company=a.company, site=a.site, name="Carl", email="carl@se.test", zone=a.zone)


def open_plm(plm: Desk, alice: tuple[Contact, Contract], **kw) -> Case:  # type: ignore[no-untyped-def]
    contact, contract = alice
    fields = {"subject": "Crash on rebuild", "description": "It crashes.", "priority": "high", "at": MONDAY_9}
    fields.update(kw)
    return services.open_case(plm, requester=contact, contract=contract, intake=INTAKE, **fields)


def only(messages: list[EmailMessage]) -> EmailMessage:
    assert len(messages) == 1, [m["Subject"] for m in messages]
    return messages[0]


def text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")


def test_opening_a_plm_case_tells_the_requester_in_swedish_and_the_cc_with_the_targets(
    smtp: Capture, plm: Desk, alice: tuple[Contact, Contract], carol_cc: Contact
) -> None:
    case = open_plm(plm, alice)
    services.add_cc(case, carol_cc, at=MONDAY_9)
    assert case.number == "PLM-000001"
    call_command("notify-send", "--once")

    to_alice = only(smtp.to("alice@se.test"))
    assert to_alice["Subject"] == "[PLM-000001] Crash on rebuild"
    assert to_alice["From"] == "PLM Group <support@plmgroup.se>"  # the Swedish queue's inbound address
    assert to_alice["To"] == "alice@se.test"
    assert to_alice["Auto-Submitted"] == "auto-generated"
    # SE standard, high: 8 business hours from Monday 09:00, shown in her zone (as the portal shows it).
    due = case.metrics.get(metric="response").due_at.astimezone(STO)
    assert f"{due:%Y-%m-%d %H:%M %Z}" == "2026-12-01 10:00 CET"
    lines = text(to_alice).splitlines()
    assert lines[0] == sv("Hello %(name)s,") % {"name": "Alice"}
    assert lines[1] == ""
    assert lines[2] == sv("We have received your request and opened case %(number)s:") % {"number": "PLM-000001"}
    assert lines[3] == "Crash on rebuild"
    assert lines[4] == ""
    assert lines[5] == f"{sv('Priority')}: {sv('High', 'support policy')}"
    assert lines[6] == ""
    assert lines[7] == sv("What to expect from support (in your time zone):")
    first = sv("Initial response", "support policy")  # the PLM policy's name of its response target
    assert lines[8] == "- " + sv("%(what)s by %(when)s") % {"what": first, "when": "2026-12-01 10:00 CET"}
    assert lines[9] == ""
    assert lines[10] == sv("Follow the case in the support portal:")
    assert lines[11] == "http://127.0.0.1:8000/portal/cases/PLM-000001/"  # the requester sees it in the portal
    assert lines[12:] == ["", sv("Reply to this e-mail to add to case %(number)s.") % {"number": "PLM-000001"},
                          "", "PLM Group"]  # fmt: skip

    # The CC: told when copied, in her own language (English), without a portal link (PLM: POLICIES 0.6).
    to_carl = only(smtp.to("carl@se.test"))
    assert to_carl["Subject"] == "[PLM-000001] Crash on rebuild"
    body = text(to_carl)
    assert "Alice has copied you on case PLM-000001; you will receive its e-mails:" in body
    assert "- Initial response by 2026-12-01 10:00 CET" in body and "/portal/" not in body
    assert len(smtp.messages) == 2


def test_the_cc_gets_every_later_message_too(smtp: Capture, plm: Desk, alice, carol_cc: Contact) -> None:  # type: ignore[no-untyped-def]
    case = open_plm(plm, alice)
    services.add_cc(case, carol_cc, at=MONDAY_9)
    services.agent_reply(case, staff("bob"), "Please send the log.", at=MONDAY_9 + timedelta(hours=1))
    send_due()
    assert [m["Subject"] for m in smtp.to("carl@se.test")] == ["[PLM-000001] Crash on rebuild"] * 2
    assert "Please send the log." in text(smtp.to("carl@se.test")[1])


def test_an_agent_reply_is_sent_and_an_internal_note_is_not(smtp: Capture, plm: Desk, alice) -> None:  # type: ignore[no-untyped-def]
    case = open_plm(plm, alice)
    bob = staff("bob")
    services.add_note(case, bob, "Customer is on an old service pack, internal only.", at=MONDAY_9)
    services.agent_reply(case, bob, "Please install SP5.1 and try again.", at=MONDAY_9 + timedelta(minutes=5))
    assert not OutgoingMail.objects.filter(event__kind="internal_note").exists()
    send_due()
    _opened, reply = smtp.to("alice@se.test")
    body = text(reply)
    assert sv("Support has replied on case %(number)s:") % {"number": case.number} in body
    assert "Please install SP5.1 and try again." in body
    assert "Auto-Submitted" not in reply  # a person wrote it
    assert all("internal only" not in text(r.message) for r in smtp.messages)


def test_replies_thread_both_ways(smtp: Capture, plm: Desk, alice) -> None:  # type: ignore[no-untyped-def]
    """An e-mail case: our messages answer the requester's original; a reply to ours comes back to the case."""
    result = accept(mail(frm="Alice <alice@se.test>", to="support@plmgroup.se", subject="Crash S2",
                         body="Severity: high\nIt crashes.", message_id="<first@alice>"),
                    "support@plmgroup.se", source="pipe")  # fmt: skip
    case = Case.objects.get(number=result.case)
    assert case.channel == "email"
    services.agent_reply(case, staff("bob"), "Which service pack?")
    send_due()
    ack, reply = smtp.to("alice@se.test")
    assert ack["Subject"] == f"[{case.number}] Crash S2"
    assert ack["Auto-Submitted"] == "auto-replied"  # an answer to her message (RFC 3834)
    assert ack["In-Reply-To"] == "<first@alice>" and ack["References"] == "<first@alice>"
    assert reply["In-Reply-To"] == "<first@alice>"
    assert reply["References"].split() == ["<first@alice>", ack["Message-ID"]]
    for message, kind in ((ack, "opened"), (reply, "agent_reply")):
        ref = ThreadRef.objects.get(message_id=message["Message-ID"])
        assert (ref.case, ref.outgoing, ref.event.kind if ref.event else None) == (case, True, kind)
        assert message["Message-ID"].endswith("@plmgroup.se>")
    # Alice answers our reply from her mail program, without the case number in the subject.
    answer = mail(frm="alice@se.test", to="support@plmgroup.se", subject="Re: your question", body="SP4.0",
                  in_reply_to=reply["Message-ID"])  # fmt: skip
    back = accept(answer, "support@plmgroup.se", source="pipe")
    assert (back.outcome, back.case) == ("comment", case.number)
    assert case.events.filter(kind="customer_reply", body="SP4.0").exists()


def test_an_automatic_message_gets_no_answer(smtp: Capture, plm: Desk, alice) -> None:  # type: ignore[no-untyped-def]
    auto = mail(frm="alice@se.test", to="support@plmgroup.se", headers={"Auto-Submitted": "auto-replied"})
    assert accept(auto, "support@plmgroup.se", source="pipe").outcome == "ignored_automatic"
    assert not OutgoingMail.objects.exists()
    assert send_due().sent == 0 and smtp.messages == []


def test_a_451_is_retried_after_the_backoff_and_then_sent_once(smtp: Capture, plm: Desk, alice) -> None:  # type: ignore[no-untyped-def]
    smtp.answers.extend(["451 4.3.0 Temporary failure, try later", "451 4.3.0 Still busy"])
    open_plm(plm, alice)
    row = OutgoingMail.objects.get()
    before = timezone.now()
    run = send_due()
    row.refresh_from_db()
    assert (run.queued, row.state, row.attempts) == (1, "queued", 1)
    assert "451" in row.last_error and smtp.messages == []
    assert row.next_attempt_at is not None
    assert before + BACKOFF[0] <= row.next_attempt_at <= timezone.now() + BACKOFF[0]
    assert send_due().queued == 0 and send_one(row.pk) == "skipped"  # not due yet: nothing tried
    first_retry = row.next_attempt_at

    send_due(now=first_retry + timedelta(seconds=1))  # the second answer: 451 again
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("queued", 2)
    assert row.next_attempt_at is not None and row.next_attempt_at - first_retry >= BACKOFF[1] - timedelta(seconds=5)

    assert send_due(now=row.next_attempt_at).sent == 1  # the server accepts now
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == ("sent", 3, "")
    assert row.sent_at is not None and len(smtp.messages) == 1


def test_a_row_sent_is_never_sent_again(smtp: Capture, plm: Desk, alice) -> None:  # type: ignore[no-untyped-def]
    open_plm(plm, alice)
    call_command("notify-send", "--once")
    call_command("notify-send", "--once")
    row = OutgoingMail.objects.get()
    assert send_one(row.pk) == "skipped"  # a late task for the same row
    assert (row.state, row.attempts, len(smtp.messages)) == ("sent", 1, 1)


def test_after_the_last_attempt_the_failure_is_on_the_case(smtp: Capture, plm: Desk, alice) -> None:  # type: ignore[no-untyped-def]
    smtp.refuse_all = "451 4.3.0 Mailbox temporarily unavailable"
    case = open_plm(plm, alice)
    row = OutgoingMail.objects.get()
    now = timezone.now()
    for _ in range(len(BACKOFF) + 1):
        send_due(now=now)
        now += timedelta(hours=13)
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("failed", len(BACKOFF) + 1)
    failed = case.events.get(kind="delivery_failed")
    assert failed.data["recipient"] == "alice@se.test" and failed.data["status"] == "451"
    assert "not accepted after 6 attempts" in failed.data["diagnostic"]
    assert not OutgoingMail.objects.filter(event=failed).exists()  # a failure is not told by e-mail
    send_due(now=now)
    assert smtp.messages == [] and case.events.filter(kind="delivery_failed").count() == 1


def test_a_permanent_refusal_fails_at_once(smtp: Capture, plm: Desk, alice) -> None:  # type: ignore[no-untyped-def]
    smtp.refuse_all = "550 5.1.1 No such user"
    case = open_plm(plm, alice)
    assert send_due().failed == 1
    assert OutgoingMail.objects.get().attempts == 1
    assert case.events.get(kind="delivery_failed").data["status"] == "550"


def test_a_row_left_sending_by_a_dead_process_becomes_uncertain_and_is_never_resent(smtp: Capture, plm, alice) -> None:  # type: ignore[no-untyped-def]
    case = open_plm(plm, alice)
    OutgoingMail.objects.update(state="sending", attempts=1, claimed_at=timezone.now() - timedelta(hours=1))
    run = send_due()
    row = OutgoingMail.objects.get()
    assert (run.uncertain, row.state, smtp.messages) == (1, "uncertain", [])
    assert case.events.get(kind="delivery_failed").data["status"] == "uncertain"
    OutgoingMail.objects.update(claimed_at=timezone.now())  # a fresh claim: someone is sending right now
    assert send_due().uncertain == 0


def test_a_rolled_back_service_call_leaves_no_outgoing_row(plm: Desk, alice) -> None:  # type: ignore[no-untyped-def]
    case = open_plm(plm, alice)
    rows = OutgoingMail.objects.count()
    bob = staff("bob")

    def reply_then_fail() -> None:
        with transaction.atomic():
            services.agent_reply(case, bob, "This reply is rolled back.")
            assert OutgoingMail.objects.count() == rows + 1
            raise RuntimeError("the caller's transaction fails after the reply")

    with pytest.raises(RuntimeError):
        reply_then_fail()
    assert OutgoingMail.objects.count() == rows
    assert not CaseEvent.objects.filter(kind="agent_reply").exists()
    with pytest.raises(services.CaseError):
        services.agent_reply(case, staff("eve"), "   ")  # refused by the service: no event, no row
    assert OutgoingMail.objects.count() == rows


def test_the_row_is_enqueued_as_a_task_once_the_event_commits(plm, alice, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        open_plm(plm, alice)
    row = OutgoingMail.objects.get()
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.queue_name, task.args_kwargs["args"]) == (
        "casedesk.notify.tasks.send_outgoing", "mail", [row.pk]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("change", "expected"),
    [("waiting", "Waiting for your reply"), ("vendor", "On hold with the software vendor")],
)
def test_the_statuses_a_requester_should_know_are_told(smtp: Capture, plm, alice, change: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    case = open_plm(plm, alice)
    status = "waiting_on_customer" if change == "waiting" else "on_hold_vendor"
    services.set_status(case, status, at=MONDAY_9 + timedelta(hours=1))
    services.set_status(case, "open", at=MONDAY_9 + timedelta(hours=2))  # back to work: not told
    services.assign(case, staff("bob"), at=MONDAY_9 + timedelta(hours=2))  # desk-side: not told
    send_due()
    _opened, told = smtp.to("alice@se.test")
    assert f"{sv(expected)}." in text(told)
    assert expected not in text(told)  # Swedish, not English


def test_the_solution_and_an_escalation_are_told_with_the_portal_words(smtp: Capture) -> None:
    mastercam = desk("mastercam")
    alice, contract = customer(mastercam, country="US", zone="America/New_York")
    nyc = ZoneInfo("America/New_York")
    case = services.open_case(mastercam, requester=alice, contract=contract, subject="Post processor",
                              intake={"site": "Plant", "product_version": "2026"}, priority="P3",
                              at=datetime(2026, 11, 30, 9, tzinfo=nyc))  # fmt: skip
    services.escalate(case, 1, "no answer", at=datetime(2026, 11, 30, 10, tzinfo=nyc))
    services.resolve(case, "fix_timeline_given", at=datetime(2026, 11, 30, 11, tzinfo=nyc))
    services.close(case, at=datetime(2026, 11, 30, 12, tzinfo=nyc))  # not told
    send_due()
    opened, escalated, resolved = smtp.to("alice@us.test")
    assert escalated["Subject"] == f"[{case.number}] Post processor"
    assert f"Case {case.number} is escalated to level 1: Support manager / supervisor review." in text(escalated)
    assert f"Case {case.number} is resolved: a timeline for the fix is given." in text(resolved)
    assert opened["From"] == settings.DEFAULT_FROM_EMAIL  # the desk receives mail at no address here
    InboundAddress.objects.create(address="Support@Mastercam.Example.com", desk=mastercam)
    services.reopen(case, at=datetime(2026, 11, 30, 13, tzinfo=nyc))
    services.agent_reply(case, staff("bob"), "Looking again.", at=datetime(2026, 11, 30, 14, tzinfo=nyc))
    send_due()
    assert smtp.to("alice@us.test")[-1]["From"] == f"{mastercam.name} <support@mastercam.example.com>"


def test_information_requested_is_told_with_the_items(smtp: Capture, plm: Desk, alice) -> None:  # type: ignore[no-untyped-def]
    case = open_plm(plm, alice)
    services.request_info(case, ["The log file", "Your service pack"], at=MONDAY_9 + timedelta(hours=1))
    send_due()
    body = text(smtp.to("alice@se.test")[-1])
    intro = sv("To continue with case %(number)s we need the following from you:") % {"number": case.number}
    assert f"{intro}\n- The log file\n- Your service pack\n" in body


def test_with_the_file_backend_every_message_is_written(settings, tmp_path, plm: Desk, alice) -> None:  # type: ignore[no-untyped-def]
    # Django's file backend names a file by the second and the connection's id(), so two
    # connections may share a file (it appends): count messages, not files.
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    case = open_plm(plm, alice)
    services.agent_reply(case, staff("bob"), "A reply.", at=MONDAY_9 + timedelta(hours=1))
    assert send_due().sent == 2
    files = sorted((tmp_path / "mail").iterdir())
    raw = b"".join(f.read_bytes() for f in files)
    assert raw.count(b"Subject: [PLM-000001] Crash on rebuild") == 2
