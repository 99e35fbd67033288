"""Inbound address -> desk and queue. The queue routes only senders casedesk does not know (POLICIES 0.5):
a known customer's case runs in the queue and on the calendar of the customer's own country."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from casedesk.desks.models import Desk, Queue
from casedesk.desks.policies import preset_of, version_in_force
from casedesk.mail import snapshot
from casedesk.mail.snapshot import Snapshot


@dataclass(frozen=True)
class Route:
    address: str
    desk: Desk
    queue: Queue | None


class RoutingError(ValueError):
    """No desk, or more than one, receives mail at the address."""


def route(address: str, snap: Snapshot | None = None) -> Route:
    """The desk and queue for an address (`snap`: the set-up as read for this message, else read now)."""
    address = address.strip().lower()
    snap = snap or snapshot.current()
    row = snap.addresses.get(address)
    if row is not None:
        return Route(address, row.desk, row.queue)
    queues = snap.queues_at(address)
    if not queues:
        raise RoutingError(f"no desk receives mail at {address or '(no recipient)'}")
    if len({q.desk_id for q in queues}) > 1:
        names = ", ".join(sorted({q.desk.name for q in queues}))
        raise RoutingError(f"{address} is the address of more than one desk ({names}): keep it on one")
    return Route(address, queues[0].desk, _shared(queues, snap))


def _shared(queues: list[Queue], snap: Snapshot) -> Queue:
    """Of queues sharing one address (PLM Norway and Iceland), the policy's fallback queue takes unknown senders."""
    if len(queues) == 1:
        return queues[0]
    desk = queues[0].desk
    now = timezone.now()
    policy = preset_of(snap.version_in_force(desk, now) or version_in_force(desk, now)).policy
    fallback = getattr(policy, "fallback_queue", "")
    return next((q for q in queues if q.key == fallback), queues[0])
