"""Benchmark: the monthly SLA compliance report and a year's what-if replay at a million cases.

    .venv/bin/python bench/reports.py [--n 1000000] [--db pg,sqlite] [--runs 20] [--sample 2000]
                                      [--use-pg NAME] [--use-sqlite PATH]

Per database, in a database of its own filled by bench/population.py (N cases, the five presets' desks), or a
population kept before (``--use-pg`` / ``--use-sqlite``: migrated first, since it may predate a migration of the
working tree; nothing else is written to it but the manager's test-client session):

Compliance (issue 18: under 1 s for the largest desk's month). The desk with the most cases, the last whole month
(in the desk's home zone) that has cases opened in it:

* ``casedesk.reports.compliance.compliance(desk, month, by=...)`` for each dimension (metric, queue, company,
  agent, priority): the first call (cold: the process's first for ``metric``), then median and p95 of ``--runs``,
  SQL queries per call and the plan of the slowest one;
* the report page ``/console/reports/<slug>/?period=YYYY-MM`` over the test Client, the desk's support manager
  signed in (``force_login``);
* the CSV export read to its last byte: rows per second, and the peak of Python allocations (tracemalloc);
* the peer, pandas (bench/README.md's calendar peer; django-helpdesk has no SLA compliance report): the month's
  metric rows by ``read_sql_query`` and a ``groupby`` per dimension, met / missed / pending / removed and the
  median and 90th percentile of start-to-stop times, in wall time (pandas has no business calendar per country).

What-if (issue 18: at least 50,000 cases per second). The same desk's twelve months ending with that month; the
draft is the desk's policy version in force, its TOML text with every response target halved (a regex):

* ``casedesk.whatif.load.histories`` alone (cases per second), ``casedesk.sla.replay.replay`` alone on the loaded
  histories, and both together streamed; the same replay under the version in force (the baseline);
* outcomes that flip against ``casedesk.whatif.load.recorded`` (what the services stored), and the baseline's
  differences from it;
* the naive way, in the same run: for a random sample of ``--sample`` cases (extrapolated to the year, and said
  so), each case recomputed through the services' own machinery: the Case and its events read through the ORM as
  ``casedesk.cases.sla_state`` reads them, a Context built from the draft as ``sla_state.context`` builds one,
  ``clock.fold`` and ``clock.evaluate``; cases per second, and its outcomes compared with the bulk path's.

Prints a markdown table of the figures per database with the machine's load average, and the plans of the
slowest queries. Exit 0.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from population import BenchDatabase, populate
from queue_query import NAMES, ROOT, ms

BUDGET_REPORT_S = 1.0
GOAL_REPLAY = 50_000  # cases per second
SLOW_S, SLOW_RUNS = 2.0, 5  # a call whose first run takes over SLOW_S seconds is timed SLOW_RUNS times
WARMUP = 50  # cases recomputed the naive way before the timed sample
DIMENSIONS = ("metric", "queue", "company", "agent", "priority")


def loadavg() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


# -- the casedesk side: python bench/reports.py --worker (settings from the environment) -------------------------


class Queries:
    """SQL statements run inside the block: count, time, and the slowest one's text and parameters."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, Any, float]] = []

    def __call__(self, execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seen.append((sql, params, time.perf_counter() - t))

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"queries": len(self.seen), "sql_ms": sum(s[2] for s in self.seen) * 1e3}
        if self.seen:
            sql, params, took = max(self.seen, key=lambda s: s[2])
            out.update(slowest_ms=took * 1e3, slowest_sql=sql, slowest_plan=explain(sql, params))
        return out


def explain(sql: str, params: Any) -> str:
    from django.db import connection

    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return ""
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    try:
        with connection.cursor() as cur:
            cur.execute(prefix + sql, params)
            return "\n".join(" ".join(str(x) for x in row) for row in cur.fetchall())
    except Exception as exc:  # a plan is a help, not a figure
        return f"(no plan: {exc})"


def measured(fn: Callable[[], Any], runs: int) -> dict[str, Any]:
    """The first call (timed apart), one more with its queries counted and the slowest one's plan, then `runs`."""
    from django.db import connection

    t = time.perf_counter()
    fn()
    first = time.perf_counter() - t
    q = Queries()
    with connection.execute_wrapper(q):
        fn()
    if first > SLOW_S:  # far over budget: a few runs tell enough
        runs = min(runs, SLOW_RUNS)
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    med, p95 = ms(samples)
    return {"first_ms": first * 1e3, "median_ms": med, "p95_ms": p95, "runs": runs, **q.summary()}


def profile(fn: Callable[[], Any], top: int = 14) -> str:
    """Where one call's time goes (cProfile, by own time)."""
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.runcall(fn)
    text = io.StringIO()
    pstats.Stats(prof, stream=text).sort_stats("tottime").print_stats(top)
    return text.getvalue()


def outcome_class(status: str, breached: bool) -> str:
    """A metric row as the compliance report counts it (notes/api.md): missed, met, pending, removed or none."""
    if breached or status == "missed":
        return "missed"
    if status == "met":
        return "met"
    if status in {"running", "paused", "overdue"}:
        return "pending"
    if status == "cancelled":
        return "removed"
    return "none"  # waiting, no_target, skipped: no target, not counted


def tighten_responses(source: str) -> tuple[str, int]:
    """The draft: every `response = "<target>"` of the TOML halved (business days: at least one)."""

    def half(m: re.Match[str]) -> str:
        n, unit = int(m[2]), m[3]
        if unit == "w":
            n, unit = 5 * n, "bd"
        if unit == "bd":
            return f'{m[1]}"{max(1, n // 2)}bd"'
        seconds = n * {"s": 1, "m": 60, "h": 3600}[unit] // 2
        return f'{m[1]}"{seconds // 60}m"' if seconds % 60 == 0 else f'{m[1]}"{max(1, seconds)}s"'

    return re.subn(r'(\bresponse\s*=\s*)"(\d+)\s*(s|m|h|bd|w)"', half, source)


def worker(runs: int, sample: int, seed: int, parts: set[str]) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    out: dict[str, Any] = {"vendor": connection.vendor, "load_start": loadavg()}
    t = time.perf_counter()
    call_command("migrate", verbosity=0)  # a kept population may predate a migration of the working tree
    out["migrate_s"] = time.perf_counter() - t
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            out["server"] = f"PostgreSQL {cur.fetchone()[0]}"
    else:
        import sqlite3

        out["server"] = f"SQLite {sqlite3.sqlite_version}"
    from django.db.models import Count

    from casedesk.cases.models import Case
    from casedesk.desks.models import Desk
    from casedesk.desks.policies import preset_of, version_in_force
    from casedesk.reports.periods import Period, last_whole_month, month

    now = datetime.now(UTC)
    out["now"] = now.isoformat()
    out["cases"] = Case.objects.count()
    largest = Case.objects.values("desk_id").annotate(n=Count("id")).order_by("-n").first()
    assert largest, "no case: is the database filled?"
    desk = Desk.objects.get(pk=largest["desk_id"])
    version = version_in_force(desk, now)
    zone = preset_of(version).policy.home_zone
    out.update(desk=desk.slug, desk_cases=largest["n"], zone=zone)
    period = last_whole_month(now, zone)
    for _ in range(36):  # the last whole month with cases
        if Case.objects.filter(desk=desk, opened_at__gte=period.start, opened_at__lt=period.end).exists():
            break
        before = period.first - timedelta(days=1)
        period = month(before.year, before.month, zone)
    out["month"] = str(period)
    out["month_cases"] = Case.objects.filter(desk=desk, opened_at__gte=period.start, opened_at__lt=period.end).count()
    print(f"  {desk.slug}: {largest['n']:,} cases; {period}: {out['month_cases']:,} opened", file=sys.stderr)

    out["compliance"] = {}
    if "compliance" in parts:
        try:
            measure_compliance(desk, period, runs, out["compliance"])
        except Exception as exc:  # code being edited, or not there yet: measure what exists, say so
            out["compliance"]["missing"] = f"{type(exc).__name__}: {exc}"
            print(f"  compliance: not measured ({exc})", file=sys.stderr)
    else:
        out["compliance"]["missing"] = "not asked (--parts)"
    out["load_after_compliance"] = loadavg()
    year_first = period.first
    for _ in range(11):
        year_first = (year_first - timedelta(days=1)).replace(day=1)
    year = Period(year_first, period.last, zone)
    out["whatif"] = {}
    if "whatif" in parts:
        try:
            measure_whatif(desk, version, year, now, sample, seed, out["whatif"])
        except Exception as exc:
            out["whatif"]["missing"] = f"{type(exc).__name__}: {exc}"
            print(f"  what-if: not measured ({exc})", file=sys.stderr)
    else:
        out["whatif"]["missing"] = "not asked (--parts)"
    out["load_end"] = loadavg()
    print("> " + json.dumps(out, default=str), flush=True)


def measure_compliance(desk: Any, period: Any, runs: int, out: dict[str, Any]) -> None:
    """Fills `out` part by part: a part that fails (code being edited, a page not there) leaves the others."""
    from django.test import Client

    from casedesk.desks.models import Membership
    from casedesk.reports.compliance import compliance

    out["by"] = {}
    for by in DIMENSIONS:
        r = measured(lambda by=by: compliance(desk, period, by=by), runs)
        report = compliance(desk, period, by=by)
        r["lines"] = len(report.commitments)
        r["goal_lines"] = len(report.goals)
        r["removals"] = len(report.removals)
        if by == "metric":
            r["totals"] = {
                line.metric: {
                    "met": line.figures.met,
                    "missed": line.figures.missed,
                    "pending": line.figures.pending,
                    "removed": line.figures.removed,
                    "median_s": line.figures.median_seconds,
                    "p90_s": line.figures.p90_seconds,
                }
                for line in report.totals
            }
        out["by"][by] = r
        print(f"  compliance by {by}: {r['median_ms']:.1f} ms median", file=sys.stderr)
    out["profile"] = profile(lambda: compliance(desk, period, by="metric"))

    member = Membership.objects.filter(desk=desk, role=Membership.Role.SUPPORT_MANAGER).select_related("user").first()
    assert member, f"no support manager on desk {desk.slug}"
    client = Client()
    client.force_login(member.user)
    url = f"/console/reports/{desk.slug}/?period={period}"
    parts: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("page", lambda: measure_page(client, url, runs)),
        ("csv", lambda: measure_csv(client, f"{url}&format=csv")),
        ("peer", lambda: measure_peer(desk, period, runs)),
    ]
    for name, part in parts:
        try:
            out[name] = part()
        except Exception as exc:
            out[name] = {"error": f"{type(exc).__name__}: {exc}"}
            print(f"  {name}: not measured ({out[name]['error']})", file=sys.stderr)


def measure_page(client: Any, url: str, runs: int) -> dict[str, Any]:
    r = measured(lambda: client.get(url), runs)
    resp = client.get(url)
    r.update(url=url, status=resp.status_code, bytes=len(resp.content))
    return r


def measure_csv(client: Any, url: str, repeats: int = 3) -> dict[str, Any]:
    def read() -> tuple[int, int]:
        resp = client.get(url)
        if resp.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {resp.status_code}")
        size = lines = 0
        chunks: Iterable[bytes] = resp.streaming_content if resp.streaming else [resp.content]
        for chunk in chunks:
            size += len(chunk)
            lines += chunk.count(b"\n")
        resp.close()
        return size, lines

    samples = []
    size = lines = 0
    for _ in range(repeats):
        t = time.perf_counter()
        size, lines = read()
        samples.append(time.perf_counter() - t)
        if samples[-1] > 10:  # one slow read tells enough
            break
    tracemalloc.start()
    read()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    seconds = statistics.median(samples)
    rows = max(lines - 1, 0)
    return {"url": url, "s": seconds, "rows": rows, "bytes": size, "rows_per_s": rows / seconds, "peak_mb": peak / 1e6}


PEER_SQL = """
SELECT m.metric, m.status, m.goal, m.breached, m.priority, m.started_at, m.stopped_at,
       c.queue_id, c.company_id, c.assignee_id
FROM cases_slametric m JOIN cases_case c ON c.id = m.case_id
WHERE c.desk_id = {p} AND c.opened_at >= {p} AND c.opened_at < {p}
"""


def measure_peer(desk: Any, period: Any, runs: int) -> dict[str, Any]:
    """pandas: the month's metric rows in one read_sql_query, counted and timed per dimension by groupby."""
    import numpy as np
    import pandas as pd
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    pg = connection.vendor == "postgresql"
    sql = PEER_SQL.format(p="%s" if pg else "?")
    start, end = period.start.astimezone(UTC), period.end.astimezone(UTC)
    params = (desk.pk, start, end) if pg else (desk.pk, f"{start:%Y-%m-%d %H:%M:%S}", f"{end:%Y-%m-%d %H:%M:%S}")
    column = {"metric": None, "queue": "queue_id", "company": "company_id", "agent": "assignee_id"}
    column["priority"] = "priority"

    def read() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # pandas asks for SQLAlchemy; a DBAPI connection works
            frame = pd.read_sql_query(sql, raw, params=params)
        if not pg:
            frame["started_at"] = pd.to_datetime(frame["started_at"], format="ISO8601")
            frame["stopped_at"] = pd.to_datetime(frame["stopped_at"], format="ISO8601")
        return frame

    def figures(frame: Any, by: str) -> Any:
        breached = frame["breached"].astype(bool)
        status = frame["status"]
        outcome = np.select(
            [
                breached | (status == "missed"),
                status == "met",
                status.isin(["running", "paused", "overdue"]),
                status == "cancelled",
            ],
            ["missed", "met", "pending", "removed"],
            "",
        )
        frame = frame.assign(outcome=outcome, seconds=(frame["stopped_at"] - frame["started_at"]).dt.total_seconds())
        counted = frame[(frame["outcome"] != "") & ~frame["goal"].astype(bool)]
        keys = ["metric"] if column[by] is None else [column[by], "metric"]
        counts = counted.groupby([*keys, "outcome"], dropna=False).size().unstack(fill_value=0)
        settled = counted[counted["outcome"].isin(["met", "missed"])]
        times = (
            settled.groupby(keys, dropna=False)["seconds"]
            .quantile([0.5, 0.9])
            .unstack()
            .rename(columns={0.5: "median", 0.9: "p90"})
        )
        return counts.join(times)

    frame = read()
    out: dict[str, Any] = {"rows": len(frame), "pandas": pd.__version__}
    out["read"] = measured(read, runs)
    out["by"] = {by: measured(lambda by=by: figures(read(), by), runs) for by in DIMENSIONS}
    totals = figures(frame, "metric")
    out["totals"] = {
        str(k): {c: (None if v != v else float(v)) for c, v in row.items()} for k, row in totals.iterrows()
    }
    return out


def measure_whatif(
    desk: Any, version: Any, year: Any, now: datetime, sample: int, seed: int, out: dict[str, Any]
) -> None:
    from casedesk.sla.presets import preset_from_text
    from casedesk.sla.replay import replay
    from casedesk.whatif.load import histories, recorded

    out["period"] = str(year)
    current = preset_of_version(version)
    draft_text, changed = tighten_responses(version.source)
    draft = preset_from_text(draft_text, "draft")
    out["draft"] = f"version {version.version} with its {changed} response targets halved"

    from django.db import connection

    q = Queries()
    t = time.perf_counter()
    with connection.execute_wrapper(q):
        hs = list(histories(desk, year))
    out["load_s"] = time.perf_counter() - t
    out["load_sql"] = q.summary()
    out["cases"] = n = len(hs)
    out["events"] = sum(len(h.events) for h in hs)
    print(f"  what-if: {n:,} cases loaded in {out['load_s']:.1f} s", file=sys.stderr)

    t = time.perf_counter()
    outcomes = replay(draft, hs, now)
    out["replay_first_s"] = time.perf_counter() - t  # the process's first: calendars compiled, numpy warmed
    t = time.perf_counter()
    outcomes = replay(draft, hs, now)
    out["replay_s"] = time.perf_counter() - t
    out["outcomes"] = len(outcomes)
    print(f"  what-if: replayed in {out['replay_s']:.1f} s", file=sys.stderr)

    t = time.perf_counter()
    streamed = replay(draft, histories(desk, year), now)
    out["together_s"] = time.perf_counter() - t
    assert len(streamed) == len(outcomes)
    del streamed

    t = time.perf_counter()
    baseline = replay(current, hs, now)
    out["baseline_replay_s"] = time.perf_counter() - t

    t = time.perf_counter()
    stored = list(recorded(desk, year))
    out["recorded_s"] = time.perf_counter() - t
    out["recorded_rows"] = len(stored)

    def classes(rows: Iterable[Any]) -> dict[tuple[int, str], tuple[str, bool]]:
        return {(o.key, o.metric): (outcome_class(o.status, o.breached), o.goal) for o in rows}

    before, after, base = classes(stored), classes(outcomes), classes(baseline)
    flips: Counter[str] = Counter()
    flipped_cases = set()
    for k, (cls, goal) in after.items():
        was = before.get(k, ("none", goal))[0]
        if cls != was:
            flips[f"{'goal ' if goal else ''}{k[1]}: {was} -> {cls}"] += 1
            flipped_cases.add(k[0])
    for k in before.keys() - after.keys():
        flips[f"{k[1]}: {before[k][0]} -> (no row)"] += 1
        flipped_cases.add(k[0])
    out["flips"] = dict(flips.most_common())
    out["flipped_outcomes"] = sum(flips.values())
    out["flipped_cases"] = len(flipped_cases)
    differ: Counter[str] = Counter()
    for k in before.keys() | base.keys():
        was, now_cls = before.get(k, ("(no row)", False))[0], base.get(k, ("(no row)", False))[0]
        if was != now_cls:
            differ[f"{k[1]}: {was} -> {now_cls}"] += 1
    out["baseline_differs"] = dict(differ.most_common(12))
    out["baseline_differs_total"] = sum(differ.values())
    del baseline, stored

    out["naive"] = measure_naive(draft, [h.key for h in hs], outcomes, now, sample, seed)
    out["naive"]["extrapolated_s"] = out["naive"]["s"] / out["naive"]["cases"] * n


def preset_of_version(version: Any) -> Any:
    from casedesk.desks.policies import preset_of

    return preset_of(version)


def measure_naive(draft: Any, keys: list[int], bulk: list[Any], now: datetime, sample: int, seed: int) -> dict:
    """Per case, as the services do it: the Case and its events through the ORM, a Context from the draft."""
    from functools import lru_cache

    from casedesk.cases.models import Case, CaseEvent
    from casedesk.sla import Calendar
    from casedesk.sla.clock import RECORDS, Context, Event, evaluate, fold, new_state
    from casedesk.sla.replay_targets import contract_targets

    policy = draft.policy

    @lru_cache(maxsize=1024)  # compiled once per (calendar, zone), as casedesk.desks.policies caches them
    def compiled(name: str, zone: str | None) -> Calendar:
        return Calendar(draft.calendars[name], zone)

    def context(case: Case) -> Context:  # casedesk.cases.sla_state.context, on the draft
        overrides = case.contract.targets if case.contract_id and case.contract else {}

        def calendar_for(name: str) -> Calendar:
            spec = draft.calendars[name]
            return compiled(name, case.calendar_zone if case.calendar_zone and spec.zone_follows else None)

        return Context(policy, calendar_for, contract_targets(policy, overrides), case.calendar, tier=case.tier)

    def recompute(pk: int) -> list[Any]:
        case = Case.objects.get(pk=pk)
        ctx = context(case)
        rows = (
            CaseEvent.objects.filter(case=case)
            .exclude(kind__in=RECORDS)
            .order_by("at", "id")
            .values_list("kind", "at", "data")
        )
        state = fold(ctx, new_state(ctx), (Event(k, at, d) for k, at, d in rows))
        return evaluate(ctx, state, now)

    drawn = random.Random(seed).sample(keys, min(sample + WARMUP, len(keys)))
    warmup, picked = drawn[:WARMUP], drawn[WARMUP:] or drawn
    t = time.perf_counter()
    for pk in warmup:  # other cases, untimed: the draft's calendars compiled, as a running server has them
        recompute(pk)
    warm_s = time.perf_counter() - t
    results: dict[int, list[Any]] = {}
    t = time.perf_counter()
    for pk in picked:
        results[pk] = recompute(pk)
    seconds = time.perf_counter() - t
    wanted = set(picked)
    by_case: dict[int, dict[str, Any]] = {}
    for o in bulk:
        if o.key in wanted:
            by_case.setdefault(o.key, {})[o.metric] = o
    same = differ = 0
    for pk, states in results.items():
        mine = {(s.metric, s.status, s.breached, s.due_at) for s in states}
        theirs = {(o.metric, o.status, o.breached, o.due_at) for o in by_case.get(pk, {}).values()}
        same, differ = (same + 1, differ) if mine == theirs else (same, differ + 1)
    out = {"cases": len(picked), "s": seconds, "cases_per_s": len(picked) / seconds, "same": same, "differ": differ}
    return {**out, "warmup_cases": len(warmup), "warmup_s": warm_s}


def run_worker(db_env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    env = dict(db_env, CASEDESK_DEBUG="0", CASEDESK_ALLOWED_HOSTS="testserver,localhost")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker"]
    cmd += ["--runs", str(args.runs), "--sample", str(args.sample), "--seed", str(args.seed), "--parts", args.parts]
    proc = subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    lines = [x for x in proc.stdout.splitlines() if x.startswith("> ")]
    if proc.returncode or not lines:
        raise RuntimeError(f"casedesk worker exited {proc.returncode}")
    return json.loads(lines[-1][2:])


# -- the report --------------------------------------------------------------------------------------------------


def fmt_ms(r: dict[str, Any]) -> str:
    return f"{r['median_ms']:,.1f} / {r['p95_ms']:,.1f} (first {r['first_ms']:,.0f}; {r['runs']} runs)"


def table(results: dict[str, dict[str, Any]]) -> None:
    kinds = list(results)
    head = " | ".join(f"{NAMES[k]} ({results[k]['server']})" for k in kinds)
    print(f"\n| figure | {head} |\n|---|" + "---|" * len(kinds))

    def row(label: str, fn: Callable[[dict[str, Any]], str]) -> None:
        cells = []
        for k in kinds:
            try:
                cells.append(fn(results[k]))
            except (KeyError, TypeError, ZeroDivisionError):
                cells.append("n/a")
        print(f"| {label} | " + " | ".join(cells) + " |")

    row("load average at start (1 / 5 / 15 min)", lambda r: r["load_start"])
    row("cases; largest desk", lambda r: f"{r['cases']:,}; {r['desk']} {r['desk_cases']:,}")
    row("month (desk's zone); cases opened in it", lambda r: f"{r['month']} ({r['zone']}); {r['month_cases']:,}")
    for by in DIMENSIONS:
        row(
            f"`compliance(by={by!r})` median / p95 ms, queries",
            lambda r, by=by: (
                f"{fmt_ms(r['compliance']['by'][by])}, {r['compliance']['by'][by]['queries']} q "
                + ("PASS" if r["compliance"]["by"][by]["p95_ms"] < BUDGET_REPORT_S * 1e3 else "FAIL")
            ),
        )
    row(
        "report page (test Client, manager) median / p95 ms, queries",
        lambda r: (
            f"{fmt_ms(r['compliance']['page'])}, {r['compliance']['page']['queries']} q, "
            f"HTTP {r['compliance']['page']['status']} "
            + ("PASS" if r["compliance"]["page"]["p95_ms"] < BUDGET_REPORT_S * 1e3 else "FAIL")
        ),
    )
    row(
        "CSV export read to the end: s, rows, rows/s, peak MB",
        lambda r: (
            f"{r['compliance']['csv']['s']:.2f} s, {r['compliance']['csv']['rows']:,} rows, "
            f"{r['compliance']['csv']['rows_per_s']:,.0f}/s, {r['compliance']['csv']['peak_mb']:.1f} MB"
        ),
    )
    row(
        "pandas peer: `read_sql_query` of the month's metric rows",
        lambda r: f"{fmt_ms(r['compliance']['peer']['read'])}, {r['compliance']['peer']['rows']:,} rows",
    )
    for by in DIMENSIONS:
        row(
            f"pandas peer: read + `groupby` {by} median / p95 ms",
            lambda r, by=by: fmt_ms(r["compliance"]["peer"]["by"][by]),
        )
    row("load average after the compliance part", lambda r: r["load_after_compliance"])
    w = lambda r: r["whatif"]  # noqa: E731
    row("what-if: year (desk's zone); draft", lambda r: f"{w(r)['period']}; {w(r)['draft']}")
    row(
        "what-if: cases / events / outcomes", lambda r: f"{w(r)['cases']:,} / {w(r)['events']:,} / {w(r)['outcomes']:,}"
    )
    row(
        "`histories()` alone: s, cases/s",
        lambda r: f"{w(r)['load_s']:.2f} s, {w(r)['cases'] / w(r)['load_s']:,.0f}/s",
    )
    row(
        "`replay()` alone (draft): s, cases/s",
        lambda r: (
            f"{w(r)['replay_s']:.2f} s, {w(r)['cases'] / w(r)['replay_s']:,.0f}/s "
            f"(first {w(r)['replay_first_s']:.2f} s) "
            + ("PASS" if w(r)["cases"] / w(r)["replay_s"] >= GOAL_REPLAY else "FAIL")
            + f" (goal {GOAL_REPLAY:,}/s)"
        ),
    )
    row(
        "load + replay together, streamed: s, cases/s",
        lambda r: (
            f"{w(r)['together_s']:.2f} s, {w(r)['cases'] / w(r)['together_s']:,.0f}/s "
            + ("PASS" if w(r)["cases"] / w(r)["together_s"] >= GOAL_REPLAY else "FAIL")
        ),
    )
    row(
        "`replay()` under the version in force (baseline): s, cases/s",
        lambda r: f"{w(r)['baseline_replay_s']:.2f} s, {w(r)['cases'] / w(r)['baseline_replay_s']:,.0f}/s",
    )
    row("`recorded()`: s, rows", lambda r: f"{w(r)['recorded_s']:.2f} s, {w(r)['recorded_rows']:,}")
    row(
        "outcomes flipped by the draft vs recorded (cases)",
        lambda r: f"{w(r)['flipped_outcomes']:,} ({w(r)['flipped_cases']:,} cases)",
    )
    row("baseline outcomes differing from recorded", lambda r: f"{w(r)['baseline_differs_total']:,}")
    row(
        "naive, per case through the ORM + fold + evaluate: cases/s (sample)",
        lambda r: (
            f"{w(r)['naive']['cases_per_s']:,.0f}/s ({w(r)['naive']['cases']:,} cases in {w(r)['naive']['s']:.1f} s, "
            f"after {w(r)['naive']['warmup_cases']} others untimed: {w(r)['naive']['warmup_s']:.1f} s)"
        ),
    )
    row(
        "naive extrapolated to the year; bulk replay speed-up",
        lambda r: (
            f"{w(r)['naive']['extrapolated_s']:,.0f} s; "
            f"{(w(r)['cases'] / w(r)['together_s']) / w(r)['naive']['cases_per_s']:,.0f}x (load + replay)"
        ),
    )
    row(
        "naive vs bulk outcomes on the sample (same / differ)",
        lambda r: f"{w(r)['naive']['same']:,} / {w(r)['naive']['differ']:,}",
    )
    row("load average at the end", lambda r: r["load_end"])


def details(kind: str, r: dict[str, Any]) -> None:
    print(f"\n== {NAMES[kind]}: details")
    c, wi = r["compliance"], r["whatif"]
    measured_sql: list[tuple[str, dict[str, Any]]] = []
    for part, name in (("missing", "compliance"),):
        if part in c:
            print(f"  {name}: not (all) measured: {c[part]}")
    for name in ("page", "csv", "peer"):
        if "error" in c.get(name, {}):
            print(f"  {name}: not measured: {c[name]['error']}")
    if "metric" in c.get("by", {}):
        print(f"  totals, compliance({r['desk']}, {r['month']}) by metric (business seconds):")
        for metric, f in c["by"]["metric"].get("totals", {}).items():
            print(f"    {metric}: {f}")
    if "totals" in c.get("peer", {}):
        print("  the same from pandas (wall seconds):")
        for metric, f in c["peer"]["totals"].items():
            print(f"    {metric}: {f}")
    if c.get("profile"):
        print("  one compliance(by='metric') call under cProfile (own time):")
        for line in c["profile"].strip().splitlines()[-(14 + 1) :]:
            print(f"    {line}")
    measured_sql += [(f"compliance by {b}", c["by"][b]) for b in DIMENSIONS if b in c.get("by", {})]
    if "queries" in c.get("page", {}):
        measured_sql.append(("report page", c["page"]))
    if "missing" in wi:
        print(f"  what-if: not (all) measured: {wi['missing']}")
    if "flips" in wi:
        print("  flips (draft vs recorded):")
        for label, n in wi["flips"].items():
            print(f"    {n:>8,}  {label}")
        print("  baseline (version in force) vs recorded:")
        for label, n in wi["baseline_differs"].items():
            print(f"    {n:>8,}  {label}")
    if "load_sql" in wi:
        measured_sql.append(("what-if histories() load", wi["load_sql"]))
    print("  plans of the slowest query (a warm call):")
    for label, q in measured_sql:
        if q.get("slowest_sql"):
            print(f"  -- {label} ({q['slowest_ms']:.1f} ms of {q['sql_ms']:.1f} ms SQL): {q['slowest_sql'][:600]}")
            for line in (q.get("slowest_plan") or "").splitlines():
                print(f"     {line}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--db", default="pg,sqlite")
    ap.add_argument("--runs", type=int, default=20, help="timed runs per compliance figure (after the first)")
    ap.add_argument("--sample", type=int, default=2000, help="cases recomputed the naive way")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--parts", default="compliance,whatif", help="what to measure: compliance, whatif or both")
    ap.add_argument("--templates", type=int, default=200)
    ap.add_argument("--use-pg", metavar="NAME", help="a kept population (bench/population.py --keep NAME)")
    ap.add_argument("--use-sqlite", metavar="PATH", help="a kept population (bench/population.py --keep PATH)")
    args = ap.parse_args()
    if args.worker:
        worker(args.runs, args.sample, args.seed, set(args.parts.split(",")))
        return
    print("SLA compliance report and what-if replay at scale (issue 18)")
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, load average {loadavg()} at start")
    results: dict[str, Any] = {}
    for kind in [k.strip() for k in args.db.split(",") if k.strip()]:
        print(f"\n== {NAMES[kind]}", flush=True)
        use = args.use_pg if kind == "pg" else args.use_sqlite
        db: BenchDatabase | None = None
        try:
            if use:
                db = BenchDatabase.existing(kind, use)
                print(f"measuring the filled database {db.url}", flush=True)
            else:
                db = BenchDatabase(kind, "reports")
                t = time.perf_counter()
                print(f"filling {db.url} with {args.n:,} cases (bench/population.py) ...", flush=True)
                populate(db.url, args.n, templates=args.templates, var=db.var, log=lambda s: print(s, flush=True))
                print(f"filled in {time.perf_counter() - t:.0f} s", flush=True)
            results[kind] = run_worker(db.env(), args)
        finally:
            if db is not None and not use:
                db.drop()
    table(results)
    for kind, r in results.items():
        details(kind, r)
    out = Path(tempfile.gettempdir()) / f"reports_{os.getpid()}_{secrets.token_hex(2)}.json"
    out.write_text(json.dumps(results, indent=1, default=str))
    print(f"\n(all figures as JSON: {out})")


if __name__ == "__main__":
    main()
