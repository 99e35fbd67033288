"""A what-if run: the period's cases replayed under the draft, compared with what was recorded, kept.

Outcome classes (the compliance report's words, POLICIES 0.2, 0.21): `missed` a commitment missed (a breach
recorded or, as of the run, a due passed unmet), `met`, `pending` (still running, due not passed), `removed`
(cancelled by a bug/defect or out-of-scope classification, not breached), "" not a commitment (no target,
not started, an internal goal). A flip is a case metric whose class differs between the two.
The run writes only its own rows (WhatIfRun, WhatIfFlip): never a case, an event, a metric or a policy.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from casedesk.desks.models import Desk
from casedesk.reports.periods import Period
from casedesk.sla.clock import LIVE
from casedesk.sla.presets import Preset, preset_from_text
from casedesk.sla.replay import History, Outcome, missing_calendars, replay
from casedesk.whatif import load
from casedesk.whatif.models import WhatIfFlip, WhatIfRun

CLASSES = ("met", "missed", "pending", "removed")


def outcome_class(o: Outcome, now: datetime) -> str:
    if o.goal:
        return ""  # the desk's internal goal: never a commitment (POLICIES 0.21)
    if o.breached or o.status in {"missed", "overdue"}:
        return "missed"
    if o.status == "met":
        return "met"
    if o.status == "cancelled":
        return "removed"
    if o.status in LIVE and o.status != "waiting":
        return "missed" if o.due_at is not None and o.due_at < now else "pending"
    return ""


def period_of(run: WhatIfRun) -> Period:
    return Period(run.period_first, run.period_last, run.period_zone)


def draft_preset(run: WhatIfRun) -> Preset:
    return preset_from_text(run.source, f"draft {run.name}")


def calendar_counts(desk: Desk, period: Period) -> dict[str, int]:
    """Cases opened in the period per calendar (one grouped query)."""
    from django.db.models import Count

    from casedesk.cases.models import Case

    rows = (
        Case.objects.filter(desk=desk, opened_at__gte=period.start, opened_at__lt=period.end)
        .values_list("calendar")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {cal: n for cal, n in rows}


def missing(preset: Preset, desk: Desk, period: Period) -> dict[str, int]:
    """Calendars the period's cases run on that the draft lacks, with their case counts."""
    counts = calendar_counts(desk, period)
    shells = (
        History(key=0, calendar=cal, zone="", tier="", overrides={}, events=())
        for cal, n in counts.items()
        for _ in range(n)
    )
    return missing_calendars(preset, shells)


def create(desk: Desk, user: User | None, *, name: str, source: str, period: Period, queue: bool = True) -> WhatIfRun:
    """A queued run; its task is enqueued once the row commits (`queue=False`: the caller runs `execute`)."""
    run = WhatIfRun.objects.create(
        desk=desk,
        created_by=user,
        name=name,
        source=source,
        period_first=period.first,
        period_last=period.last,
        period_zone=period.zone,
        created_at=timezone.now(),
    )
    if queue:
        transaction.on_commit(functools.partial(enqueue, run.pk), robust=True)
    return run


def enqueue(pk: int) -> None:
    from casedesk.whatif.tasks import replay_run

    replay_run.enqueue(pk)


@dataclass
class Tally:
    """Counts per (metric, priority) and class, for one side (recorded or draft)."""

    counts: dict[tuple[str, str], dict[str, int]]

    def add(self, metric: str, priority: str, cls: str) -> None:
        if cls:
            for key in ((metric, priority), (metric, "")):
                self.counts.setdefault(key, dict.fromkeys(CLASSES, 0))[cls] += 1


def _rate(c: dict[str, int]) -> float | None:
    settled = c["met"] + c["missed"]
    return round(c["met"] / settled, 4) if settled else None


def summarise(
    recorded: Tally, draft: Tally, names: dict[str, str], cases: int, flips: int, order: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Side by side per metric (priority "" = every priority) and per priority, with the difference.
    Metrics in `names` order, priorities in `order` (the draft's), others after them by name."""
    zero = dict.fromkeys(CLASSES, 0)
    metric_rank = {m: i for i, m in enumerate(names)}
    rank = {p: i for i, p in enumerate(order)}

    def sort_key(k: tuple[str, str]) -> tuple[int, str, int, int, str]:
        return (metric_rank.get(k[0], len(names)), k[0], k[1] != "", rank.get(k[1], len(order)), k[1])

    keys = sorted(set(recorded.counts) | set(draft.counts), key=sort_key)
    rows = []
    for metric, priority in keys:
        r, d = recorded.counts.get((metric, priority), zero), draft.counts.get((metric, priority), zero)
        rr, dr = _rate(r), _rate(d)
        rows.append(
            {
                "metric": metric,
                "metric_name": names.get(metric, metric),
                "priority": priority,
                "recorded": {**r, "rate": rr},
                "draft": {**d, "rate": dr},
                "diff": {**{c: d[c] - r[c] for c in CLASSES}, "rate": None if rr is None or dr is None else dr - rr},
            }
        )
    return {"cases": cases, "flips": flips, "rows": rows}


def compare(
    histories: list[History], recorded: Iterable[Outcome], draft: Iterable[Outcome], now: datetime
) -> tuple[list[tuple[int, str, Outcome | None, Outcome | None]], list[tuple[Outcome, str]], list[tuple[Outcome, str]]]:
    """Flips (case id, metric, recorded, draft) and each side's classified outcomes."""
    before = {(o.key, o.metric): o for o in recorded}
    after = {(o.key, o.metric): o for o in draft}
    flips = []
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key), after.get(key)
        if (outcome_class(b, now) if b else "") != (outcome_class(a, now) if a else ""):
            flips.append((key[0], key[1], b, a))
    return (
        flips,
        [(o, outcome_class(o, now)) for o in before.values()],
        [(o, outcome_class(o, now)) for o in after.values()],
    )


def execute(pk: int, *, chunk: int = load.CHUNK) -> str:
    """Run a queued run to its end (the task's body): chunk by chunk, progress saved after each."""
    with transaction.atomic():
        run = WhatIfRun.objects.select_for_update().get(pk=pk)
        if run.status != WhatIfRun.Status.QUEUED:
            return run.status  # already taken by another worker, or ended
        now = timezone.now()
        run.status, run.started_at, run.as_of = WhatIfRun.Status.RUNNING, now, now
        run.save(update_fields=["status", "started_at", "as_of"])
    try:
        summary = _replay(run, now, chunk)
    except Exception as exc:  # the run keeps the error for the page; nothing else was written
        WhatIfFlip.objects.filter(run=run).delete()
        WhatIfRun.objects.filter(pk=pk).update(
            status=WhatIfRun.Status.FAILED, error=f"{type(exc).__name__}: {exc}", finished_at=timezone.now()
        )
        return WhatIfRun.Status.FAILED
    WhatIfRun.objects.filter(pk=pk).update(status=WhatIfRun.Status.DONE, summary=summary, finished_at=timezone.now())
    return WhatIfRun.Status.DONE


def _replay(run: WhatIfRun, now: datetime, chunk: int) -> dict[str, Any]:
    desk = run.desk
    period = period_of(run)
    preset = draft_preset(run)
    lacking = missing(preset, desk, period)
    if lacking:
        named = ", ".join(f"{cal} ({n})" for cal, n in sorted(lacking.items()))
        raise ValueError(gettext("the draft lacks calendars the period's cases run on: %(names)s") % {"names": named})
    total = load.count(desk, period)
    WhatIfRun.objects.filter(pk=run.pk).update(total=total)
    names = {key: spec.name for key, spec in preset.policy.metrics.items()}
    rec, dra = Tally({}), Tally({})
    done = flipped = 0
    for histories in load.chunks(desk, period, chunk):
        before = load.recorded_of([h.key for h in histories])
        after = replay(preset, histories, now)
        flips, rb, ra = compare(histories, before, after, now)
        for o, cls in rb:
            rec.add(o.metric, o.priority, cls)
        for o, cls in ra:
            dra.add(o.metric, o.priority, cls)
        WhatIfFlip.objects.bulk_create(
            [
                WhatIfFlip(
                    run_id=run.pk,
                    case_id=case_id,
                    metric=metric,
                    priority=(a.priority if a else "") or (b.priority if b else ""),
                    recorded=outcome_class(b, now) if b else "",
                    draft=outcome_class(a, now) if a else "",
                    recorded_due=b.due_at if b else None,
                    draft_due=a.due_at if a else None,
                )
                for case_id, metric, b, a in flips
            ],
            batch_size=2000,
        )
        flipped += len(flips)
        done += len(histories)
        WhatIfRun.objects.filter(pk=run.pk).update(done=done, total=max(total, done))
    return summarise(rec, dra, names, done, flipped, tuple(p.key for p in preset.policy.priorities))


def period_label(first: date, last: date, zone: str) -> str:
    return str(Period(first, last, zone))
