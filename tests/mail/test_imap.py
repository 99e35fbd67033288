"""IMAP polling against a real dovecot: every unseen message stored, flagged \\Seen only once it is committed."""

from __future__ import annotations

import itertools
import os
import queue
import signal
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from imap_tools import MailBoxUnencrypted, MailMessageFlags

from casedesk.cases.models import Case
from casedesk.mail.imap_poll import Counts, ImapConfig, config_from_env, fetch_raw, poll, recipients_of, run
from casedesk.mail.intake import Result, accept
from casedesk.mail.models import InboundMessage
from casedesk.mail.store import message_id_of, store

from .dovecot import Dovecot, free_port, running_dovecot
from .mails import mail
from .subprocess_db import CASEDESK, migrated_sqlite, shared_db

_users = itertools.count(1)
NO = "support@plmgroup.no"


@pytest.fixture(scope="module")
def server() -> Iterator[Dovecot]:
    with running_dovecot(tls=True) as d:
        yield d


@pytest.fixture
def user() -> str:
    """A user of its own per test: dovecot gives each one an empty maildir."""
    return f"desk{next(_users)}"


def append(server: Dovecot, user: str, *messages: bytes, seen: bool = False) -> None:
    with MailBoxUnencrypted(server.host, server.port).login(user, server.password) as mb:
        for raw in messages:
            mb.append(raw, "INBOX", flag_set=[MailMessageFlags.SEEN] if seen else [])


def seen_by_message_id(server: Dovecot, user: str, folder: str = "INBOX") -> dict[str, bool]:
    """Message-ID -> \\Seen, read on a connection of its own (and without setting \\Seen)."""
    with MailBoxUnencrypted(server.host, server.port).login(user, server.password, initial_folder=folder) as mb:
        return {
            message_id_of(m.obj.as_bytes()): MailMessageFlags.SEEN in m.flags
            for m in mb.fetch("ALL", mark_seen=False, headers_only=True)
        }


def poll_as(server: Dovecot, user: str, recipient: str | None = NO, **kw) -> Counts:  # type: ignore[no-untyped-def]
    return poll(server.host, server.port, user, server.password, recipient=recipient, security="none", **kw)


@pytest.mark.django_db
def test_each_unseen_message_becomes_its_case_or_comment_and_is_flagged_seen(server, user, plm, alice) -> None:  # type: ignore[no-untyped-def]
    first = mail(frm="Alice <alice@no.test>", message_id="<first@no.test>")
    reply = mail(
        frm="alice@no.test", subject="Re: crash", body="It also crashes on open.", in_reply_to="<first@no.test>"
    )
    stranger = mail(frm="stranger@unknown.test", subject="Need a licence")
    read_by_someone = mail(frm="alice@no.test", subject="Already read", message_id="<read@no.test>")
    append(server, user, first, reply, stranger)
    append(server, user, read_by_someone, seen=True)

    counts = poll_as(server, user)

    assert (counts.found, counts.stored, counts.again, counts.failed) == (3, 3, 0, 0)
    assert counts.outcomes == {"case": 2, "comment": 1}
    case = Case.objects.get(mails__message_id="<first@no.test>")
    assert case.requester == alice[0]
    assert InboundMessage.objects.get(message_id=message_id_of(reply)).case == case
    assert set(InboundMessage.objects.values_list("source", "recipient")) == {("imap", NO)}
    assert not InboundMessage.objects.filter(message_id="<read@no.test>").exists()
    assert all(seen_by_message_id(server, user).values())

    again = poll_as(server, user)
    assert (again.found, again.stored) == (0, 0)
    assert InboundMessage.objects.count() == 3
    assert Case.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_message_is_flagged_seen_only_after_its_raw_bytes_are_committed(server, user, plm, alice) -> None:  # type: ignore[no-untyped-def]
    raws = [mail(frm="alice@no.test", subject=f"Question {n}") for n in range(3)]
    append(server, user, *raws)
    observed: list[tuple[str, bool, bool]] = []

    def committed(message_id: str) -> bool:
        """Seen from another thread, that is another database connection: only committed rows show."""
        found: list[bool] = []

        def look() -> None:
            try:
                found.append(InboundMessage.objects.filter(message_id=message_id).exists())
            finally:
                connection.close()

        t = threading.Thread(target=look)
        t.start()
        t.join()
        return found[0]

    def deliver(raw: bytes, recipient: str, *, source: str) -> Result:
        message_id = message_id_of(raw)
        assert seen_by_message_id(server, user)[message_id] is False  # fetched with BODY.PEEK[]: still unseen
        result = accept(raw, recipient, source=source)
        # accept returned: the row is committed, and the server still has the message unseen.
        observed.append((message_id, committed(message_id), seen_by_message_id(server, user)[message_id]))
        return result

    counts = poll_as(server, user, deliver=deliver)

    assert counts.stored == 3
    assert [(committed_, seen) for _, committed_, seen in observed] == [(True, False)] * 3
    assert seen_by_message_id(server, user) == {message_id_of(r): True for r in raws}


class refused_inserts:
    """The database refuses to store deliveries whose `column` is `value` (a real trigger, no mock)."""

    def __init__(self, column: str, value: str) -> None:
        self.condition = f"NEW.{column} = '{value}'"
        self.table = InboundMessage._meta.db_table

    def __enter__(self) -> None:
        with connection.cursor() as cur:
            if connection.vendor == "sqlite":
                cur.execute(
                    f"CREATE TRIGGER refuse_delivery BEFORE INSERT ON {self.table} "
                    f"WHEN {self.condition} BEGIN SELECT RAISE(ABORT, 'disk full'); END"
                )
            else:
                cur.execute(
                    "CREATE FUNCTION refuse_delivery() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    f"IF {self.condition} THEN RAISE EXCEPTION 'disk full'; END IF; "
                    "RETURN NEW; END $$"
                )
                cur.execute(
                    f"CREATE TRIGGER refuse_delivery BEFORE INSERT ON {self.table} "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_delivery()"
                )

    def __exit__(self, *exc: object) -> None:
        with connection.cursor() as cur:
            if connection.vendor == "sqlite":
                cur.execute("DROP TRIGGER refuse_delivery")
            else:
                cur.execute(f"DROP TRIGGER refuse_delivery ON {self.table}")
                cur.execute("DROP FUNCTION refuse_delivery()")


@pytest.mark.django_db(transaction=True)
def test_a_message_that_cannot_be_stored_stays_unseen_and_the_next_poll_stores_it(server, user, plm, alice) -> None:  # type: ignore[no-untyped-def]
    doomed = mail(frm="alice@no.test", subject="Stored on the second try", message_id="<doomed@no.test>")
    fine = mail(frm="alice@no.test", subject="Stored at once", message_id="<fine@no.test>")
    append(server, user, doomed, fine)

    with refused_inserts("message_id", "<doomed@no.test>"):
        counts = poll_as(server, user)
    assert (counts.found, counts.stored, counts.failed) == (2, 1, 1)
    assert seen_by_message_id(server, user) == {"<doomed@no.test>": False, "<fine@no.test>": True}
    assert list(InboundMessage.objects.values_list("message_id", flat=True)) == ["<fine@no.test>"]

    retry = poll_as(server, user)
    assert (retry.found, retry.stored, retry.failed) == (1, 1, 0)
    assert seen_by_message_id(server, user) == {"<doomed@no.test>": True, "<fine@no.test>": True}
    assert Case.objects.count() == 2


@pytest.mark.django_db
def test_a_message_delivered_by_the_pipe_and_by_imap_is_one_message(server, user, plm, alice) -> None:  # type: ignore[no-untyped-def]
    raw = mail(frm="alice@no.test", message_id="<both-ways@no.test>")
    piped = accept(raw, NO, source="pipe")
    # The local delivery agent adds its trace header; imaplib sends CRLF line ends.
    append(server, user, b"Delivered-To: support@plmgroup.no\nReceived: from mx by imap\n" + raw)

    counts = poll_as(server, user)

    assert (counts.found, counts.stored, counts.again) == (1, 0, 1)
    assert InboundMessage.objects.count() == 1
    assert InboundMessage.objects.get().source == "pipe"
    assert Case.objects.count() == 1 and piped.case
    assert seen_by_message_id(server, user) == {"<both-ways@no.test>": True}


@pytest.mark.django_db
def test_a_poll_killed_before_flagging_delivers_again_without_a_duplicate(server, user, plm, alice) -> None:  # type: ignore[no-untyped-def]
    """The process dies after the commit and before \\Seen: the next poll stores nothing new and flags it."""
    raw = mail(frm="alice@no.test", message_id="<crash@no.test>")
    append(server, user, raw)
    with MailBoxUnencrypted(server.host, server.port).login(user, server.password) as mb:
        (uid,) = mb.uids("ALL")
        fetched = fetch_raw(mb, uid)
    assert fetched is not None
    accept(fetched, NO, source="imap")  # stored; the \Seen never came

    counts = poll_as(server, user)

    assert (counts.found, counts.stored, counts.again) == (1, 0, 1)
    assert (InboundMessage.objects.count(), Case.objects.count()) == (1, 1)


@pytest.mark.django_db
def test_imaps_and_starttls_check_the_certificate(server, user, plm, alice) -> None:  # type: ignore[no-untyped-def]
    append(server, user, mail(frm="alice@no.test"), mail(frm="alice@no.test", subject="Second"))
    with pytest.raises(ssl.SSLCertVerificationError):  # self-signed: not trusted unless told
        poll(server.host, server.ssl_port, user, server.password, recipient=NO, security="ssl")
    assert InboundMessage.objects.count() == 0
    with pytest.raises(ssl.SSLCertVerificationError):
        poll(server.host, server.port, user, server.password, recipient=NO, security="starttls")

    first = poll(
        server.host, server.ssl_port, user, server.password, recipient=NO, security="ssl", ca_file=server.ca_file
    )
    append(server, user, mail(frm="alice@no.test", subject="Third"))
    second = poll(
        server.host, server.port, user, server.password, recipient=NO, security="starttls", ca_file=server.ca_file
    )

    assert (first.stored, second.stored) == (2, 1)
    assert InboundMessage.objects.count() == 3


def test_a_catch_all_takes_the_envelope_recipient_first_then_to_and_cc() -> None:
    known = {NO, "support@plmgroup.dk", "support@mastercam.example.com"}.__contains__
    assert recipients_of(
        b"Delivered-To: casedesk@imap.test\nX-Original-To: Support@PLMgroup.DK\nTo: x@y\n\nb", known
    ) == ["support@plmgroup.dk"]
    both = b"To: Support <support@plmgroup.no>, bob@x.test\nCc: support@mastercam.example.com\n\nbody"
    assert recipients_of(both, known) == [NO, "support@mastercam.example.com"]
    assert recipients_of(b"To: nobody@nowhere.test\n\nbody", known) == ["nobody@nowhere.test"]
    assert recipients_of(b"Subject: no addresses\n\nbody", known) == [""]
    assert recipients_of(b"To: =?bad?= <<<@@>\x00\xff\n\nbody", known) in ([""], ["@@"], ["<<<@@"])


@pytest.mark.django_db
def test_a_catch_all_mailbox_routes_each_message_by_its_recipient(server, user, plm, alice) -> None:  # type: ignore[no-untyped-def]
    append(
        server,
        user,
        b"Delivered-To: support@plmgroup.dk\n" + mail(frm="stranger@unknown.test", to="list@lists.test"),
        b"X-Original-To: support@plmgroup.se\n" + mail(frm="other@unknown.test", to="Support <support@plmgroup.se>"),
        mail(frm="third@unknown.test", to="support@plmgroup.no"),
        mail(frm="lost@unknown.test", to="nobody@nowhere.test"),
    )

    counts = poll_as(server, user, recipient=None)

    assert (counts.found, counts.stored) == (4, 4)
    rows = dict(InboundMessage.objects.values_list("sender", "recipient"))
    assert rows == {
        "stranger@unknown.test": "support@plmgroup.dk",
        "other@unknown.test": "support@plmgroup.se",
        "third@unknown.test": NO,
        "lost@unknown.test": "nobody@nowhere.test",
    }
    queues = dict(Case.objects.values_list("requester__email", "queue__key"))
    assert queues == {"stranger@unknown.test": "DK", "other@unknown.test": "SE", "third@unknown.test": "NO"}
    lost = InboundMessage.objects.get(sender="lost@unknown.test")
    assert lost.outcome == "quarantined" and "no desk receives mail" in lost.reason  # never a silent drop


@pytest.mark.django_db
def test_messages_can_be_moved_to_a_processed_folder_instead(server, user, plm, alice) -> None:  # type: ignore[no-untyped-def]
    append(server, user, mail(frm="alice@no.test", message_id="<moved@no.test>"))

    counts = poll_as(server, user, processed_folder="casedesk/processed")

    assert counts.stored == 1
    assert seen_by_message_id(server, user) == {}
    with MailBoxUnencrypted(server.host, server.port).login(user, server.password) as mb:
        (folder,) = [f.name for f in mb.folder.list() if f.name.replace(f.delim, "/") == "casedesk/processed"]
    assert list(seen_by_message_id(server, user, folder)) == ["<moved@no.test>"]
    assert poll_as(server, user, processed_folder="casedesk/processed").found == 0


@pytest.mark.django_db(transaction=True)
def test_the_idle_loop_delivers_new_mail_at_once_and_reconnects_when_dropped(server, user, plm, alice) -> None:  # type: ignore[no-untyped-def]
    cfg = ImapConfig(server.host, user, server.password, server.port, recipient=NO, security="none", timeout=10)
    polls: queue.Queue[Counts] = queue.Queue()
    stop = threading.Event()

    def loop() -> None:
        try:
            run(cfg, idle_timeout=5, stop=stop, on_poll=polls.put, max_backoff=0.5)
        finally:
            connection.close()

    def next_delivery(timeout: float = 10) -> tuple[Counts, float]:
        started = time.monotonic()
        while True:
            counts = polls.get(timeout=timeout)
            if counts.found:
                return counts, time.monotonic() - started

    thread = threading.Thread(target=loop)
    thread.start()
    try:
        assert polls.get(timeout=10).found == 0  # the first poll, then IDLE
        append(server, user, mail(frm="alice@no.test", message_id="<idle-1@no.test>"))
        counts, waited = next_delivery()
        assert counts.stored == 1
        assert waited < 3  # IDLE woke it up, long before the 5 s re-issue

        server.kick(user)  # the server says BYE and drops the connection: the loop logs in again
        time.sleep(0.3)
        append(server, user, mail(frm="alice@no.test", message_id="<idle-2@no.test>"))
        counts, _ = next_delivery()
        assert counts.stored == 1

        (pid,) = server.session_pids(user)
        os.kill(pid, signal.SIGKILL)  # the connection closes without a word (a crash, a reset)
        time.sleep(0.3)
        append(server, user, mail(frm="alice@no.test", message_id="<idle-3@no.test>"))
        counts, waited = next_delivery()
        assert counts.stored == 1
        assert waited < 4  # noticed at once, not after the 5 s IDLE timeout
    finally:
        stop.set()
        thread.join(15)
    assert not thread.is_alive()
    stored = sorted(InboundMessage.objects.values_list("message_id", flat=True))
    assert stored == ["<idle-1@no.test>", "<idle-2@no.test>", "<idle-3@no.test>"]


@pytest.mark.django_db(transaction=True)  # run() closes stale connections, as a process of its own does
def test_mail_arriving_between_the_search_and_idle_is_not_left_waiting(server, user, plm, alice) -> None:  # type: ignore[no-untyped-def]
    """Dovecot reports it with the IDLE continuation, often in the same packet: read from imaplib's buffer."""
    cfg = ImapConfig(server.host, user, server.password, server.port, recipient=NO, security="none")
    stop = threading.Event()
    polls: list[tuple[Counts, float]] = []

    def on_poll(counts: Counts) -> None:
        polls.append((counts, time.monotonic()))
        if len(polls) == 1:  # after the first SEARCH, before IDLE starts
            append(server, user, mail(frm="alice@no.test", message_id="<between@no.test>"))
        elif counts.found or len(polls) > 5:
            stop.set()

    run(cfg, idle_timeout=20, stop=stop, on_poll=on_poll)

    (first, at_first), (last, at_last) = polls[0], polls[-1]
    assert (first.found, last.stored) == (0, 1)
    assert at_last - at_first < 5  # not the 20 s IDLE timeout


@pytest.mark.django_db(transaction=True)  # run() closes stale connections, as a process of its own does
def test_the_loop_first_finishes_messages_stored_but_not_processed(server, user, plm, alice) -> None:  # type: ignore[no-untyped-def]
    row, _ = store(mail(frm="alice@no.test"), NO, source="pipe")  # a process died between store and processing
    cfg = ImapConfig(server.host, user, server.password, server.port, recipient=NO, security="none")
    stop = threading.Event()

    run(cfg, stop=stop, on_poll=lambda counts: stop.set())

    row.refresh_from_db()
    assert row.outcome == "case"


def test_the_mailbox_is_configured_from_the_environment() -> None:
    cfg = config_from_env(
        {
            "CASEDESK_IMAP_HOST": "imap.example.com",
            "CASEDESK_IMAP_USER": "desk",
            "CASEDESK_IMAP_PASSWORD": "pw",
            "CASEDESK_IMAP_SSL": "starttls",
            "CASEDESK_IMAP_RECIPIENT": "Support@PLMgroup.no",
        },
        folder="Support",
    )
    assert (cfg.host, cfg.port, cfg.security, cfg.folder, cfg.recipient) == (
        "imap.example.com",
        0,
        "starttls",
        "Support",
        NO,
    )
    assert cfg.address == "desk@imap.example.com:143/Support"
    assert "pw" not in repr(cfg)
    assert (
        config_from_env({"CASEDESK_IMAP_HOST": "h", "CASEDESK_IMAP_USER": "u", "CASEDESK_IMAP_PASSWORD": "p"}).security
        == "ssl"
    )
    assert (
        config_from_env(
            {
                "CASEDESK_IMAP_HOST": "h",
                "CASEDESK_IMAP_USER": "u",
                "CASEDESK_IMAP_PASSWORD": "p",
                "CASEDESK_IMAP_SSL": "0",
            }
        ).address
        == "u@h:143/INBOX"
    )
    with pytest.raises(ValueError, match="CASEDESK_IMAP_PASSWORD"):
        config_from_env({"CASEDESK_IMAP_HOST": "h", "CASEDESK_IMAP_USER": "u"})
    with pytest.raises(ValueError, match="security"):
        config_from_env(
            {
                "CASEDESK_IMAP_HOST": "h",
                "CASEDESK_IMAP_USER": "u",
                "CASEDESK_IMAP_PASSWORD": "p",
                "CASEDESK_IMAP_SSL": "tls1.0",
            }
        )


@pytest.mark.django_db
def test_mail_imap_once_polls_with_the_environment_and_exits(server, user, plm, alice, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    for name, value in {
        "CASEDESK_IMAP_HOST": server.host,
        "CASEDESK_IMAP_PORT": str(server.port),
        "CASEDESK_IMAP_USER": user,
        "CASEDESK_IMAP_PASSWORD": server.password,
        "CASEDESK_IMAP_SSL": "none",
        "CASEDESK_IMAP_RECIPIENT": NO,
    }.items():
        monkeypatch.setenv(name, value)
    append(server, user, mail(frm="alice@no.test"), mail(frm="stranger@unknown.test"))

    call_command("mail-imap", "--once")

    out = capsys.readouterr().out
    assert "2 found, 2 stored" in out
    assert Case.objects.count() == 2

    monkeypatch.setenv(
        "CASEDESK_IMAP_PORT", str(free_port())
    )  # nothing listens there (no wrong password: see dovecot.py)
    with pytest.raises(CommandError) as refused:
        call_command("mail-imap", "--once")
    assert refused.value.returncode == 75


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    return migrated_sqlite(tmp_path_factory.mktemp("migrated"))


@pytest.mark.django_db(transaction=True)
def test_casedesk_mail_imap_loops_with_idle_until_sigterm(server, user, tmp_path, template) -> None:  # type: ignore[no-untyped-def]
    db = shared_db(tmp_path, template)
    db.python('from tests.cases.factories import desk\ndesk("plm-group")')
    env = db.env(
        CASEDESK_IMAP_HOST=server.host,
        CASEDESK_IMAP_PORT=str(server.port),
        CASEDESK_IMAP_USER=user,
        CASEDESK_IMAP_PASSWORD=server.password,
        CASEDESK_IMAP_SSL="none",
        CASEDESK_LOG_LEVEL="DEBUG",
    )
    proc = subprocess.Popen([*CASEDESK, "mail-imap", "--idle"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.readline().decode().startswith(f"polling {user}@127.0.0.1:{server.port}/INBOX")
        # Append once it is in IDLE: a message that lands while dovecot sets IDLE up can wait for dovecot's
        # mailbox_idle_check_interval (30 s), longer than this test waits.
        for _ in range(50):
            if b"IDLE started" in proc.stderr.readline():
                break
        append(server, user, mail(frm="stranger@unknown.test", to=NO))  # a catch-all: routed by To
        deadline = time.monotonic() + 20
        while db.count(Case._meta.db_table) < 1 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert db.count(InboundMessage._meta.db_table) == 1
        assert db.count(Case._meta.db_table) == 1
    finally:
        stopping = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err.decode()
    assert time.monotonic() - stopping < 5  # IDLE looks at the stop request every second
    assert b"1 found, 1 stored" in out
