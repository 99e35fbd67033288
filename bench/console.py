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

median and p95 of ``--runs`` requests, SQL queries per page, and the plan of each page's
slowest query (PostgreSQL ``EXPLAIN (ANALYZE, BUFFERS)``, SQLite ``EXPLAIN QUERY PLAN``).
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
from queue_query import BUDGET_MS, NAMES, PEER_PY, ROOT, measure_page, run_peer


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
    # Subject and message text: a LIKE scan over the desk's cases and events (few runs: it is not indexed).
    pages.append(("queue page: search text 'licence' (5 runs)", f"/console/?desk={desk.slug}&q=licence"))
    pages.append((f"case page: top of the queue ({top})", f"/console/cases/{top}/"))
    if busy:
        number = Case.objects.values_list("number", flat=True).get(pk=busy["case_id"])
        pages.append((f"case page: {busy['n']} events ({number})", f"/console/cases/{number}/"))
    out["pages"] = {}
    for label, url in pages:
        n = 5 if "(5 runs)" in label else runs
        out["pages"][label] = measure_page(client, url, n, warmup=1 if n == 5 else 3)
    print("> " + json.dumps(out, default=str), flush=True)


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
    print("  plans (each page's slowest query):")
    for label, r in cd["pages"].items():
        if r.get("slowest_plan"):
            print(f"  -- {label}: {r['slowest_sql'][:400]}")
            for line in r["slowest_plan"].splitlines():
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
