"""Fill a database with N cases, exactly the rows casedesk's services write, fast.

    .venv/bin/python bench/population.py --db postgres|sqlite [--n 1000000] [--keep NAME]

From Python (later benchmarks), each database in its own uniquely named place:

    from population import BenchDatabase, populate
    with BenchDatabase("pg", "queue") as db:      # bench_queue_<pid>_<random>, dropped on exit
        stats = populate(db.url, 1_000_000)

What is in it: the five shipped presets as desks (``load_desk``), staff (five agents
and a manager per desk), companies with a site, a contact and a contract each,
and N cases, about 30% of them open, with their events (opened, assigned, replies,
notes, priority changes, waiting on the customer, information requests,
bug classifications, escalations, S0 reviews, resolutions, and the ``breached``
records the clocks write), their SLA metric rows, the case's folded clock
(``clock``, ``clock_key``), ``next_due_at``, ``sla_breached``, and each desk's
case counter.

How (settings are read from the environment at import, so the filling runs in a
subprocess per database, this file with ``--worker``):

1. Templates, through the real services: per desk a few hundred cases
   (``--templates``) are opened and played through ``casedesk.cases.services``
   (``open_case``, ``assign``, ``agent_reply``, ..., ``resolve``) in the target
   database itself, then open ones are brought to "now" with
   ``sla_state.refresh`` as a sweep would. They stay: they are cases 1..T of
   each desk.
2. Replicas, through the pure engine: every other case is a template's case
   for another company of the same profile (country, zone, tier, contract
   targets: the same clock key), opened earlier by a random shift, with the
   template's events moved by the same shift. A shift changes weekdays and
   holidays, so the clocks are recomputed per case, the way the services
   compute them: ``clock.fold`` of each event, ``clock.evaluate`` as of that
   event, the breach records and metric history of ``sla_state.write``, and
   for open cases one more evaluation as of now (the sweep). Measured:
   about 0.1-0.2 ms per case, on ``--workers`` processes (default: 2, one per
   core), so no whole-week trick is needed and shifts are any number of seconds.
   A self-check replays every template this way and compares with what the
   services stored (clock, next due, breached flag, every metric row, every
   breach record): the run stops if one differs.
3. Rows in bulk: ids and case numbers in the order cases were opened;
   PostgreSQL gets ``COPY`` (psycopg 3 ``cursor.copy``), SQLite ``executemany``
   in big transactions; secondary indexes, unique and foreign-key constraints
   of the three big tables are dropped first and built again after (same
   definitions, read from the catalogue), then the counters are set and the
   tables analysed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
DESKS = ("plm-group", "mastercam", "dytron", "solidxperts", "ptc")
DESK_SHARE = {"plm-group": 0.30, "mastercam": 0.25, "dytron": 0.10, "solidxperts": 0.15, "ptc": 0.20}
OPEN_SHARE = 0.30
CHUNK = 4000

# Customer profiles per desk: (country, zone, tier index into the policy's tiers, contract targets).
# Every profile is cloned into many companies; cases move between clones of one profile only.
PROFILES: dict[str, list[tuple[str, str, int, dict[str, dict[str, str]]]]] = {
    "plm-group": [
        ("NO", "Europe/Oslo", 0, {}),
        ("IS", "Atlantic/Reykjavik", 1, {}),
        ("DK", "Europe/Copenhagen", 0, {}),
        ("SE", "Europe/Stockholm", 1, {}),
        ("FI", "Europe/Helsinki", 0, {}),
        ("EE", "Europe/Tallinn", 0, {}),
        ("LV", "Europe/Riga", 1, {}),
        ("DE", "Europe/Berlin", 0, {}),  # no queue of its own: the fallback queue, flagged for triage
    ],
    "mastercam": [
        ("US", "America/Chicago", 0, {}),
        ("US", "America/Los_Angeles", 0, {}),
        ("GB", "Europe/London", 0, {}),
        ("SE", "Europe/Stockholm", 0, {}),
    ],
    "dytron": [
        ("CZ", "Europe/Prague", 0, {}),
        ("CZ", "Europe/Prague", 1, {}),
        ("CZ", "Europe/Prague", 2, {}),
        ("CZ", "Europe/Prague", 3, {"urgent": {"response": "2h"}, "normal": {"response": "1bd"}}),
    ],
    "solidxperts": [
        ("CA", "America/Toronto", 0, {}),
        ("CA", "America/Vancouver", 0, {}),
        ("CA", "America/Toronto", 1, {}),
        ("CA", "America/Toronto", 2, {}),
    ],
    "ptc": [
        ("FR", "Europe/Paris", 0, {}),
        ("DE", "Europe/Berlin", 0, {}),
        ("JP", "Asia/Tokyo", 0, {}),
        ("US", "America/New_York", 0, {}),
    ],
}
CHANNELS = {"mastercam": ("phone_us", "phone_uk", "portal", "email"), "": ("portal", "email", "phone")}
INTAKE_VALUES = {
    "phone": "+00 555 0100",
    "product_version": "2025",
    "service_pack": "SP2.0",
    "english_ok": "yes",
    "scn": "4000000",
    "product": "Creo Parametric",
    "category": "Modeling",
    "problem_type": "break-fix",
    "phone_24x7": "+33 1 55 55 01 00",
    "site": "Head office",
    "reproduction": "Open the attached assembly, rotate the view.",
}
SUBJECTS = (
    "Assembly crashes when opening a drawing",
    "Licence does not activate after reinstall",
    "Toolpath simulation shows wrong stock",
    "Slow rebuild on large assemblies",
    "Error message unclear when saving",
    "How do I set up a custom template?",
    "Post processor outputs wrong feed rate",
    "PDM vault login fails for one user",
    "Drawing views lose dimensions after update",
    "Installation stops at 80 percent",
)
AGENT_LINES = (
    "Thanks, we are looking into it.",
    "Could you send the log file from the last session?",
    "We reproduced it here and are checking with R&D.",
    "Please try the attached hotfix and tell us the result.",
)
CUSTOMER_LINES = ("Here is the log.", "It still happens after the update.", "Thanks, that works.", "Any news?")


# -- databases, each benchmark's own ---------------------------------------------------------


def unique_name(purpose: str) -> str:
    """bench_<purpose>_<pid>_<random>: two runs at once never share (or drop) a database."""
    return f"bench_{purpose}_{os.getpid()}_{secrets.token_hex(3)}"


def pg_admin(*statements: str) -> list[Any]:
    import psycopg

    out = []
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True) as conn:
        for sql in statements:
            cur = conn.execute(sql.encode())
            out.append(cur.fetchall() if cur.description else None)
    return out


def pg_drop(name: str) -> None:
    try:
        pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except Exception:  # servers before 13 have no FORCE
        pg_admin(f'DROP DATABASE IF EXISTS "{name}"')


def pg_url(name: str) -> str:
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


class BenchDatabase:
    """A database of this benchmark's own: PostgreSQL ``bench_<purpose>_<pid>_<random>``, or an
    SQLite file in a new temporary directory. ``drop()`` (or leaving the ``with``) removes only it.
    ``keep`` names a database to keep: PostgreSQL database NAME, or SQLite file NAME (a path)."""

    def __init__(self, kind: str, purpose: str, keep: str | None = None) -> None:
        if kind not in {"pg", "sqlite"}:
            raise ValueError(f"kind is pg or sqlite, not {kind!r}")
        self.kind, self.keep = kind, keep
        self.var = tempfile.mkdtemp(prefix=f"bench_{purpose}_")  # CASEDESK_VAR of the processes using it
        if kind == "pg":
            self.name = keep or unique_name(purpose)
            if keep:
                pg_drop(self.name)
            pg_admin(f'CREATE DATABASE "{self.name}"')
            self.url = pg_url(self.name)
        else:
            path = Path(keep).resolve() if keep else Path(self.var) / f"{unique_name(purpose)}.sqlite3"
            if keep:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
            self.name = str(path)
            self.url = f"sqlite:///{path}"

    @classmethod
    def existing(cls, kind: str, name: str) -> BenchDatabase:
        """A database filled before (population.py --keep NAME): used as it is, never dropped."""
        db = cls.__new__(cls)
        db.kind, db.keep = kind, name
        db.var = tempfile.mkdtemp(prefix="bench_existing_")
        db.name = name if kind == "pg" else str(Path(name).resolve())
        db.url = pg_url(name) if kind == "pg" else f"sqlite:///{db.name}"
        return db

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """Environment for a casedesk process on this database."""
        env = {k: v for k, v in (base or os.environ).items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
        return dict(env, DATABASE_URL=self.url, CASEDESK_VAR=self.var, DJANGO_SETTINGS_MODULE="casedesk.settings")

    def drop(self) -> None:
        if self.kind == "pg" and not self.keep:
            pg_drop(self.name)
        shutil.rmtree(self.var, ignore_errors=True)  # the SQLite file lives here unless kept

    def __enter__(self) -> BenchDatabase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.drop()


def populate(
    url: str,
    n: int = 1_000_000,
    *,
    templates: int = 200,
    workers: int = 2,
    seed: int = 1,
    var: str | None = None,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Fill the (empty) database at `url` with `n` cases; returns when filled, with figures
    (seconds per phase, rows per table, open and overdue counts)."""
    log = log or (lambda line: print(line, file=sys.stderr, flush=True))
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    tmp = None
    if var is None:
        var = tmp = tempfile.mkdtemp(prefix="bench_population_")
    env.update(DATABASE_URL=url, CASEDESK_VAR=var, DJANGO_SETTINGS_MODULE="casedesk.settings", CASEDESK_DEBUG="0")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--n", str(n)]
    cmd += ["--templates", str(templates), "--workers", str(workers), "--seed", str(seed)]
    try:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert proc.stdout is not None
        result: dict[str, Any] | None = None
        for line in proc.stdout:
            if line.startswith("> "):
                result = json.loads(line[2:])
            else:
                log(line.rstrip("\n"))
        if proc.wait() or result is None:
            raise RuntimeError(f"population worker exited {proc.returncode}")
        return result
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


# -- the worker: runs with casedesk's settings on one database -----------------------------------


@dataclass
class Template:
    desk: int  # index into DESKS
    profile: int
    open: bool
    case: dict[str, Any]  # the Case row, attname -> value
    events: list[tuple[str, datetime, int | None, dict[str, Any], str]]  # (kind, at, actor_id, data, body)
    metrics: dict[str, dict[str, Any]]  # metric -> SlaMetric row as the services wrote it
    records: list[tuple[datetime, dict[str, Any]]] = field(default_factory=list)  # breached records, in id order
    ctx: Any = None
    key: str = ""


# Filled by the worker before it forks its compute processes (they inherit it).
STATE: dict[str, Any] = {}


def log(msg: str) -> None:
    print(msg, flush=True)


def worker(n: int, templates_per_desk: int, workers: int, seed: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    from casedesk.desks.loading import load_desk

    desks = [load_desk(slug)[0] for slug in DESKS]
    timings["migrate_and_desks_s"] = time.perf_counter() - t0
    now = datetime.now(UTC).replace(microsecond=0)
    per_desk = max(2, min(templates_per_desk, n // (2 * len(DESKS))))

    t = time.perf_counter()
    staff = make_staff(desks)
    companies = make_companies(desks, n, seed)
    timings["customers_s"] = time.perf_counter() - t
    t = time.perf_counter()
    from casedesk.notify.outbox import silenced

    with silenced():  # a population is history: no notification rows for it
        made, skipped = make_templates(desks, staff, companies, per_desk, now, seed)
    timings["templates_s"] = time.perf_counter() - t
    log(f"  {made} template cases through the services in {timings['templates_s']:.1f} s ({skipped} steps refused)")

    t = time.perf_counter()
    tmpls = load_templates(desks, companies)
    check_templates(tmpls, now)
    timings["self_check_s"] = time.perf_counter() - t
    log(f"  self-check: {len(tmpls)} templates recomputed by the pure engine = the services' rows")

    replicas = max(0, n - len(tmpls))
    vendor = connection.vendor
    t = time.perf_counter()
    plan = plan_replicas(tmpls, companies, replicas, now, seed)
    STATE.update(tmpls=tmpls, plan=plan, now=now, vendor=vendor, columns=columns())
    connection.close()  # the compute processes fork from here and never touch the database
    counts = bulk_load(vendor, replicas, workers)
    timings["bulk_rows_s"] = time.perf_counter() - t
    t = time.perf_counter()
    finish(desks, plan, tmpls)
    timings["indexes_and_analyse_s"] = time.perf_counter() - t
    stats = summary(now)
    stats.update(timings, templates=len(tmpls), replicas=replicas, rows=counts, vendor=vendor)
    stats["total_s"] = time.perf_counter() - t0
    print("> " + json.dumps(stats, default=str), flush=True)
    connection.close()


def make_staff(desks: list[Any]) -> dict[int, dict[str, Any]]:
    from django.contrib.auth.models import User

    from casedesk.desks.models import Membership

    out: dict[int, dict[str, Any]] = {}
    for desk in desks:
        agents = []
        for i in range(5):
            u = User.objects.create(username=f"{desk.slug}-agent{i}", first_name=f"Agent{i}", is_staff=True)
            Membership.objects.create(desk=desk, user=u, role=Membership.Role.AGENT)
            agents.append(u)
        manager = User.objects.create(username=f"{desk.slug}-manager", first_name="Manager", is_staff=True)
        Membership.objects.create(desk=desk, user=manager, role=Membership.Role.SUPPORT_MANAGER)
        out[desk.pk] = {"agents": agents, "manager": manager}
    return out


def make_companies(desks: list[Any], n: int, seed: int) -> dict[tuple[int, int], list[tuple[Any, Any, Any, Any]]]:
    """(desk index, profile) -> [(company, site, contact, contract)]: clones of one profile."""
    from casedesk.accounts.models import Company, Contact, Contract, Site
    from casedesk.desks.policies import preset_of, version_in_force

    total = max(50, min(5000, n // 250))
    out: dict[tuple[int, int], list[tuple[Any, Any, Any, Any]]] = {}
    for d, desk in enumerate(desks):
        policy = preset_of(version_in_force(desk, datetime.now(UTC))).policy
        tiers = [t.key for t in policy.tiers]
        profiles = PROFILES[desk.slug]
        clones = max(2, round(total * DESK_SHARE[desk.slug] / len(profiles)))
        companies = [
            Company(desk=desk, name=f"{desk.slug} {country} customer {p}.{k}", country=country, nda_signed=k % 7 == 0)
            for p, (country, _zone, _tier, _targets) in enumerate(profiles)
            for k in range(clones)
        ]
        Company.objects.bulk_create(companies)
        sites = [Site(company=c, name="Head office", country=c.country) for c in companies]
        for i, s in enumerate(sites):
            s.zone = profiles[i // clones][1]
        Site.objects.bulk_create(sites)
        contacts = [
            Contact(
                company=c,
                site=s,
                name=f"Contact {c.pk}",
                email=f"person{c.pk}@customer{c.pk}.example",
                zone=s.zone,
                is_technical_contact=True,
            )
            for c, s in zip(companies, sites, strict=True)
        ]
        Contact.objects.bulk_create(contacts)
        contracts = []
        for i, (c, s) in enumerate(zip(companies, sites, strict=True)):
            _country, _zone, tier, targets = profiles[i // clones]
            contracts.append(
                Contract(
                    desk=desk,
                    company=c,
                    site=s,
                    tier=tiers[tier % len(tiers)] if tiers else "",
                    starts_on=date(2020, 1, 1),
                    ends_on=date(2035, 12, 31),
                    service_number=f"{4000000 + c.pk}",
                    products=[{"product": "SOLIDWORKS Premium", "version": "2025"}],
                    targets=targets,
                )
            )
        Contract.objects.bulk_create(contracts)
        for i, row in enumerate(zip(companies, sites, contacts, contracts, strict=True)):
            out.setdefault((d, i // clones), []).append(row)
    return out


def make_templates(
    desks: list[Any], staff: dict[int, dict[str, Any]], companies: dict[tuple[int, int], list[Any]],
    per_desk: int, now: datetime, seed: int,
) -> tuple[int, int]:  # fmt: skip
    """Per desk, `per_desk` cases played through the services (30% left open), open ones refreshed to now."""
    from casedesk.cases import services, sla_state
    from casedesk.desks.policies import preset_of, version_in_force

    rnd = random.Random(seed)
    made = skipped = 0
    for d, desk in enumerate(desks):
        policy = preset_of(version_in_force(desk, now)).policy
        priorities = [p.key for p in policy.priorities]
        kinds = list(policy.resolution_kinds) or ["solved"]
        escalation = policy.section("escalation") or []
        intake = {f.key: INTAKE_VALUES.get(f.key) or (f.choices[0] if f.choices else "n/a") for f in policy.intake}
        channels = CHANNELS.get(desk.slug, CHANNELS[""])
        agents, manager = staff[desk.pk]["agents"], staff[desk.pk]["manager"]
        nprof = len(PROFILES[desk.slug])
        for i in range(per_desk):
            profile = i % nprof
            _company, _site, contact, contract = companies[(d, profile)][0]
            is_open = i % 10 < 3
            priority = rnd.choice(priorities) if priorities else ""
            if not policy.priority_required and rnd.random() < 0.15:
                priority = ""  # runs on the desk's default priority until one is set
            agent = rnd.choice(agents)
            steps = script(rnd, desk.slug, priority, priorities, kinds, bool(escalation), is_open)
            span = sum(h for h, *_ in steps)
            rest = rnd.uniform(0.2, 30) if is_open else rnd.uniform(1, 240)
            at = now - timedelta(hours=span + rest, seconds=rnd.randint(0, 3599))
            case = None
            for channel in (rnd.choice(channels), "email"):
                try:
                    case = services.open_case(
                        desk,
                        requester=contact,
                        subject=rnd.choice(SUBJECTS),
                        description="Population case.",
                        channel=channel,
                        priority=priority,
                        contract=contract,
                        intake=intake,
                        at=at,
                    )
                    break
                except services.CaseError:
                    skipped += 1
            if case is None:
                continue
            for hours, op, args in steps:
                at += timedelta(hours=hours)
                try:
                    play(services, case, op, args, at, agent, manager)
                except services.CaseError:
                    skipped += 1
            if case.status in {"new", "open", "waiting_on_customer"}:
                sla_state.refresh(case, now)  # as a sweep would: overdue ones get their breach recorded
            made += 1
    return made, skipped


def script(
    rnd: random.Random, slug: str, priority: str, priorities: list[str], kinds: list[str], escalation: bool,
    is_open: bool,
) -> list[tuple[float, str, Any]]:  # fmt: skip
    """(hours after the previous step, operation, argument) for one case."""
    steps: list[tuple[float, str, Any]] = []
    if rnd.random() < 0.9 or not is_open:
        steps.append((rnd.uniform(0.05, 3), "assign", None))
    if rnd.random() < 0.85 or not is_open:
        steps.append((rnd.uniform(0.1, 8), "agent_reply", rnd.choice(AGENT_LINES)))
    if slug == "ptc" and priority == "S0":
        steps.append((rnd.uniform(2, 20), "record_review", "Management review: R&D engaged"))
    for _ in range(rnd.choice((0, 0, 1, 1, 2, 3, 4, 6, 9))):
        r = rnd.random()
        if r < 0.10 and priorities:
            steps.append((rnd.uniform(0.1, 6), "set_priority", rnd.choice(priorities)))
        elif r < 0.18:
            steps.append((rnd.uniform(0.1, 4), "set_waiting", True))
        elif r < 0.23:
            steps.append((rnd.uniform(0.1, 4), "request_info", ["log file", "version"]))
            steps.append((rnd.uniform(1, 30), "info_received", None))
        elif r < 0.27:
            steps.append((rnd.uniform(0.5, 12), "classify", "bug"))
        elif r < 0.30 and escalation:
            steps.append((rnd.uniform(0.5, 12), "escalate", 1))
        elif r < 0.42:
            steps.append((rnd.uniform(0.1, 2), "add_note", "Checked the logs: same as KB 1042."))
        steps.append((rnd.uniform(0.5, 30), "customer_reply", rnd.choice(CUSTOMER_LINES)))
        steps.append((rnd.uniform(0.2, 10), "agent_reply", rnd.choice(AGENT_LINES)))
    if not is_open:
        steps.append((rnd.uniform(0.5, 48), "resolve", rnd.choice(kinds)))
    return steps


def play(services: Any, case: Any, op: str, arg: Any, at: datetime, agent: Any, manager: Any) -> None:
    if op == "assign":
        services.assign(case, agent, actor=manager, at=at)
    elif op == "agent_reply":
        services.agent_reply(case, agent, arg, at=at)
    elif op == "customer_reply":
        services.customer_reply(case, arg, at=at)
    elif op == "add_note":
        services.add_note(case, agent, arg, at=at)
    elif op == "set_priority":
        services.set_priority(case, arg, actor=agent, at=at)
    elif op == "set_waiting":
        services.set_waiting(case, arg, actor=agent, at=at)
    elif op == "request_info":
        services.request_info(case, arg, actor=agent, at=at)
    elif op == "info_received":
        services.info_received(case, actor=agent, at=at)
    elif op == "classify":
        services.classify(case, arg, actor=agent, at=at)
    elif op == "escalate":
        services.escalate(case, arg, "Customer asked for escalation", actor=manager, at=at)
    elif op == "record_review":
        services.record_review(case, arg, actor=manager, at=at)
    elif op == "resolve":
        services.resolve(case, arg, actor=agent, at=at)
    else:
        raise ValueError(op)


def load_templates(desks: list[Any], companies: dict[tuple[int, int], list[Any]]) -> list[Template]:
    from casedesk.cases import sla_state
    from casedesk.cases.models import Case, CaseEvent, SlaMetric
    from casedesk.sla.clock import RECORDS

    names = [f.attname for f in Case._meta.concrete_fields]
    mnames = [f.attname for f in SlaMetric._meta.concrete_fields]
    profile_of = {c.pk: key for key, clones in companies.items() for c, *_ in clones}
    out = []
    for case in Case.objects.select_related("policy_version", "contract").order_by("id"):
        d, profile = profile_of[case.company_id]
        row = {k: getattr(case, k) for k in names}
        events, records = [], []
        for kind, at, actor, data, body in (
            CaseEvent.objects.filter(case=case).order_by("id").values_list("kind", "at", "actor_id", "data", "body")
        ):
            if kind in RECORDS:
                records.append((at, data))
            else:
                events.append((kind, at, actor, data, body))
        metrics = {m["metric"]: m for m in SlaMetric.objects.filter(case=case).order_by("id").values(*mnames)}
        t = Template(d, profile, case.is_open, row, events, metrics, records)
        t.ctx, t.key = sla_state.context(case), sla_state.clock_key(case)
        out.append(t)
    return out


# -- the pure recomputation of one case (what the services write, without the database) ----------


class _Sink:
    """Stands in for the database while sla_state.write runs on a case being recomputed: metric rows
    as stored (column -> value), breach records in the order written."""

    def __init__(self) -> None:
        self.metrics: dict[str, dict[str, Any]] = {}
        self.events: list[tuple[str, datetime, int | None, dict[str, Any], str]] = []


_SINK = _Sink()


def _metric_columns() -> list[str]:
    from casedesk.cases.models import SlaMetric

    return [f.attname for f in SlaMetric._meta.concrete_fields if f.attname != "case_id"]


def _stored_row(values: dict[str, Any]) -> Any:
    """A SlaMetric instance as the database would give it back; its save() stores into _SINK."""
    from casedesk.cases.models import SlaMetric

    row = SlaMetric(**values)

    def save(update_fields: list[str] | None = None, **kw: Any) -> None:
        stored = _SINK.metrics[row.metric]
        for f in update_fields or _metric_columns():
            stored[f] = getattr(row, f)

    row.save = save  # type: ignore[method-assign]
    return row


class _Manager:
    def __init__(self, metrics: bool) -> None:
        self.is_metrics = metrics

    def filter(self, **kw: Any) -> list[Any]:
        return [_stored_row(dict(v)) for v in _SINK.metrics.values()]

    def bulk_create(self, rows: list[Any]) -> None:
        for r in rows:
            if self.is_metrics:
                r.pk = len(_SINK.metrics) + 1
                _SINK.metrics[r.metric] = {f: getattr(r, f) for f in _metric_columns()}
            else:
                _SINK.events.append((r.kind, r.at, None, r.data, ""))


class _FakeMetric:
    """sla_state.SlaMetric while recomputing: new rows are real SlaMetric instances."""

    objects = _Manager(metrics=True)

    def __new__(cls, **kw: Any) -> Any:
        from casedesk.cases.models import SlaMetric

        return SlaMetric(**kw)


class _FakeEvent:
    objects = _Manager(metrics=False)

    def __new__(cls, **kw: Any) -> Any:
        from casedesk.cases.models import CaseEvent

        return CaseEvent(**kw)


def recompute(t: Template, shift: timedelta, now: datetime) -> tuple[dict[str, Any], list[Any], dict[str, Any]]:
    """The case fields kept by sla_state, the event rows (with breach records where the services put
    them) and the metric rows, for the template's events moved `shift` earlier.

    What sla_state.advance does, without its JSON round trip per event (fold + evaluate on the state
    in memory), and sla_state.write itself, its database calls answered by _Sink."""
    from casedesk.cases import sla_state
    from casedesk.sla.clock import Event, evaluate, fold, new_state
    from casedesk.sla.clock_json import to_json

    ctx = t.ctx
    state = new_state(ctx)
    global _SINK
    _SINK = sink = _Sink()
    from casedesk.cases.models import Case

    fake = Case()
    real = sla_state.SlaMetric, sla_state.CaseEvent
    sla_state.SlaMetric, sla_state.CaseEvent = _FakeMetric, _FakeEvent  # type: ignore[assignment,misc]
    states: list[Any] = []
    try:
        for i, (kind, at, actor, data, body) in enumerate(t.events):
            at = at - shift
            sink.events.append((kind, at, actor, data, body))
            fold(ctx, state, [Event(kind, at, data)])
            states = evaluate(ctx, state, at)
            sla_state.write(fake, states, at, new=i == 0)
        if t.open:
            states = evaluate(ctx, state, now)
            sla_state.write(fake, states, now)
    finally:
        sla_state.SlaMetric, sla_state.CaseEvent = real  # type: ignore[misc]
    case = {
        "next_due_at": min((s.due_at for s in states if s.live and s.due_at), default=None),
        "attention_at": min((s.next_change_at for s in states if s.live and s.next_change_at), default=None),
        "sla_breached": fake.sla_breached,
        "no_clock": t.open and not any(s.live and s.due_at for s in states),
        "clock": to_json(state),
        "clock_key": t.key,
    }
    rows = {m: {k: v for k, v in r.items() if k != "id"} for m, r in sink.metrics.items()}
    return case, sink.events, rows


def check_templates(tmpls: list[Template], now: datetime) -> None:
    from casedesk.sla.clock import RECORDS  # breaches and warnings: stored as the services write them

    bad = []
    for t in tmpls:
        case, events, rows = recompute(t, timedelta(0), now)
        problems = [k for k, v in case.items() if t.case[k] != v]
        if set(rows) != set(t.metrics):
            problems.append(f"metrics {sorted(rows)} vs {sorted(t.metrics)}")
        for metric, row in rows.items():
            stored = t.metrics.get(metric, {})
            problems += [f"{metric}.{k}: {stored.get(k)!r} != {v!r}" for k, v in row.items() if stored.get(k) != v]
        records = [(at, data) for kind, at, _a, data, _b in events if kind in RECORDS]
        if records != t.records:
            problems.append(f"breach records {records} vs {t.records}")
        if problems:
            bad.append(f"{t.case['number']}: {', '.join(problems[:6])}")
    if bad:
        raise SystemExit(f"self-check failed on {len(bad)} of {len(tmpls)} templates:\n  " + "\n  ".join(bad[:10]))


# -- planning and writing the replicas ----------------------------------------------------------------


def plan_replicas(
    tmpls: list[Template], companies: dict[tuple[int, int], list[Any]], n: int, now: datetime, seed: int
) -> dict[str, Any]:
    """Per replica: template, shift (seconds), company clone; sorted by opening time; ids and numbers."""
    import numpy as np

    from casedesk.cases.models import Case

    rng = np.random.default_rng(seed)
    by_desk_open: dict[tuple[int, bool], np.ndarray] = {}
    for d in range(len(DESKS)):
        for o in (True, False):
            by_desk_open[d, o] = np.array([i for i, t in enumerate(tmpls) if t.desk == d and t.open == o])
    share = np.array([DESK_SHARE[s] for s in DESKS])
    desk = rng.choice(len(DESKS), size=n, p=share / share.sum())
    is_open = rng.random(n) < OPEN_SHARE
    tmpl = np.zeros(n, dtype=np.int64)
    for (d, o), pool in by_desk_open.items():
        sel = (desk == d) & (is_open == o)
        if len(pool) == 0:
            pool = by_desk_open[d, not o]
        tmpl[sel] = rng.choice(pool, size=int(sel.sum()))
    day = 86400
    u = rng.random(n)
    # Open: most opened in the last days, some weeks or months ago (overdue); resolved: over two years.
    # Whole hours (open) and whole weeks (resolved): replicas of one template with one shift share their
    # recomputed rows. Any shift is exact: the clocks are recomputed for it.
    hour, week = 3600, 7 * day
    open_shift = np.where(u < 0.75, u / 0.75 * 3 * day, np.where(u < 0.95, 3 * day + (u - 0.75) / 0.2 * 27 * day,
                          30 * day + (u - 0.95) / 0.05 * 150 * day))  # fmt: skip
    open_shift = np.where(open_shift < 3 * day, open_shift // hour * hour, open_shift // day * day)
    shift = np.where(is_open, open_shift, rng.integers(0, 105, size=n) * week).astype(np.int64)
    clone = rng.integers(0, 1 << 30, size=n)
    opened = np.array([t.case["opened_at"].timestamp() for t in tmpls])[tmpl] - shift
    order = np.argsort(opened, kind="stable")
    tmpl, shift, clone = tmpl[order], shift[order], clone[order]
    tdesk = np.array([t.desk for t in tmpls])[tmpl]
    number = np.zeros(n, dtype=np.int64)
    last = {}
    for d in range(len(DESKS)):
        sel = tdesk == d
        start = sum(1 for t in tmpls if t.desk == d)
        number[sel] = start + np.arange(1, int(sel.sum()) + 1)
        last[d] = start + int(sel.sum())
    first_id = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    clones = {k: [(c.pk, s.pk, p.pk, k2.pk) for c, s, p, k2 in v] for k, v in companies.items()}
    return {
        "tmpl": tmpl,
        "shift": shift,
        "clone": clone,
        "number": number,
        "first_id": first_id,
        "last": last,
        "clones": clones,
    }


def columns() -> dict[str, list[tuple[str, str]]]:
    """(column, kind) per table, from the models (kind: dt, bool, json, int, str); events and metrics
    without their id (the database numbers them in the order written)."""
    from django.db import models

    from casedesk.cases.models import Case, CaseEvent, SlaMetric

    def kind(f: Any) -> str:
        if isinstance(f, models.DateTimeField):
            return "dt"
        if isinstance(f, models.BooleanField):
            return "bool"
        if isinstance(f, models.JSONField):
            return "json"
        if isinstance(f, (models.IntegerField, models.ForeignKey, models.AutoField)):
            return "int"
        return "str"

    out = {}
    for name, model, skip_id in (("case", Case, False), ("event", CaseEvent, True), ("metric", SlaMetric, True)):
        cols = [(f.attname, kind(f)) for f in model._meta.concrete_fields if not (skip_id and f.primary_key)]
        out[name] = [(model._meta.db_table, ""), *cols]
    return out


def _pg_text(v: str) -> str:
    return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _fmt_pg(kind: str) -> Callable[[Any], str]:
    if kind == "dt":
        return lambda v: "\\N" if v is None else v.isoformat()
    if kind == "bool":
        return lambda v: "\\N" if v is None else ("t" if v else "f")
    if kind == "json":
        return lambda v: _pg_text(json.dumps(v))
    if kind == "int":
        return lambda v: "\\N" if v is None else str(int(v))
    return lambda v: "\\N" if v is None else _pg_text(str(v))


def _fmt_sqlite(kind: str) -> Callable[[Any], Any]:
    if kind == "dt":
        return lambda v: None if v is None else str(v.astimezone(UTC).replace(tzinfo=None))
    if kind == "bool":
        return lambda v: None if v is None else int(bool(v))
    if kind == "json":
        return lambda v: json.dumps(v)
    return lambda v: v


VARYING = ("id", "number", "company_id", "site_id", "requester_id", "contract_id")


Rows = tuple[list[Any], list[Any], list[Any]]


def _variant(t: Template, shift: timedelta, now: datetime, conv: dict[str, Any]) -> Rows:
    """One template moved by one shift, formatted: the case row (its per-case columns left to fill),
    and the event and metric rows without their leading case_id."""
    kept, events, metrics = recompute(t, shift, now)
    row = dict(t.case)
    row.update(kept, opened_at=t.case["opened_at"] - shift, updated_at=t.case["updated_at"] - shift)
    case_cells = [None if c in VARYING else f(row[c]) for c, f in conv["case"]]
    ev_rows = []
    for kind, at, actor, data, body in events:
        ev = {"at": at, "actor_id": actor, "kind": kind, "data": data, "body": body}
        ev_rows.append(tuple(f(ev.get(c)) for c, f in conv["event"][1:]))
    m_rows = []
    for metric, m in metrics.items():
        full = dict(t.metrics[metric])
        full.update(m)
        m_rows.append(tuple(f(full.get(c)) for c, f in conv["metric"][1:]))
    return case_cells, ev_rows, m_rows


def build_chunk(span: tuple[int, int]) -> tuple[int, Any, Any, Any, int, int]:
    """Rows of replicas [lo, hi): COPY text (PostgreSQL) or tuples (SQLite) for cases, events, metrics.

    Replicas of one template with one shift share their computed rows (sorted by opening time,
    they sit next to each other), so each (template, shift) is recomputed once per chunk."""
    lo, hi = span
    tmpls: list[Template] = STATE["tmpls"]
    plan = STATE["plan"]
    now = STATE["now"]
    pg = STATE["vendor"] == "postgresql"
    cols = STATE["columns"]
    fmt = _fmt_pg if pg else _fmt_sqlite
    conv = {k: [(c, fmt(kind)) for c, kind in v[1:]] for k, v in cols.items()}
    for k in ("event", "metric"):
        if conv[k][0][0] != "case_id":
            raise SystemExit(f"{k} rows: case_id is not the first column after id ({[c for c, _ in conv[k]]})")
    where = {c: i for i, (c, _f) in enumerate(conv["case"])}
    as_int = fmt("int")
    case_rows: list[Any] = []
    event_rows: list[Any] = []
    metric_rows: list[Any] = []
    memo: dict[tuple[int, int], Rows] = {}
    nevents = nmetrics = 0
    for i in range(lo, hi):
        ti, secs = int(plan["tmpl"][i]), int(plan["shift"][i])
        t = tmpls[ti]
        got = memo.get((ti, secs))
        if got is None:
            if len(memo) > 2000:
                memo.clear()
            got = memo[ti, secs] = _variant(t, timedelta(seconds=secs), now, conv)
        cells, evs, ms = got
        pool = plan["clones"][(t.desk, t.profile)]
        company, site, contact, contract = pool[int(plan["clone"][i]) % len(pool)]
        case_id = plan["first_id"] + i
        cells = list(cells)
        cells[where["id"]] = as_int(case_id)
        cells[where["number"]] = fmt("str")(t.ctx.policy.format_number(int(plan["number"][i])))
        cells[where["company_id"]] = as_int(company)
        cells[where["requester_id"]] = as_int(contact)
        cells[where["site_id"]] = as_int(site if t.case["site_id"] is not None else None)
        cells[where["contract_id"]] = as_int(contract if t.case["contract_id"] is not None else None)
        cid = as_int(case_id)
        if pg:
            case_rows.append("\t".join(cells))
            event_rows.extend(cid + "\t" + "\t".join(e) for e in evs)
            metric_rows.extend(cid + "\t" + "\t".join(m) for m in ms)
        else:
            case_rows.append(cells)
            event_rows.extend((cid, *e) for e in evs)
            metric_rows.extend((cid, *m) for m in ms)
        nevents += len(evs)
        nmetrics += len(ms)
    if pg:
        return (
            lo,
            ("\n".join(case_rows) + "\n").encode(),
            ("\n".join(event_rows) + "\n").encode() if event_rows else b"",
            ("\n".join(metric_rows) + "\n").encode() if metric_rows else b"",
            nevents,
            nmetrics,
        )
    return lo, case_rows, event_rows, metric_rows, nevents, nmetrics


def chunks(n: int, size: int = CHUNK) -> Iterator[tuple[int, int]]:
    for lo in range(0, n, size):
        yield lo, min(n, lo + size)


def bulk_load(vendor: str, n: int, workers: int) -> dict[str, int]:
    import multiprocessing as mp

    from django.db import connection

    cols = STATE["columns"]
    counts = {"cases": 0, "events": 0, "metrics": 0}
    t0 = time.perf_counter()
    pool = mp.get_context("fork").Pool(workers) if workers > 1 else None
    results = pool.imap(build_chunk, chunks(n), chunksize=1) if pool else map(build_chunk, chunks(n))
    tables = [cols["case"][0][0], cols["event"][0][0], cols["metric"][0][0]]
    names = {t: [c for c, _ in cols[k][1:]] for t, k in zip(tables, ("case", "event", "metric"), strict=True)}
    try:
        if vendor == "postgresql":
            with connection.cursor() as dj:
                cur = dj.cursor
                saved = drop_constraints_pg(cur, tables)
                for lo, cases, events, metrics, ne, nm in results:
                    for table, data in zip(tables, (cases, events, metrics), strict=True):
                        cols_sql = ", ".join(f'"{c}"' for c in names[table])
                        with cur.copy(f'COPY "{table}" ({cols_sql}) FROM STDIN'.encode()) as cp:
                            cp.write(data)
                    counts["cases"] += min(CHUNK, n - lo)
                    counts["events"] += ne
                    counts["metrics"] += nm
                    progress(counts, n, t0)
                t = time.perf_counter()
                restore_constraints_pg(cur, saved)
                log(f"  indexes and constraints rebuilt in {time.perf_counter() - t:.1f} s")
        else:
            import sqlite3

            path = connection.settings_dict["NAME"]
            connection.close()
            db = sqlite3.connect(path, isolation_level=None)
            db.execute("PRAGMA synchronous=OFF")
            db.execute("PRAGMA cache_size=-1000000")
            saved = drop_indexes_sqlite(db, tables)
            db.execute("BEGIN")
            since_commit = 0
            for _lo, cases, events, metrics, ne, nm in results:
                for table, rows in zip(tables, (cases, events, metrics), strict=True):
                    marks = ", ".join("?" * len(names[table]))
                    cols_sql = ", ".join(f'"{c}"' for c in names[table])
                    db.executemany(f'INSERT INTO "{table}" ({cols_sql}) VALUES ({marks})', rows)
                counts["cases"] += len(cases)
                counts["events"] += ne
                counts["metrics"] += nm
                since_commit += len(cases)
                if since_commit >= 100_000:
                    db.execute("COMMIT")
                    db.execute("BEGIN")
                    since_commit = 0
                progress(counts, n, t0)
            db.execute("COMMIT")
            t = time.perf_counter()
            for sql in saved:
                db.execute(sql)
            log(f"  indexes rebuilt in {time.perf_counter() - t:.1f} s")
            db.execute("PRAGMA synchronous=NORMAL")
            db.close()
    finally:
        if pool:
            pool.close()
            pool.join()
    return counts


_last_progress = [0.0]


def progress(counts: dict[str, int], n: int, t0: float) -> None:
    now = time.perf_counter()
    if now - _last_progress[0] > 15 or counts["cases"] == n:
        _last_progress[0] = now
        rate = counts["cases"] / max(1e-9, now - t0)
        log(f"  {counts['cases']:,} of {n:,} cases written ({counts['events']:,} events), {rate:,.0f} cases/s")


def drop_constraints_pg(cur: Any, tables: list[str]) -> list[str]:
    """Drop secondary indexes, unique and foreign-key constraints of `tables`; returns the SQL that restores them."""
    cur.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
        "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f') ORDER BY contype DESC",
        [tables],
    )
    cons = cur.fetchall()
    cur.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [tables],
    )
    idx = cur.fetchall()
    for table, name, _def, _t in cons:  # foreign keys first (contype 'u' > 'f' when sorted descending)
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _def in idx:
        cur.execute(f"DROP INDEX {name}")
    restore = [d for _n, d in idx]
    restore += [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d, c in cons if c == "u"]
    restore += [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d, c in cons if c == "f"]
    return restore


def restore_constraints_pg(cur: Any, statements: list[str]) -> None:
    cur.execute("SET maintenance_work_mem = '1GB'")
    for sql in statements:
        cur.execute(sql)


def drop_indexes_sqlite(db: Any, tables: list[str]) -> list[str]:
    marks = ", ".join("?" * len(tables))
    rows = db.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
        tables,
    ).fetchall()
    for name, _sql in rows:
        db.execute(f'DROP INDEX "{name}"')
    return [sql for _n, sql in rows]


def finish(desks: list[Any], plan: dict[str, Any], tmpls: list[Template]) -> None:
    """Counters, identity sequences, statistics."""
    from django.db import connection

    from casedesk.cases.models import Case, CaseCounter, CaseEvent, SlaMetric

    for d, desk in enumerate(desks):
        CaseCounter.objects.update_or_create(desk=desk, defaults={"last": plan["last"][d]})
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            for model in (Case, CaseEvent, SlaMetric):
                table = model._meta.db_table
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            cur.execute(f"VACUUM ANALYZE {Case._meta.db_table}")
            cur.execute("ANALYZE")
        else:
            cur.execute("ANALYZE")


def summary(now: datetime) -> dict[str, Any]:
    from django.db.models import Count, Q

    from casedesk.cases.models import Case, CaseEvent, SlaMetric

    open_q = Q(status__in=Case.OPEN_STATUSES)
    agg = Case.objects.aggregate(
        cases=Count("id"),
        open=Count("id", filter=open_q),
        open_due=Count("id", filter=open_q & Q(next_due_at__isnull=False)),
        overdue=Count("id", filter=open_q & Q(next_due_at__lt=now)),
        breached=Count("id", filter=Q(sla_breached=True)),
    )
    agg["events"] = CaseEvent.objects.count()
    agg["metrics"] = SlaMetric.objects.count()
    agg["metric_status"] = dict(SlaMetric.objects.values_list("status").annotate(n=Count("id")).order_by("status"))
    agg["now"] = now.isoformat()
    return agg


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", choices=["postgres", "pg", "sqlite"], default="postgres")
    ap.add_argument("--n", type=int, default=1_000_000, help="cases (default 1,000,000)")
    ap.add_argument("--templates", type=int, default=200, help="template cases per desk through the services")
    ap.add_argument("--workers", type=int, default=2, help="processes computing replicas (default 2)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", metavar="NAME", help="keep the database: PostgreSQL name, or SQLite file path")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.n, args.templates, args.workers, args.seed)
        return
    kind = "sqlite" if args.db == "sqlite" else "pg"
    db = BenchDatabase(kind, "population", keep=args.keep)
    print(f"filling {db.url} with {args.n:,} cases", flush=True)
    try:
        stats = populate(db.url, args.n, templates=args.templates, workers=args.workers, seed=args.seed, var=db.var)
    finally:
        if not args.keep:
            db.drop()
    print(json.dumps(stats, indent=1))
    print(f"{args.n:,} cases on {kind} in {stats['total_s']:.0f} s" + (f"; kept: {db.url}" if args.keep else ""))


if __name__ == "__main__":
    main()
