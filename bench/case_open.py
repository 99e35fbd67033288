"""Benchmark: opening a case with its SLA metrics, casedesk vs django-helpdesk's ticket creation.

    .venv/bin/python bench/case_open.py [--n N] [--warmup W] [--rounds R] [--no-peer] [--no-pg] [--profile]
                                        [--incremental K]

casedesk: ``services.open_case`` on the plm-group desk (Danish customer, standard
contract, priority high, e-mail channel, the desk's three required intake fields).
One call checks the intake against the policy version in force, numbers the case,
writes the case, its "opened" event and its SLA metric rows, all in one
transaction. Settings are ``casedesk.settings``, read at import time, so each
database gets its own worker subprocess (this script with ``--worker``): SQLite in a
throwaway file under a temporary CASEDESK_VAR (casedesk's own SQLite options: WAL,
synchronous=NORMAL), PostgreSQL in a database ``bench_case_open_<pid>_<random>``
created and dropped here (each run its own: two runs at once never drop each other's).

django-helpdesk: the latest release, in its own virtualenv under bench/_peers/
(created on the first run, about a minute), timed by bench/helpdesk_peer.py on
the same two database servers (SQLite with the same options, PostgreSQL database
``bench_case_open_hd_<pid>_<random>``). Its staff view and its REST API both create a ticket with
``TicketForm(...).is_valid()`` then ``form.save(user=...)``; the table shows
``save`` (Ticket, "Ticket Opened" FollowUp, the submitter's new-ticket e-mail
rendered into Django's locmem outbox, back-links, signal). It runs in autocommit
as in helpdesk's views. Form building + validation and a save without e-mail are
shown below the table. helpdesk has no SLA clock: it writes no due date.

Timing: each side runs as a worker process that sets up its database once and
then times calls on request (one JSON line per command over stdin/stdout). After
``--warmup`` untimed calls per variant, the ``--n`` calls per variant are timed one
by one with time.perf_counter (garbage collection on, as in a server), in
``--rounds`` chunks that alternate between casedesk and helpdesk (in rotating
order), so a noisy moment on the machine hits both sides alike rather than one
whole measurement. Median and p95 in ms over all timed calls.
Incremental clocks (``--incremental K``, default 30): ``services.add_note`` at a case's
10th event (K cases of 9 events: opened, assigned, replies, notes), at its 1,000th
(K writes in a row on one case grown to 999 events through the services), and at its
1,000th with a backdated ``at`` (earlier than the latest event: ``sla_state.advance``
replays every event). Goal (DESIGN.md): the 1,000th write costs the same as the 10th.

The target of the issue (informational, the exit code is 0 regardless): under
5 ms median and faster than django-helpdesk, on each database.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from population import PG_HOST, PG_PORT, PG_USER, pg_admin, pg_drop

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / "bench" / "_peers"
PEER_VENV = PEERS / "helpdesk-venv"
PEER_PY = PEER_VENV / "bin" / "python"
PEER_SCRIPT = ROOT / "bench" / "helpdesk_peer.py"
PEER_PACKAGES = ["django-helpdesk", "psycopg[binary]"]

INCREMENTAL_WRITES = 30
TARGET_MS = 5.0
PROFILE_CALLS = 200
SPLIT_CALLS = 200
SHOWN = ("server_version", "fsync", "synchronous_commit")


# -- the casedesk side (runs in a subprocess: python bench/case_open.py --worker) ---------


def worker() -> None:
    import django

    django.setup()

    from datetime import date

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casedesk.accounts.models import Company, Contact, Contract, Site
    from casedesk.cases import services
    from casedesk.cases.models import CaseEvent, SlaMetric
    from casedesk.desks.loading import load_desk

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    desk, _ = load_desk("plm-group")
    setup_s = time.perf_counter() - t0

    company = Company.objects.create(desk=desk, name="Bench Engineering A/S", country="DK")
    site = Site.objects.create(company=company, name="Aarhus", country="DK", zone="Europe/Copenhagen")
    contact = Contact.objects.create(
        company=company, site=site, name="Bo Jensen", email="bo@example.dk", zone="Europe/Copenhagen"
    )
    contract = Contract.objects.create(
        desk=desk,
        company=company,
        site=site,
        tier="standard",
        starts_on=date(2024, 1, 1),
        ends_on=date(2030, 12, 31),
    )
    intake = {"phone": "+45 1", "product_version": "2025", "service_pack": "SP2.0"}

    def open_one() -> Any:
        return services.open_case(
            desk,
            requester=contact,
            subject="Assembly crashes on open",
            priority="high",
            contract=contract,
            intake=intake,
            channel="email",
        )

    def run(n: int) -> list[float]:
        samples = []
        for _ in range(n):
            t = time.perf_counter()
            open_one()
            samples.append(time.perf_counter() - t)
        return samples

    def describe() -> dict[str, Any]:
        """One call, untimed: what it does, and a check that it wrote a due date."""
        with CaptureQueriesContext(connection) as q:
            case = open_one()
        sql = [x["sql"] for x in q.captured_queries]
        statements = [x for x in sql if x.split(None, 1)[0].upper() not in {"BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"}]
        metrics = list(SlaMetric.objects.filter(case=case))
        if not metrics or any(m.due_at is None for m in metrics):
            raise SystemExit(f"open_case wrote no SLA due date: {[(m.metric, m.due_at) for m in metrics]}")
        return {
            "statements": len(statements),
            "writes": writes(statements),
            "events": CaseEvent.objects.filter(case=case).count(),
            "metrics": [f"{m.metric}: {m.target} due {m.due_at:%Y-%m-%d %H:%M} UTC" for m in metrics],
            "number": case.number,
        }

    def incremental(n: int) -> dict[str, Any]:
        """add_note at a case's 10th event (n cases), at its 1,000th (n writes on one case of 999
        events), and the same at the 1,000th with a backdated time (a full replay of every event)."""
        from datetime import timedelta

        from django.contrib.auth.models import User
        from django.utils import timezone

        agent = User.objects.get_or_create(username="bench-agent")[0]
        base = timezone.now() - timedelta(days=60)
        steps = [
            lambda c, at: services.customer_reply(c, "It still happens.", at=at),
            lambda c, at: services.agent_reply(c, agent, "We are looking into it.", at=at),
            lambda c, at: services.add_note(c, agent, "Checked the logs.", at=at),
        ]

        def grow(events: int, start: Any) -> Any:
            case = services.open_case(
                desk, requester=contact, subject="Long case", priority="high", contract=contract,
                intake=intake, channel="email", at=start,
            )  # fmt: skip
            services.assign(case, agent, at=start + timedelta(seconds=30))
            for i in range(events - 2):
                steps[i % 3](case, start + timedelta(seconds=60 + 30 * i))
            return case

        def note(case: Any, at: Any) -> tuple[float, int]:
            with CaptureQueriesContext(connection) as q:
                t = time.perf_counter()
                services.add_note(case, agent, "Timed note.", at=at)
                took = time.perf_counter() - t
            return took, len(q.captured_queries)

        out: dict[str, Any] = {"at10": [], "at1000": [], "replay1000": []}
        queries: dict[str, int] = {}
        for k in range(n):
            start = base + timedelta(hours=k)
            case = grow(9, start)
            took, queries["at10"] = note(case, start + timedelta(hours=0.5))
            out["at10"].append(took)
        start = base - timedelta(days=30)
        case = grow(999, start)
        last = start + timedelta(seconds=60 + 30 * 997)
        for k in range(n):
            took, queries["at1000"] = note(case, last + timedelta(seconds=30 * (k + 1)))
            out["at1000"].append(took)
        events = CaseEvent.objects.filter(case=case).count()
        for k in range(n):  # earlier than the latest event: every event is read and folded again
            took, queries["replay1000"] = note(case, start + timedelta(seconds=45 + k))
            out["replay1000"].append(took)
        out["queries"] = queries
        out["events"] = events
        return out

    hello = {"vendor": connection.vendor, "setup_s": setup_s, "variants": ["open_case"]}
    wait = SqlWait(connection)
    serve(
        hello,
        {
            "run": lambda cmd: {"samples": run(cmd["n"])},
            "describe": lambda cmd: describe(),
            "profile": lambda cmd: {"profile": profile(open_one)},
            "split": lambda cmd: wait.split(lambda: open_one, cmd["n"]),
            "incremental": lambda cmd: incremental(cmd["n"]),
        },
    )
    connection.close()


class SqlWait:
    """Mean time per call, and how much of it is spent inside the database driver's
    execute and commit calls (SQL round trips, the database's own work, commit)."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.inside = 0.0

    def _execute(self, execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.inside += time.perf_counter() - t

    def split(self, prepare: Callable[[], Callable[[], object]], n: int) -> dict[str, float]:
        conn = self.connection
        real_commit = conn.commit

        def commit() -> None:  # transaction.atomic commits through connection.commit()
            t = time.perf_counter()
            try:
                real_commit()
            finally:
                self.inside += time.perf_counter() - t

        total, self.inside = 0.0, 0.0
        conn.commit = commit
        try:
            with conn.execute_wrapper(self._execute):
                for _ in range(n):
                    act = prepare()
                    t = time.perf_counter()
                    act()
                    total += time.perf_counter() - t
        finally:
            del conn.commit
        return {"total_ms": total / n * 1e3, "sql_ms": self.inside / n * 1e3}


def serve(hello: dict[str, Any], handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]]) -> None:
    """Answer the main process's commands: one JSON line in on stdin, one "> JSON" line out on stdout."""
    print("> " + json.dumps(hello), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["op"] == "quit":
            break
        print("> " + json.dumps(handlers[cmd["op"]](cmd)), flush=True)


def writes(statements: list[str]) -> list[str]:
    """The writes among SQL statements, as "insert cases_case" and so on, in order."""
    out = []
    for sql in statements:
        m = re.match(r'\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?([\w.]+)"?', sql, re.IGNORECASE)
        if m:
            out.append(f"{m.group(1).split()[0].lower()} {m.group(2)}")
    return out


def profile(fn: Any) -> list[dict[str, Any]]:
    """Top 10 cumulative entries inside casedesk, over PROFILE_CALLS calls of fn."""
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(PROFILE_CALLS):
        fn()
    prof.disable()
    stats = pstats.Stats(prof).stats
    pkg = str(ROOT / "casedesk")
    ours = [(key, value) for key, value in stats.items() if key[0].startswith(pkg)]
    ours.sort(key=lambda kv: kv[1][3], reverse=True)  # by cumulative time
    rows = []
    for (filename, line, func), (_cc, nc, tt, ct, _callers) in ours[:10]:
        where = f"{Path(filename).relative_to(ROOT)}:{line}({func})"
        per = PROFILE_CALLS
        rows.append({"where": where, "calls": nc / per, "cum_ms": ct / per * 1e3, "own_ms": tt / per * 1e3})
    return rows


# -- orchestration -----------------------------------------------------------------------


class Child:
    """A worker subprocess (casedesk's or helpdesk's) that times calls on request."""

    def __init__(self, label: str, cmd: list[str], env: dict[str, str]) -> None:
        self.label = label
        self.err = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (lives as long as the worker; close())
        self.proc = subprocess.Popen(
            cmd, env=env, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err, text=True
        )

    def read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("> "):
                return json.loads(line[2:])
        code = self.proc.wait()
        self.err.seek(0)
        tail = "\n    ".join(self.err.read().strip().splitlines()[-15:])
        raise RuntimeError(f"{self.label} worker exited {code}:\n    {tail}")

    def ask(self, op: str, **kw: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps({"op": op, **kw}) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass  # read() reports why
        return self.read()

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write(json.dumps({"op": "quit"}) + "\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=60)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.err.close()


def pg_reason_to_skip() -> str | None:
    try:
        socket.create_connection((PG_HOST, PG_PORT), 1).close()
    except OSError as e:
        return f"{PG_HOST}:{PG_PORT} does not answer ({e.strerror or e})"
    try:
        import psycopg

        with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", connect_timeout=3):
            pass
    except Exception as e:  # any failure to log in means: no PostgreSQL for this run
        return f"cannot log in as {PG_USER}: {str(e).strip()}"
    return None


def peer_version() -> str | None:
    if not PEER_PY.exists():
        return None
    code = "import importlib.metadata as m; print(m.version('django-helpdesk'))"
    proc = subprocess.run([str(PEER_PY), "-c", code], capture_output=True, text=True)
    return proc.stdout.strip() if proc.returncode == 0 else None


def ensure_peer() -> tuple[str | None, str]:
    """(django-helpdesk version, note); version None when it cannot be used."""
    if version := peer_version():
        return version, f"django-helpdesk {version} in {PEER_VENV.relative_to(ROOT)} (already there)"
    print(f"setting up {PEER_VENV.relative_to(ROOT)}: pip install {' '.join(PEER_PACKAGES)} (one-off, ~1 min)")
    PEERS.mkdir(parents=True, exist_ok=True)
    python3 = shutil.which("python3") or sys.executable
    steps = []
    if not PEER_PY.exists():
        steps.append([python3, "-m", "venv", str(PEER_VENV)])
    steps.append([str(PEER_PY), "-m", "pip", "install", "-q", "--disable-pip-version-check", *PEER_PACKAGES])
    for cmd in steps:
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        except (OSError, subprocess.TimeoutExpired) as e:
            return None, f"django-helpdesk not measured: {' '.join(cmd[:3])} failed: {e}"
        if proc.returncode:
            lines = [x for x in (proc.stderr or proc.stdout).strip().splitlines() if not x.startswith("WARNING:")]
            tail = "\n    ".join(lines[-6:])
            return None, f"django-helpdesk not measured: {' '.join(cmd[:4])} exited {proc.returncode}:\n    {tail}"
    version = peer_version()
    if version is None:
        return None, "django-helpdesk not measured: installed, but importlib.metadata cannot find it"
    return version, f"django-helpdesk {version} installed into {PEER_VENV.relative_to(ROOT)}"


def ms(samples: list[float]) -> tuple[float, float]:
    """(median, p95) in milliseconds."""
    if len(samples) < 2:
        return samples[0] * 1e3, samples[0] * 1e3
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples) * 1e3, q[94] * 1e3


def cell(samples: list[float] | None, width: int = 16) -> str:
    if not samples:
        return "-".ljust(width)
    med, p95 = ms(samples)
    return f"{med:.2f} / {p95:.2f}".ljust(width)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="calls timed per measurement (default 1000)")
    ap.add_argument("--warmup", type=int, default=50, help="untimed calls first (default 50)")
    ap.add_argument("--rounds", type=int, default=10, help="chunks the timed calls alternate in (default 10)")
    ap.add_argument("--no-peer", action="store_true", help="casedesk only")
    ap.add_argument("--no-pg", action="store_true", help="SQLite only")
    ap.add_argument("--profile", action="store_true", help="cProfile open_case (automatic when over target)")
    ap.add_argument(
        "--incremental", type=int, default=INCREMENTAL_WRITES, metavar="K",
        help=f"writes timed at the 10th and 1,000th event (default {INCREMENTAL_WRITES}; 0 skips)",
    )  # fmt: skip
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.n < 2 or not 1 <= args.rounds <= args.n:
        ap.error("--n must be at least 2, --rounds between 1 and --n")
    if args.worker:
        worker()
        return
    t_begin = time.perf_counter()

    import django

    print("Opening a case: casedesk open_case (case + event + SLA metrics) vs django-helpdesk ticket creation")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"python {platform.python_version()}, Django {django.get_version()} (casedesk .venv); ", end="")
    print(f"{os.cpu_count()} CPUs, load average {load} at start (wall-clock timings: load skews them)")
    print(
        f"{args.warmup} warm-up calls, then {args.n} calls timed one by one (perf_counter, gc on) per row, "
        f"in {args.rounds} rounds alternating casedesk and helpdesk"
    )

    pg_skip = "--no-pg given" if args.no_pg else pg_reason_to_skip()
    if pg_skip:
        print(f"PostgreSQL: skipped, {pg_skip}")
    else:
        version, fsync, sync = (rows[0][0] for rows in pg_admin(*(f"SHOW {x}" for x in SHOWN)))
        print(f"PostgreSQL {version} at {PG_HOST}:{PG_PORT} (fsync {fsync}, synchronous_commit {sync})")

    peer: str | None = None
    if args.no_peer:
        print("django-helpdesk: skipped, --no-peer given")
    else:
        peer, note = ensure_peer()
        print(note)
    print()

    dbs = ["sqlite"] + ([] if pg_skip else ["pg"])
    results: dict[tuple[str, str], dict[str, Any]] = {}
    errors: list[str] = []
    for db in dbs:
        measure(db, args, peer, results, errors)

    report(results, dbs, peer, pg_skip, errors)
    print(f"\n(total run {time.perf_counter() - t_begin:.0f} s)")


def measure(
    db: str,
    args: argparse.Namespace,
    peer: str | None,
    results: dict[tuple[str, str], dict[str, Any]],
    errors: list[str],
) -> None:
    """Both sides on one database: workers up, warm-up, interleaved rounds, then describe."""
    base_env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    children: dict[str, Child] = {}
    # This run's own databases: two runs at once never drop each other's.
    tag = f"{os.getpid()}_{secrets.token_hex(3)}"
    pg_casedesk, pg_helpdesk = f"bench_case_open_{tag}", f"bench_case_open_hd_{tag}"
    created: list[str] = []
    with tempfile.TemporaryDirectory(prefix="case_open-") as tmp:
        try:
            env = dict(base_env, DJANGO_SETTINGS_MODULE="casedesk.settings", CASEDESK_VAR=tmp, CASEDESK_DEBUG="0")
            if db == "pg":
                pg_admin(f'CREATE DATABASE "{pg_casedesk}"')
                created.append(pg_casedesk)
                env["DATABASE_URL"] = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{pg_casedesk}"
            children["casedesk"] = Child("casedesk", [sys.executable, str(Path(__file__).resolve()), "--worker"], env)
            if peer:
                if db == "pg":
                    pg_admin(f'CREATE DATABASE "{pg_helpdesk}"')
                    created.append(pg_helpdesk)
                    where = ["--pg-name", pg_helpdesk, "--pg-host", PG_HOST, "--pg-port", str(PG_PORT)]
                else:
                    where = ["--sqlite", str(Path(tmp) / "helpdesk.sqlite3")]
                children["helpdesk"] = Child("django-helpdesk", [str(PEER_PY), str(PEER_SCRIPT), *where], base_env)
            # Both set up their databases at the same time (untimed), then say hello.
            jobs: list[tuple[str, str]] = []
            for side, child in list(children.items()):
                try:
                    hello = child.read()
                except RuntimeError as e:
                    errors.append(f"{side} on {db}: {e}")
                    child.close()
                    del children[side]
                    continue
                results[side, db] = {"hello": hello, "variants": {v: {"samples": []} for v in hello["variants"]}}
                jobs += [(side, v) for v in hello["variants"]]
            for side, variant in jobs:
                children[side].ask("run", variant=variant, n=args.warmup)
            chunks = [args.n // args.rounds + (i < args.n % args.rounds) for i in range(args.rounds)]
            for i, n in enumerate(chunks):
                for side, variant in jobs[i % len(jobs) :] + jobs[: i % len(jobs)]:
                    got = children[side].ask("run", variant=variant, n=n)
                    results[side, db]["variants"][variant]["samples"] += got["samples"]
            for side, variant in jobs:
                results[side, db]["variants"][variant].update(children[side].ask("describe", variant=variant))
            for side, variant in (("casedesk", "open_case"), ("helpdesk", "save")):
                if side in children:
                    got = children[side].ask("split", variant=variant, n=SPLIT_CALLS)
                    results[side, db]["variants"][variant]["split"] = got
            if "casedesk" in children and args.incremental:
                results["casedesk", db]["incremental"] = children["casedesk"].ask("incremental", n=args.incremental)
            if "casedesk" in children:
                med = ms(results["casedesk", db]["variants"]["open_case"]["samples"])[0]
                if args.profile or med >= TARGET_MS:
                    results["casedesk", db]["profile"] = children["casedesk"].ask("profile")["profile"]
        except Exception as e:  # a worker or the database failed: report it, keep the other figures
            errors.append(f"on {db}: {type(e).__name__}: {e}")
        finally:
            for child in children.values():
                child.close()
            if db == "pg":
                for name in created:  # only this run's own databases
                    try:
                        pg_drop(name)
                    except Exception as e:
                        errors.append(f"could not drop database {name}: {e}")


def report(
    results: dict[tuple[str, str], dict[str, Any]],
    dbs: list[str],
    peer: str | None,
    pg_skip: str | None,
    errors: list[str],
) -> None:
    def cd(db: str) -> list[float] | None:
        return results.get(("casedesk", db), {}).get("variants", {}).get("open_case", {}).get("samples")

    def hd(db: str, variant: str = "save") -> list[float] | None:
        return results.get(("helpdesk", db), {}).get("variants", {}).get(variant, {}).get("samples")

    cols = ["sqlite", "pg"]
    names = {"sqlite": "SQLite", "pg": "PostgreSQL"}
    w = 44

    def line(label: str, cells: list[str]) -> None:
        print(f"  {label:<{w}}" + "".join(cells).rstrip())

    line("open a case (median / p95 ms)", [names[c].ljust(16) for c in cols])
    line("casedesk open_case + SLA", [cell(cd(c)) if c in dbs else "skipped".ljust(16) for c in cols])
    if peer:
        line(f"django-helpdesk {peer} ticket", [cell(hd(c)) if c in dbs else "skipped".ljust(16) for c in cols])
        ratios = []
        for c in cols:
            a, b = cd(c), hd(c)
            ratios.append(f"{ms(b)[0] / ms(a)[0]:.1f}".ljust(16) if a and b else "-".ljust(16))
        line("ratio (helpdesk / casedesk)", ratios)
        print()
        print("  django-helpdesk, other ways to count it (median / p95 ms):")
        line("  TicketForm + is_valid + save (view, API)", [cell(hd(c, "form_save")) for c in cols])
        line("  save with no submitter e-mail", [cell(hd(c, "save_no_mail")) for c in cols])

    print()
    print("what one call does:")
    for db in dbs:
        r = results.get(("casedesk", db), {}).get("variants", {}).get("open_case")
        if r and "writes" in r:
            print(
                f"  casedesk ({names[db]}): {r['statements']} SQL statements, {len(r['writes'])} writes "
                f"({', '.join(r['writes'])}) in one transaction"
            )
        v = results.get(("helpdesk", db), {}).get("variants", {}).get("save")
        if v and "writes" in v:
            print(
                f"  django-helpdesk save ({names[db]}): {v['statements']} SQL statements, {len(v['writes'])} writes "
                f"({', '.join(v['writes'])}) in autocommit, one commit each; {v['mails']} e-mail to locmem"
            )
    print(f"  time inside the driver's execute and commit calls (round trips + database), mean of {SPLIT_CALLS} calls:")
    for db in dbs:
        parts = []
        for side, variant, label in (("casedesk", "open_case", "casedesk"), ("helpdesk", "save", "helpdesk save")):
            sp = results.get((side, db), {}).get("variants", {}).get(variant, {}).get("split")
            if sp:
                share = sp["sql_ms"] / sp["total_ms"]
                parts.append(f"{label} {sp['sql_ms']:.2f} of {sp['total_ms']:.2f} ms ({share:.0%})")
        if parts:
            print(f"    {names[db]}: " + "; ".join(parts))
    if hello := next((results[k]["hello"] for k in results if k[0] == "helpdesk"), None):
        print(
            f"  django-helpdesk {hello['version']} runs on Django {hello['django']} in its venv, "
            f"with its {hello['email_templates']} e-mail templates loaded (install step 8)"
        )
    if (r := results.get(("casedesk", "sqlite"), {}).get("variants", {}).get("open_case")) and "metrics" in r:
        print(f"  casedesk's SLA metric rows (last case, {r['number']}): " + "; ".join(r["metrics"]))
        print("  django-helpdesk has no SLA clock: a ticket gets no due date unless one is typed in")

    inc = {db: results.get(("casedesk", db), {}).get("incremental") for db in dbs}
    if any(inc.values()):
        print()
        any_inc = next(v for v in inc.values() if v)
        print(
            f"incremental clocks: services.add_note on one case (median / p95 ms; {len(any_inc['at10'])} writes each; "
            f"the long case has {any_inc['events']:,} events incl. breach records)"
        )
        line("write", [names[c].ljust(16) for c in cols])
        for key, label in (
            ("at10", "at its 10th event (fold one event)"),
            ("at1000", "at its 1,000th event (fold one event)"),
            ("replay1000", "at its 1,000th, backdated (replay all)"),
        ):
            line(label, [cell(inc[c][key]) if inc.get(c) else "-".ljust(16) for c in cols])
        ratios = []
        for c in cols:
            r = inc.get(c)
            ratios.append(f"{ms(r['at1000'])[0] / ms(r['at10'])[0]:.2f}".ljust(16) if r else "-".ljust(16))
        line("ratio 1,000th / 10th (goal: 1.0)", ratios)
        for c in cols:
            if inc.get(c):
                q = inc[c]["queries"]
                print(f"  SQL queries per write on {names[c]}: 10th {q['at10']}, 1,000th {q['at1000']}, "
                      f"replay {q['replay1000']}")  # fmt: skip

    print()
    print(f"target (issue): under {TARGET_MS:g} ms median and faster than django-helpdesk")
    for db in dbs:
        a, b = cd(db), hd(db)
        if not a:
            print(f"  {names[db]}: no casedesk figure")
            continue
        med = ms(a)[0]
        under = med < TARGET_MS
        if b:
            faster = med < ms(b)[0]
            verdict = "PASS" if under and faster else "FAIL"
            vs = f"helpdesk ticket {ms(b)[0]:.2f} ms: {'faster' if faster else 'NOT faster'}"
            nm = hd(db, "save_no_mail")
            if nm:
                nm_med = ms(nm)[0]
                vs += f" (helpdesk without e-mail {nm_med:.2f} ms: {'faster' if med < nm_med else 'NOT faster'})"
        else:
            verdict = "PASS (speed only, no helpdesk figure)" if under else "FAIL"
            vs = "helpdesk not measured"
        print(f"  {names[db]}: {verdict}  median {med:.2f} ms {'<' if under else '>='} {TARGET_MS:g} ms; {vs}")
    if pg_skip:
        print(f"  PostgreSQL: not measured ({pg_skip})")

    for db in dbs:
        r = results.get(("casedesk", db))
        if r and r.get("profile"):
            print()
            print(f"cProfile of open_case on {names[db]}, {PROFILE_CALLS} calls, top 10 cumulative inside casedesk:")
            print(f"  {'calls/case':>10} {'cum ms':>8} {'own ms':>8}  function")
            for p in r["profile"]:
                print(f"  {p['calls']:>10.1f} {p['cum_ms']:>8.3f} {p['own_ms']:>8.3f}  {p['where']}")
    for e in errors:
        print()
        print("ERROR " + e)


if __name__ == "__main__":
    main()
