"""Benchmark: the console's queue page and case page over the HTTP stack at a million cases.

    .venv/bin/python bench/console.py [--n 1000000] [--db pg,sqlite] [--runs 100] [--no-peer]
                                      [--use-pg NAME] [--use-sqlite PATH]

Per database, in a database of its own filled by bench/population.py (N cases, about
30% open, the five presets' desks with their agents), through Django's test Client
with an agent of the busiest desk signed in (``force_login``):

* the queue page ``/console/?desk=<slug>``: the first 25 open cases of the desk by
  nearest due (overdue first), each row's remaining business time computed as of now;
* the queue page of the desk's busiest country queue (PLM: ``&queue=<key>``) and "mine";
* the case page ``/console/cases/<number>/`` of the first case of the queue, and of the
  desk's case with the most events;

* the queue page searching a case number, and searching text (``q=licence``);

median and p95 of ``--runs`` requests (5 for a page whose first request takes over half a
second), SQL queries per page, and the plan of each page's slowest query (PostgreSQL
``EXPLAIN (ANALYZE, BUFFERS)``, SQLite ``EXPLAIN QUERY PLAN``).

Text search alone (casedesk.cases.search, the indexes of migration cases/0008): the queue's
reads of a desk narrowed by ``search()`` as the queue page makes them (the first 26 cases with
a due by nearest due, then, if fewer, the newest clockless ones), for a subject word in 10% of
the cases, a word of a quarter of the agents' replies, two subject words as prefixes, a word
found nowhere, and a case number in lower case: median and p95, rows found, and plans.
Beside it, django-helpdesk's open-tickets list of a queue on as many tickets, from
bench/queue_query.py's peer run (bench/helpdesk_peer.py ``--queue-bench``: the list's query,
``order_by("-created")`` being its ticket list's default sort).

Budget (the issue): p95 under 50 ms on both databases.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from population import BenchDatabase, populate
from queue_query import BUDGET_MS, NAMES, PEER_PY, ROOT, measure_page, run_peer, timed


def worker(runs: int) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from casedesk.cases.models import Case, CaseEvent
    from casedesk.desks.models import Desk, Membership, Queue

    busiest = (
        Case.objects.filter(next_due_at__isnull=False).values("desk_id").annotate(n=Count("id")).order_by("-n").first()
    )
    assert busiest, "no open case with a due: is the database filled?"
    desk = Desk.objects.get(pk=busiest["desk_id"])
    member = Membership.objects.filter(desk=desk, role=Membership.Role.AGENT).select_related("user").first()
    assert member, f"no agent on desk {desk.slug}"
    agent = member.user
    client = Client()
    client.force_login(agent)
    out: dict[str, Any] = {"vendor": connection.vendor, "cases": Case.objects.count(), "desk": desk.slug}
    out["open_with_due"] = busiest["n"]
    qcount = (
        Case.objects.filter(desk=desk, next_due_at__isnull=False, queue__isnull=False)
        .values("queue_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    pages = [("queue page: desk", f"/console/?desk={desk.slug}")]
    if qcount and Queue.objects.filter(desk=desk).count() > 1:
        key = Queue.objects.get(pk=qcount["queue_id"]).key
        pages.append((f"queue page: queue {key}", f"/console/?desk={desk.slug}&queue={key}"))
    pages.append(("queue page: mine", f"/console/?desk={desk.slug}&mine=1"))
    pages.append(("queue page: overdue, page 3", f"/console/?desk={desk.slug}&sla=overdue&page=3"))
    top = Case.objects.filter(desk=desk).by_nearest_due().values_list("number", flat=True).first()
    busy = (
        CaseEvent.objects.filter(case__desk=desk, case__next_due_at__isnull=False)
        .values("case_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    pages.append((f"queue page: search number {top}", f"/console/?desk={desk.slug}&q={top}"))
    pages.append(("queue page: search text 'licence'", f"/console/?desk={desk.slug}&q=licence"))
    pages.append((f"case page: top of the queue ({top})", f"/console/cases/{top}/"))
    if busy:
        number = Case.objects.values_list("number", flat=True).get(pk=busy["case_id"])
        pages.append((f"case page: {busy['n']} events ({number})", f"/console/cases/{number}/"))
    out["pages"] = {}
    for label, url in pages:
        t = time.perf_counter()
        client.get(url)
        slow = time.perf_counter() - t > 0.5  # an unindexed page: a few runs tell enough
        n = min(5, runs) if slow else runs
        out["pages"][label + (f" ({n} runs)" if slow else "")] = measure_page(client, url, n, warmup=1 if slow else 3)
    out["search"] = measure_search(agent, desk, top or "", runs)
    print("> " + json.dumps(out, default=str), flush=True)


SEARCHES = (
    ("subject word in 10% of cases", "licence"),
    ("word of an agent reply", "hotfix"),
    ("two subject words, prefixes", "toolp stock"),
    ("word found nowhere", "zebra"),
)


def measure_search(agent: Any, desk: Any, number: str, runs: int) -> dict[str, Any]:
    """search() inside the queue's two reads of a desk (due cases by nearest due, then clockless ones)."""
    from django.db import connection

    from casedesk.cases.access import console_cases
    from casedesk.cases.search import search

    def queue_reads(text: str) -> list[Any]:
        qs = search(console_cases(agent).filter(desk=desk), text)
        light = ("desk", "queue", "requester", "company", "assignee", "policy_version")
        rows = list(qs.by_nearest_due().select_related(*light).defer("clock", "description", "intake")[:26])  # type: ignore[attr-defined]
        if len(rows) < 26:
            clockless = qs.filter(no_clock__in=[True]).order_by("-opened_at", "-id").select_related(*light)
            rows += list(clockless.defer("clock", "description", "intake")[: 26 - len(rows)])
        return rows

    seen: list[tuple[str, Any, float]] = []

    def keep(execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            seen.append((sql, params, time.perf_counter() - t))

    out: dict[str, Any] = {}
    for label, text in (*SEARCHES, ("case number in lower case", number.lower())):
        seen.clear()
        with connection.execute_wrapper(keep):
            found = len(queue_reads(text))
        r = timed(lambda text=text: queue_reads(text), runs)
        r.update(text=text, rows=found, queries=len(seen))
        plans = []
        explain = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        for sql, params, took in seen:
            if not sql.lstrip().upper().startswith("SELECT") or "current_setting" in sql or "set_config" in sql:
                continue  # SET LOCAL and its kind: nothing to plan
            with connection.cursor() as cur:
                cur.execute(explain + sql, params)
                plan = "\n".join(" ".join(str(x) for x in row) for row in cur.fetchall())
            plans.append({"sql": sql, "ms": took * 1e3, "plan": plan})
        r["plans"] = plans
        out[label] = r
    return out


def run_worker(db_env: dict[str, str], runs: int) -> dict[str, Any]:
    env = dict(db_env, CASEDESK_DEBUG="0", CASEDESK_ALLOWED_HOSTS="testserver,localhost")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--runs", str(runs)]
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    lines = [x for x in proc.stdout.splitlines() if x.startswith("> ")]
    if proc.returncode or not lines:
        raise RuntimeError(f"casedesk worker exited {proc.returncode}: {proc.stderr.strip()[-2000:]}")
    return json.loads(lines[-1][2:])


def report(cd: dict[str, Any], hd: dict[str, Any] | None) -> None:
    print(f"casedesk: {cd['cases']:,} cases; desk {cd['desk']} has {cd['open_with_due']:,} open cases with a due")
    w = 48
    print(f"  {'page (test Client, median / p95 ms)':<{w}} {'ms':>16}  queries")
    for label, r in cd["pages"].items():
        if "median_ms" not in r:
            print(f"  {label:<{w}} HTTP {r['status']}")
            continue
        fig = f"{r['median_ms']:.1f} / {r['p95_ms']:.1f}"
        ok = "PASS" if r["p95_ms"] < BUDGET_MS else "FAIL"
        sql = f"({r['sql_ms']:.1f} ms in SQL)"
        print(f"  {label:<{w}} {fig:>16}  {r['queries']:>7}  {sql}  {ok} (p95 < {BUDGET_MS:g} ms)")
    if hd:
        for label, r in hd["queries"].items():
            fig = f"{r['median_ms']:.1f} / {r['p95_ms']:.1f}"
            print(f"  {'helpdesk ' + label:<{w}} {fig:>16}  (query only)")
        print(f"  django-helpdesk {hd['version']}: {hd['tickets']:,} tickets, {hd['open']:,} open")
    if cd.get("search"):
        print(f"  {'search() in the queue reads of the desk':<{w}} {'ms':>16}  rows  queries")
        for label, r in cd["search"].items():
            fig = f"{r['median_ms']:.1f} / {r['p95_ms']:.1f}"
            ok = "PASS" if r["p95_ms"] < BUDGET_MS else "FAIL"
            name = f"{label} ({r['text']!r})"
            print(f"  {name:<{w}} {fig:>16}  {r['rows']:>4}  {r['queries']:>7}  {ok} (p95 < {BUDGET_MS:g} ms)")
    print("  plans (each page's slowest query):")
    for label, r in cd["pages"].items():
        if r.get("slowest_plan"):
            print(f"  -- {label}: {r['slowest_sql'][:400]}")
            for line in r["slowest_plan"].splitlines():
                print(f"     {line}")
    for label, r in (cd.get("search") or {}).items():
        for p in r["plans"]:
            print(f"  -- search {label} ({p['ms']:.1f} ms): {p['sql'][:300]}")
            for line in p["plan"].splitlines():
                print(f"     {line}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--db", default="pg,sqlite")
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--templates", type=int, default=200)
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--use-pg")
    ap.add_argument("--use-sqlite")
    args = ap.parse_args()
    if args.worker:
        worker(args.runs)
        return
    print("Console pages at scale: casedesk vs django-helpdesk")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, load average {load} at start")
    peer = not args.no_peer and PEER_PY.exists()
    results: dict[str, Any] = {}
    for kind in [k.strip() for k in args.db.split(",") if k.strip()]:
        print(f"\n== {NAMES[kind]}")
        use = args.use_pg if kind == "pg" else args.use_sqlite
        db: BenchDatabase | None = None
        try:
            if use:
                db = BenchDatabase.existing(kind, use)
                print(f"measuring the filled database {db.url}")
            else:
                db = BenchDatabase(kind, "console")
                t = time.perf_counter()
                print(f"filling {db.url} with {args.n:,} cases (bench/population.py) ...", flush=True)
                populate(db.url, args.n, templates=args.templates, var=db.var, log=lambda s: print(s, flush=True))
                print(f"filled in {time.perf_counter() - t:.0f} s", flush=True)
            cd = run_worker(db.env(), args.runs)
        finally:
            if db is not None and not use:
                db.drop()
        hd = None
        if peer:
            print(f"django-helpdesk: {args.n:,} tickets in its own database ...", flush=True)
            hd = run_peer(kind, args.n, args.runs)
        results[kind] = {"casedesk": cd, "helpdesk": hd}
        report(cd, hd)
    out = Path(tempfile.gettempdir()) / f"console_{os.getpid()}_{secrets.token_hex(2)}.json"
    out.write_text(json.dumps(results, indent=1, default=str))
    print(f"\n(all figures as JSON: {out})")


if __name__ == "__main__":
    main()
