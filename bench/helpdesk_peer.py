"""Peer side of bench/case_open.py: django-helpdesk's ticket creation, timed.

Runs in its own virtualenv (bench/_peers/helpdesk-venv, made by case_open.py),
started by case_open.py as a worker that stays up for the whole run:

    bench/_peers/helpdesk-venv/bin/python bench/helpdesk_peer.py --sqlite PATH
    bench/_peers/helpdesk-venv/bin/python bench/helpdesk_peer.py --pg-name bench_helpdesk

It writes a minimal Django project (settings + urls) into bench/_peers/helpdesk_project/,
migrates a fresh database, loads helpdesk's e-mail templates (its install step 8),
creates a staff agent and a queue, says hello with one ``> JSON`` line on stdout,
then answers commands, one JSON line each on stdin (``{"op": "run", "variant":
"save", "n": 100}`` gives ``> {"samples": [seconds, ...]}``; ``describe`` counts the
SQL of one call; ``quit`` or end of input stops it). case_open.py interleaves
these runs with casedesk's, so both sides see the same machine noise.

What is timed is the way helpdesk itself creates a ticket: the staff "create
ticket" view and the REST API both build a ``helpdesk.forms.TicketForm``,
validate it and call ``form.save(user=...)``. ``save`` writes the Ticket, its
"Ticket Opened" FollowUp (FollowUp.save saves the ticket again), renders and sends
the submitter's "new ticket" e-mail (to Django's locmem backend: nothing leaves
the machine), saves the follow-up once more with its recipients and the ticket
with it, looks for ticket back-links and fires ``new_ticket_done``. Like
helpdesk's views it runs in autocommit: no surrounding transaction.

Variants, each call timed alone with perf_counter:

* ``save``: ``form.save(user=agent)`` on a form built and validated outside the
  timer (the creation step itself; the row of case_open.py's table).
* ``form_save``: ``TicketForm(...)``, ``is_valid()`` and ``save()`` together, as the
  view and the API run them (minus HTTP).
* ``save_no_mail``: ``save`` with no submitter address, so no e-mail is rendered.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROJECT = HERE / "_peers" / "helpdesk_project"

SETTINGS = '''\
"""Minimal settings for timing django-helpdesk (written by bench/helpdesk_peer.py)."""

import json
import os

SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["localhost"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",  # helpdesk builds e-mail links from the current Site
    "django.contrib.humanize",  # its templates load humanize
    "rest_framework",  # its API
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "hdbench_urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
DATABASES = {"default": json.loads(os.environ["HDBENCH_DATABASE"])}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
SITE_ID = 1
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
STATIC_URL = "/static/"
MEDIA_ROOT = os.environ["HDBENCH_MEDIA"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@example.com"
# Teams need the optional pinax-teams extra ("django-helpdesk[teams]"); helpdesk's
# documented switch turns them off and points the team foreign key at the user model.
HELPDESK_TEAMS_MODE_ENABLED = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
'''

URLS = '''\
"""URLs for timing django-helpdesk (written by bench/helpdesk_peer.py): e-mails reverse helpdesk:view."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [path("admin/", admin.site.urls), path("helpdesk/", include("helpdesk.urls"))]
'''


def write_project() -> None:
    PROJECT.mkdir(parents=True, exist_ok=True)
    (PROJECT / "media").mkdir(exist_ok=True)
    for name, text in (("hdbench_settings.py", SETTINGS), ("hdbench_urls.py", URLS)):
        path = PROJECT / name
        if not path.exists() or path.read_text() != text:
            path.write_text(text)


def database(args: argparse.Namespace) -> dict[str, object]:
    if args.sqlite:
        # The same SQLite options casedesk's settings use, so both run on the same database setup.
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": args.sqlite,
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": args.pg_name,
        "USER": args.pg_user,
        "HOST": args.pg_host,
        "PORT": str(args.pg_port),
    }


def writes(statements: list[str]) -> list[str]:
    """The writes among SQL statements, as "insert helpdesk_ticket" and so on, in order."""
    out = []
    for sql in statements:
        m = re.match(r'\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?([\w.]+)"?', sql, re.IGNORECASE)
        if m:
            out.append(f"{m.group(1).split()[0].lower()} {m.group(2)}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    db = ap.add_mutually_exclusive_group(required=True)
    db.add_argument("--sqlite", help="path of a fresh SQLite file")
    db.add_argument("--pg-name", help="name of an existing, empty PostgreSQL database")
    ap.add_argument("--pg-host", default="127.0.0.1")
    ap.add_argument("--pg-port", type=int, default=5432)
    ap.add_argument("--pg-user", default="postgres")
    ap.add_argument("--show-sql", action="store_true", help="print the SQL of one call per variant (stderr)")
    ap.add_argument("--queue-bench", type=int, metavar="N", help="queue_query.py: fill N tickets, time the queue list")
    ap.add_argument("--runs", type=int, default=200, help="--queue-bench: timed runs per query")
    args = ap.parse_args()

    write_project()
    sys.path.insert(0, str(PROJECT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "hdbench_settings"
    os.environ["HDBENCH_DATABASE"] = json.dumps(database(args))
    os.environ["HDBENCH_MEDIA"] = str(PROJECT / "media")

    import django

    django.setup()

    if args.queue_bench is not None:
        queue_bench(args.queue_bench, args.runs)
        return

    from importlib.metadata import version

    from django.contrib.auth import get_user_model
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from helpdesk.forms import TicketForm
    from helpdesk.models import EmailTemplate, FollowUp, Queue, Ticket

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("loaddata", "emailtemplate", verbosity=0)  # install step 8: e-mail templates
    setup_s = time.perf_counter() - t0

    agent = get_user_model().objects.create_user(
        "agent", "agent@example.com", "not-used-0123", is_staff=True, first_name="Ada", last_name="Agent"
    )
    queue = Queue.objects.create(
        title="Support", slug="support", email_address="support@example.com", allow_public_submission=True
    )
    queue_choices = [(queue.id, queue.title)]
    body = (
        "SOLIDWORKS 2025 SP2.0 crashes when opening an assembly with more than 500 parts.\n"
        "Phone: +45 1\nSteps: open the assembly, rotate the view."
    )

    def form(mail_to: str) -> TicketForm:
        data = {
            "queue": str(queue.id),
            "title": "Assembly crashes on open",
            "body": body,
            "priority": "2",  # High
            "submitter_email": mail_to,
            "assigned_to": "",
            "due_date": "",
        }
        f = TicketForm(queue_choices=queue_choices, data=data)
        if not f.is_valid():
            raise SystemExit(f"helpdesk TicketForm rejected the data: {f.errors.as_json()}")
        return f

    submitter = "bo@example.dk"

    # Each variant: prepare (untimed) returns the timed action.
    def prep_save() -> Callable[[], object]:
        f = form(submitter)
        return lambda: f.save(user=agent)

    def prep_form_save() -> Callable[[], object]:
        return lambda: form(submitter).save(user=agent)

    def prep_save_no_mail() -> Callable[[], object]:
        f = form("")
        return lambda: f.save(user=agent)

    def timed(prepare: Callable[[], Callable[[], object]], n: int) -> list[float]:
        samples = []
        for _ in range(n):
            act = prepare()
            t = time.perf_counter()
            act()
            samples.append(time.perf_counter() - t)
            mail.outbox.clear()
        return samples

    def describe(prepare: Callable[[], Callable[[], object]]) -> dict[str, object]:
        """One call, untimed: what it does."""
        tickets, followups = Ticket.objects.count(), FollowUp.objects.count()
        act = prepare()
        with CaptureQueriesContext(connection) as q:
            act()
        sql = [x["sql"] for x in q.captured_queries]
        statements = [x for x in sql if x.split(None, 1)[0].upper() not in {"BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"}]
        if args.show_sql:
            print(f"-- {len(statements)} statements", file=sys.stderr)
            for x in statements:
                print("   " + x[:160], file=sys.stderr)
        out = {
            "statements": len(statements),
            "writes": writes(statements),
            "mails": len(mail.outbox),
            "tickets": Ticket.objects.count() - tickets,
            "followups": FollowUp.objects.count() - followups,
        }
        mail.outbox.clear()
        return out

    def split(prepare: Callable[[], Callable[[], object]], n: int) -> dict[str, float]:
        """Mean time per call and the part inside the driver's execute calls (autocommit:
        each statement commits inside its own execute)."""
        inside = 0.0

        def wrap(execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
            nonlocal inside
            t = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                inside += time.perf_counter() - t

        total = 0.0
        for _ in range(n):
            act = prepare()
            with connection.execute_wrapper(wrap):
                t = time.perf_counter()
                act()
                total += time.perf_counter() - t
            mail.outbox.clear()
        return {"total_ms": total / n * 1e3, "sql_ms": inside / n * 1e3}

    variants = {"save": prep_save, "form_save": prep_form_save, "save_no_mail": prep_save_no_mail}
    hello = {
        "version": version("django-helpdesk"),
        "django": django.get_version(),
        "vendor": connection.vendor,
        "setup_s": setup_s,
        "email_templates": EmailTemplate.objects.count(),
        "variants": list(variants),
    }
    serve(
        hello,
        {
            "run": lambda cmd: {"samples": timed(variants[cmd["variant"]], cmd["n"])},
            "describe": lambda cmd: describe(variants[cmd["variant"]]),
            "split": lambda cmd: split(variants[cmd["variant"]], cmd["n"]),
        },
    )
    connection.close()


def queue_bench(n: int, runs: int) -> None:
    """For bench/queue_query.py: n tickets written in bulk (COPY on PostgreSQL, executemany on SQLite),
    about 30% open, over 8 queues; then helpdesk's open-tickets-of-a-queue list, timed, with its plan."""
    import random
    import secrets
    import statistics
    from datetime import UTC, datetime, timedelta
    from importlib.metadata import version

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, models
    from django.test.utils import CaptureQueriesContext
    from helpdesk.models import Queue, Ticket

    call_command("migrate", verbosity=0)
    agents = [
        get_user_model().objects.create_user(f"agent{i}", f"agent{i}@example.com", "not-used-0123", is_staff=True)
        for i in range(10)
    ]
    queues = [
        Queue.objects.create(title=f"Queue {i}", slug=f"q{i}", email_address=f"q{i}@example.com") for i in range(8)
    ]
    rnd = random.Random(1)
    now = datetime.now(UTC).replace(microsecond=0)
    opened_states = [Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS]
    done_states = [Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS]
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
            return rnd.choice(opened_states) if open_ else rnd.choice(done_states)
        if name == "description":
            return "SOLIDWORKS 2025 SP2.0 crashes when opening an assembly with more than 500 parts."
        if name == "priority":
            return rnd.randint(1, 5)
        if name == "due_date":
            return created + timedelta(hours=rnd.randint(4, 120)) if open_ else None
        if name == "secret_key":
            return secrets.token_hex(8)
        if isinstance(f, models.BooleanField):
            return False
        if f.null:
            return None
        return f.get_default()

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
    chunk = 20000
    opened = 0
    with connection.cursor() as cur:
        for lo in range(0, n, chunk):
            rows = []
            for i in range(lo, min(n, lo + chunk)):
                open_ = rnd.random() < 0.3
                opened += open_
                created = now - timedelta(seconds=rnd.randint(0, 730 * 86400 if not open_ else 30 * 86400))
                rows.append([value(f, i, open_, created) for f in fields])
            if pg:
                with cur.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN'.encode()) as cp:
                    cp.write("".join("\t".join(dump(v) for v in r) + "\n" for r in rows).encode())
            else:
                marks = ", ".join("%s" for _ in fields)
                cur.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', rows)
        cur.execute("ANALYZE")
    fill_s = time.perf_counter() - t0
    queue = queues[0]
    base = Ticket.objects.select_related("queue", "assigned_to").filter(queue=queue, status__in=opened_states)
    queries = {
        "queue, open, by priority, due_date": base.order_by("priority", "due_date")[:25],
        "queue, open, by -created (list default)": base.order_by("-created")[:25],
    }
    out: dict[str, Any] = {
        "version": version("django-helpdesk"),
        "tickets": Ticket.objects.count(),
        "open": Ticket.objects.filter(status__in=opened_states).count(),
        "queue": queue.slug,
        "queue_open": Ticket.objects.filter(queue=queue, status__in=opened_states).count(),
        "fill_s": fill_s,
        "queries": {},
    }
    for label, qs in queries.items():
        with CaptureQueriesContext(connection) as q:
            got = list(qs.all())
        for _ in range(3):
            list(qs.all())
        samples = []
        for _ in range(runs):
            t = time.perf_counter()
            list(qs.all())
            samples.append(time.perf_counter() - t)
        qq = statistics.quantiles(samples, n=100, method="inclusive")
        out["queries"][label] = {
            "median_ms": statistics.median(samples) * 1e3,
            "p95_ms": qq[94] * 1e3,
            "rows": len(got),
            "sql": q.captured_queries[0]["sql"],
            "plan": qs.explain(analyze=True, buffers=True) if pg else qs.explain(),
        }
    print("> " + json.dumps(out, default=str), flush=True)


def serve(hello: dict[str, Any], handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]]) -> None:
    """Answer case_open.py's commands: one JSON line in on stdin, one "> JSON" line out on stdout."""
    print("> " + json.dumps(hello), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["op"] == "quit":
            break
        print("> " + json.dumps(handlers[cmd["op"]](cmd)), flush=True)


if __name__ == "__main__":
    main()
