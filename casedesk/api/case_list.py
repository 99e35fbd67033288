"""`GET /api/v1/cases`: the caller's visible cases, filtered, in pages joined by an opaque cursor.

Keyset pagination, never OFFSET: a page costs the same at the millionth case. `order=due` (the default) is
an agent's queue: cases with a pending due, nearest (so overdue) first, on the (desk, next_due_at) index,
then every case without one, newest first. `order=updated` walks cases by last change, oldest first: what a
CRM syncing with `updated_since` wants. The cursor names the segment and the last row's key.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from ninja.errors import HttpError

from casedesk.cases import access
from casedesk.cases.models import Case

MAX_LIMIT = 100


@dataclass(frozen=True)
class Query:
    desk: str | None = None
    queue: str | None = None
    status: str | None = None
    priority: str | None = None
    assignee: str | None = None  # a username, or "-" for unassigned
    company: int | None = None
    sla_state: str | None = None  # overdue | due_later | no_clock | breached
    due_before: datetime | None = None
    updated_since: datetime | None = None
    order: str = "due"
    cursor: str | None = None
    limit: int = 25


def _visible(user: User) -> QuerySet[Case]:
    return access.portal_cases(user) if access.contact_of(user) is not None else access.console_cases(user)


def _filtered(user: User, q: Query, now: datetime) -> QuerySet[Case]:
    qs = _visible(user)
    if q.desk:
        qs = qs.filter(desk__slug=q.desk)
    if q.queue:
        qs = qs.filter(queue__key=q.queue)
    if q.status:
        if q.status not in Case.Status.values:
            raise HttpError(400, f"status: one of {', '.join(Case.Status.values)}")
        qs = qs.filter(status=q.status)
    if q.priority:
        qs = qs.filter(priority="" if q.priority == "-" else q.priority)
    if q.assignee:
        qs = qs.filter(assignee__isnull=True) if q.assignee == "-" else qs.filter(assignee__username=q.assignee)
    if q.company is not None:
        qs = qs.filter(company_id=q.company)
    if q.sla_state == "overdue":
        qs = qs.filter(next_due_at__lt=now)
    elif q.sla_state == "due_later":
        qs = qs.filter(next_due_at__gte=now)
    elif q.sla_state == "no_clock":
        qs = qs.filter(no_clock=True)
    elif q.sla_state == "breached":
        qs = qs.filter(sla_breached=True)
    elif q.sla_state:
        raise HttpError(400, "sla_state: one of overdue, due_later, no_clock, breached")
    if q.due_before is not None:
        qs = qs.filter(next_due_at__lt=q.due_before)
    if q.updated_since is not None:
        qs = qs.filter(updated_at__gte=q.updated_since)
    return qs


def _encode(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str) -> dict[str, Any]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(data, dict) or not isinstance(data.get("id"), int):
            raise ValueError
        if data.get("t") is not None:
            datetime.fromisoformat(data["t"])
        return data
    except (ValueError, binascii.Error, TypeError):
        raise HttpError(400, "cursor: not a cursor this API gave (start again without it)") from None


def _after(field: str, t: str | None, pk: int, descending: bool = False) -> Q:
    """Rows after (t, pk) in (field, id) order."""
    if descending:
        return Q(**{f"{field}__lt": t}) | Q(**{field: t, "id__lt": pk})
    return Q(**{f"{field}__gt": t}) | Q(**{field: t, "id__gt": pk})


def page(user: User, q: Query, now: datetime) -> tuple[list[Case], str | None]:
    """One page of cases and the cursor of the next (None at the end)."""
    if not 1 <= q.limit <= MAX_LIMIT:
        raise HttpError(400, f"limit: from 1 to {MAX_LIMIT}")
    if q.order not in {"due", "updated"}:
        raise HttpError(400, "order: due or updated")
    at = _decode(q.cursor) if q.cursor else None
    qs = _filtered(user, q, now).select_related("desk", "company", "requester", "assignee", "queue")
    qs = qs.defer("clock", "description", "intake")
    want = q.limit + 1
    if q.order == "updated":
        if at is not None:
            qs = qs.filter(_after("updated_at", at["t"], at["id"]))
        rows = list(qs.order_by("updated_at", "id")[:want])
        return _cut(rows, q.limit, lambda c: {"s": "u", "t": c.updated_at.isoformat(), "id": c.pk})
    rows = []
    if at is None or at.get("s") == "d":
        due = qs.filter(next_due_at__isnull=False)
        if at is not None:
            due = due.filter(_after("next_due_at", at["t"], at["id"]))
        rows = list(due.order_by("next_due_at", "id")[:want])
        if len(rows) >= want:
            return _cut(rows, q.limit, lambda c: {"s": "d", "t": c.next_due_at.isoformat(), "id": c.pk})
        at = None  # the due cases end on this page: the rest follow
    rest = qs.filter(next_due_at__isnull=True)
    if at is not None and at.get("s") == "n":
        rest = rest.filter(_after("opened_at", at["t"], at["id"], descending=True))
    rows += list(rest.order_by("-opened_at", "-id")[: want - len(rows)])
    return _cut(rows, q.limit, lambda c: _last_key(c))


def _last_key(c: Case) -> dict[str, Any]:
    if c.next_due_at is not None:
        return {"s": "d", "t": c.next_due_at.isoformat(), "id": c.pk}
    return {"s": "n", "t": c.opened_at.isoformat(), "id": c.pk}


def _cut(rows: list[Case], limit: int, key: Any) -> tuple[list[Case], str | None]:
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, _encode(key(rows[-1]))
