"""One sweep: every case whose clocks need attention by `now` (a warning point or a due passed) is brought to
`now` through `services.bring_clocks_to`, which records the breaches and warnings at their instants and queues
the e-mails to the desk's people.

The database says what is due (`Case.attention_at <= now`, a partial index), never a scan in Python. Work is
claimed in batches inside a transaction with `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers
sweeping at once take different cases and none waits on another; SQLite serialises writers instead. A worker
killed mid-batch rolls its batch back: the next sweep finds the same cases due and does the work, once. And
doing it twice could not duplicate anything: a record already written is recognised by its instant.

Two paths, with the same result, both service functions: `per_case` calls `services.bring_clocks_to` for each
claimed case (a locked re-read, its metric rows, a save each); `bulk` (the default) reads a batch's cases with
what they need in the claiming query and hands them to `services.bring_many_clocks_to` (their metric rows in
one query, `sla_state.plan` per case, then one INSERT for new rows and records, one UPDATE statement executed
per changed row). bench/sweep.py compares the two paths' rows on a population; tests/automation runs the
default.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from casedesk.automation.models import Heartbeat
from casedesk.cases import services
from casedesk.cases.models import Case

log = logging.getLogger(__name__)
BATCH = 200  # cases per transaction: short locks, bounded rollback
PATHS = ("bulk", "per_case")


@dataclass(frozen=True)
class Swept:
    cases: int
    seconds: float


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _due(now: datetime) -> QuerySet[Case]:
    # Strictly before: at its own instant a due has not passed yet (the clock says "running" until after it),
    # so a case due exactly now is taken by the next sweep instead of coming back as still due.
    due = Case.objects.filter(attention_at__lt=now).order_by("attention_at")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, of=("self",))
    return due


def due_query(now: datetime, batch: int = BATCH) -> QuerySet[Case, int]:
    """The ids of the next `batch` cases due by `now`, oldest attention first, claimed (inside a transaction)."""
    return _due(now).values_list("pk", flat=True)[:batch]


def claim_query(now: datetime, batch: int = BATCH) -> QuerySet[Case]:
    """The next `batch` cases due by `now`, claimed, with what bringing them to `now` reads (the bulk path)."""
    # The e-mail rows read the requester, company and assignee (with profile) of the case: joined here.
    related = _due(now).select_related("policy_version", "contract", "requester", "company", "assignee__profile")
    return related.defer("policy_version__source")[:batch]


def sweep(now: datetime | None = None, *, batch: int = BATCH, path: str = "bulk") -> Swept:
    """Bring every case due by `now` (default: the clock) to `now`; how many and how long."""
    if path not in PATHS:
        raise ValueError(f"path is one of {PATHS}, not {path!r}")
    now = now or timezone.now()
    started = time.perf_counter()
    seen: set[int] = set()
    while True:
        with transaction.atomic():
            if path == "bulk":
                cases = list(claim_query(now, batch))
                ids = [c.pk for c in cases]
                services.bring_many_clocks_to(cases, now)
            else:
                ids = list(due_query(now, batch))
                for pk in ids:
                    services.bring_clocks_to(Case(pk=pk), now)
        if seen.intersection(ids):  # brought to `now`, still due by `now`: a bug, never a busy loop
            log.error("cases %s still need attention after a sweep as of %s", sorted(seen & set(ids)), now)
            break
        seen.update(ids)
        if len(ids) < batch:
            break
    done = len(seen)
    swept = Swept(done, time.perf_counter() - started)
    Heartbeat.objects.update_or_create(
        worker=worker_name(),
        defaults={"swept_at": now, "finished_at": timezone.now(), "cases": done, "seconds": swept.seconds},
    )
    return swept
