"""Writes on subscriptions (the console calls these): add, pause, resume, remove, send a test ping."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from casedesk.desks.models import Desk
from casedesk.hooks import emit, sending
from casedesk.hooks.models import EVENTS, Delivery, Subscription, new_secret


class HookError(ValueError):
    """A change the subscription's state does not allow; the message says why."""


def check_url(url: str) -> str:
    url = url.strip()
    scheme = url.partition("://")[0].lower()
    if scheme not in {"http", "https"} or not url.partition("://")[2]:
        raise HookError(gettext("the address must start with http:// or https://"))
    return url


@transaction.atomic
def add(desk: Desk, url: str, events: Sequence[str], *, by: User | None) -> Subscription:
    """A new live subscription with a generated secret (shown to the manager, kept to sign)."""
    unknown = sorted(set(events) - set(EVENTS))
    if unknown:
        raise HookError(gettext("unknown events: %(events)s") % {"events": ", ".join(unknown)})
    if not events:
        raise HookError(gettext("choose at least one event"))
    wanted = [e for e in EVENTS if e in events]
    return Subscription.objects.create(desk=desk, url=check_url(url), events=wanted, secret=new_secret(), created_by=by)


@transaction.atomic
def pause(sub: Subscription, *, by: User) -> None:
    if sub.paused_at is not None:
        raise HookError(gettext("the subscription is already paused"))
    reason = gettext("paused by %(user)s") % {"user": by.get_username()}
    sending.pause(sub, reason, timezone.now())


@transaction.atomic
def resume(sub: Subscription) -> int:
    """Post again from now: the count of failures starts over, what waited is due at once; how many waited."""
    if sub.paused_at is None:
        raise HookError(gettext("the subscription is not paused"))
    now = timezone.now()
    sub.paused_at, sub.paused_reason, sub.consecutive_failures = None, "", 0
    sub.save(update_fields=["paused_at", "paused_reason", "consecutive_failures"])
    waiting = list(Delivery.objects.filter(subscription=sub, state__in=sending.WAITING).values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=waiting).update(next_attempt_at=now)
    for pk in waiting:
        transaction.on_commit(functools.partial(emit.enqueue, pk), robust=True)
    return len(waiting)


@transaction.atomic
def remove(sub: Subscription) -> bool:
    """Delete the subscription, or, when it has deliveries, deactivate it so their log stays (what still
    waited is given up); True when deleted."""
    if not Delivery.objects.filter(subscription=sub).exists():
        sub.delete()
        return True
    sub.active = False
    sub.save(update_fields=["active"])
    Delivery.objects.filter(subscription=sub, state__in=sending.WAITING).update(
        state=Delivery.State.GAVE_UP, next_attempt_at=None, last_error=gettext("the subscription was removed")
    )
    return False


@transaction.atomic
def ping(sub: Subscription, *, by: User) -> Delivery:
    """A test delivery, event "ping" (posted even while the subscription is paused)."""
    if not sub.active:
        raise HookError(gettext("the subscription was removed"))
    now = timezone.now()
    payload = {"ping": True, "by": by.get_username(), "events": sub.events}
    row = Delivery(subscription=sub, event=sending.PING, payload=payload, created_at=now)
    emit.queue([row], now)
    return row
