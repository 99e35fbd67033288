"""Benchmark: an agent's queue and the admin case list at a million cases, casedesk vs django-helpdesk.

    .venv/bin/python bench/queue_query.py [--n 1000000] [--db pg,sqlite] [--runs 200] [--admin-runs 20]
                                          [--peer-n N] [--no-peer] [--use-pg NAME] [--use-sqlite PATH]

Per database (PostgreSQL and SQLite), in a database of its own (bench/population.py
fills it: N cases, about 30% open, every desk of the five presets):

* the agent's queue: the first 25 open cases of a desk, and of a queue, by nearest due
  time, as the issue states it:
  ``Case.objects.filter(desk=..., status__in=Case.OPEN_STATUSES, next_due_at__isnull=False)
  .order_by("next_due_at")[:25]`` (and ``queue=...``), plus the model's own
  ``Case.objects.filter(desk=...).by_nearest_due()[:25]``; for the desk and the queue with the
  most open cases; median and p95 of ``--runs`` evaluations (rows fetched, models built),
  and the plan: PostgreSQL ``EXPLAIN (ANALYZE, BUFFERS)``, SQLite ``EXPLAIN QUERY PLAN``;
* the Django admin case list ``/admin/cases/case/``, unfiltered and with each choice of the
  SLA filter (its parameter and choices read from casedesk.cases.admin at run time), through
  the Django test Client with a superuser (``force_login``): time per page (median / p95 of
  ``--admin-runs``) and SQL queries per page.

django-helpdesk (bench/_peers, see case_open.py's ensure_peer) gets the same number of
tickets (``--peer-n``, default N) by COPY / executemany in its own database, and times its
open-tickets-of-a-queue list: ``Ticket.objects.select_related("queue", "assigned_to")
.filter(queue=q, status__in=[OPEN, REOPENED]).order_by("priority", "due_date")[:25]``
(helpdesk's nearest thing to "by due": it orders by priority, then due date), and the
same filtered by ``-created`` (its ticket list's default sort). Figures are printed side by side.

Budget (DESIGN.md): agent queue page p95 < 50 ms with a query count that does not grow with the data.
``--use-pg NAME`` / ``--use-sqlite PATH`` measure an already filled database (from
``population.py --keep``) instead of filling one; it is left as it is.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from population import PG_HOST, PG_PORT, BenchDatabase, pg_admin, pg_drop, populate, unique_name

ROOT = Path(__file__).resolve().parent.parent
PEER_PY = ROOT / "bench" / "_peers" / "helpdesk-venv" / "bin" / "python"
PEER_SCRIPT = ROOT / "bench" / "helpdesk_peer.py"
BUDGET_MS = 50.0
NAMES = {"pg": "PostgreSQL", "sqlite": "SQLite"}


def ms(samples: list[float]) -> tuple[float, float]:
    if len(samples) < 2:
        return samples[0] * 1e3, samples[0] * 1e3
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples) * 1e3, q[94] * 1e3


def timed(fn: Any, runs: int, warmup: int = 3) -> dict[str, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    med, p95 = ms(samples)
    return {"median_ms": med, "p95_ms": p95, "runs": runs}


# -- the casedesk side: python bench/queue_query.py --worker (settings from the environment) ----------


def worker(runs: int, admin_runs: int) -> None:
    import django

    django.setup()
    from django.contrib.admin import SimpleListFilter, site
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from casedesk.cases.models import Case

    out: dict[str, Any] = {"vendor": connection.vendor, "cases": Case.objects.count()}
    open_q = {"status__in": Case.OPEN_STATUSES, "next_due_at__isnull": False}
    busiest = Case.objects.filter(**open_q).values("desk_id").annotate(n=Count("id")).order_by("-n").first()
    qbusiest = (
        Case.objects.filter(**open_q, queue__isnull=False)
        .values("queue_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert busiest and qbusiest, "no open case with a due: is the database filled?"
    desk_id, queue_id = busiest["desk_id"], qbusiest["queue_id"]
    out["desk"] = {"id": desk_id, "open_with_due": busiest["n"]}
    out["queue"] = {"id": queue_id, "open_with_due": qbusiest["n"]}
    queries = {
        "desk (issue's query)": Case.objects.filter(desk_id=desk_id, **open_q).order_by("next_due_at")[:25],
        "queue (issue's query)": Case.objects.filter(queue_id=queue_id, **open_q).order_by("next_due_at")[:25],
    }
    if hasattr(Case.objects, "by_nearest_due"):
        queries["desk by_nearest_due()"] = Case.objects.filter(desk_id=desk_id).by_nearest_due()[:25]
        queries["queue by_nearest_due()"] = Case.objects.filter(queue_id=queue_id).by_nearest_due()[:25]
    out["queries"] = {}
    for label, qs in queries.items():
        with CaptureQueriesContext(connection) as q:
            rows = list(qs.all())
        r = timed(lambda qs=qs: list(qs.all()), runs)
        r.update(rows=len(rows), queries=len(q.captured_queries), sql=q.captured_queries[0]["sql"])
        if connection.vendor == "postgresql":
            r["plan"] = qs.explain(analyze=True, buffers=True)
        else:
            r["plan"] = qs.explain()
        out["queries"][label] = r

    # The admin list, unfiltered and per SLA choice.
    user = get_user_model().objects.filter(username="bench-admin").first() or get_user_model().objects.create(
        username="bench-admin", is_staff=True, is_superuser=True
    )
    client = Client()
    client.force_login(user)
    model_admin = site._registry[Case]
    pages = [("unfiltered", "/admin/cases/case/")]
    filters = []
    for f in model_admin.list_filter:
        if isinstance(f, type) and issubclass(f, SimpleListFilter) and "sla" in (f.parameter_name or "").lower():
            filters.append(f)
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/cases/case/")
    request.user = user
    for f in filters:
        for value, label in f(request, {}, Case, model_admin).lookup_choices:
            pages.append((f"{f.parameter_name}={value} ({label})", f"/admin/cases/case/?{f.parameter_name}={value}"))
    out["admin_filters"] = [f"{f.__module__}.{f.__qualname__} ({f.parameter_name})" for f in filters]
    out["admin"] = {}
    for label, url in pages:
        out["admin"][label] = measure_page(client, url, admin_runs, warmup=1)
    print("> " + json.dumps(out, default=str), flush=True)


def measure_page(client: Any, url: str, runs: int, *, warmup: int) -> dict[str, Any]:
    """One page over the HTTP stack: timings, its queries (count, SQL time) and the plan of the slowest one."""
    from django.db import connection

    took: list[float] = []
    seen: list[tuple[str, Any]] = []

    def count(execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took.append(time.perf_counter() - t)
            seen.append((sql, params))

    with connection.execute_wrapper(count):
        resp = client.get(url)
    if resp.status_code != 200:
        return {"url": url, "status": resp.status_code}
    r = timed(lambda: client.get(url), runs, warmup=warmup)
    r.update(url=url, status=resp.status_code, queries=len(took), sql_ms=sum(took) * 1e3)
    r["slowest_sql_ms"] = max(took) * 1e3 if took else 0
    if took:
        sql, params = seen[took.index(max(took))]
        r["slowest_sql"] = sql
        explain = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        with connection.cursor() as cur:
            cur.execute(explain + sql, params)
            r["slowest_plan"] = "\n".join(" ".join(str(x) for x in row) for row in cur.fetchall())
    return r


def run_worker(db_env: dict[str, str], runs: int, admin_runs: int) -> dict[str, Any]:
    env = dict(db_env, CASEDESK_DEBUG="0", CASEDESK_ALLOWED_HOSTS="testserver,localhost")
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        "--runs",
        str(runs),
        "--admin-runs",
        str(admin_runs),
    ]
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    lines = [x for x in proc.stdout.splitlines() if x.startswith("> ")]
    if proc.returncode or not lines:
        raise RuntimeError(f"casedesk worker exited {proc.returncode}: {proc.stderr.strip()[-2000:]}")
    return json.loads(lines[-1][2:])


def run_peer(kind: str, n: int, runs: int) -> dict[str, Any]:
    tmp = tempfile.mkdtemp(prefix="bench_hdqueue_")
    name = unique_name("hdqueue")
    if kind == "pg":
        pg_admin(f'CREATE DATABASE "{name}"')
        where = ["--pg-name", name, "--pg-host", PG_HOST, "--pg-port", str(PG_PORT)]
    else:
        where = ["--sqlite", str(Path(tmp) / f"{name}.sqlite3")]
    try:
        cmd = [str(PEER_PY), str(PEER_SCRIPT), *where, "--queue-bench", str(n), "--runs", str(runs)]
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
        proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
        lines = [x for x in proc.stdout.splitlines() if x.startswith("> ")]
        if proc.returncode or not lines:
            raise RuntimeError(f"helpdesk worker exited {proc.returncode}: {proc.stderr.strip()[-2000:]}")
        return json.loads(lines[-1][2:])
    finally:
        if kind == "pg":
            pg_drop(name)
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="cases (default 1,000,000)")
    ap.add_argument("--db", default="pg,sqlite", help="pg, sqlite or both (default pg,sqlite)")
    ap.add_argument("--runs", type=int, default=200, help="timed runs per queue query (default 200)")
    ap.add_argument("--admin-runs", type=int, default=20, help="timed requests per admin page (default 20)")
    ap.add_argument("--peer-n", type=int, help="django-helpdesk tickets (default: --n)")
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--templates", type=int, default=200, help="population: template cases per desk")
    ap.add_argument(
        "--use-pg", metavar="NAME", help="measure this filled PostgreSQL database (not filled, not dropped)"
    )
    ap.add_argument("--use-sqlite", metavar="PATH", help="measure this filled SQLite file, kept")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.runs, args.admin_runs)
        return
    dbs = [x.strip() for x in args.db.split(",") if x.strip()]
    peer_n = args.peer_n or args.n
    peer = not args.no_peer and PEER_PY.exists()
    print("Agent queue and admin case list at scale: casedesk vs django-helpdesk")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, load average {load} at start")
    if not PEER_PY.exists() and not args.no_peer:
        print("django-helpdesk: not measured (no bench/_peers venv: run bench/case_open.py once to create it)")
    results: dict[str, Any] = {}
    for kind in dbs:
        print(f"\n== {NAMES[kind]}")
        use = args.use_pg if kind == "pg" else args.use_sqlite
        db: BenchDatabase | None = None
        try:
            if use:
                db = BenchDatabase.existing(kind, use)
                fill = None
                print(f"measuring the filled database {db.url}")
            else:
                db = BenchDatabase(kind, "queue")
                t = time.perf_counter()
                print(f"filling {db.url} with {args.n:,} cases (bench/population.py) ...", flush=True)
                fill = populate(
                    db.url, args.n, templates=args.templates, var=db.var, log=lambda s: print(s, flush=True)
                )
                fill["wall_s"] = time.perf_counter() - t
            cd = run_worker(db.env(), args.runs, args.admin_runs)
        finally:
            if db is not None:
                db.drop()
        hd = None
        if peer:
            print(f"django-helpdesk: {peer_n:,} tickets in its own database ...", flush=True)
            hd = run_peer(kind, peer_n, args.runs)
        results[kind] = {"casedesk": cd, "helpdesk": hd, "fill": fill}
        report(kind, cd, hd, fill, args.n, peer_n)
    out = Path(tempfile.gettempdir()) / f"queue_query_{os.getpid()}_{secrets.token_hex(2)}.json"
    out.write_text(json.dumps(results, indent=1, default=str))
    print(f"\n(all figures as JSON: {out})")


def report(
    kind: str, cd: dict[str, Any], hd: dict[str, Any] | None, fill: dict[str, Any] | None, n: int, pn: int
) -> None:
    if fill:
        print(
            f"population: {fill['cases']:,} cases ({fill['open']:,} open, {fill['open_due']:,} with a due, "
            f"{fill['overdue']:,} overdue), {fill['events']:,} events, {fill['metrics']:,} metric rows "
            f"in {fill['wall_s']:.0f} s"
        )
    print(f"casedesk: {cd['cases']:,} cases; desk {cd['desk']['id']} has {cd['desk']['open_with_due']:,} open cases "
          f"with a due, queue {cd['queue']['id']} has {cd['queue']['open_with_due']:,}")  # fmt: skip
    w = 46
    print(f"  {'first 25 by nearest due (median / p95 ms)':<{w}} {'ms':>16}  queries  rows")
    for label, r in cd["queries"].items():
        fig = f"{r['median_ms']:.2f} / {r['p95_ms']:.2f}"
        ok = "PASS" if r["p95_ms"] < BUDGET_MS else "FAIL"
        print(
            f"  casedesk {label:<{w - 9}} {fig:>16}  {r['queries']:>7}  {r['rows']:>4}  {ok} (p95 < {BUDGET_MS:g} ms)"
        )
    if hd:
        scale = "" if hd["tickets"] == n else f" (filled with {hd['tickets']:,} tickets, not {n:,})"
        for label, r in hd["queries"].items():
            fig = f"{r['median_ms']:.2f} / {r['p95_ms']:.2f}"
            print(f"  helpdesk {label:<{w - 9}} {fig:>16}  {1:>7}  {r['rows']:>4}{scale}")
        print(f"  django-helpdesk {hd['version']}: {hd['tickets']:,} tickets, {hd['open']:,} open; queue "
              f"{hd['queue']} has {hd['queue_open']:,} open; filled in {hd['fill_s']:.0f} s")  # fmt: skip
    print("  admin /admin/cases/case/ (median / p95 ms, queries per page):")
    for label, r in cd["admin"].items():
        if "median_ms" not in r:
            print(f"    {label:<44} HTTP {r['status']}")
            continue
        fig = f"{r['median_ms']:.1f} / {r['p95_ms']:.1f}"
        ok = "PASS" if r["p95_ms"] < BUDGET_MS else "FAIL"
        print(f"    {label:<44} {fig:>16}  {r['queries']:>3} queries"
              f" ({r['sql_ms']:.1f} ms in SQL, slowest {r['slowest_sql_ms']:.1f})  {ok}")  # fmt: skip
    print(f"  SLA filter read from: {', '.join(cd['admin_filters']) or 'none found'}")
    print("  plans:")
    for label, r in cd["queries"].items():
        print(f"  -- casedesk {label}: {r['sql']}")
        for line in str(r["plan"]).splitlines():
            print(f"     {line}")
    for label, r in cd["admin"].items():
        if r.get("slowest_plan"):
            print(f"  -- admin {label}, its slowest query: {r['slowest_sql']}")
            for line in r["slowest_plan"].splitlines():
                print(f"     {line}")
    if hd:
        for label, r in hd["queries"].items():
            print(f"  -- helpdesk {label}: {r['sql']}")
            for line in str(r["plan"]).splitlines():
                print(f"     {line}")


if __name__ == "__main__":
    main()
