"""A whole installation for the scale-out tests: its own PostgreSQL database (a copy of one migrated per run),
its own Redis database number, a real SMTP listener, and `casedesk` processes started on them.

These tests need the PostgreSQL at 127.0.0.1:5432 (and Redis at 127.0.0.1:6379 for the queue in Redis); they
are skipped only when it is not reachable, in the SQLite pass as in the PostgreSQL pass: pytest-django's test
database is not used, so the processes share nothing with the test but the servers.

bob is the agent, carol the support manager of a PTC desk; alice's cases are opened as S0 days ago, so their
targets (24x7) are long past due and the first sweep breaches them, telling bob and carol at once.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.notify.conftest import Capture, free_port

ROOT = Path(__file__).resolve().parents[2]
PG = ("127.0.0.1", 5432)
REDIS = ("127.0.0.1", 6379)
CLAIM_KEY = "casedesk:test-run"


def reachable(address: tuple[str, int]) -> bool:
    try:
        socket.create_connection(address, 1).close()
    except OSError:
        return False
    return True


needs_postgres = pytest.mark.skipif(not reachable(PG), reason="PostgreSQL at 127.0.0.1:5432 is not reachable")
needs_redis = pytest.mark.skipif(not reachable(REDIS), reason="Redis at 127.0.0.1:6379 is not reachable")


def _admin() -> Any:
    import psycopg

    return psycopg.connect(host=PG[0], port=PG[1], user="postgres", dbname="postgres", autocommit=True)


def _drop(name: str) -> None:
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(database_url: str, var: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "EMAIL_"))}
    return {
        **env,
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "casedesk.settings",
        "CASEDESK_VAR": str(var),
        "CASEDESK_SECRET_KEY": "scale-test",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        **extra,
    }


@pytest.fixture(scope="session")
def pg_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated once per run, copied for each test (CREATE DATABASE ... TEMPLATE: < 1 s)."""
    name = f"scale_tpl_{os.getpid()}_{secrets.token_hex(3)}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgres://postgres@{PG[0]}:{PG[1]}/{name}"
        env = _env(url, tmp_path_factory.mktemp("tpl"))
        done = subprocess.run(
            [sys.executable, "-m", "casedesk.cli", "migrate", "-v0"], env=env, capture_output=True, timeout=300
        )
        assert done.returncode == 0, done.stderr.decode()
        yield name
    finally:
        _drop(name)


@dataclass
class Installation:
    """One casedesk installation: a DATABASE_URL (and a REDIS_URL), the processes started on it."""

    name: str
    var: Path
    redis_url: str = ""
    smtp_port: int = 0
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"postgres://postgres@{PG[0]}:{PG[1]}/{self.name}"

    def env(self, **extra: str) -> dict[str, str]:
        mail: dict[str, str] = {}
        if self.smtp_port:
            mail = {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(self.smtp_port),
            }
        redis = {"REDIS_URL": self.redis_url} if self.redis_url else {}
        return _env(self.url, self.var, **mail, **redis, **self.extra_env, **extra)

    def start(self, *args: str, log: str) -> subprocess.Popen[bytes]:
        """`casedesk ARGS` (or `gunicorn ...` when args[0] is "gunicorn") in the background, output to var/LOG."""
        cmd = [str(Path(sys.executable).parent / "gunicorn"), *args[1:]] if args[0] == "gunicorn" else None
        out = (self.var / log).open("wb")
        proc = subprocess.Popen(
            cmd or [sys.executable, "-m", "casedesk.cli", *args],
            env=self.env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )
        self.processes.append(proc)
        return proc

    def log(self, name: str) -> str:
        return (self.var / name).read_text(errors="replace")

    def python(self, code: str, timeout: float = 120) -> str:
        """Django code in a subprocess on this installation; its stdout."""
        setup = "import django\ndjango.setup()\n"
        done = subprocess.run(
            [sys.executable, "-c", setup + code], env=self.env(), capture_output=True, timeout=timeout, cwd=ROOT
        )
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout.decode()

    def casedesk(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "casedesk.cli", *args], env=self.env(), capture_output=True, timeout=timeout
        )
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout.decode()

    def sql(self, query: str, *params: object) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as db:
            return list(db.execute(query, params).fetchall())  # type: ignore[arg-type]

    def count(self, query: str, *params: object) -> int:
        return int(self.sql(query, *params)[0][0])

    def stop_all(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


@pytest.fixture
def installation(pg_template: str, tmp_path: Path) -> Iterator[Installation]:
    name = f"scale_{os.getpid()}_{secrets.token_hex(4)}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    inst = Installation(name, tmp_path)
    try:
        yield inst
    finally:
        inst.stop_all()
        _drop(name)


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A Redis database number of this run's own: the first empty one, claimed with a key; at the end only the
    keys this run made there (RQ's rq:* and the claim) are deleted."""
    import redis

    token = secrets.token_hex(8)
    for db in range(15, 0, -1):
        client = redis.Redis(host=REDIS[0], port=REDIS[1], db=db)
        if client.dbsize() == 0 and client.set(CLAIM_KEY, token, nx=True, ex=3600) and client.dbsize() == 1:
            break
        client.close()
    else:
        pytest.fail("no empty Redis database (1-15) to run in")
    try:
        yield f"redis://{REDIS[0]}:{REDIS[1]}/{db}"
    finally:
        keys = list(client.scan_iter("rq:*"))
        if keys:
            client.delete(*keys)
        client.delete(CLAIM_KEY)
        client.close()


@pytest.fixture
def smtp_server() -> Iterator[Capture]:
    """A real SMTP listener (aiosmtpd) for the installation's processes."""
    from aiosmtpd.controller import Controller

    capture = Capture()
    controller = Controller(capture, hostname="127.0.0.1", port=free_port())
    controller.start()
    capture.port = controller.port  # type: ignore[attr-defined]
    try:
        yield capture
    finally:
        controller.stop()


# Run in a subprocess: a PTC desk with bob (agent) and carol (support manager); N S0 cases of alice's opened
# DAYS days ago, each assigned to bob (their first e-mails silenced unless TOLD). alice can sign in to the
# portal with PASSWORD when PORTAL.
SETUP = """
from datetime import timedelta
from django.utils import timezone
from casedesk.cases import services
from casedesk.desks.models import Membership
from casedesk.notify.outbox import silenced
from tests.cases.factories import customer, desk, staff
from tests.cases.test_ptc import INTAKE

d = desk("ptc")
bob, carol = staff("bob"), staff("carol")
Membership.objects.create(desk=d, user=bob, role=Membership.Role.AGENT)
Membership.objects.create(desk=d, user=carol, role=Membership.Role.SUPPORT_MANAGER)
alice, contract = customer(d, country="FR", zone="Europe/Paris", scn="4000017")
if {portal}:
    from django.contrib.auth.models import User
    alice.user = User.objects.create_user(alice.email, alice.email, {password!r})
    alice.save()
opened = timezone.now() - timedelta(days={days}, minutes=1)
intake = {{**INTAKE, "phone_24x7": "+33 1 55 55 01 00"}}
from contextlib import nullcontext
with (nullcontext() if {told} else silenced()):
    for i in range({n}):
        case = services.open_case(d, requester=alice, contract=contract, subject=f"Down {{i}}", priority="S0",
                                  intake=intake, at=opened)
        services.assign(case, bob, at=opened + timedelta(minutes=1))
print("ok")
"""


PASSWORD = "portal-pass-4711"


def set_up_desk(inst: Installation, n: int, days: int = 2, *, told: bool = False, portal: bool = False) -> None:
    code = SETUP.format(n=n, days=days, told=told, portal=portal, password=PASSWORD)
    assert inst.python(code, timeout=300).strip() == "ok"


# Run in a subprocess: N more S0 cases of alice's opened DAYS days ago, told (their e-mails queued).
MORE = """
from datetime import timedelta
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from casedesk.accounts.models import Contact
from casedesk.cases import services
from tests.cases.test_ptc import INTAKE

alice = Contact.objects.get(email="alice@fr.test")
contract = alice.company.contracts.get()
opened = timezone.now() - timedelta(days={days}, minutes=1)
for i in range({n}):
    with transaction.atomic():  # the running sweeps see the case assigned, or not at all
        case = services.open_case(alice.company.desk, requester=alice, contract=contract, subject=f"More {{i}}",
                                  priority="S0", intake={{**INTAKE, "phone_24x7": "+33 1"}}, at=opened)
        services.assign(case, User.objects.get(username="bob"), at=opened + timedelta(minutes=1))
print("ok")
"""


def open_more(inst: Installation, n: int, days: int = 2) -> None:
    assert inst.python(MORE.format(n=n, days=days), timeout=300).strip() == "ok"


def wait_for(condition: Callable[[], bool], timeout: float, what: str, step: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(step)


def duplicates(inst: Installation) -> dict[str, list[tuple[Any, ...]]]:
    """Anything recorded or queued twice: breaches (case, metric, instant), staff e-mail (event, kind, to)."""
    return {
        "breaches": inst.sql(
            "SELECT case_id, data->>'metric', at, count(*) FROM cases_caseevent WHERE kind = 'breached'"
            " GROUP BY 1, 2, 3 HAVING count(*) > 1"
        ),
        "warnings": inst.sql(
            "SELECT case_id, data->>'metric', at, count(*) FROM cases_caseevent WHERE kind = 'warning'"
            " GROUP BY 1, 2, 3 HAVING count(*) > 1"
        ),
        "mail": inst.sql(
            "SELECT case_id, kind, recipients::text, count(*) FROM notify_outgoingmail"
            " GROUP BY case_id, event_id, kind, recipients::text HAVING count(*) > 1"
        ),
    }


def per_case(inst: Installation, query: str) -> set[int]:
    """The distinct per-case counts a query gives (one value when every case got the same)."""
    return {row[1] for row in inst.sql(query)}


BREACHES_PER_CASE = (
    "SELECT c.id, count(e.id) FROM cases_case c LEFT JOIN cases_caseevent e ON e.case_id = c.id"
    " AND e.kind = 'breached' GROUP BY c.id"
)
STAFF_MAIL_PER_CASE = (
    "SELECT c.id, count(m.id) FROM cases_case c LEFT JOIN notify_outgoingmail m ON m.case_id = c.id"
    " AND m.audience = 'staff' AND m.kind LIKE 'sla_%%' GROUP BY c.id"
)
