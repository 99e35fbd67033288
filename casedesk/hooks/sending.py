"""Posting one delivery, retrying with backoff, and pausing a subscription that keeps failing.

Guarantee: **at least once**, each delivery by one worker at a time. An attempt is claimed in a transaction
of its own (the row locked; on PostgreSQL the worker's pass takes the next due row with FOR UPDATE SKIP
LOCKED, so workers passing at once take different rows) that counts it and sets `next_attempt_at` to the end
of a lease (6 x TIMEOUT, settings.CASEDESK_HOOKS_TIMEOUT) before the POST starts; a worker that dies during the
POST leaves the row to come due again when the lease ends. So a receiver may see a delivery twice
(its answer lost): it recognises it by the `Casedesk-Delivery` id. The body is the same on every attempt;
the signature's timestamp is the attempt's (casedesk.hooks.signing).

A 2xx answer delivers. Anything else (another status, a redirect, a refused connection, no answer within
TIMEOUT seconds) fails the attempt: the next one comes after the backoff, 1 min, 5 min, 30 min, 2 h, 12 h
(the task re-enqueues itself with `run_after`; the worker's pass, `deliver_due`, makes up for a lost task).
The sixth failed attempt gives up. A success resets the subscription's count of consecutive deliveries given
up; when it reaches PAUSE_AFTER (settings.CASEDESK_HOOKS_PAUSE_AFTER, 10 by default: the desk's own setting,
no policy names a number) the subscription is paused and the desk's support managers are e-mailed through
the outgoing mail (casedesk.notify, audience staff). A paused subscription posts nothing (a test ping
excepted) until a manager resumes it; resuming makes what waited due at once.
"""

from __future__ import annotations

import functools
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, override

from casedesk.desks.models import Membership
from casedesk.hooks import signing
from casedesk.hooks.models import Delivery, Subscription
from casedesk.notify import outbox
from casedesk.notify.models import OutgoingMail

log = logging.getLogger(__name__)
State = Delivery.State
WAITING = (State.PENDING, State.FAILED)

BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=12)]
MAX_ATTEMPTS = len(BACKOFF) + 1
EARLY = timedelta(seconds=5)  # a task run this much before the row's time (clocks of two hosts) still posts
LOST_AFTER = timedelta(minutes=1)  # a due row's task runs within seconds: after this it was lost
RESPONSE_KEPT = 2000  # characters of the answer's body kept on the row
READ_AT_MOST = 64 * 1024
PING = "ping"


def timeout() -> float:
    return float(getattr(settings, "CASEDESK_HOOKS_TIMEOUT", 10))


def pause_after() -> int:
    return int(getattr(settings, "CASEDESK_HOOKS_PAUSE_AFTER", 10))


def lease() -> timedelta:
    """An attempt cannot last longer than this (TIMEOUT bounds connecting and each read of the answer)."""
    return timedelta(seconds=6 * timeout())


@dataclass(frozen=True)
class Answer:
    status: int | None
    body: str
    error: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def body_of(row: Delivery) -> bytes:
    """The JSON body, the same bytes on every attempt."""
    envelope = {
        "id": row.pk,
        "event": row.event,
        "created_at": row.created_at.isoformat(),
        "desk": row.subscription.desk.slug,
        "data": row.payload,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx is the receiver's answer, not a new address: the attempt fails with it


_opener = urllib.request.build_opener(_NoRedirect)


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with _opener.open(request, timeout=timeout()) as response:
            return Answer(response.status, _text(response.read(READ_AT_MOST)), "")
    except urllib.error.HTTPError as exc:
        try:
            text = _text(exc.read(READ_AT_MOST))
        except Exception:
            text = ""
        return Answer(exc.code, text, f"HTTP {exc.code} {exc.reason}")
    except Exception as exc:  # refused, reset, timed out, a bad address: no answer at all
        return Answer(None, "", f"{type(exc).__name__}: {exc}"[:2000])


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")[:RESPONSE_KEPT]


def _claimable(now: datetime) -> QuerySet[Delivery]:
    qs = Delivery.objects.filter(state__in=WAITING, next_attempt_at__lte=now + EARLY, subscription__active=True)
    return qs.filter(Q(subscription__paused_at__isnull=True) | Q(event=PING))


def _claim(qs: QuerySet[Delivery], now: datetime, size: int) -> list[Delivery]:
    """Lock, count and lease up to `size` rows in a transaction of their own: only a committed claim is posted."""
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    with transaction.atomic():
        rows = list(qs.order_by("next_attempt_at", "pk")[:size])
        for row in rows:
            row.attempts += 1
            row.next_attempt_at = now + lease()
        Delivery.objects.bulk_update(rows, ["attempts", "next_attempt_at"])
    return rows


def deliver_one(pk: int, now: datetime | None = None) -> str:
    """Post the delivery if it waits and is due; its state afterwards, or "skipped"."""
    at = max(now, timezone.now()) if now is not None else timezone.now()  # `now` later than the clock: tests
    rows = _claim(_claimable(at).filter(pk=pk), at, 1)
    return _attempt(rows[0], at) if rows else "skipped"


@dataclass
class Run:
    delivered: int = 0
    retrying: int = 0
    gave_up: int = 0


def deliver_due(
    now: datetime | None = None,
    limit: int | None = None,
    *,
    lost_after: timedelta | None = None,
    budget: float | None = None,
) -> Run:
    """The worker's pass: post every delivery whose time has come (a lost task, a retry, a resumed
    subscription), oldest first, each claimed just before its POST (a claim never waits behind other POSTs,
    so its lease covers one attempt). `lost_after`: only rows due for longer than that (their task did not
    run); `budget`: seconds after which no further POST starts (the sweeps' thread is not held by receivers)."""
    now = now or timezone.now()
    run = Run()
    seen: set[int] = set()
    stop = time.monotonic() + budget if budget is not None else None
    while (limit is None or len(seen) < limit) and (stop is None or time.monotonic() < stop):
        due = _claimable(now).exclude(pk__in=seen)
        if lost_after is not None:
            due = due.filter(next_attempt_at__lte=now - lost_after)
        rows = _claim(due, now, 1)
        if not rows:
            break
        seen.add(rows[0].pk)
        outcome = _attempt(rows[0], now)
        if outcome == State.DELIVERED:
            run.delivered += 1
        elif outcome == State.FAILED:
            run.retrying += 1
        else:
            run.gave_up += 1
    return run


def _attempt(row: Delivery, now: datetime) -> str:
    sub = Subscription.objects.select_related("desk").get(pk=row.subscription_id)
    row.subscription = sub
    body = body_of(row)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "casedesk-webhooks/1",
        "Casedesk-Event": row.event,
        "Casedesk-Delivery": str(row.pk),
        signing.HEADER: signing.header(sub.secret, body, timezone.now()),
    }
    answer = post(sub.url, body, headers)
    mine = Delivery.objects.filter(pk=row.pk, attempts=row.attempts)  # a later attempt's outcome is not overwritten
    kept = {"last_status": answer.status, "last_response": answer.body, "last_error": answer.error}
    if answer.ok:
        mine.update(state=State.DELIVERED, delivered_at=timezone.now(), next_attempt_at=None, **kept)
        Subscription.objects.filter(pk=sub.pk, consecutive_failures__gt=0).update(consecutive_failures=0)
        return State.DELIVERED
    log.info("webhook delivery %s to %s failed: %s", row.pk, sub.url, answer.error)
    if row.attempts < MAX_ATTEMPTS:
        later = now + BACKOFF[row.attempts - 1]
        if mine.update(state=State.FAILED, next_attempt_at=later, **kept):
            transaction.on_commit(functools.partial(_enqueue, row.pk, later), robust=True)
        return State.FAILED
    with transaction.atomic():
        if mine.update(state=State.GAVE_UP, next_attempt_at=None, **kept) and row.event != PING:
            _count_failure(sub.pk, now)
    return State.GAVE_UP


def _enqueue(pk: int, at: datetime) -> None:
    from casedesk.hooks.emit import enqueue

    enqueue(pk, run_after=at)


def _count_failure(sub_pk: int, now: datetime) -> None:
    sub = Subscription.objects.select_for_update().select_related("desk").get(pk=sub_pk)
    sub.consecutive_failures = F("consecutive_failures") + 1
    sub.save(update_fields=["consecutive_failures"])
    sub.refresh_from_db(fields=["consecutive_failures"])
    if sub.paused_at is None and sub.active and sub.consecutive_failures >= pause_after():
        reason = gettext("%(n)s deliveries in a row failed after every retry") % {"n": sub.consecutive_failures}
        pause(sub, reason, now, tell=True)


def pause(sub: Subscription, reason: str, now: datetime, *, tell: bool = False) -> None:
    """Stop posting to the subscription (inside the caller's transaction); `tell`: e-mail its managers."""
    sub.paused_at, sub.paused_reason = now, reason[:300]
    sub.save(update_fields=["paused_at", "paused_reason"])
    log.warning("webhook subscription %s (%s) paused: %s", sub.pk, sub.url, reason)
    if tell:
        tell_managers(sub, reason, now)


def managers(sub: Subscription) -> list[User]:
    """The desk's support managers with an address; the subscription's author if there is none."""
    members = Membership.objects.filter(
        desk_id=sub.desk_id, role=Membership.Role.SUPPORT_MANAGER, user__is_active=True
    ).exclude(user__email="")
    people = [m.user for m in members.select_related("user__profile").order_by("user_id")]
    if not people and sub.created_by is not None and sub.created_by.is_active and sub.created_by.email:
        people = [sub.created_by]
    return people


def tell_managers(sub: Subscription, reason: str, now: datetime) -> list[OutgoingMail]:
    """One staff e-mail per manager, queued with the pause (the outgoing mail sends it)."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or None
    page = f"{settings.CASEDESK_BASE_URL.rstrip('/')}/console/hooks/"
    rows = []
    for user in managers(sub):
        profile = getattr(user, "profile", None)
        language = (profile.language if profile is not None else "") or settings.LANGUAGE_CODE
        with override(language):
            words = {"desk": sub.desk.name, "url": sub.url, "reason": reason, "page": page}
            subject = gettext("[%(desk)s] Webhook paused: %(url)s") % words
            body = "\n".join(
                [
                    gettext("casedesk stopped posting events of %(desk)s to %(url)s: %(reason)s.") % words,
                    gettext("Nothing is sent to it until a support manager resumes it on %(page)s.") % words,
                    gettext("The deliveries' log there shows what the receiver answered."),
                ]
            )
        rows.append(
            OutgoingMail(
                audience=OutgoingMail.Audience.STAFF,
                kind="hook_paused",
                recipients=[user.email],
                from_email=settings.DEFAULT_FROM_EMAIL,
                subject=subject,
                body=body + "\n",
                headers={"Auto-Submitted": "auto-generated"},
                message_id=make_msgid(idstring=f"hook-{sub.pk}", domain=domain),
                language=language,
                created_at=now,
                next_attempt_at=now,
            )
        )
    OutgoingMail.objects.bulk_create(rows)
    for row in rows:
        transaction.on_commit(functools.partial(outbox.enqueue, row.pk), robust=True)
    return rows
