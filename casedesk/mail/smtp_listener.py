"""An SMTP or LMTP listener (aiosmtpd) that an MTA delivers to: every message through `accept`.

The reply to DATA is 250 only once the message is stored (its raw bytes committed), 451 (try again later)
when it could not be stored, so the MTA keeps it and retries; a retry of a message stored before is
recognised by the store and stored once. RCPT TO an address no desk receives mail at is refused with 550.
In LMTP mode each accepted recipient gets a reply of its own after DATA (RFC 2033), so one recipient that
could not be stored is retried alone.

The Django ORM is synchronous: the handler runs the recipient check and the store in worker threads, away
from the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db import close_old_connections, connections

from casedesk.mail.imap_poll import known_address
from casedesk.mail.intake import Result, accept
from casedesk.mail.store import header_block, max_mail_bytes

log = logging.getLogger(__name__)
T = TypeVar("T")
Deliver = Callable[..., Result]  # accept(raw, recipient, *, source)
_RETURN_PATH = re.compile(rb"^return-path:", re.IGNORECASE | re.MULTILINE)


def with_return_path(raw: bytes, mail_from: str | None) -> bytes:
    """Final delivery records the envelope sender first (RFC 5321 4.4); `<>` marks a bounce for the intake.
    Kept out of the fingerprint, so the same message by pipe or IMAP is still one message."""
    if mail_from is None or _RETURN_PATH.search(header_block(raw)):
        return raw
    sender = mail_from.strip().strip("<>").replace("\r", "").replace("\n", "")
    first_line = raw[: raw.find(b"\n") + 1]
    eol = "\n" if first_line.endswith(b"\n") and not first_line.endswith(b"\r\n") else "\r\n"  # as the message's
    return f"Return-Path: <{sender}>{eol}".encode("utf-8", "surrogateescape") + raw


class IntakeHandler:
    """aiosmtpd handler: RCPT checks the address, DATA stores the message once per recipient."""

    def __init__(self, *, deliver: Deliver = accept, workers: int = 4, known: Callable[[str], bool] = known_address):
        self.deliver = deliver
        self.known = known
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="casedesk-smtp")
        self._threads: set[int] = set()
        self._lock = threading.Lock()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        try:
            known = await self._in_thread(self.known, address)
        except Exception:  # the database is down: the MTA asks again later
            log.exception("SMTP: cannot check recipient %s", address)
            return "451 4.3.0 Cannot check the recipient now, try again later"
        if not known:
            return f"550 5.1.1 <{address}>: no such mailbox here"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        raw = content if isinstance(content, bytes) else content.encode("utf-8", "surrogateescape")
        raw = with_return_path(raw, envelope.mail_from)
        replies = await self._in_thread(self._store, raw, list(envelope.rcpt_tos))
        if isinstance(server, LMTP):
            return "\r\n".join(replies)  # one reply per recipient, in RCPT order
        # SMTP has one reply for all: any failure makes the MTA retry, and the stored ones are recognised then.
        return next(
            (r for r in replies if not r.startswith("250")), replies[0] if replies else "554 5.5.1 No recipients"
        )

    def _store(self, raw: bytes, recipients: list[str]) -> list[str]:
        replies = []
        for rcpt in recipients:
            try:
                result = self.deliver(raw, rcpt, source="smtp")
            except Exception:
                log.exception("SMTP: message for %s not stored", rcpt)
                replies.append(f"451 4.3.0 <{rcpt}>: not stored, try again later")
                continue
            again = "" if result.stored_now else " (delivered before)"
            replies.append(f"250 2.0.0 <{rcpt}>: stored as message {result.message}{again}")
        return replies

    async def _in_thread(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, partial(self._with_db, fn, *args))

    def _with_db(self, fn: Callable[..., T], *args: Any) -> T:
        with self._lock:
            self._threads.add(threading.get_ident())
        close_old_connections()  # as Django does around a request: stale or broken connections go
        try:
            return fn(*args)
        finally:
            close_old_connections()

    def close(self) -> None:
        """Close the workers' database connections (each worker closes its own), then stop the workers."""
        with self._lock:
            parties = len(self._threads)
        if parties:
            barrier = threading.Barrier(parties)

            def close_mine() -> None:
                connections.close_all()
                barrier.wait(timeout=5)  # hold this worker so that every worker gets one of these jobs

            for future in [self.executor.submit(close_mine) for _ in range(parties)]:
                try:
                    future.result(timeout=10)
                except Exception:
                    log.warning("SMTP: a worker's database connection was left to the garbage collector")
        self.executor.shutdown(wait=True)


class IntakeController(Controller):
    """aiosmtpd's threaded controller, speaking SMTP or LMTP."""

    def __init__(self, handler: IntakeHandler, hostname: str, port: int, *, lmtp: bool = False, **kwargs: Any):
        self.lmtp = lmtp
        kwargs.setdefault("data_size_limit", data_size_limit())
        kwargs.setdefault("ident", "casedesk")
        super().__init__(handler, hostname=hostname, port=port, **kwargs)

    def factory(self) -> SMTP:
        return (LMTP if self.lmtp else SMTP)(self.handler, **self.SMTP_kwargs)

    def stop(self, no_assert: bool = False) -> None:
        super().stop(no_assert=no_assert)
        self.handler.close()


def data_size_limit() -> int:
    """Twice the largest message kept whole: up to it, a message over the limit is still stored (headers only)
    and its sender told; beyond it the MTA gets 552 and bounces it to the sender itself."""
    return 2 * max_mail_bytes()


def listener(host: str = "127.0.0.1", port: int = 2525, *, lmtp: bool = False, **kwargs: Any) -> IntakeController:
    """A started listener; `.stop()` it. (Give the host: aiosmtpd's default is ::1 on this machine.)"""
    controller = IntakeController(IntakeHandler(), host, port, lmtp=lmtp, **kwargs)
    controller.start()
    return controller
