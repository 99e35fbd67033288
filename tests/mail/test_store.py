"""Accepted means stored: raw bytes committed before any parsing, one row per delivery."""

from __future__ import annotations

import hashlib

import pytest

from casedesk.cases.models import Case
from casedesk.mail.intake import accept, accept_many, process_pending
from casedesk.mail.models import InboundMessage
from casedesk.mail.store import fingerprint, message_id_of, store

from .mails import mail


def test_message_id_is_read_from_the_raw_header_block_even_folded_or_bare() -> None:
    assert message_id_of(b"Subject: x\r\nMessage-ID:\r\n <a.b@c>\r\n\r\nbody") == "<a.b@c>"
    assert message_id_of(b"message-id: bare@host\n\nbody") == "<bare@host>"
    assert message_id_of(b"Subject: none\n\nMessage-ID: <in-body@x>") == ""


def test_fingerprint_ignores_trace_headers_and_line_endings() -> None:
    """The same message through the pipe (LF) and IMAP (CRLF, one more Received) is one message."""
    piped = b"Received: from a\n by b\nFrom: x@y\nSubject: s\n\nbody\n"
    imap = b"Delivered-To: s@d\r\nReceived: from c\r\nFrom: x@y\r\nSubject: s\r\n\r\nbody\r\n"
    assert fingerprint(piped) == fingerprint(imap)
    assert fingerprint(piped) != fingerprint(piped.replace(b"body", b"other"))


@pytest.mark.django_db
def test_the_raw_bytes_and_their_hash_are_kept_exactly() -> None:
    raw = mail() + b"\xff\x00 bytes no parser likes"
    row, created = store(raw, "Support@PLMGroup.no", source="pipe")
    row.refresh_from_db()
    assert created
    assert bytes(row.raw) == raw
    assert row.sha256 == hashlib.sha256(raw).hexdigest()
    assert (row.recipient, row.source, row.outcome, row.size) == ("support@plmgroup.no", "pipe", "pending", len(raw))


@pytest.mark.django_db
def test_the_same_message_twice_is_one_message(plm, alice) -> None:  # type: ignore[no-untyped-def]
    raw = mail(message_id="<twice@mail.test>")
    first = accept(raw, "support@plmgroup.no", source="pipe")
    second = accept(raw.replace(b"\n", b"\r\n"), "support@plmgroup.no", source="imap")
    assert (first.stored_now, second.stored_now) == (True, False)
    assert second.message == first.message and second.case == first.case
    assert InboundMessage.objects.count() == 1
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_a_message_stored_but_not_processed_is_finished_by_the_next_run(plm, alice) -> None:  # type: ignore[no-untyped-def]
    """A crash after the store and before processing: the row is pending, and process_pending finishes it once."""
    row, _ = store(mail(), "support@plmgroup.no", source="smtp")
    assert Case.objects.count() == 0
    assert process_pending() == 1
    assert process_pending() == 0
    row.refresh_from_db()
    assert row.outcome == "case" and row.case is not None
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_a_message_over_the_size_limit_keeps_its_headers_and_is_quarantined(plm, alice, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CASEDESK_MAX_MAIL_BYTES = 2000
    raw = mail(body="x" * 5000)
    result = accept(raw, "support@plmgroup.no", source="pipe")
    row = InboundMessage.objects.get(pk=result.message)
    assert row.truncated and row.size == len(raw) and len(bytes(row.raw)) < 2000
    assert result.outcome == "quarantined" and "too large" in result.reason
    assert "over the limit of 2,000 bytes" in row.notices[0]
    assert row.sender == "alice@no.test"  # the headers are enough to tell the sender


REFUSE_UPDATES = {
    "sqlite": [
        "CREATE TRIGGER refuse_outcome BEFORE UPDATE ON mail_inboundmessage BEGIN SELECT RAISE(ABORT, 'down'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_outcome() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'down'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER refuse_outcome BEFORE UPDATE ON mail_inboundmessage"
        " FOR EACH ROW EXECUTE FUNCTION refuse_outcome()",
    ],
}
ALLOW_UPDATES = {
    "sqlite": ["DROP TRIGGER refuse_outcome"],
    "postgresql": ["DROP TRIGGER refuse_outcome ON mail_inboundmessage", "DROP FUNCTION refuse_outcome()"],
}


@pytest.mark.django_db
def test_accept_does_not_raise_once_stored_even_when_processing_cannot_finish(plm, alice) -> None:  # type: ignore[no-untyped-def]
    """The database refuses the outcome's write (a real trigger): the message stays stored and pending."""
    from django.db import connection

    with connection.cursor() as cur:
        for sql in REFUSE_UPDATES[connection.vendor]:
            cur.execute(sql)
    result = accept(mail(), "support@plmgroup.no", source="smtp")
    assert (result.outcome, result.stored_now) == ("pending", True)
    assert Case.objects.count() == 0  # the case write was rolled back with the outcome
    with connection.cursor() as cur:
        for sql in ALLOW_UPDATES[connection.vendor]:
            cur.execute(sql)
    assert process_pending() == 1
    assert InboundMessage.objects.get(pk=result.message).outcome == "case"
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_a_batch_threads_within_itself_and_quarantines_only_what_fails(plm, alice) -> None:  # type: ignore[no-untyped-def]
    """Several deliveries through accept_many: a reply to a case opened earlier in the same batch threads there,
    a message no desk receives is quarantined alone, a delivery repeated in the batch is one message."""
    first = mail(frm="alice@no.test", message_id="<batch-first@alice>")
    reply = mail(frm="alice@no.test", subject="Re: crash", body="Log attached.", in_reply_to="<batch-first@alice>")
    lost = mail(frm="alice@no.test", message_id="<nowhere@alice>")
    deliveries = [(first, "support@plmgroup.no"), (lost, "nobody@nowhere.test"), (reply, "support@plmgroup.no")]
    deliveries.append((first, "support@plmgroup.no"))
    results = list(accept_many(deliveries, source="file", batch=3))
    assert [(r.outcome, r.stored_now) for r in results] == [
        ("case", True), ("quarantined", True), ("comment", True), ("case", False),
    ]  # fmt: skip
    assert results[2].case == results[0].case == results[3].case
    assert InboundMessage.objects.count() == 3 and Case.objects.count() == 1
    assert Case.objects.get().events.get(kind="customer_reply").body == "Log attached."


@pytest.mark.django_db
def test_a_batch_whose_processing_cannot_finish_stays_stored_and_pending(plm, alice) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection

    with connection.cursor() as cur:
        for sql in REFUSE_UPDATES[connection.vendor]:
            cur.execute(sql)
    raws = [mail(frm="alice@no.test"), mail(frm="alice@no.test", subject="Another")]
    results = list(accept_many([(raw, "support@plmgroup.no") for raw in raws], source="file"))
    assert [(r.outcome, r.stored_now) for r in results] == [("pending", True), ("pending", True)]
    assert InboundMessage.objects.count() == 2 and Case.objects.count() == 0
    with connection.cursor() as cur:
        for sql in ALLOW_UPDATES[connection.vendor]:
            cur.execute(sql)
    assert process_pending() == 2
    assert Case.objects.count() == 2
