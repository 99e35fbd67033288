"""Sending one outgoing row, retrying on temporary SMTP errors, and what is due for `casedesk notify-send`.

Guarantee: **at most once**. A row is claimed in a transaction of its own that sets it "sending" (and
counts the attempt) before the SMTP transaction starts; only a committed claim is sent, and only a row
found "queued" is claimed, so two workers (a task and the command) never both send it. After the
server's answer the row becomes "sent", or "queued" again with `next_attempt_at` moved by the backoff
(1 min, 5 min, 30 min, 2 h, 12 h) when the server answered 4xx or could not be reached, or "failed" when
it answered 5xx or the sixth attempt failed: then a `delivery_failed` event is on the case
(casedesk.cases.services.delivery_failed). A process that dies between the claim and the outcome (the
server may or may not have taken the message) leaves the row "sending"; `notify-send` marks a row
"sending" for longer than STALE "uncertain" and records a `delivery_failed` event saying so, and never
sends it again: a message possibly lost is shown to the agents, never duplicated.

Threading headers are set at the claim: In-Reply-To the requester's original message when the case came
in by e-mail (else the case's first notification), References to that and to the case's earlier
notifications; the row's own Message-ID is registered as an outgoing ThreadRef, so a reply to it (or a
bounce of it) finds the case.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from casedesk.cases import services
from casedesk.mail.models import InboundMessage, ThreadRef
from casedesk.notify.models import OutgoingMail

log = logging.getLogger(__name__)
State = OutgoingMail.State

BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=12)]
MAX_ATTEMPTS = len(BACKOFF) + 1
EARLY = timedelta(seconds=5)  # a task run this much before the row's time (clocks of two hosts) still sends
REFERENCES = 10  # earlier notifications named in References, newest kept


def stale_after() -> timedelta:
    """A claim older than this cannot still be in an SMTP transaction (EMAIL_TIMEOUT bounds each step)."""
    return max(timedelta(minutes=10), timedelta(seconds=3 * int(getattr(settings, "EMAIL_TIMEOUT", None) or 60)))


def send_one(pk: int, now: datetime | None = None) -> str:
    """Send the row if it is queued and due; its state afterwards, or "skipped" (sent, claimed, not due)."""
    at = max(now, timezone.now()) if now is not None else timezone.now()  # `now` later than the clock: tests
    row = _claim(pk, at)
    if row is None:
        return "skipped"
    try:
        _deliver(row)
    except Exception as exc:  # the server's answer or the connection's failure, recorded on the row
        return _attempt_failed(row, exc, at)
    OutgoingMail.objects.filter(pk=row.pk, state=State.SENDING).update(
        state=State.SENT, sent_at=timezone.now(), last_error=""
    )
    return State.SENT


def _claim(pk: int, now: datetime) -> OutgoingMail | None:
    with transaction.atomic():
        row = OutgoingMail.objects.select_for_update().filter(pk=pk).first()
        if row is None or row.state != State.QUEUED:
            return None
        if row.next_attempt_at is not None and row.next_attempt_at > now + EARLY:
            return None
        row.state, row.attempts, row.claimed_at, row.next_attempt_at = State.SENDING, row.attempts + 1, now, None
        # Only the requester's mail threads: a reply to a staff message must never become a reply on the case.
        case_id = row.case_id if row.audience == OutgoingMail.Audience.REQUESTER else None
        if case_id is not None:
            row.headers = {**row.headers, **thread_headers(row)}
        row.save(update_fields=["state", "attempts", "claimed_at", "next_attempt_at", "headers"])
        if case_id is not None and not ThreadRef.objects.filter(message_id=row.message_id, case_id=case_id).exists():
            ThreadRef.objects.create(message_id=row.message_id, case_id=case_id, event_id=row.event_id, outgoing=True)
    return row


def thread_headers(row: OutgoingMail) -> dict[str, str]:
    """In-Reply-To and References: the requester's original message (an e-mail case), the earlier notifications."""
    original = (
        InboundMessage.objects.filter(case=row.case_id, outcome=InboundMessage.Outcome.CASE)
        .exclude(message_id="")
        .order_by("received_at", "pk")
        .values_list("message_id", flat=True)
        .first()
    )
    earlier = OutgoingMail.objects.filter(case=row.case_id, pk__lt=row.pk, audience=row.audience).order_by("-pk")
    recent = list(earlier.values_list("message_id", flat=True)[:REFERENCES])[::-1]
    first = earlier.order_by("pk").values_list("message_id", flat=True).first()
    chain = [m for m in (original, first, *recent) if m]
    refs = list(dict.fromkeys(chain))
    parent = original or first
    return {"In-Reply-To": parent, "References": " ".join(refs)} if parent else {}


def _deliver(row: OutgoingMail) -> None:
    headers = {**row.headers, "Message-ID": row.message_id}
    message = EmailMessage(row.subject, row.body, row.from_email, row.recipients, headers=headers)
    connection = get_connection(fail_silently=False)
    connection.open()
    try:
        sent = connection.send_messages([message])
    finally:
        try:  # once the server took the message, an error at QUIT changes nothing: it is sent
            connection.close()
        except Exception:
            log.warning("notification %s: closing the mail connection failed", row.pk, exc_info=True)
    if sent != 1:
        raise smtplib.SMTPException("the backend sent nothing")


@dataclass(frozen=True)
class Failure:
    permanent: bool
    status: str
    text: str


def classify(exc: Exception) -> Failure:
    """5xx answers are final; 4xx answers, lost connections and anything else are tried again later."""
    code: int | None = None
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _msg in exc.recipients.values()]
        code = max(codes) if codes and all(c >= 500 for c in codes) else min(codes, default=None)
    elif isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
    text = f"{type(exc).__name__}: {exc}"[:2000]
    return Failure(bool(code and 500 <= code < 600), str(code or ""), text)


def _attempt_failed(row: OutgoingMail, exc: Exception, now: datetime) -> str:
    failure = classify(exc)
    with transaction.atomic():
        if failure.permanent or row.attempts >= MAX_ATTEMPTS:
            OutgoingMail.objects.filter(pk=row.pk).update(state=State.FAILED, last_error=failure.text)
            why = "refused" if failure.permanent else f"not accepted after {row.attempts} attempts"
            if row.case is not None:
                services.delivery_failed(
                    row.case, ", ".join(row.recipients), status=failure.status, diagnostic=f"{why}: {failure.text}"
                )
            log.warning("notification %s to %s failed: %s", row.pk, row.recipients, failure.text)
            return State.FAILED
        later = now + BACKOFF[row.attempts - 1]
        OutgoingMail.objects.filter(pk=row.pk).update(
            state=State.QUEUED, next_attempt_at=later, last_error=failure.text
        )
        transaction.on_commit(lambda: _enqueue_retry(row.pk, later), robust=True)
    return State.QUEUED


def _enqueue_retry(pk: int, at: datetime) -> None:
    from casedesk.notify.outbox import enqueue

    enqueue(pk, run_after=at)


@dataclass
class Run:
    sent: int = 0
    queued: int = 0  # tried and queued again for later
    failed: int = 0
    uncertain: int = 0
    skipped: int = 0


def mark_uncertain(now: datetime) -> int:
    """Rows left "sending" by a process that died mid-send: perhaps delivered, so never sent again."""
    marked = 0
    for pk in OutgoingMail.objects.filter(state=State.SENDING, claimed_at__lt=now - stale_after()).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            row = OutgoingMail.objects.select_for_update().filter(pk=pk, state=State.SENDING).first()
            if row is None:
                continue
            row.state = State.UNCERTAIN
            row.last_error = "the sending process stopped during the SMTP transaction: perhaps delivered, not resent"
            row.save(update_fields=["state", "last_error"])
            if row.case is not None:
                services.delivery_failed(
                    row.case, ", ".join(row.recipients), status="uncertain", diagnostic=row.last_error
                )
            marked += 1
    return marked


def send_due(now: datetime | None = None, limit: int | None = None) -> Run:
    """Mark the stale claims uncertain, then send every queued row whose time has come, oldest first."""
    now = now or timezone.now()
    run = Run(uncertain=mark_uncertain(now))
    due = OutgoingMail.objects.filter(state=State.QUEUED, next_attempt_at__lte=now).order_by("next_attempt_at", "pk")
    for pk in list(due.values_list("pk", flat=True)[:limit] if limit else due.values_list("pk", flat=True)):
        outcome = send_one(pk, now)
        if outcome == State.SENT:
            run.sent += 1
        elif outcome == State.QUEUED:
            run.queued += 1
        elif outcome == State.FAILED:
            run.failed += 1
        else:
            run.skipped += 1
    return run
