"""What every message reads and hardly ever changes (desks, queues, inbound addresses, policy versions, who is a
desk's member), kept per process and checked against the database by one plain statement per message.

The check reads those small tables whole (every column but a version's source text; of the members only desk,
user id, e-mail and active flag), so an edit made by any process (an address added in the admin, a queue's
e-mail changed, a version published, an agent added) is seen by the next message; only when the rows differ
are the model instances read again. The policy version in force is chosen for the instant asked, so a version
taking effect at midnight applies from its first second."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, models

from casedesk.desks.models import Desk, Membership, PolicyVersion, Queue
from casedesk.mail.models import InboundAddress

_TABLES: tuple[type[models.Model], ...] = (Desk, Queue, InboundAddress, PolicyVersion)
_SKIPPED = {(PolicyVersion, "source")}  # large and never changed: the digest stands for it


def _check_sql() -> str:
    q = connection.ops.quote_name
    columns = {
        m: [f.column for f in m._meta.concrete_fields if (m, f.name) not in _SKIPPED and f.column] for m in _TABLES
    }
    width = max(len(c) for c in columns.values())
    selects = []
    for i, (model, cols) in enumerate(columns.items()):
        values = [f"CAST({q(c)} AS TEXT)" for c in cols] + ["NULL"] * (width - len(cols))
        selects.append(f"SELECT {i}, {', '.join(values)} FROM {q(model._meta.db_table)}")
    # The desks' members by e-mail (only what tells staff from customers; the User row is read when one writes).
    m, u = Membership._meta, User._meta
    member = [f"CAST(m.{q('desk_id')} AS TEXT)", f"CAST(u.{q('id')} AS TEXT)", f"u.{q('email')}"]
    member += [f"CAST(u.{q('is_active')} AS TEXT)"] + ["NULL"] * (width - 4)
    selects.append(
        f"SELECT {len(columns)}, {', '.join(member)} FROM {q(m.db_table)} m"
        f" JOIN {q(u.db_table)} u ON u.{q('id')} = m.{q('user_id')}"
    )
    # In an order the database gives (table, then id; members by desk, user, e-mail): compared as it comes.
    return " UNION ALL ".join(selects) + " ORDER BY 1, 2, 3, 4"


@dataclass(frozen=True)
class Snapshot:
    rows: tuple[tuple[Any, ...], ...]
    desks: dict[int, Desk]
    queues: list[Queue]  # every queue, by desk and key, each with its desk
    addresses: dict[str, InboundAddress]  # by the address as stored, each with its desk and queue
    versions: dict[int, list[PolicyVersion]]  # per desk, by effective_at (source deferred)
    staff: dict[tuple[int, str], int]  # (desk id, lower-case e-mail) -> the first active member's user id

    def version_in_force(self, desk: Desk, at: datetime) -> PolicyVersion | None:
        """As desks.policies.version_in_force: the latest version effective at `at`, else the earliest one."""
        versions = self.versions.get(desk.pk, [])
        in_force = [v for v in versions if v.effective_at <= at]
        if in_force:
            return in_force[-1]
        return versions[0] if versions else None

    def staff_id(self, desk: Desk, address: str) -> int | None:
        """The id of the desk's active member with this e-mail (compared without case), the lowest first."""
        return self.staff.get((desk.pk, address.lower()))

    def addresses_of(self, desk_id: int) -> list[InboundAddress]:
        """The desk's inbound addresses, by address."""
        return sorted((a for a in self.addresses.values() if a.desk_id == desk_id), key=lambda a: a.address)

    def receives_at(self, address: str) -> bool:
        """Whether mail to `address` (lower case) comes to this installation: an inbound address or a queue's."""
        return address in self.addresses or bool(self.queues_at(address))

    def queues_at(self, address: str) -> list[Queue]:
        """Queues whose e-mail is `address` (compared without case), by desk and key."""
        wanted = address.lower()
        return [q for q in self.queues if q.email and q.email.lower() == wanted]


_sql: dict[str, str] = {}
_current: dict[str, Snapshot] = {}
_in_use: ContextVar[Snapshot | None] = ContextVar("mail_snapshot_in_use", default=None)


@contextmanager
def using(snap: Snapshot) -> Iterator[Snapshot]:
    """While one message is processed: `in_use()` is the set-up as read for it, so what the message's writes
    look up again (a notification's From address) is not read a second time."""
    token = _in_use.set(snap)
    try:
        yield snap
    finally:
        _in_use.reset(token)


def in_use() -> Snapshot | None:
    """The snapshot of the message being processed (`using`), else None."""
    return _in_use.get()


def current() -> Snapshot:
    """The snapshot matching the database now (one statement; the instances re-read only after a change)."""
    vendor = connection.vendor
    sql = _sql.get(vendor) or _sql.setdefault(vendor, _check_sql())
    with connection.cursor() as cur:
        cur.execute(sql)
        rows = tuple(cur.fetchall())
    key = f"{connection.alias}:{connection.settings_dict.get('NAME')}"
    snap = _current.get(key)
    if snap is None or snap.rows != rows:
        snap = _load(rows)
        _current.clear()
        _current[key] = snap
    return snap


def _load(rows: tuple[tuple[Any, ...], ...]) -> Snapshot:
    # Each desk with its queues prefetched: the case services' queue choice (desk.queues.all()) reads no rows.
    desks = {d.pk: d for d in Desk.objects.prefetch_related("queues")}
    queues = list(Queue.objects.order_by("desk_id", "key", "pk"))
    for q in queues:
        q.desk = desks[q.desk_id]
    by_id = {q.pk: q for q in queues}
    addresses = {}
    for a in InboundAddress.objects.all():
        a.desk = desks[a.desk_id]
        a.queue = by_id.get(a.queue_id) if a.queue_id else None
        addresses[a.address] = a
    versions: dict[int, list[PolicyVersion]] = {}
    for v in PolicyVersion.objects.defer("source").order_by("effective_at", "pk"):
        versions.setdefault(v.desk_id, []).append(v)
    staff: dict[tuple[int, str], int] = {}
    members = Membership.objects.filter(user__is_active=True).order_by("user_id")
    for desk_id, user_id, email in members.values_list("desk_id", "user_id", "user__email"):
        if email:
            staff.setdefault((desk_id, email.lower()), user_id)
    return Snapshot(rows, desks, queues, addresses, versions, staff)
