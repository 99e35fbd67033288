"""Benchmark (issue 16): the SLA worker's sweep at 1,000,000 cases, beside django-helpdesk's escalate_tickets.

    .venv/bin/python bench/sweep.py [--n 1000000] [--db pg,sqlite] [--sizes 100,1000,10000] [--idle-runs 100]
                                    [--use-pg NAME] [--use-sqlite PATH] [--keep-pg NAME] [--keep-sqlite PATH]
                                    [--paths bulk,per_case] [--per-case-max 1000] [--no-peer]

Per database (PostgreSQL and SQLite), on a population of bench/population.py (N cases, about 30 % open,
``Case.attention_at`` filled: the next warning point or due of each open case's live metrics):

1. **Nothing due**: ``casedesk.automation.sweep.sweep(T0)`` ``--idle-runs`` times, where T0 is just before the
   earliest ``attention_at`` (the population's "now": every open case was brought to it). Wall p50 / p95, CPU of
   this process (and of its PostgreSQL backend, read from /proc: the server runs here), SQL statements; the plan
   of the sweep's claim query (``due_query``): PostgreSQL ``EXPLAIN (ANALYZE, BUFFERS)``, SQLite
   ``EXPLAIN QUERY PLAN``.
2. **N due**, for each N of ``--sizes``: T is the N-th smallest ``attention_at`` at that moment (so the cases
   due are exactly those N, plus ties), one sweep as of T, timed (wall, CPU, backend CPU, SQL statements and
   the time inside the driver). What it did: cases, ``breached`` and ``warning`` records, staff e-mail rows
   (``OutgoingMail``) and their task rows (django-tasks, enqueued on commit). T moves forward from size to size,
   so later sweeps also take the cases an earlier one left with a new ``attention_at`` by then.
   ``--paths`` runs the sizes once per path of ``sweep`` (``bulk`` is the batched path, ``per_case`` the
   one-case-at-a-time ``services.bring_clocks_to`` loop; the latter only up to ``--per-case-max``).
3. **Same results**: one more due set is swept by each path inside a transaction that is rolled back, and
   the rows each wrote are compared (case columns, metric rows, records, e-mail rows but their Message-ID);
   then it is swept for good. A difference is printed and the run exits 1.
4. **Where the time goes**: cProfile of a sweep over ``--profile`` due cases per path (top entries by own time
   and by cumulative time).

django-helpdesk (bench/_peers/helpdesk-venv, set up by case_open.py's ``ensure_peer``) gets the same number of
tickets (about 30 % open, 8 queues with ``escalate_days = 3``) in its own database, filled by COPY /
executemany, with its e-mail templates loaded; ``escalate_tickets`` (``call_command``) is timed with nothing
to escalate (``--idle-runs``), then with N tickets made eligible (``created`` 10 days ago) for each N. Its
work per ticket: the ticket saved with a lower priority, the "escalated" e-mails rendered and sent to
Django's locmem backend (submitter and assignee), a FollowUp and a TicketChange.

``--use-pg NAME`` / ``--use-sqlite PATH``: a population kept before (``population.py --keep``); it is never
changed: each run sweeps a copy (PostgreSQL ``CREATE DATABASE ... TEMPLATE NAME``, SQLite a file copy),
dropped at the end. Without them the population is filled here (``--keep-pg`` / ``--keep-sqlite`` keep
the freshly filled one, unswept, for later runs).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

ROOT = Path(__file__).resolve().parent.parent
PEER_PY = ROOT / "bench" / "_peers" / "helpdesk-venv" / "bin" / "python"
NAMES = {"pg": "PostgreSQL", "sqlite": "SQLite"}
IDLE_BUDGET_MS = 200.0
BREACH_BUDGET = 5000.0


def loadavg() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def pct(samples: list[float], p: int) -> float:
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1]


# -- the casedesk side: `bench/sweep.py --worker`, with casedesk's settings on one database ----------------------


def casedesk_worker(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.models import DBTaskResult

    from casedesk.automation import sweep as sw
    from casedesk.cases.models import Case, CaseEvent, SlaMetric
    from casedesk.notify.models import OutgoingMail

    pg = connection.vendor == "postgresql"
    sqlite_version = ""
    if not pg:
        import sqlite3

        sqlite_version = sqlite3.sqlite_version

    def backend_cpu() -> float:
        if not pg:
            return 0.0
        connection.ensure_connection()
        if not hasattr(connection, "_bench_pid"):
            with connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                connection._bench_pid = cur.fetchone()[0]  # type: ignore[attr-defined]
        try:
            fields = Path(f"/proc/{connection._bench_pid}/stat").read_text().rsplit(")", 1)[1].split()  # type: ignore[attr-defined]
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    class Sql:
        """Statements and seconds inside the driver's execute."""

        def __init__(self) -> None:
            self.n, self.s = 0, 0.0

        def __call__(self, execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
            t = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                self.s += time.perf_counter() - t
                self.n += 1

    def measure(fn: Any) -> dict[str, Any]:
        gc.collect()
        sql = Sql()
        b0, c0, t0 = backend_cpu(), time.process_time(), time.perf_counter()
        with connection.execute_wrapper(sql):
            out = fn()
        wall = time.perf_counter() - t0
        cpu = time.process_time() - c0
        return {"wall": wall, "cpu": cpu, "backend_cpu": backend_cpu() - b0, "sql_n": sql.n, "sql_s": sql.s, "out": out}

    def attention_order() -> Any:
        return Case.objects.filter(attention_at__isnull=False).order_by("attention_at", "pk")

    def nth_attention(n: int) -> datetime:
        # One second after the n-th instant: a due exactly at the sweep's instant has not passed yet (the clock
        # reports it running, its next change "now"), so a sweep at that instant would leave it due.
        return attention_order().values_list("attention_at", flat=True)[n - 1] + timedelta(seconds=1)

    def marks() -> dict[str, int]:
        return {
            "event": CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
            "mail": OutgoingMail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
            "tasks": DBTaskResult.objects.count(),
        }

    def made(before: dict[str, int]) -> dict[str, int]:
        records = CaseEvent.objects.filter(pk__gt=before["event"], kind__in=["breached", "warning"])
        return {
            "breached": records.filter(kind="breached").count(),
            "warning": records.filter(kind="warning").count(),
            "mails": OutgoingMail.objects.filter(pk__gt=before["mail"]).count(),
            "tasks": DBTaskResult.objects.count() - before["tasks"],
        }

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db.models import Value
    from django.db.models.functions import Concat

    call_command("migrate", verbosity=0)  # the population may predate a migration of the working tree
    # population.py's staff have no e-mail address, so nobody would be told: give them one (example.com).
    User.objects.filter(email="").update(email=Concat("username", Value("@staff.example.com")))
    out: dict[str, Any] = {"vendor": connection.vendor, "sqlite": sqlite_version, "load_start": loadavg()}
    if pg:
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            out["pg_version"] = cur.fetchone()[0]
    out["cases"] = Case.objects.count()
    out["open"] = Case.objects.filter(status__in=Case.OPEN_STATUSES).count()
    out["with_attention"] = Case.objects.filter(attention_at__isnull=False).count()
    out["metrics"] = SlaMetric.objects.count()
    first = attention_order().values_list("attention_at", flat=True).first()
    idle_at = first - timedelta(microseconds=1)
    out["idle_at"] = idle_at.isoformat()
    say = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    say(f"  {out['cases']:,} cases, {out['open']:,} open, {out['with_attention']:,} with attention_at; first {first}")

    # 1. Nothing due.
    with CaptureQueriesContext(connection) as q:
        assert sw.sweep(idle_at).cases == 0
    out["idle_sql"] = [x["sql"] for x in q.captured_queries]
    with transaction.atomic():
        plan = sw.due_query(idle_at).explain(analyze=True, buffers=True) if pg else sw.due_query(idle_at).explain()
    out["idle_plan"] = plan
    samples = [measure(lambda: sw.sweep(idle_at)) for _ in range(args.idle_runs)]
    out["idle"] = {
        "wall": [s["wall"] for s in samples],
        "cpu": [s["cpu"] for s in samples],
        "backend_cpu": [s["backend_cpu"] for s in samples],
        "sql_n": samples[0]["sql_n"],
        "sql_s": [s["sql_s"] for s in samples],
    }
    say(f"  idle: p50 {statistics.median(out['idle']['wall']) * 1e3:.2f} ms")

    # 2. N due, per path.
    out["due"] = []
    paths = args.paths.split(",")
    for path in paths:
        for n in [int(x) for x in args.sizes.split(",")]:
            if path == "per_case" and n > args.per_case_max:
                continue
            at = nth_attention(n)
            due = Case.objects.filter(attention_at__lte=at).count()
            before = marks()
            m = measure(lambda: sw.sweep(at, path=path))  # noqa: B023
            row = {"path": path, "n": n, "due": due, "swept": m["out"].cases, "at": at.isoformat()}
            row.update({k: m[k] for k in ("wall", "cpu", "backend_cpu", "sql_n", "sql_s")}, **made(before))
            row["load"] = loadavg()
            out["due"].append(row)
            say(
                f"  {path} N={n}: {row['swept']} cases in {row['wall']:.2f} s, {row['breached']} breached, "
                f"{row['warning']} warnings, {row['mails']} mails; load {row['load']}"
            )

    # 3. Same results, both paths, on the same due set (rolled back once).
    if (args.check and len(paths) > 1) or args.check_always:
        out["check"] = same_results(args.check, nth_attention, sw, say)

    # 4. Profiles.
    out["profiles"] = {}
    for path in paths:
        n = min(args.profile, args.per_case_max) if path == "per_case" else args.profile
        at = nth_attention(n)
        prof = cProfile.Profile()
        t = time.perf_counter()
        prof.enable()
        swept = sw.sweep(at, path=path)
        prof.disable()
        wall = time.perf_counter() - t
        text = []
        for key in ("tottime", "cumulative"):
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(key).print_stats(args.profile_lines)
            text.append(buf.getvalue().split("\n", 4)[-1] if False else buf.getvalue())
        out["profiles"][path] = {"cases": swept.cases, "wall": wall, "tottime": text[0], "cumulative": text[1]}
    out["load_end"] = loadavg()
    print("> " + json.dumps(out, default=str), flush=True)


def same_results(n: int, nth_attention: Any, sw: Any, say: Any) -> dict[str, Any]:
    """Sweep the next n due cases by each path in a transaction rolled back, compare what each wrote."""
    from django.db import transaction

    from casedesk.cases.models import Case, CaseEvent, SlaMetric
    from casedesk.notify.models import OutgoingMail

    at = nth_attention(n)
    ids = list(Case.objects.filter(attention_at__lte=at).values_list("pk", flat=True))
    kept = ["clock", "clock_key", "next_due_at", "no_clock", "sla_breached", "attention_at", "updated_at", "status"]
    mark_e = CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    mark_m = OutgoingMail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def snapshot() -> dict[str, Any]:
        cases = {r["id"]: r for r in Case.objects.filter(pk__in=ids).values("id", *kept)}
        metrics = {
            (r.pop("case_id"), r.pop("metric")): r
            for r in SlaMetric.objects.filter(case_id__in=ids).values().order_by("case_id", "metric")
        }
        for r in metrics.values():
            r.pop("id")
        events = sorted(
            (e.case_id, e.at.isoformat(), e.kind, json.dumps(e.data, sort_keys=True))
            for e in CaseEvent.objects.filter(pk__gt=mark_e)
        )
        compared = ["case_id", "event__at", "event__kind", "kind", "recipients", "subject", "body", "language"]
        compared += ["next_attempt_at", "created_at", "audience", "from_email", "headers", "state"]
        mails = sorted(
            json.dumps(m, default=str) for m in OutgoingMail.objects.filter(pk__gt=mark_m).values_list(*compared)
        )
        return {"cases": cases, "metrics": metrics, "events": events, "mails": mails}

    got: dict[str, Any] = {}
    for path in ("per_case", "bulk"):
        try:
            with transaction.atomic():
                sw.sweep(at, path=path)
                got[path] = snapshot()
                raise _Rollback
        except _Rollback:
            pass
    a, b = got["per_case"], got["bulk"]
    diffs = [k for k in a if a[k] != b[k]]
    detail = {}
    for k in diffs:
        if isinstance(a[k], dict):
            keys = [x for x in set(a[k]) | set(b[k]) if a[k].get(x) != b[k].get(x)]
            detail[k] = [(str(x), a[k].get(x), b[k].get(x)) for x in sorted(keys, key=str)[:3]]
        else:
            detail[k] = [sorted(set(a[k]) ^ set(b[k]))[:3], len(a[k]), len(b[k])]
    result = {
        "cases": len(ids),
        "events": len(a["events"]),
        "breached": sum(1 for e in a["events"] if e[2] == "breached"),
        "mails": len(a["mails"]),
        "metric_rows": len(a["metrics"]),
        "same": not diffs,
        "diffs": json.loads(json.dumps(detail, default=str)),
    }
    say(f"  same results on {len(ids)} cases: {result['same']}")
    sw.sweep(at)  # now for good
    return result


class _Rollback(Exception):
    pass


# -- the peer: `bench/_peers/helpdesk-venv/bin/python bench/sweep.py --peer ...` --------------------------------


def peer_worker(args: argparse.Namespace) -> None:
    from helpdesk_peer import PROJECT, database, write_project

    write_project()
    sys.path.insert(0, str(PROJECT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "hdbench_settings"
    os.environ["HDBENCH_DATABASE"] = json.dumps(database(args))
    os.environ["HDBENCH_MEDIA"] = str(PROJECT / "media")
    import django

    django.setup()
    import random
    import secrets
    from importlib.metadata import version

    from django.contrib.auth import get_user_model
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection, models
    from django.db.models import Q
    from helpdesk.models import FollowUp, Queue, Ticket, TicketChange

    say = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    call_command("migrate", verbosity=0)
    call_command("loaddata", "emailtemplate", verbosity=0)
    agents = [
        get_user_model().objects.create_user(f"agent{i}", f"agent{i}@example.com", "not-used-0123", is_staff=True)
        for i in range(10)
    ]
    queues = [
        Queue.objects.create(title=f"Queue {i}", slug=f"q{i}", email_address=f"q{i}@example.com", escalate_days=3)
        for i in range(8)
    ]
    rnd = random.Random(1)
    now = datetime.now(UTC).replace(microsecond=0)
    fields = [f for f in Ticket._meta.concrete_fields if not f.primary_key]
    pg = connection.vendor == "postgresql"

    def value(f: Any, i: int, open_: bool, created: datetime) -> Any:
        name = f.attname
        if name == "title":
            return f"Ticket {i}: assembly crashes on open"
        if name == "queue_id":
            return queues[i % len(queues)].pk
        if name in {"created", "modified"}:
            return created
        if name == "submitter_email":
            return f"user{i % 5000}@customer.example"
        if name == "assigned_to_id":
            return agents[i % len(agents)].pk if rnd.random() < 0.8 else None
        if name == "status":
            return rnd.choice([Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS]) if open_ else Ticket.CLOSED_STATUS
        if name == "description":
            return "SOLIDWORKS 2025 SP2.0 crashes when opening an assembly with more than 500 parts."
        if name == "priority":
            return rnd.randint(2, 5)
        if name == "secret_key":
            return secrets.token_hex(8)
        if isinstance(f, models.BooleanField):
            return False
        return None if f.null else f.get_default()

    def dump(v: Any) -> str:
        if v is None:
            return "\\N"
        if isinstance(v, bool):
            return "t" if v else "f"
        if isinstance(v, datetime):
            return v.isoformat()
        return str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")

    table = Ticket._meta.db_table
    cols = ", ".join(f'"{f.column}"' for f in fields)
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        for lo in range(0, args.n, 20000):
            rows = []
            for i in range(lo, min(args.n, lo + 20000)):
                open_ = rnd.random() < 0.3
                # Open tickets younger than escalate_days (nothing to escalate); closed ones up to two years old.
                age = rnd.randint(0, 2 * 86400) if open_ else rnd.randint(0, 730 * 86400)
                rows.append([value(f, i, open_, now - timedelta(seconds=age)) for f in fields])
            if pg:
                with cur.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN'.encode()) as cp:
                    cp.write("".join("\t".join(dump(v) for v in r) + "\n" for r in rows).encode())
            else:
                marks = ", ".join("%s" for _ in fields)
                cur.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', rows)
        cur.execute("ANALYZE")
    out: dict[str, Any] = {"version": version("django-helpdesk"), "fill_s": time.perf_counter() - t0}
    out["tickets"] = Ticket.objects.count()
    out["open"] = Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES).count()
    say(f"  helpdesk: {out['tickets']:,} tickets, {out['open']:,} open, filled in {out['fill_s']:.0f} s")

    def escalate() -> None:
        call_command("escalate_tickets")

    def timed() -> dict[str, float]:
        gc.collect()
        c, t = time.process_time(), time.perf_counter()
        escalate()
        return {"wall": time.perf_counter() - t, "cpu": time.process_time() - c}

    # Its query for one queue, with the plan.
    limit = now - timedelta(days=3)
    qs = (
        queues[0]
        .ticket_set.filter(status__in=Ticket.OPEN_STATUSES)
        .exclude(priority=1)
        .filter(Q(on_hold__isnull=True) | Q(on_hold=False))
        .filter(Q(last_escalation__lte=limit) | Q(last_escalation__isnull=True, created__lte=limit))
    )
    out["plan"] = qs.explain(analyze=True, buffers=True) if pg else qs.explain()
    escalate()
    idle = [timed() for _ in range(args.idle_runs)]
    out["idle"] = {"wall": [x["wall"] for x in idle], "cpu": [x["cpu"] for x in idle]}
    out["due"] = []
    for n in [int(x) for x in args.sizes.split(",")]:
        eligible = Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES, last_escalation__isnull=True)
        pks = list(eligible.exclude(priority=1).order_by("pk").values_list("pk", flat=True)[: n * 7 : 7])
        Ticket.objects.filter(pk__in=pks).update(created=now - timedelta(days=10))
        f0, c0 = FollowUp.objects.count(), TicketChange.objects.count()
        mail.outbox = []
        r = timed()
        r.update(n=n, escalated=FollowUp.objects.count() - f0, changes=TicketChange.objects.count() - c0)
        r.update(mails=len(mail.outbox))
        mail.outbox = []
        out["due"].append(r)
        say(f"  helpdesk N={n}: {r['escalated']} escalated in {r['wall']:.2f} s")
    print("> " + json.dumps(out, default=str), flush=True)


# -- the population: population.py's worker, its self-check comparing every record ------------------------------


def checked_population_worker(args: argparse.Namespace) -> None:
    """population.py's worker with its self-check comparing `warning` records too: population.py (at 706970d)
    compares the recomputed `breached` records with every stored record, warnings included, so it stops on
    every template with a warning. Same check otherwise; the rows written are population.py's."""
    import population

    def check_templates(tmpls: list[Any], now: datetime) -> None:
        bad = []
        for t in tmpls:
            case, events, rows = population.recompute(t, timedelta(0), now)
            problems = [k for k, v in case.items() if t.case[k] != v]
            if set(rows) != set(t.metrics):
                problems.append(f"metrics {sorted(rows)} vs {sorted(t.metrics)}")
            for metric, row in rows.items():
                stored = t.metrics.get(metric, {})
                problems += [f"{metric}.{k}: {stored.get(k)!r} != {v!r}" for k, v in row.items() if stored.get(k) != v]
            records = [(at, data) for kind, at, _a, data, _b in events if kind in {"breached", "warning"}]
            if records != t.records:
                problems.append(f"records {records} vs {t.records}")
            if problems:
                bad.append(f"{t.case['number']}: {', '.join(problems[:6])}")
        if bad:
            raise SystemExit(f"self-check failed on {len(bad)} of {len(tmpls)} templates:\n  " + "\n  ".join(bad[:10]))

    population.check_templates = check_templates
    population.worker(args.n, args.templates, 2, 1)


def fill(url: str, n: int, templates: int, var: str) -> dict[str, Any]:
    """population.populate(url, n), through checked_population_worker."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(DATABASE_URL=url, CASEDESK_VAR=var, DJANGO_SETTINGS_MODULE="casedesk.settings", CASEDESK_DEBUG="0")
    cmd = [sys.executable, __file__, "--populate", "--n", str(n), "--templates", str(templates)]
    proc = subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    lines = [x for x in proc.stdout.splitlines() if x.startswith("> ")]
    if proc.returncode or not lines:
        print(proc.stdout[-3000:])
        raise RuntimeError(f"population worker exited {proc.returncode}")
    return json.loads(lines[-1][2:])


# -- the run ----------------------------------------------------------------------------------------------------


def working_copy(kind: str, pristine: str) -> Any:
    """A copy of a kept population to sweep (the kept one stays as filled)."""
    from population import BenchDatabase, pg_admin, unique_name

    t = time.perf_counter()
    if kind == "pg":
        name = unique_name("sweep")
        pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{pristine}"')
        db = BenchDatabase.existing("pg", name)
        db.keep = None  # ours: dropped at the end
    else:
        db = BenchDatabase("sqlite", "sweep")
        for suffix in ("", "-wal"):
            if Path(pristine + suffix).exists():
                shutil.copyfile(pristine + suffix, db.name + suffix)
    print(f"  copied {pristine} in {time.perf_counter() - t:.0f} s", flush=True)
    return db


def run_casedesk(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    from population import BenchDatabase

    use = args.use_pg if kind == "pg" else args.use_sqlite
    keep = args.keep_pg if kind == "pg" else args.keep_sqlite
    if use:
        db = working_copy(kind, use)
        filled = None
    else:
        db = BenchDatabase(kind, "sweep", keep=keep)
        print(f"  filling {db.url} with {args.n:,} cases", flush=True)
        t = time.perf_counter()
        filled = fill(db.url, args.n, args.templates, db.var)
        print(f"  filled in {time.perf_counter() - t:.0f} s", flush=True)
        if keep:
            db.drop()
            db = working_copy(kind, db.name)
    try:
        cmd = [sys.executable, __file__, "--worker", *args.forward]
        proc = subprocess.run(cmd, env=db.env(), cwd=ROOT, stdout=subprocess.PIPE, text=True)
        lines = [x for x in proc.stdout.splitlines() if x.startswith("> ")]
        if proc.returncode or not lines:
            raise RuntimeError(f"casedesk worker exited {proc.returncode}")
        out = json.loads(lines[-1][2:])
        out["population"] = filled
        out["source"] = use or (keep and f"filled here, kept as {keep}") or "filled here, dropped"
        return out
    finally:
        if kind == "pg" and not db.keep:
            from population import pg_drop

            pg_drop(db.name)
        db.drop()


def run_peer(kind: str, args: argparse.Namespace) -> dict[str, Any] | None:
    from population import PG_HOST, PG_PORT, pg_admin, pg_drop, unique_name

    if args.no_peer or not PEER_PY.exists():
        return None
    tmp = tempfile.mkdtemp(prefix="bench_hdsweep_")
    name = unique_name("hdsweep")
    if kind == "pg":
        pg_admin(f'CREATE DATABASE "{name}"')
        where = ["--pg-name", name, "--pg-host", PG_HOST, "--pg-port", str(PG_PORT), "--pg-user", "postgres"]
    else:
        where = ["--sqlite", str(Path(tmp) / f"{name}.sqlite3")]
    try:
        cmd = [str(PEER_PY), __file__, "--peer", *where, "--n", str(args.peer_n or args.n)]
        cmd += ["--sizes", args.sizes, "--idle-runs", str(args.peer_idle_runs)]
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
        proc = subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        lines = [x for x in proc.stdout.splitlines() if x.startswith("> ")]
        if proc.returncode or not lines:
            raise RuntimeError(f"helpdesk worker exited {proc.returncode}")
        return json.loads(lines[-1][2:])
    finally:
        if kind == "pg":
            pg_drop(name)
        shutil.rmtree(tmp, ignore_errors=True)


def report(kind: str, cd: dict[str, Any], hd: dict[str, Any] | None, args: argparse.Namespace) -> None:
    name = NAMES[kind]
    ver = cd.get("pg_version") or f"SQLite {cd.get('sqlite')}"
    print(
        f"\n== {name} ({ver}): {cd['cases']:,} cases, {cd['open']:,} open, {cd['with_attention']:,} with attention_at"
        f" [{cd['source']}]; load {cd['load_start']} -> {cd['load_end']}"
    )
    i = cd["idle"]
    be = statistics.median(i["backend_cpu"]) * 1e3
    ok = "PASS" if pct(i["wall"], 95) < IDLE_BUDGET_MS else "FAIL"
    print(
        f"  nothing due, {len(i['wall'])} sweeps: wall p50 {statistics.median(i['wall']) * 1e3:.2f} / p95 "
        f"{pct(i['wall'], 95) * 1e3:.2f} ms, CPU {statistics.median(i['cpu']) * 1e3:.2f} ms"
        + (f" + backend {be:.2f} ms" if kind == "pg" else "")
        + f", SQL {statistics.median(i['sql_s']) * 1e3:.2f} ms in {i['sql_n']} statements"
        + f"  {ok} (< {IDLE_BUDGET_MS:g} ms)"
    )
    if hd:
        h = hd["idle"]
        print(
            f"  helpdesk {hd['version']} escalate_tickets, nothing to escalate ({hd['tickets']:,} tickets, "
            f"{hd['open']:,} open), {len(h['wall'])} runs: wall p50 {statistics.median(h['wall']) * 1e3:.1f} / p95 "
            f"{pct(h['wall'], 95) * 1e3:.1f} ms, CPU {statistics.median(h['cpu']) * 1e3:.1f} ms"
        )
    print("  claim query plan:")
    for line in cd["idle_plan"].splitlines():
        print("    " + line)
    print(
        "  N due (one sweep each; per second of wall and of CPU: this process"
        + (" + its PostgreSQL backend)" if kind == "pg" else ")")
    )
    head = f"  {'path':<9} {'N':>6} {'cases':>6} {'breach':>6} {'warn':>6} {'mails':>6} {'wall s':>7} {'CPU s':>7}"
    head += f" {'cases/s':>8} {'breach+warn/s wall':>18} {'/CPU s':>7} {'us/case':>8} {'SQL st/case':>11} {'SQL %':>6}"
    print(head)
    for r in cd["due"]:
        cpu = r["cpu"] + r["backend_cpu"]
        rec = r["breached"] + r["warning"]
        per = r["wall"] / max(1, r["swept"]) * 1e6
        print(
            f"  {r['path']:<9} {r['n']:>6} {r['swept']:>6} {r['breached']:>6} {r['warning']:>6} {r['mails']:>6} "
            f"{r['wall']:>7.2f} {cpu:>7.2f} {r['swept'] / r['wall']:>8.0f} {rec / r['wall']:>18.0f} "
            f"{rec / cpu if cpu else 0:>7.0f} {per:>8.0f} {r['sql_n'] / max(1, r['swept']):>11.1f} "
            f"{r['sql_s'] / r['wall'] * 100:>5.0f}%"
        )
    if hd:
        for r in hd["due"]:
            print(
                f"  helpdesk  {r['n']:>6} {r['escalated']:>6} {'':>6} {'':>6} {r['mails']:>6} {r['wall']:>7.2f} "
                f"{r['cpu']:>7.2f} {r['escalated'] / r['wall']:>8.0f} {'(escalations)':>18} "
                f"{r['escalated'] / r['cpu']:>7.0f} {r['wall'] / max(1, r['escalated']) * 1e6:>8.0f}"
            )
        print("  helpdesk's query per queue:")
        for line in hd["plan"].splitlines()[:8]:
            print("    " + line)
    print(f"  target: >= {BREACH_BUDGET:,.0f} breaches per second per worker")
    if cd.get("check"):
        c = cd["check"]
        print(
            f"  same results, per_case vs bulk, on {c['cases']} due cases ({c['events']} records, {c['breached']} "
            f"breached, {c['mails']} mails, {c['metric_rows']} metric rows): "
            + ("identical" if c["same"] else "DIFFERENT")
        )
        if not c["same"]:
            print("   ", json.dumps(c["diffs"])[:3000])
    for path, p in cd["profiles"].items():
        print(f"  cProfile, {path}, {p['cases']} cases in {p['wall']:.2f} s (profiled):")
        for key in ("tottime", "cumulative"):
            lines = [x for x in p[key].splitlines() if x.strip()]
            start = next((k for k, x in enumerate(lines) if x.strip().startswith("ncalls")), 0)
            for line in lines[start : start + args.profile_lines + 1]:
                print("    " + line[:150])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="cases to fill (default 1,000,000)")
    ap.add_argument("--db", default="pg,sqlite", help="pg, sqlite or both (default pg,sqlite)")
    ap.add_argument("--sizes", default="100,1000,10000", help="due cases per measured sweep")
    ap.add_argument("--paths", default="bulk,per_case", help="sweep paths to measure (bulk, per_case)")
    ap.add_argument("--per-case-max", type=int, default=1000, help="largest N for the per_case path")
    ap.add_argument("--idle-runs", type=int, default=100, help="sweeps with nothing due")
    ap.add_argument("--peer-idle-runs", type=int, default=10, help="escalate_tickets runs with nothing to escalate")
    ap.add_argument("--check", type=int, default=500, help="due cases swept by both paths and compared (0: none)")
    ap.add_argument("--profile", type=int, default=1000, help="due cases in the profiled sweep")
    ap.add_argument("--profile-lines", type=int, default=20)
    ap.add_argument("--templates", type=int, default=200, help="population: template cases per desk")
    ap.add_argument("--peer-n", type=int, help="django-helpdesk tickets (default: --n)")
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--use-pg", metavar="NAME", help="a kept population (swept on a copy)")
    ap.add_argument("--use-sqlite", metavar="PATH", help="a kept population (swept on a copy)")
    ap.add_argument("--keep-pg", metavar="NAME", help="keep the population filled here (unswept)")
    ap.add_argument("--keep-sqlite", metavar="PATH", help="keep the population filled here (unswept)")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--populate", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--fill-only", action="store_true", help="fill and keep (--keep-pg / --keep-sqlite), no sweeps")
    ap.add_argument("--check-always", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--peer", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--sqlite", help=argparse.SUPPRESS)
    ap.add_argument("--pg-name", help=argparse.SUPPRESS)
    ap.add_argument("--pg-host", default="127.0.0.1", help=argparse.SUPPRESS)
    ap.add_argument("--pg-port", type=int, default=5432, help=argparse.SUPPRESS)
    ap.add_argument("--pg-user", default="postgres", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        casedesk_worker(args)
        return
    if args.peer:
        peer_worker(args)
        return
    if args.populate:
        checked_population_worker(args)
        return
    args.forward = ["--sizes", args.sizes, "--paths", args.paths, "--per-case-max", str(args.per_case_max)]
    args.forward += ["--idle-runs", str(args.idle_runs), "--check", str(args.check), "--profile", str(args.profile)]
    args.forward += ["--profile-lines", str(args.profile_lines)]
    print(
        f"SLA sweep at {args.n:,} cases: casedesk vs django-helpdesk escalate_tickets; {os.cpu_count()} cores, "
        f"load {loadavg()}",
        flush=True,
    )
    if args.fill_only:
        from population import BenchDatabase

        for kind in args.db.split(","):
            keep = args.keep_pg if kind == "pg" else args.keep_sqlite
            db = BenchDatabase(kind, "sweep", keep=keep)
            t = time.perf_counter()
            stats = fill(db.url, args.n, args.templates, db.var)
            print(
                f"{NAMES[kind]}: {args.n:,} cases in {time.perf_counter() - t:.0f} s, kept as {db.name}: "
                + json.dumps(stats),
                flush=True,
            )
            shutil.rmtree(db.var, ignore_errors=True)
        return
    failed = False
    for kind in args.db.split(","):
        print(f"\n{NAMES[kind]}: casedesk ...", flush=True)
        cd = run_casedesk(kind, args)
        print(f"{NAMES[kind]}: django-helpdesk ...", flush=True)
        hd = run_peer(kind, args)
        report(kind, cd, hd, args)
        failed |= bool(cd.get("check")) and not cd["check"]["same"]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
