"""One sweep: every case whose clocks need attention by `now` (a warning point or a due passed) is brought to
`now` through `services.bring_clocks_to`, which records the breaches and warnings at their instants and queues
the e-mails to the desk's people.

The database says what is due (`Case.attention_at <= now`, a partial index), never a scan in Python. Work is
claimed in batches inside a transaction with `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers
sweeping at once take different cases and none waits on another; SQLite serialises writers instead. A worker
killed mid-batch rolls its batch back: the next sweep finds the same cases due and does the work, once. And
doing it twice could not duplicate anything: a record already written is recognised by its instant.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from casedesk.automation.models import Heartbeat
from casedesk.cases import services
from casedesk.cases.models import Case

log = logging.getLogger(__name__)
BATCH = 200  # cases per transaction: short locks, bounded rollback


@dataclass(frozen=True)
class Swept:
    cases: int
    seconds: float


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def sweep(now: datetime | None = None, *, batch: int = BATCH) -> Swept:
    """Bring every case due by `now` (default: the clock) to `now`; how many and how long."""
    now = now or timezone.now()
    started = time.perf_counter()
    seen: set[int] = set()
    while True:
        with transaction.atomic():
            due = Case.objects.filter(attention_at__lte=now).order_by("attention_at")
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True, of=("self",))
            ids = list(due.values_list("pk", flat=True)[:batch])
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
