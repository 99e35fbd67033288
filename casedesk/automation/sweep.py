"""One sweep: every case whose clocks need attention by `now` (a warning point or a due passed) is brought to
`now` through `services.bring_clocks_to`, which records the breaches and warnings at their instants and queues
the e-mails to the desk's people.

The database says what is due (`Case.attention_at <= now`, a partial index), never a scan in Python. Work is
claimed in batches inside a transaction with `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers
sweeping at once take different cases and none waits on another; SQLite serialises writers instead. A worker
killed mid-batch rolls its batch back: the next sweep finds the same cases due and does the work, once. And
doing it twice could not duplicate anything: a record already written is recognised by its instant.

Two paths, with the same result: `per_case` calls `services.bring_clocks_to` for each claimed case (a locked
re-read, its metric rows, a save each); `bulk` (the default) reads a batch's cases with their policy version,
contract and assignee in the claiming query and their metric rows in one more, computes each case's clocks
with `sla_state.advance` and the record-keeping of `sla_state.write` in memory (`_write` below mirrors it),
then writes the batch: new metric rows and records in one INSERT each, changed metric rows and the cases
as one UPDATE statement executed per row (`executemany`), and the e-mails through `notify.staff` case by case.
bench/sweep.py compares the two paths' rows on a population; tests/automation runs the default.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from casedesk.automation.models import Heartbeat
from casedesk.cases import services, sla_state
from casedesk.cases.models import Case, CaseEvent, SlaMetric
from casedesk.notify.staff import queue_for_records
from casedesk.sla.clock import BREACHED, WARNING, MetricState

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
    due = Case.objects.filter(attention_at__lte=now).order_by("attention_at")
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
                _bring_batch(cases, now)
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


def _bring_batch(cases: Sequence[Case], now: datetime) -> None:
    """`services.bring_clocks_to` for claimed cases, the batch's reads and writes in a few statements."""
    existing: dict[int, dict[str, SlaMetric]] = {c.pk: {} for c in cases}
    for m in SlaMetric.objects.filter(case_id__in=list(existing)):
        existing[m.case_id][m.metric] = m
    created: list[SlaMetric] = []
    changed: list[SlaMetric] = []
    records: list[CaseEvent] = []
    told: list[tuple[Case, list[CaseEvent], list[SlaMetric]]] = []
    for case in cases:
        at = max(now, case.updated_at)  # as services.bring_clocks_to: never before the case's last change
        states = sla_state.advance(case, [], at)
        rows, written = _write(case, states, at, existing[case.pk], created, changed)
        records += written
        told.append((case, written, rows))
    if created:
        SlaMetric.objects.bulk_create(created)
    _update(SlaMetric, changed, sla_state._FIELDS)
    if records:
        CaseEvent.objects.bulk_create(records)
    _update(Case, cases, sla_state.KEPT)
    for case, written, rows in told:
        queue_for_records(case, written, rows, now)


def _write(
    case: Case,
    states: list[MetricState],
    now: datetime,
    existing: dict[str, SlaMetric],
    created: list[SlaMetric],
    changed: list[SlaMetric],
) -> tuple[list[SlaMetric], list[CaseEvent]]:
    """`sla_state.write` on rows read before, storing nothing: new rows go to `created`, changed ones to
    `changed`; returns the case's rows and its records (oldest first). Sets case.sla_breached."""
    utc, value = sla_state._utc, sla_state._value
    rows: list[SlaMetric] = []
    records: list[CaseEvent] = []
    for st in states:
        row = existing.get(st.metric) or SlaMetric(case=case, metric=st.metric, history=[])
        rows.append(row)
        before = {f: getattr(row, f) for f in sla_state._STATE_FIELDS}
        known = {h["at"] for h in row.history}
        for b in st.breaches:
            at = utc(b.at)
            if at not in known:
                entry = {"at": at, "target": b.target, "goal": b.goal, "priority": b.priority}
                row.history = [*row.history, entry]
                data = {"metric": st.metric, "target": b.target, "goal": b.goal, "priority": b.priority}
                data["calendar"] = st.calendar
                records.append(CaseEvent(case=case, at=b.at, kind=BREACHED, data=data))
        warned = set(row.warned or ())
        for point in (p for p in st.warn_points if p <= now and utc(p) not in warned):
            warned.add(utc(point))
            data = {"metric": st.metric, "target": st.target, "goal": st.goal, "priority": st.priority}
            data.update(calendar=st.calendar, due=utc(st.due_at) if st.due_at else None)
            records.append(CaseEvent(case=case, at=point, kind=WARNING, data=data))
        if len(warned) != len(row.warned or ()):
            row.warned = sorted(warned)
        for f in sla_state._FIELDS:
            if f not in {"history", "warned", "breached", "breached_at", "as_of"}:
                setattr(row, f, value(st, f))
        kept = sorted(h["at"] for h in row.history if not h["goal"])
        row.breached = bool(kept)
        row.breached_at = datetime.fromisoformat(kept[0]) if kept else None
        if row.pk is None:
            row.as_of = now
            created.append(row)
        elif any(getattr(row, f) != v for f, v in before.items()):
            row.as_of = now
            changed.append(row)
    records.sort(key=lambda r: r.at)
    case.sla_breached = any(r.breached for r in rows)
    return rows, records


def _update(model: type[models.Model], objs: Iterable[models.Model], names: Sequence[str]) -> None:
    """`obj.save(update_fields=names)` for each object: one UPDATE statement, executed once per row."""
    objs = list(objs)
    if not objs:
        return
    by_name = {f.name: f for f in model._meta.concrete_fields}
    fields = [by_name[n] for n in names]
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(str(f.column))} = %s" for f in fields)
    sql = f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn(str(model._meta.pk.column))} = %s"
    params = [[*(f.get_db_prep_save(getattr(o, f.attname), connection) for f in fields), o.pk] for o in objs]
    with connection.cursor() as cur:
        cur.executemany(sql, params)
