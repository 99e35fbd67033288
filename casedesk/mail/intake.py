"""The one way in for e-mail: `accept` stores the raw bytes (committed) and then processes them.

Every channel (the pipe command, IMAP polling, the SMTP/LMTP listener) is a one-line caller of `accept`.
Processing runs in a transaction of its own that also records the outcome, so a process killed after the
store and before the outcome leaves the message pending, and `process_pending` (run by every batch and by
`casedesk mail-process`) finishes it exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from casedesk.cases.models import Case
from casedesk.cases.services import CaseError
from casedesk.desks.policies import preset_of, version_in_force
from casedesk.mail import rows, snapshot, writing
from casedesk.mail.bounces import DeliveryReport
from casedesk.mail.models import InboundMessage, ThreadRef
from casedesk.mail.noise import automatic_reason, from_a_desk_address, limit_reason, sender_limit
from casedesk.mail.parsing import Parsed, parse
from casedesk.mail.routing import Route, RoutingError, route
from casedesk.mail.senders import identify
from casedesk.mail.store import max_mail_bytes, store
from casedesk.mail.threads import find_case

log = logging.getLogger(__name__)
Outcome = InboundMessage.Outcome


@dataclass(frozen=True)
class Result:
    message: int  # the InboundMessage's id
    outcome: str
    case: str = ""  # the case number, when there is one
    reason: str = ""
    stored_now: bool = True  # False: this delivery had been stored before (a retry, or pipe and IMAP)


def accept(raw: bytes, recipient: str, *, source: str, at: datetime | None = None) -> Result:
    """Store one delivered message, then process it. Raises only when it could not be stored."""
    row, created = store(raw, recipient, source=source, at=at)
    if row.outcome == Outcome.PENDING:
        try:
            # A delivery stored just now hands its row on (its bytes as stored: headers only when too large).
            row = process(row.pk, stored=row if created else None)
        except Exception:  # the database went away mid-way: stored is accepted, the next run processes it
            log.exception("inbound message %s stored; processing left for the next run", row.pk)
            later = "stored; processing left for the next run"
            return Result(row.pk, Outcome.PENDING, reason=later, stored_now=created)
    return _result(row, created)


def accept_many(deliveries: Iterable[tuple[bytes, str]], *, source: str, batch: int = 20) -> Iterator[Result]:
    """`accept` for many deliveries (a directory, a mailbox): each one is stored and committed on its own as it
    comes, as `accept` does; the stored ones are then processed `batch` at a time in one transaction, each in a
    savepoint of its own (one that fails is quarantined alone), so a batch pays one commit. A process killed
    mid-batch leaves that batch's messages stored and pending, and the next run's `process_pending` finishes
    them: nothing lost, nothing twice. Results come in delivery order, each batch's once it committed."""
    stored: list[tuple[InboundMessage, bool]] = []
    for raw, recipient in deliveries:
        stored.append(store(raw, recipient, source=source))
        if len(stored) >= batch:
            yield from _process_batch(stored)
            stored = []
    if stored:
        yield from _process_batch(stored)


def _process_batch(stored: list[tuple[InboundMessage, bool]]) -> list[Result]:
    done: list[InboundMessage] = []
    try:
        with transaction.atomic():
            for row, created in stored:
                pending = row.outcome == Outcome.PENDING
                done.append(process(row.pk, stored=row if created else None) if pending else row)
    except Exception:  # the database went away mid-way: stored is accepted, the next run processes them
        log.exception("inbound messages %s stored; processing left for the next run", [r.pk for r, _ in stored])
        later = "stored; processing left for the next run"
        return [Result(row.pk, Outcome.PENDING, reason=later, stored_now=created) for row, created in stored]
    return [_result(row, created) for row, (_, created) in zip(done, stored, strict=True)]


def process_pending(limit: int | None = None) -> int:
    """Finish messages stored but not processed (a crash between the two); how many were processed."""
    ids = InboundMessage.objects.filter(outcome=Outcome.PENDING).order_by("received_at", "pk").values_list("pk")
    done = 0
    for (pk,) in ids[:limit] if limit else ids.iterator():
        process(pk)
        done += 1
    return done


# What processing writes on the row: saved by name, so the raw bytes are never written back.
PROCESSED_FIELDS = ["outcome", "reason", "processed_at", "desk", "sender", "subject", "automatic", "case", "event"]
PROCESSED_FIELDS += ["duplicate_of", "text", "html", "notices"]


def process(pk: int, *, stored: InboundMessage | None = None) -> InboundMessage:
    """Parse, route, thread and write one stored message; its outcome is committed with the case writes.
    `stored` is the row as the caller has just stored it (accept): then it is locked, not read again."""
    with transaction.atomic():
        msg = _claim(stored) if stored is not None and stored.pk == pk else None
        if msg is not None:
            raw = bytes(msg.raw)
        else:
            # The raw bytes are read once, apart, and never written back: saving the outcome rewrites no blob.
            msg = InboundMessage.objects.select_for_update().defer("raw").get(pk=pk)
            if msg.outcome != Outcome.PENDING:
                return msg  # another process got there first
            raw = bytes(InboundMessage.objects.filter(pk=pk).values_list("raw", flat=True)[0])
        try:
            with transaction.atomic():
                _handle(msg, raw)
        except (writing.Quarantined, RoutingError, CaseError) as exc:
            _quarantine(msg, str(exc))
        except Exception as exc:  # a bug or broken input we did not foresee: kept, shown, never lost
            log.exception("inbound message %s could not be processed", pk)
            _quarantine(msg, f"could not be processed ({type(exc).__name__}: {exc})"[:2000])
        msg.processed_at = timezone.now()
        rows.update(msg, PROCESSED_FIELDS)
    return msg


def _claim(stored: InboundMessage) -> InboundMessage | None:
    """The row just stored, locked, when it is still pending (one plain statement); None when another process
    took it meanwhile (then the caller reads it as it is now)."""
    q = connection.ops.quote_name
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""  # SQLite: the write lock is held
    with connection.cursor() as cur:
        cur.execute(f"SELECT {q('outcome')} FROM {q(InboundMessage._meta.db_table)} WHERE {q('id')} = %s{lock}",
                    [stored.pk])  # fmt: skip
        row = cur.fetchone()
    return stored if row is not None and row[0] == Outcome.PENDING and stored.outcome == Outcome.PENDING else None


def _quarantine(msg: InboundMessage, reason: str) -> None:
    msg.outcome, msg.reason = Outcome.QUARANTINED, reason or "quarantined"
    msg.case = msg.event = msg.duplicate_of = None


def _handle(msg: InboundMessage, raw: bytes) -> None:
    parsed = parse(raw)
    msg.sender, msg.subject = parsed.sender, " ".join(parsed.subject.split())[:300]
    msg.text, msg.html, notices = parsed.text, parsed.html, parsed.notices
    msg.notices = notices
    released = msg.handled_by_id is not None  # an agent looked at it: no loop guard, their desk and priority
    if msg.truncated and not released:
        limit = max_mail_bytes()
        notices.append(f"the message of {msg.size:,} bytes is over the limit of {limit:,} bytes and was not accepted")
        raise writing.Quarantined(f"too large: {msg.size:,} bytes (limit {limit:,}); only the headers were kept")
    snap = snapshot.current()  # desks, queues, addresses and policy versions as they are now: one statement
    with snapshot.using(snap):
        _deliver(msg, parsed, snap, released=released)


def _deliver(msg: InboundMessage, parsed: Parsed, snap: snapshot.Snapshot, *, released: bool) -> None:
    """Route, thread and write a parsed message on the set-up `snap` (read for this message)."""
    notices = parsed.notices
    try:
        r = route(msg.recipient, snap)
    except RoutingError:
        if not (released and msg.desk is not None):
            raise
        r = Route(msg.recipient, msg.desk, None)
    msg.desk = r.desk
    if parsed.report is not None:
        _bounce(msg, parsed.report)
        return
    automatic = automatic_reason(parsed.headers, parsed.sender) or from_a_desk_address(parsed.sender, snap)
    if not parsed.sender:
        raise writing.Quarantined("no sender address: the message names nobody to reply to")
    if len(parsed.sender) > 254:
        raise writing.Quarantined("the sender address is longer than 254 characters")
    policy = preset_of(
        snap.version_in_force(r.desk, msg.received_at) or version_in_force(r.desk, msg.received_at)
    ).policy
    sender = identify(r.desk, parsed.sender, parsed.sender_name, timezone.localdate(msg.received_at), snap)
    case = find_case(r.desk, policy, parsed.subject, [*parsed.in_reply_to, *reversed(parsed.references)], sender)
    if automatic:
        # Never answered, never a case or a reply of its own; linked to its case when it names one.
        msg.automatic, msg.case = True, case
        msg.outcome, msg.reason = Outcome.IGNORED_AUTOMATIC, automatic
        return
    recent, first = _recent_and_first(msg, parsed.sender, r.desk.pk, count_recent=not released)
    if not released and (reason := limit_reason(parsed.sender, recent)):
        raise writing.Quarantined(reason)
    if first is not None:
        msg.outcome, msg.duplicate_of, msg.case = Outcome.DUPLICATE, first, first.case
        msg.reason = f"also delivered to {first.recipient}"
        return
    if case is not None and case.status == Case.Status.CLOSED:
        notices.append(f"case {case.number} is closed: this message opened a new case")
        case = None
    if case is None:
        at, priority = msg.received_at, msg.release_priority
        msg.case, msg.event = writing.new_case(r, policy, sender, parsed, at, notices, priority=priority, snap=snap)
        msg.outcome = Outcome.CASE
    else:
        msg.event, note = writing.comment(case, policy, sender, parsed, msg.received_at, notices)
        msg.case, msg.outcome, msg.reason = case, Outcome.COMMENT, note
        if note:
            notices.append(note)
    if msg.message_id:
        rows.insert(ThreadRef(message_id=msg.message_id, case=msg.case, event=msg.event))


def _recent_and_first(
    msg: InboundMessage, sender: str, desk_id: int, *, count_recent: bool
) -> tuple[int, InboundMessage | None]:
    """In one statement: the sender's recent messages the loop guard counts (noise.over_limit), and the same
    message processed before through another address of this desk (To: .no, Cc: .dk), if any.

    Two scalar subqueries, each on its own index (sender + received_at; Message-ID); plain SQL because
    building the two filtered queries through the ORM costs more than running them."""
    if not count_recent and not msg.message_id:
        return 0, None
    q, ops = connection.ops.quote_name, connection.ops
    table = q(InboundMessage._meta.db_table)
    _limit, window = sender_limit()
    recent_sql, first_sql, params = "0", "NULL", list[Any]()
    if count_recent:
        recent_sql = (
            f"(SELECT COUNT(*) FROM {table} WHERE {q('sender')} = %s AND {q('desk_id')} = %s"
            f" AND {q('received_at')} > %s AND {q('received_at')} <= %s AND {q('outcome')} NOT IN (%s, %s))"
        )
        since, until = (ops.adapt_datetimefield_value(t) for t in (msg.received_at - window, msg.received_at))
        params += [sender, desk_id, since, until, Outcome.PENDING, Outcome.DUPLICATE]
    if msg.message_id:
        first_sql = (
            f"(SELECT MIN({q('id')}) FROM {table} WHERE {q('message_id')} = %s AND {q('fingerprint')} = %s"
            # desk_id + 0: the Message-ID's index finds the rows, never a scan of the desk's (SQLite's planner)
            f" AND {q('desk_id')} + 0 = %s AND {q('id')} <> %s AND {q('outcome')} NOT IN (%s, %s, %s))"
        )
        params += [msg.message_id, msg.fingerprint, desk_id, msg.pk]
        params += [Outcome.PENDING, Outcome.QUARANTINED, Outcome.DUPLICATE]
    with connection.cursor() as cur:
        cur.execute(f"SELECT {recent_sql}, {first_sql}", params)
        recent, first_pk = cur.fetchone()
    first = None
    if first_pk is not None:
        first = InboundMessage.objects.defer("raw", "text", "html").select_related("case").get(pk=first_pk)
    return int(recent or 0), first


def _bounce(msg: InboundMessage, report: DeliveryReport) -> None:
    """A delivery report attaches to the case of the message that failed (never answered: it is automatic)."""
    msg.automatic = True
    original_id = report.original_id
    ref = ThreadRef.objects.filter(message_id=original_id, case__desk=msg.desk).select_related("case").first()
    if not original_id or ref is None:
        msg.outcome = Outcome.IGNORED_AUTOMATIC
        msg.reason = f"delivery report for a message this desk did not send ({original_id or 'no Message-ID'})"
        return
    msg.case, msg.event = (
        ref.case,
        writing.bounce(ref.case, report.recipients, report.status, report.diagnostic, msg.received_at),
    )
    msg.outcome, msg.reason = Outcome.BOUNCE, f"delivery to {', '.join(report.recipients) or '?'} failed"


def _result(msg: InboundMessage, stored_now: bool) -> Result:
    number = msg.case.number if msg.case_id and msg.case else ""
    return Result(msg.pk, msg.outcome, number, msg.reason, stored_now)
