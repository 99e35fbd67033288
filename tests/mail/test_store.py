"""Accepted means stored: raw bytes committed before any parsing, one row per delivery."""

from __future__ import annotations

import hashlib

import pytest

from casedesk.cases.models import Case
from casedesk.mail.intake import accept, process_pending
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
