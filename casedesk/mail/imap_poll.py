"""IMAP polling: every waiting message of a mailbox through `accept`, marked done on the server only once stored.

A message is fetched with BODY.PEEK[] (the fetch does not mark it \\Seen), handed to `accept`, and flagged
\\Seen (or moved to the processed folder) only after `accept` returned, that is after its raw bytes were
committed. When `accept` raises, the message stays as it was and the next poll tries it again; when the
process dies between the commit and the flag, the next poll delivers it again and the store recognises it
(Message-ID plus fingerprint plus recipient), so nothing is lost and nothing is stored twice.

One mailbox per address (`recipient` given), or a catch-all mailbox (`recipient` empty) whose messages name
their recipient in Delivered-To / X-Original-To (one copy per envelope recipient, as an MTA delivers) or,
failing those, To and Cc.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import os
import re
import select
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses
from typing import Any

from django.db import close_old_connections
from imap_tools import BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import ImapToolsError, MailboxFetchError, MailboxFlagError
from imap_tools.utils import check_command_status

from casedesk.desks.models import Queue
from casedesk.mail.intake import Result, accept, process_pending
from casedesk.mail.models import InboundAddress, InboundMessage
from casedesk.mail.store import header_block

log = logging.getLogger(__name__)

Deliver = Callable[..., Result]  # accept(raw, recipient, *, source)
SECURITY = ("ssl", "starttls", "none")
# Connection-level failures: the loop reconnects after them (a message-level failure only skips the message).
CONNECTION_ERRORS = (imaplib.IMAP4.error, OSError, ImapToolsError, EOFError)


@dataclass(frozen=True)
class ImapConfig:
    host: str
    user: str
    password: str = field(repr=False)
    port: int = 0  # 0: 993 with ssl, 143 otherwise
    folder: str = "INBOX"
    recipient: str = ""  # the address this mailbox receives for; empty: a catch-all mailbox
    security: str = "ssl"  # ssl (IMAPS), starttls, none (loopback and tests only)
    processed_folder: str = ""  # empty: flag \Seen; else move there ("/" is the server's separator)
    timeout: float = 60.0
    ca_file: str = ""  # a CA (or the server's self-signed certificate) to trust besides the system's

    def __post_init__(self) -> None:
        if self.security not in SECURITY:
            raise ValueError(f"IMAP security must be one of {', '.join(SECURITY)}, not {self.security!r}")

    @property
    def address(self) -> str:
        return f"{self.user}@{self.host}:{self.port or (993 if self.security == 'ssl' else 143)}/{self.folder}"


ENVIRONMENT = {
    "CASEDESK_IMAP_HOST": "host",
    "CASEDESK_IMAP_PORT": "port",
    "CASEDESK_IMAP_USER": "user",
    "CASEDESK_IMAP_PASSWORD": "password",
    "CASEDESK_IMAP_FOLDER": "folder",
    "CASEDESK_IMAP_SSL": "security",
    "CASEDESK_IMAP_RECIPIENT": "recipient",
    "CASEDESK_IMAP_PROCESSED_FOLDER": "processed_folder",
    "CASEDESK_IMAP_TIMEOUT": "timeout",
    "CASEDESK_IMAP_CA_FILE": "ca_file",
}


def security_of(value: str) -> str:
    """CASEDESK_IMAP_SSL: ssl / starttls / none, or a boolean (1, true, yes -> ssl; 0, false, no -> none)."""
    value = value.strip().lower()
    if value in {"1", "true", "yes", "on", "tls", "imaps", ""}:
        return "ssl"
    if value in {"0", "false", "no", "off", "plain"}:
        return "none"
    return value


def config_from_env(environ: Mapping[str, str] | None = None, **overrides: Any) -> ImapConfig:
    """The mailbox from CASEDESK_IMAP_* variables; keyword arguments (not None) win over them."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for name, attr in ENVIRONMENT.items():
        if name in env:
            values[attr] = env[name]
    values.update({k: v for k, v in overrides.items() if v is not None})
    missing = [
        name for name, attr in ENVIRONMENT.items() if attr in ("host", "user", "password") and not values.get(attr)
    ]
    if missing:
        raise ValueError(f"set {', '.join(missing)}")
    for attr, kind in (("port", int), ("timeout", float)):
        if values.get(attr) in ("", None):
            values.pop(attr, None)
        else:
            values[attr] = kind(values[attr])
    values["security"] = security_of(str(values.get("security", "ssl")))
    values["recipient"] = str(values.get("recipient", "")).strip().lower()
    return ImapConfig(**values)


@dataclass
class Counts:
    found: int = 0  # messages waiting in the folder when the poll looked
    stored: int = 0  # deliveries stored by this poll
    again: int = 0  # deliveries stored before (a poll that died before flagging, or the pipe got it first)
    failed: int = 0  # messages that could not be stored: left as they were for the next poll
    outcomes: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        done = ", ".join(f"{n} {o}" for o, n in sorted(self.outcomes.items()))
        return (
            f"{self.found} found, {self.stored} stored, {self.again} delivered before, "
            f"{self.failed} not stored (left for the next poll)" + (f"; {done}" if done else "")
        )


def ssl_context(cfg: ImapConfig) -> ssl.SSLContext:
    """Certificate and host name checked, always; `ca_file` adds a private CA to the system's."""
    context = ssl.create_default_context()
    if cfg.ca_file:
        context.load_verify_locations(cafile=cfg.ca_file)
    return context


def connect(cfg: ImapConfig) -> BaseMailBox:
    """Log in and select the folder."""
    port = cfg.port or (993 if cfg.security == "ssl" else 143)
    mb: BaseMailBox
    if cfg.security == "ssl":
        mb = MailBox(cfg.host, port, timeout=cfg.timeout, ssl_context=ssl_context(cfg))
    elif cfg.security == "starttls":
        mb = MailBoxStartTls(cfg.host, port, timeout=cfg.timeout, ssl_context=ssl_context(cfg))
    else:
        mb = MailBoxUnencrypted(cfg.host, port, timeout=cfg.timeout)
    try:
        mb.login(cfg.user, cfg.password, initial_folder=cfg.folder)
    except BaseException:
        disconnect(mb)
        raise
    return mb


def disconnect(mb: BaseMailBox) -> None:
    """Log out, or just drop a connection that is already broken."""
    try:
        mb.logout()
    except Exception:
        with contextlib.suppress(Exception):
            mb.client.shutdown()


def poll(
    host: str,
    port: int,
    user: str,
    password: str,
    folder: str = "INBOX",
    recipient: str | None = None,
    *,
    security: str = "ssl",
    processed_folder: str = "",
    timeout: float = 60.0,
    ca_file: str = "",
    deliver: Deliver = accept,
) -> Counts:
    """Connect, deliver every waiting message, log out. `recipient` None or empty: a catch-all mailbox."""
    to = (recipient or "").strip().lower()
    cfg = ImapConfig(host, user, password, port, folder, to, security, processed_folder, timeout, ca_file)
    mb = connect(cfg)
    try:
        return poll_mailbox(mb, cfg, deliver=deliver)
    finally:
        disconnect(mb)


def poll_mailbox(mb: BaseMailBox, cfg: ImapConfig, *, deliver: Deliver = accept) -> Counts:
    """Deliver the waiting messages of the selected folder: the unseen ones, or, when they are moved once done,
    all of them (anything still there is waiting, even if someone read it). Messages marked \\Deleted are left."""
    counts = Counts()
    target = ensure_folder(mb, cfg.processed_folder) if cfg.processed_folder else ""
    for uid in mb.uids("UNDELETED" if target else "UNSEEN UNDELETED"):
        raw = fetch_raw(mb, uid)
        if raw is None:  # expunged by another client since the search
            continue
        counts.found += 1
        try:
            results = [
                deliver(raw, to, source="imap") for to in ([cfg.recipient] if cfg.recipient else recipients_of(raw))
            ]
        except Exception:  # not stored (database down, disk full...): stays unseen, the next poll retries
            log.exception("IMAP %s: message uid %s not stored, left for the next poll", cfg.address, uid)
            counts.failed += 1
            continue
        # Stored and committed: only now may the server forget it.
        mark_done(mb, uid, target)
        for r in results:
            if r.stored_now:
                counts.stored += 1
            else:
                counts.again += 1
            counts.outcomes[r.outcome] = counts.outcomes.get(r.outcome, 0) + 1
    return counts


def fetch_raw(mb: BaseMailBox, uid: str) -> bytes | None:
    """The message's bytes exactly as the server holds them; BODY.PEEK[] leaves \\Seen alone."""
    result = mb.client.uid("FETCH", uid, "(BODY.PEEK[])")
    check_command_status(result, MailboxFetchError)
    for item in result[1] or []:
        if isinstance(item, tuple) and b"BODY[]" in item[0].upper():
            return bytes(item[1])
    return None


def mark_done(mb: BaseMailBox, uid: str, target: str) -> None:
    if target:
        mb.move(uid, target)
        return
    # Not imap-tools' flag(): it expunges the folder after every STORE.
    check_command_status(mb.client.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen)"), MailboxFlagError)


def ensure_folder(mb: BaseMailBox, name: str) -> str:
    """The processed folder in the server's own hierarchy separator, created when missing."""
    typ, data = mb.client.list('""', '""')
    first = data[0] if typ == "OK" and data else None
    found = re.search(rb'\) "(.)"', first) if isinstance(first, bytes) else None
    delimiter = found.group(1).decode() if found else "/"
    name = name.strip("/").replace("/", delimiter)
    if not mb.folder.exists(name):
        mb.folder.create(name)
    return name


_HEADERS = BytesHeaderParser(policy=compat32)


def known_address(address: str) -> bool:
    """Does a desk receive mail at the address (an inbound address, or a queue's)?"""
    address = address.strip().lower()
    if not address:
        return False
    return (
        InboundAddress.objects.filter(address=address).exists() or Queue.objects.filter(email__iexact=address).exists()
    )


def recipients_of(raw: bytes, known: Callable[[str], bool] = known_address) -> list[str]:
    """Whom a catch-all mailbox received the message for.

    Delivered-To and X-Original-To name the envelope recipient of this copy: the first one casedesk knows.
    Without them, every known address in To and Cc (the intake folds copies to one desk's addresses into one).
    When none is known, the first address found, so the message is stored and quarantined, never dropped.
    """
    try:
        headers = _HEADERS.parsebytes(header_block(raw) + b"\n\n")
    except Exception:  # the store keeps what no parser likes; the intake quarantines it with its reason
        return [""]

    def addresses(*names: str) -> list[str]:
        values: list[str] = []
        for name in names:
            values += [str(v) for v in headers.get_all(name, [])]
        try:
            pairs = getaddresses(values)
        except Exception:
            return []
        return list(dict.fromkeys(a.strip().lower() for _, a in pairs if "@" in a))

    envelope = addresses("Delivered-To", "X-Original-To")
    for address in envelope:
        if known(address):
            return [address]
    visible = addresses("To", "Cc")
    if mine := [a for a in visible if known(a)]:
        return mine
    return [(envelope or visible or [""])[0]]


def idle_until_news(mb: BaseMailBox, timeout: float, stop: threading.Event, slice_: float = 1.0) -> list[bytes]:
    """IDLE until the server says something (new mail: `* n EXISTS`), `timeout` passes or `stop` is set
    (looked at every `slice_` seconds, so that a stop request is not kept waiting for the whole timeout).
    A connection the server closed raises imaplib.IMAP4.abort, as any other broken connection does."""
    mb.idle.start()
    try:
        news = _available_lines(mb)
        log.debug("IDLE started; already announced: %s", news)
        deadline = time.monotonic() + timeout
        while not news and not stop.is_set() and (left := deadline - time.monotonic()) > 0:
            readable, _, _ = select.select([mb.client.sock], [], [], min(left, slice_))
            if readable:
                news = _available_lines(mb)
                if not news:  # readable with nothing to read: the server closed the connection
                    raise imaplib.IMAP4.abort("IDLE: connection closed by the server")
                log.debug("IDLE: %s", news)
        return news
    finally:
        mb.idle.stop()


def _available_lines(mb: BaseMailBox) -> list[bytes]:
    """The lines that can be read without waiting, from imaplib's buffer first.

    Mail that arrived between the SEARCH and IDLE is announced right after the "+ idling" continuation, often
    in the same packet: imaplib reads both into its buffer and hands out one, so waiting on the socket alone
    would sit out the whole timeout with the news already here. (imaplib's internal _get_line, as imap-tools'
    IdleManager uses it: with the socket non-blocking, "nothing more" shows as an EOF abort.)"""
    sock = mb.client.sock
    old_timeout = sock.gettimeout()
    sock.settimeout(0)
    lines: list[bytes] = []
    try:
        while True:
            try:
                lines.append(mb.client._get_line())
            except (TimeoutError, OSError, imaplib.IMAP4.abort):
                break
    finally:
        sock.settimeout(old_timeout)
    return lines


def finish_pending() -> None:
    try:
        if done := process_pending():
            log.info("processed %s messages stored earlier", done)
    except Exception:  # the database is still away: the next poll tries again
        log.exception("stored messages could not be processed yet")


def run(
    cfg: ImapConfig,
    *,
    idle: bool = True,
    idle_timeout: float = 300.0,
    interval: float = 60.0,
    stop: threading.Event | None = None,
    deliver: Deliver = accept,
    on_poll: Callable[[Counts], None] | None = None,
    max_backoff: float = 300.0,
) -> None:
    """Poll until `stop` is set: IDLE between polls where the server offers it (re-issued every `idle_timeout`
    seconds), else every `interval` seconds; reconnect with a growing pause when the connection fails.
    Messages stored but left pending (processing could not finish) are processed again before the next poll."""
    if idle_timeout > 29 * 60:
        raise ValueError("RFC 2177: re-issue IDLE at least every 29 minutes")
    stop = stop or threading.Event()
    backoff = 1.0
    pending = True  # at start: whatever an earlier process left stored but not processed
    while not stop.is_set():
        try:
            mb = connect(cfg)
        except CONNECTION_ERRORS as exc:
            log.warning("IMAP %s: cannot connect (%s); again in %.0f s", cfg.address, exc, backoff)
            stop.wait(backoff)
            backoff = min(backoff * 2, max_backoff)
            continue
        try:
            backoff = 1.0
            can_idle = idle and "IDLE" in mb.client.capabilities
            log.info(
                "IMAP %s: connected, %s",
                cfg.address,
                "waiting with IDLE" if can_idle else f"polling every {interval:g} s",
            )
            while not stop.is_set():
                close_old_connections()  # a long-running process: drop database connections gone stale
                started = time.monotonic()
                if pending:  # stored, but processing could not finish (or a process died): try again now
                    finish_pending()
                counts = poll_mailbox(mb, cfg, deliver=deliver)
                log.debug("IMAP %s: polled: %s", cfg.address, counts)
                pending = counts.outcomes.get(InboundMessage.Outcome.PENDING, 0) > 0
                close_old_connections()
                if counts.found:
                    log.info("IMAP %s: %s in %.2f s", cfg.address, counts, time.monotonic() - started)
                if on_poll is not None:
                    on_poll(counts)
                if stop.is_set():
                    break
                if can_idle:
                    idle_until_news(mb, idle_timeout, stop)
                else:
                    stop.wait(interval)
        except CONNECTION_ERRORS as exc:
            log.warning("IMAP %s: connection lost (%s); reconnecting", cfg.address, exc)
            stop.wait(min(backoff, 1.0))
        finally:
            disconnect(mb)
