"""Quarantine: an agent releases a message into a case (choosing the desk or priority it lacked) or discards it.

Both keep the message and record who and when; the console's buttons are one-line callers of these.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from casedesk.desks.models import Desk, Membership
from casedesk.mail.intake import process
from casedesk.mail.models import InboundMessage

log = logging.getLogger(__name__)
Outcome = InboundMessage.Outcome


class QuarantineError(ValueError):
    """A release or discard the message's state or the agent's role does not allow."""


def _claim(pk: int, actor: User, desk: Desk | None, *, needs_desk: bool) -> InboundMessage:
    msg = InboundMessage.objects.select_for_update().defer("raw").get(pk=pk)
    if msg.outcome != Outcome.QUARANTINED:
        raise QuarantineError(f"message {pk} is {msg.get_outcome_display()}, not quarantined")
    target = desk or msg.desk
    if target is None and needs_desk:
        raise QuarantineError("no desk receives mail at its address: choose the desk it belongs to")
    if target is None:
        if not actor.is_staff:  # mail no desk owns: any staff member may throw it away
            raise QuarantineError("only staff can handle mail no desk receives")
    elif not actor.is_superuser and not Membership.objects.filter(desk=target, user=actor).exists():
        raise QuarantineError(f"only a member of {target.name} can handle its mail")
    msg.desk, msg.handled_by, msg.handled_at = target, actor, timezone.now()
    return msg


def release(pk: int, *, actor: User, desk: Desk | None = None, priority: str = "") -> InboundMessage:
    """Process the message again as the agent decided: no loop guard, on `desk`, with `priority` if given.
    It may land in quarantine again, with the new reason."""
    with transaction.atomic():
        msg = _claim(pk, actor, desk, needs_desk=True)
        msg.outcome, msg.release_priority = Outcome.PENDING, priority
        msg.reason = f"released by {actor.get_username()} (was: {msg.reason})"[:2000]
        msg.save()
    log.info("inbound message %s released by %s", pk, actor.get_username())
    return process(pk)


def discard(pk: int, *, actor: User, note: str = "") -> InboundMessage:
    """Throw a quarantined message away; the row (raw bytes included) stays as the log of it."""
    with transaction.atomic():
        msg = _claim(pk, actor, None, needs_desk=False)
        why = f": {note}" if note else ""
        msg.outcome = Outcome.DISCARDED
        msg.reason = f"discarded by {actor.get_username()}{why} (was: {msg.reason})"[:2000]
        msg.save()
    log.info("inbound message %s discarded by %s", pk, actor.get_username())
    return msg
