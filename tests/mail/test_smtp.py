"""The SMTP/LMTP listener (aiosmtpd) fed by smtplib: 250 only once stored, 451 when not, 550 for strangers."""

from __future__ import annotations

import signal
import smtplib
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from casedesk.cases.models import Case
from casedesk.mail.models import InboundMessage
from casedesk.mail.smtp_listener import IntakeController, IntakeHandler, with_return_path
from casedesk.mail.store import fingerprint

from .dovecot import free_port
from .mails import mail as lf_mail
from .subprocess_db import CASEDESK, SharedDb, migrated_sqlite, shared_db
from .test_imap import refused_inserts

NO, DK = "support@plmgroup.no", "support@plmgroup.dk"


def mail(**kw) -> bytes:  # type: ignore[no-untyped-def]
    """A message with CRLF line ends, as MTAs send (smtplib sends bytes as they are)."""
    return lf_mail(**kw).replace(b"\n", b"\r\n")


def _listening(lmtp: bool) -> Iterator[IntakeController]:
    controller = IntakeController(IntakeHandler(), "127.0.0.1", free_port(), lmtp=lmtp)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture
def smtp() -> Iterator[IntakeController]:
    yield from _listening(lmtp=False)


@pytest.fixture
def lmtp() -> Iterator[IntakeController]:
    yield from _listening(lmtp=True)


def test_the_envelope_sender_is_recorded_as_return_path_outside_the_fingerprint() -> None:
    raw = b"From: a@b\r\nSubject: s\r\n\r\nbody\r\n"
    assert with_return_path(raw, "a@b").startswith(b"Return-Path: <a@b>\r\nFrom: a@b")
    assert with_return_path(raw, "").startswith(b"Return-Path: <>\r\n")  # a bounce
    assert with_return_path(b"Return-Path: <x@y>\r\n" + raw, "a@b") == b"Return-Path: <x@y>\r\n" + raw
    assert with_return_path(raw, "evil@x\r\nBcc: y").startswith(b"Return-Path: <evil@xBcc: y>\r\n")
    assert fingerprint(with_return_path(raw, "a@b")) == fingerprint(raw)


@pytest.mark.django_db(transaction=True)
def test_a_message_is_stored_and_processed_before_the_250(smtp, plm, alice) -> None:  # type: ignore[no-untyped-def]
    raw = mail(frm="Alice <alice@no.test>", message_id="<by-smtp@no.test>")
    with smtplib.SMTP(smtp.hostname, smtp.port) as s:
        refused = s.sendmail("alice@no.test", [NO], raw)
    assert refused == {}
    row = InboundMessage.objects.get()
    assert (row.source, row.recipient, row.outcome, row.message_id) == ("smtp", NO, "case", "<by-smtp@no.test>")
    assert bytes(row.raw).startswith(b"Return-Path: <alice@no.test>\r\n")
    assert bytes(row.raw) == b"Return-Path: <alice@no.test>\r\n" + raw
    assert Case.objects.get().requester == alice[0]


@pytest.mark.django_db(transaction=True)
def test_a_message_with_the_null_sender_is_stored_as_automatic_and_never_answered(smtp, plm, alice) -> None:  # type: ignore[no-untyped-def]
    with smtplib.SMTP(smtp.hostname, smtp.port) as s:
        assert s.sendmail("", [NO], mail(frm="MAILER-DAEMON@mx.test", subject="Undelivered Mail")) == {}
    row = InboundMessage.objects.get()
    assert bytes(row.raw).startswith(b"Return-Path: <>\r\n")
    assert row.automatic and row.outcome == "ignored_automatic"
    assert Case.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_an_address_no_desk_has_is_refused_at_rcpt_with_550(smtp, plm, alice) -> None:  # type: ignore[no-untyped-def]
    with smtplib.SMTP(smtp.hostname, smtp.port) as s:
        refused = s.sendmail("alice@no.test", ["nobody@plmgroup.no", NO], mail(frm="alice@no.test"))
        with pytest.raises(smtplib.SMTPRecipientsRefused) as all_refused:
            s.sendmail("alice@no.test", ["nobody@nowhere.test"], mail(frm="alice@no.test"))
    assert list(refused) == ["nobody@plmgroup.no"] and refused["nobody@plmgroup.no"][0] == 550
    assert all_refused.value.recipients["nobody@nowhere.test"][0] == 550
    assert list(InboundMessage.objects.values_list("recipient", flat=True)) == [NO]


@pytest.mark.django_db(transaction=True)
def test_a_message_that_cannot_be_stored_gets_451_and_the_retry_is_stored_once(smtp, plm, alice) -> None:  # type: ignore[no-untyped-def]
    raw = mail(frm="alice@no.test", message_id="<retry@no.test>")
    with smtplib.SMTP(smtp.hostname, smtp.port) as s:
        with refused_inserts("recipient", DK), pytest.raises(smtplib.SMTPDataError) as temporary:
            s.sendmail("alice@no.test", [NO, DK], raw)
        assert temporary.value.smtp_code == 451
        # The MTA retries the whole message: the copy for .no is recognised, the one for .dk stored now.
        assert s.sendmail("alice@no.test", [NO, DK], raw) == {}
        assert s.sendmail("alice@no.test", [NO, DK], raw) == {}  # and again: nothing new
    rows = dict(InboundMessage.objects.values_list("recipient", "outcome"))
    assert rows == {NO: "case", DK: "duplicate"}  # one message to two addresses of one desk: one case
    assert Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_lmtp_answers_each_recipient_after_data(lmtp, plm, alice) -> None:  # type: ignore[no-untyped-def]
    raw = mail(frm="alice@no.test", message_id="<by-lmtp@no.test>")
    with smtplib.LMTP(lmtp.hostname, lmtp.port) as s:
        s.ehlo()  # LHLO
        assert s.mail("alice@no.test")[0] == 250
        assert s.rcpt(NO)[0] == 250
        assert s.rcpt("nobody@nowhere.test")[0] == 550
        assert s.rcpt(DK)[0] == 250
        with refused_inserts("recipient", DK):
            first = s.data(raw)
            second = s.getreply()  # smtplib reads one reply after DATA; LMTP sends one per recipient
    assert first[0] == 250 and NO.encode() in first[1]
    assert second[0] == 451 and DK.encode() in second[1]
    assert list(InboundMessage.objects.values_list("recipient", flat=True)) == [NO]

    with smtplib.LMTP(lmtp.hostname, lmtp.port) as s:  # the MTA tries again
        s.ehlo()
        s.mail("alice@no.test")
        s.rcpt(NO)
        s.rcpt(DK)
        assert [s.data(raw)[0], s.getreply()[0]] == [250, 250]
    assert set(InboundMessage.objects.values_list("recipient", "source")) == {(NO, "smtp"), (DK, "smtp")}


@pytest.mark.django_db(transaction=True)
def test_over_the_size_limit_the_headers_are_stored_and_far_over_it_the_mta_gets_552(plm, alice, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CASEDESK_MAX_MAIL_BYTES = 10_000
    for controller in _listening(lmtp=False):  # the listener takes its limit when it starts
        with smtplib.SMTP(controller.hostname, controller.port) as s:
            s.sendmail("alice@no.test", [NO], mail(frm="alice@no.test", body=("x" * 70 + "\n") * 200))
            with pytest.raises(smtplib.SMTPSenderRefused) as too_big:
                s.sendmail("alice@no.test", [NO], mail(frm="alice@no.test", body=("x" * 70 + "\n") * 400))
    assert too_big.value.smtp_code == 552  # refused at MAIL FROM by the advertised SIZE, or after DATA
    row = InboundMessage.objects.get()
    assert row.truncated and row.outcome == "quarantined" and "too large" in row.reason


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    return migrated_sqlite(tmp_path_factory.mktemp("migrated"))


@pytest.mark.django_db(transaction=True)
def test_casedesk_mail_smtp_listens_until_sigterm(tmp_path: Path, template: Path | None) -> None:
    db: SharedDb = shared_db(tmp_path, template)
    db.python('from tests.cases.factories import desk\ndesk("plm-group")')
    port = free_port()
    proc = subprocess.Popen(
        [*CASEDESK, "mail-smtp", "--host", "127.0.0.1", "--port", str(port), "--lmtp"],
        env=db.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().decode().strip() == f"LMTP listening on 127.0.0.1:{port}"
        started = time.monotonic()
        with smtplib.LMTP("127.0.0.1", port) as s:
            try:
                assert s.sendmail("stranger@unknown.test", [NO], mail(frm="stranger@unknown.test")) == {}
            except smtplib.SMTPException:
                proc.send_signal(signal.SIGTERM)
                raise AssertionError(proc.communicate(timeout=30)[1].decode()) from None
        elapsed = time.monotonic() - started
        assert db.count(InboundMessage._meta.db_table) == 1
        assert db.count(Case._meta.db_table) == 1
        assert elapsed < 10
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err.decode()
    assert b"LMTP listener stopped" in out
