"""Which case changes become which webhook events, and the delivery rows that carry them.

Called by casedesk.cases.services inside the transaction of every write (one call per place), so a delivery
commits or rolls back with the change, and is posted by a task once it commits (casedesk.hooks.sending).

    opened                       -> case.opened
    resolved (a merge included)  -> case.resolved
    escalated                    -> case.escalated
    a breach record              -> sla.breached   (the worker's sweep and any write that passes a due)
    a warning record             -> sla.warning    (not one found only after its due passed: the breach is news)
    another public change        -> case.updated   (PUBLIC_CHANGES: the case's fields, its conversation with
                                                    the customer, its copies; never an internal note, a review,
                                                    vendor or R&D work, time and charges, confidentiality)

Cheap where nobody listens: an event kind that maps to nothing costs nothing, any other one query (the desk's
live subscriptions); the sweep's bulk path asks once per batch. Writes inside `outbox.silenced()` (history
played by the demo or a benchmark) are news to nobody, receivers included. A paused or removed subscription
gets no new deliveries.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from casedesk.cases.models import Case, CaseEvent
from casedesk.hooks.models import Delivery, Subscription
from casedesk.notify.outbox import is_silenced
from casedesk.sla import clock

DIRECT = {clock.OPENED: "case.opened", clock.RESOLVED: "case.resolved", clock.ESCALATED: "case.escalated"}
RECORDS = {clock.BREACHED: "sla.breached", clock.WARNING: "sla.warning"}
PUBLIC_CHANGES = frozenset(
    {
        clock.PRIORITY,
        clock.TIER,
        clock.ASSIGNED,
        clock.AGENT_REPLY,
        clock.CUSTOMER_REPLY,
        clock.INFO_REQUESTED,
        clock.INFO_RECEIVED,
        clock.CLASSIFIED,
        clock.SCOPE,
        clock.STATUS,
        clock.REOPENED,
        clock.ROUND_THE_CLOCK,
        clock.SCHEDULE_AGREED,
        "closed",
        "cc_added",
        "cc_removed",
        "grace_call",
    }
)
MESSAGES = frozenset({clock.OPENED, clock.AGENT_REPLY, clock.CUSTOMER_REPLY})  # their text goes with them


def hook_event(event: CaseEvent, now: datetime | None = None) -> str | None:
    """The webhook event a case event or SLA record is, None when it is none."""
    if event.kind in DIRECT:
        return DIRECT[event.kind]
    if event.kind in RECORDS:
        due = (event.data or {}).get("due")
        if event.kind == clock.WARNING and isinstance(due, str) and now is not None and _before(due, now):
            return None
        return RECORDS[event.kind]
    if event.kind in PUBLIC_CHANGES:
        return "case.updated"
    return None


def _before(due: str, now: datetime) -> bool:
    return datetime.fromisoformat(due) <= now


def for_event(case: Case, event: CaseEvent) -> list[Delivery]:
    """Deliveries for a change written by casedesk.cases.services (none for most desks)."""
    return _emit([(case, [event])], None)


def for_records(case: Case, records: Sequence[CaseEvent], now: datetime | None = None) -> list[Delivery]:
    """Deliveries for the breach and warning records just written on the case."""
    return _emit([(case, records)], now) if records else []


def for_change(case: Case, records: Sequence[CaseEvent], event: CaseEvent, now: datetime) -> list[Delivery]:
    """A write's records and its event, in that order, with one query."""
    return _emit([(case, [*records, event])], now)


def for_batch(batch: Iterable[tuple[Case, Sequence[CaseEvent]]], now: datetime) -> list[Delivery]:
    """`for_records` for the sweep's batch of cases: one query for all their desks."""
    return _emit([(case, records) for case, records in batch if records], now)


def _emit(batch: list[tuple[Case, Sequence[CaseEvent]]], now: datetime | None) -> list[Delivery]:
    if is_silenced():
        return []
    wanted = [(case, e, name) for case, events in batch for e in events if (name := hook_event(e, now))]
    if not wanted:
        return []
    desks = {case.desk_id for case, _, _ in wanted}
    subs: dict[int, list[Subscription]] = {}
    live = Subscription.objects.filter(desk_id__in=desks, active=True, paused_at__isnull=True)
    for sub in live.select_related("desk").order_by("pk"):
        subs.setdefault(sub.desk_id, []).append(sub)
    if not subs:
        return []
    created = timezone.now()
    rows = []
    for case, event, name in wanted:
        for sub in subs.get(case.desk_id, []):
            if name in sub.events:
                data = {"case": case_data(case, sub), "event": event_data(event)}
                rows.append(Delivery(subscription=sub, event=name, payload=data, case=case, created_at=created))
    return queue(rows, min(created, now) if now is not None else created)  # a sweep as of a past instant


def queue(rows: list[Delivery], now: datetime) -> list[Delivery]:
    """Write the rows (in the caller's transaction) and post each by a task once it commits."""
    for row in rows:
        row.next_attempt_at = now
    Delivery.objects.bulk_create(rows)
    for row in rows:
        transaction.on_commit(functools.partial(enqueue, row.pk), robust=True)
    return rows


def enqueue(pk: int, run_after: datetime | None = None) -> None:
    """A task that posts the delivery; a lost task is made up by the worker's pass (`sending.deliver_due`)."""
    from casedesk.hooks.tasks import deliver

    task = deliver.using(run_after=run_after) if run_after is not None else deliver
    task.enqueue(pk)


def _iso(t: datetime | None) -> str | None:
    return t.isoformat() if t is not None else None


def case_data(case: Case, sub: Subscription) -> dict[str, Any]:
    """The case as a receiver needs it: where it stands now (as the change left it)."""
    assignee = case.assignee if case.assignee_id else None
    return {
        "number": case.number,
        "desk": sub.desk.slug,
        "status": case.status,
        "priority": case.priority,
        "tier": case.tier,
        "subject": case.subject,
        "channel": case.channel,
        "queue": case.queue.key if case.queue_id and case.queue else None,
        "company": {"id": case.company_id, "name": case.company.name},
        "requester": {"id": case.requester_id, "name": case.requester.name, "email": case.requester.email},
        "assignee": assignee.get_username() if assignee is not None else None,
        "resolution": case.resolution,
        "escalation_level": case.escalation_level,
        "sla_breached": case.sla_breached,
        "next_due_at": _iso(case.next_due_at),
        "opened_at": _iso(case.opened_at),
        "updated_at": _iso(case.updated_at),
        "url": f"{settings.CASEDESK_BASE_URL.rstrip('/')}/console/cases/{case.number}/",
    }


def event_data(event: CaseEvent) -> dict[str, Any]:
    """The change: its kind, instant, who made it, its data (a message's text with it)."""
    out: dict[str, Any] = {
        "id": event.pk,
        "kind": event.kind,
        "at": _iso(event.at),
        "actor": event.actor.get_username() if event.actor_id and event.actor else None,
        "data": event.data or {},
    }
    if event.kind in MESSAGES:
        out["body"] = event.body
    return out
