"""Automatic mail (never answered, never a case of its own) and the per-sender loop guard."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from casedesk.mail import snapshot
from casedesk.mail.models import InboundMessage
from casedesk.mail.snapshot import Snapshot

_AUTO_REPLY_HEADERS = ("x-autoreply", "x-autorespond", "x-autoresponse", "x-auto-reply", "x-mail-autoreply")
_MACHINES = ("mailer-daemon@", "postmaster@")


def automatic_reason(headers: dict[str, str], sender: str) -> str:
    """Why a message is automatic ('' when a person sent it): RFC 3834, Precedence, the usual auto-reply headers."""
    auto = headers.get("auto-submitted", "").strip().lower()
    if auto and not auto.startswith("no"):
        return f"Auto-Submitted: {auto}"
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in {"bulk", "list", "junk", "auto_reply"}:
        return f"Precedence: {precedence}"
    for name in _AUTO_REPLY_HEADERS:
        if name in headers:
            return f"{name} header"
    if headers.get("return-path", "").replace(" ", "") == "<>":
        return "null return path (a delivery report)"
    if sender.startswith(_MACHINES):
        return f"sent by {sender}"
    return ""


def from_a_desk_address(sender: str, snap: Snapshot | None = None) -> str:
    """A reason when the message comes from an address casedesk itself receives at (our own mail looping back)."""
    if not sender:
        return ""
    snap = snap or snapshot.current()
    own = snap.receives_at(sender)
    return f"sent from {sender}, an address of this installation: a mail loop" if own else ""


def sender_limit() -> tuple[int, timedelta]:
    """The loop guard: the desk's internal setting, not a policy (default 20 messages per 10 minutes)."""
    count = int(getattr(settings, "CASEDESK_MAIL_SENDER_LIMIT", 20))
    minutes = int(getattr(settings, "CASEDESK_MAIL_SENDER_WINDOW_MINUTES", 10))
    return count, timedelta(minutes=minutes)


def over_limit(sender: str, desk_id: int, at: datetime) -> str:
    """A reason when the sender sent more than the limit to this desk within the window, else ''."""
    return limit_reason(sender, InboundMessage.objects.filter(recent_from(sender, desk_id, at)).count())


def recent_from(sender: str, desk_id: int, at: datetime) -> Q:
    """The sender's messages to this desk that the loop guard counts at `at`."""
    _count, window = sender_limit()
    counted = ~Q(outcome__in=[InboundMessage.Outcome.PENDING, InboundMessage.Outcome.DUPLICATE])
    return Q(sender=sender, desk_id=desk_id, received_at__gt=at - window, received_at__lte=at) & counted


def limit_reason(sender: str, recent: int) -> str:
    """The loop guard's reason when `recent` messages reach the limit, else ''."""
    count, window = sender_limit()
    if recent >= count:
        minutes = int(window.total_seconds() // 60)
        return f"loop guard: more than {count} messages from {sender} within {minutes} minutes"
    return ""
