"""Benchmark: the JSON API's case list and case read at scale, casedesk vs django-helpdesk's ticket list JSON.

    .venv/bin/python bench/api.py [--cases 100000] [--small 10000] [--db pg,sqlite] [--runs 200]
                                  [--no-peer] [--use-pg NAME] [--use-sqlite PATH]
    .venv/bin/python bench/api.py --cases 1000000      # the issue's size (~4 min to fill per database)

Per database (PostgreSQL when it answers on 127.0.0.1:5432, and SQLite), in databases of its own filled by
bench/population.py (about 30% open, the five presets' desks with their agents), through Django's test
Client (the whole stack: middleware, token look-up, rate limit, django-ninja, the permission-checked getter)
with a read token of an agent of the desk with the most open cases (`Authorization: Bearer ...`):

* ``GET /api/v1/cases?desk=<slug>``: the first page (25) of the desk's cases, nearest due first;
* the second page of it (the first page's ``next_cursor``);
* ``GET /api/v1/cases?desk=<slug>&sla_state=overdue``;
* ``GET /api/v1/cases/<number>`` of the first case of that list, and of the desk's case with the most events;

median and p95 of ``--runs`` requests, SQL queries per request, and the plan of each request's slowest query.
Each is measured at two population sizes, ``--small`` and ``--cases``, to show the query count does not grow
with the cases.

django-helpdesk (bench/_peers, made once by bench/case_open.py) gets as many tickets (30% open, 8 queues;
bench/helpdesk_peer.py's fill) in its own database of the same kind, in the same run, and answers its
staff ticket list's JSON (``/helpdesk/datatables_ticket_list/<query>``, what its ticket list page loads: one
queue's open tickets, by due date, 25 a page) to a signed-in staff user, through the same test Client; and
its REST API's ticket list (``/helpdesk/api/tickets/?status=1,2``, 25 a page) at the small size only: its
``get_queryset`` runs ``set_custom_field_values()`` on every accessible ticket (a query each), so a request
costs one query per ticket; its query count is printed for the record.

Budget (DESIGN.md, issue 17): p95 under 50 ms, with a query count that does not grow with the cases. Not a
test: figures are printed, the exit code is 0.
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

from population import PG_HOST, PG_PORT, BenchDatabase, pg_admin, pg_drop, populate, unique_name
from queue_query import BUDGET_MS, NAMES, PEER_PY, ROOT, measure_page, ms

HERE = Path(__file__).resolve()
RATE = "100000000"  # the rate limit stays on (its upsert is part of every request), far above these runs


# -- casedesk: bench/api.py --worker, settings from the environment -------------------------------------------


def worker(runs: int) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from casedesk.api.models import AccessToken
    from casedesk.cases.models import Case, CaseEvent
    from casedesk.desks.models import Desk, Membership

    busiest = (
        Case.objects.filter(next_due_at__isnull=False).values("desk_id").annotate(n=Count("id")).order_by("-n").first()
    )
    assert busiest, "no open case with a due: is the database filled?"
    desk = Desk.objects.get(pk=busiest["desk_id"])
    member = Membership.objects.filter(desk=desk, role=Membership.Role.AGENT).select_related("user").first()
    assert member, f"no agent on desk {desk.slug}"
    client = Client(HTTP_AUTHORIZATION="Bearer " + AccessToken.issue(member.user, scope="read", name="bench"))
    out: dict[str, Any] = {"vendor": connection.vendor, "cases": Case.objects.count(), "desk": desk.slug}
    out["open_with_due"] = busiest["n"]
    first = client.get(f"/api/v1/cases?desk={desk.slug}")
    assert first.status_code == 200, first.content[:500]
    page = first.json()
    top = page["items"][0]["number"]
    busy = (
        CaseEvent.objects.filter(case__desk=desk)
        .values("case_id")
        .annotate(n=Count("id"))
        .order_by("-n", "case_id")
        .first()
    )
    pages = [
        ("list: desk, nearest due first", f"/api/v1/cases?desk={desk.slug}"),
        ("list: its next page (cursor)", f"/api/v1/cases?desk={desk.slug}&cursor={page['next_cursor']}"),
        ("list: desk, overdue", f"/api/v1/cases?desk={desk.slug}&sla_state=overdue"),
        ("read: top of the list", f"/api/v1/cases/{top}"),
    ]
    if busy:
        number = Case.objects.values_list("number", flat=True).get(pk=busy["case_id"])
        pages.append((f"read: the desk's case with most events ({busy['n']})", f"/api/v1/cases/{number}"))
    out["pages"] = {label: measure_page(client, url, runs, warmup=3) for label, url in pages}
    print("> " + json.dumps(out, default=str), flush=True)


def run_worker(db: BenchDatabase, runs: int) -> dict[str, Any]:
    env = dict(db.env(), CASEDESK_DEBUG="0", CASEDESK_ALLOWED_HOSTS="testserver,localhost", CASEDESK_API_RATE=RATE)
    proc = subprocess.run(
        [sys.executable, str(HERE), "--worker", "--runs", str(runs)], env=env, cwd=ROOT, capture_output=True, text=True
    )
    lines = [x for x in proc.stdout.splitlines() if x.startswith("> ")]
    if proc.returncode or not lines:
        raise RuntimeError(f"casedesk worker exited {proc.returncode}: {proc.stderr.strip()[-2000:]}")
    return json.loads(lines[-1][2:])


# -- django-helpdesk: bench/_peers/helpdesk-venv/bin/python bench/api.py --peer ... ---------------------------


def peer(args: argparse.Namespace) -> None:
    """Fill n tickets as helpdesk_peer.py's queue bench does, then time helpdesk's ticket list JSON."""
    import base64
    import contextlib
    import io

    import helpdesk_peer

    helpdesk_peer.write_project()
    sys.path.insert(0, str(helpdesk_peer.PROJECT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "hdbench_settings"
    os.environ["HDBENCH_DATABASE"] = json.dumps(helpdesk_peer.database(args))
    os.environ["HDBENCH_MEDIA"] = str(helpdesk_peer.PROJECT / "media")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from helpdesk.models import Queue, Ticket

    with contextlib.redirect_stdout(io.StringIO()) as filled:  # its fill (and a 2-run queue query, not used here)
        helpdesk_peer.queue_bench(args.cases, 2)
    fill = json.loads([x for x in filled.getvalue().splitlines() if x.startswith("> ")][-1][2:])
    agent = get_user_model().objects.get(username="agent0")
    client = Client(SERVER_NAME="localhost")
    client.force_login(agent)
    queue = Queue.objects.get(slug="q0")
    opened = [Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS]
    # What its ticket list page asks for: a saved query (filters, sorting) in base64, datatables' paging params.
    query = {"filtering": {"status__in": opened, "queue__id__in": [queue.pk]}, "sorting": "due_date"}
    encoded = base64.urlsafe_b64encode(json.dumps(query).encode()).decode()
    urls = [
        ("ticket list JSON: queue, open, by due date", f"/helpdesk/datatables_ticket_list/{encoded}?length=25"),
    ]
    if args.api:
        urls.append(("REST API /api/tickets/?status=1,2", "/helpdesk/api/tickets/?status=1,2"))
    out: dict[str, Any] = {"version": fill["version"], "tickets": fill["tickets"], "open": fill["open"]}
    out["queue_open"] = fill["queue_open"]
    out["pages"] = {}
    for label, url in urls:
        seen: list[str] = []

        def count(execute: Any, sql: Any, params: Any, many: Any, context: Any, seen: list[str] = seen) -> Any:
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            t = time.perf_counter()
            resp = client.get(url)
            first_s = time.perf_counter() - t
        if resp.status_code != 200:
            out["pages"][label] = {"status": resp.status_code, "body": resp.content[:300].decode(errors="replace")}
            continue
        fast = first_s < 0.5
        n = args.runs if fast else 3  # a request of seconds: a few tell enough
        samples = []
        for _ in range(3 if fast else 0):
            client.get(url)
        for _ in range(n):
            t = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - t)
        med, p95 = ms(samples)
        out["pages"][label] = {"median_ms": med, "p95_ms": p95, "runs": n, "queries": len(seen)}
    print("> " + json.dumps(out, default=str), flush=True)


def run_peer(kind: str, n: int, runs: int, api: bool) -> dict[str, Any]:
    tmp = tempfile.mkdtemp(prefix="bench_hdapi_")
    name = unique_name("hdapi")
    if kind == "pg":
        pg_admin(f'CREATE DATABASE "{name}"')
        where = ["--pg-name", name, "--pg-host", PG_HOST, "--pg-port", str(PG_PORT)]
    else:
        where = ["--sqlite", str(Path(tmp) / f"{name}.sqlite3")]
    try:
        cmd = [str(PEER_PY), str(HERE), "--peer", *where, "--cases", str(n), "--runs", str(runs)]
        cmd += ["--api"] if api else []
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


# -- the run ---------------------------------------------------------------------------------------------------


def pg_answers() -> bool:
    try:
        pg_admin("SELECT 1")
    except Exception:
        return False
    return True


def measure(kind: str, n: int, args: argparse.Namespace) -> dict[str, Any]:
    use = (args.use_pg if kind == "pg" else args.use_sqlite) if n == args.cases else None
    if use:
        db = BenchDatabase.existing(kind, use)
        print(f"measuring the filled database {db.url}", flush=True)
        try:
            return {"casedesk": run_worker(db, args.runs), "fill_s": None}
        finally:
            db.drop()  # an existing one: only its temporary directory
    db = BenchDatabase(kind, "api")
    try:
        t = time.perf_counter()
        print(f"filling {db.url} with {n:,} cases (bench/population.py) ...", flush=True)
        populate(db.url, n, templates=args.templates, var=db.var, log=lambda s: None)
        fill_s = time.perf_counter() - t
        print(f"filled in {fill_s:.0f} s", flush=True)
        return {"casedesk": run_worker(db, args.runs), "fill_s": fill_s}
    finally:
        db.drop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", "--n", type=int, default=100_000, help="cases (default 100,000; the issue: 1000000)")
    ap.add_argument("--small", type=int, default=10_000, help="the smaller population, for query counts")
    ap.add_argument("--db", default="pg,sqlite", help="pg, sqlite or both (pg skipped when it does not answer)")
    ap.add_argument("--runs", type=int, default=200, help="timed requests per URL (default 200)")
    ap.add_argument("--templates", type=int, default=60, help="population: template cases per desk")
    ap.add_argument("--no-peer", action="store_true", help="leave django-helpdesk out")
    ap.add_argument("--use-pg", metavar="NAME", help="measure this filled PostgreSQL database as --cases")
    ap.add_argument("--use-sqlite", metavar="PATH", help="measure this filled SQLite file as --cases")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--peer", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--api", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--sqlite", help=argparse.SUPPRESS)
    ap.add_argument("--pg-name", help=argparse.SUPPRESS)
    ap.add_argument("--pg-host", default="127.0.0.1", help=argparse.SUPPRESS)
    ap.add_argument("--pg-port", type=int, default=5432, help=argparse.SUPPRESS)
    ap.add_argument("--pg-user", default="postgres", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.runs)
        return
    if args.peer:
        peer(args)
        return
    print("JSON API at scale: GET /api/v1/cases and /api/v1/cases/{number}, casedesk vs django-helpdesk")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, load average {load} at start")
    with_peer = not args.no_peer and PEER_PY.exists()
    if not args.no_peer and not PEER_PY.exists():
        print("django-helpdesk: not measured (no bench/_peers venv: run bench/case_open.py once to create it)")
    results: dict[str, Any] = {}
    for kind in [k.strip() for k in args.db.split(",") if k.strip()]:
        print(f"\n== {NAMES[kind]}", flush=True)
        if kind == "pg" and not args.use_pg and not pg_answers():
            print(f"skipped: no PostgreSQL on {PG_HOST}:{PG_PORT}")
            continue
        sizes = sorted({args.small, args.cases})
        r: dict[str, Any] = {"casedesk": {}, "helpdesk": {}}
        for n in sizes:
            r["casedesk"][n] = measure(kind, n, args)
            if with_peer:
                print(f"django-helpdesk: {n:,} tickets in its own database ...", flush=True)
                r["helpdesk"][n] = run_peer(kind, n, args.runs, api=n == min(sizes))
        results[kind] = r
        report(kind, r)
    out = Path(tempfile.gettempdir()) / f"api_{os.getpid()}_{secrets.token_hex(2)}.json"
    out.write_text(json.dumps(results, indent=1, default=str))
    print(f"\n(all figures as JSON: {out})")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average {load} at the end")


def report(kind: str, r: dict[str, Any]) -> None:
    w = 52
    sizes = sorted(r["casedesk"])
    print(f"\n{NAMES[kind]}: median / p95 ms per request (test Client, whole stack), SQL queries per request")
    head = "".join(f"{f'{n:,} cases':>28}" for n in sizes)
    print(f"  {'request':<{w}}{head}")
    labels: list[str] = []
    for n in sizes:
        labels += [x for x in r["casedesk"][n]["casedesk"]["pages"] if x not in labels]
    for label in labels:
        cells = []
        for n in sizes:
            p = r["casedesk"][n]["casedesk"]["pages"].get(label)
            if p is None:
                cells.append(f"{'-':>28}")
            elif "median_ms" not in p:
                cells.append(f"{'HTTP ' + str(p['status']):>28}")
            else:
                cells.append(f"{p['median_ms']:>9.2f} / {p['p95_ms']:>6.2f}, {p['queries']:>2} q")
        p95 = r["casedesk"][sizes[-1]]["casedesk"]["pages"].get(label, {}).get("p95_ms")
        ok = "" if p95 is None else ("  PASS" if p95 < BUDGET_MS else "  FAIL") + f" (p95 < {BUDGET_MS:g} ms)"
        print(f"  {'casedesk ' + label:<{w}}{''.join(cells)}{ok}")
    hlabels: list[str] = []
    for n in sizes:
        hlabels += [x for x in r["helpdesk"].get(n, {}).get("pages", {}) if x not in hlabels]
    for label in hlabels:
        cells = []
        for n in sizes:
            p = r["helpdesk"].get(n, {}).get("pages", {}).get(label)
            if p is None:
                cells.append(f"{'not run':>28}")
            elif "median_ms" not in p:
                cells.append(f"{'HTTP ' + str(p['status']):>28}")
            else:
                cells.append(f"{p['median_ms']:>9.2f} / {p['p95_ms']:>6.2f}, {p['queries']:>2} q")
        print(f"  {'helpdesk ' + label:<{w}}{''.join(cells)}")
    for n in sizes:
        cd = r["casedesk"][n]["casedesk"]
        print(f"  casedesk at {cd['cases']:,} cases: desk {cd['desk']} has {cd['open_with_due']:,} open with a due")
        hd = r["helpdesk"].get(n)
        if hd:
            print(f"  django-helpdesk {hd['version']} at {hd['tickets']:,} tickets: {hd['open']:,} open, "
                  f"{hd['queue_open']:,} in the queue listed")  # fmt: skip
    cd = r["casedesk"][sizes[-1]]["casedesk"]
    print(f"  plans at {cd['cases']:,} cases (each request's slowest query):")
    for label, p in cd["pages"].items():
        if p.get("slowest_plan"):
            print(f"  -- {label} ({p['slowest_sql_ms']:.2f} ms): {p['slowest_sql'][:300]}")
            for line in p["slowest_plan"].splitlines():
                print(f"     {line}")


if __name__ == "__main__":
    main()
