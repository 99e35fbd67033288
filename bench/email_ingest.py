"""Benchmark: e-mail intake, messages per second through the whole path (store, parse, thread, case write).

    .venv/bin/python bench/email_ingest.py [--messages 300] [--pipe 20] [--profile 100] [--batch 100] [--rounds 5]
                                           [--warmup 50] [--db sqlite,pg] [--no-peer] [--seed 14]

Per database (an SQLite file in a new temporary directory; PostgreSQL ``bench_email_ingest_<pid>_<random>``,
created and dropped here), a worker process (this script with ``--worker``) migrates, loads the five
presets with their demos (``casedesk preset load --all --demo``, as ``make run`` does) and builds a
deterministic stream of raw messages with the stdlib ``email`` package (seeded ``random``), written as
the demo customers' mail programs would send them:

* new cases from the demo desks' known contacts, to their desk's address: the PLM contacts to their
  country's address (``Queue.email`` of the preset; Iceland shares support@plmgroup.no, Lithuania has none
  and writes there too), one in ten to another PLM country's address (the contact routes, not the
  address, POLICIES 0.5); the other desks, whose presets state no address, at the demo's
  ``support@<desk>.example.com`` (``casedesk.mail.addresses.add_examples``; made here as ``InboundAddress``
  rows when the demo made none); some copy a colleague (the case's CC);
  PTC's ask a severity (``Severity: S3``), since PTC logs none without;
* replies by the requester threaded by ``In-Reply-To``/``References`` to a case opened earlier in the stream,
  quoting it (``On ... wrote:`` and ``>`` lines, folded away by the intake);
* some with one 50-200 KB attachment (PDF, PNG, ZIP, SLDASM, random bytes), some HTML (multipart/alternative,
  a few HTML only), a few out-of-office auto-replies (``Auto-Submitted: auto-replied``) to a case.

Messages are spaced 20 s apart in ``received_at`` (``accept(..., at=)``), ending now, as a busy desk gets
them, so the per-sender loop guard (20 per 10 minutes) sees a realistic rate.

Measured, in the same run:

(a) ``casedesk.mail.intake.accept(raw, recipient, source="smtp", at=...)`` in the worker process, one call at
    a time (perf_counter, gc on), after ``--warmup`` untimed messages: messages per second (wall), per
    CPU-second of the process (``time.process_time``) and, on PostgreSQL, of the process plus its server
    backend (``/proc/<pg_backend_pid>/stat``: the server runs on this machine), median / p95 ms per message
    and per kind. "Per core" in the verdict is per CPU-second: on a loaded machine the wall figure mostly
    measures the other processes. The outcomes are counted (case, comment, ignored automatic; any
    quarantine is shown with its reason). Thin wrappers time the groups of (c) during this run.
(b) ``casedesk mail-in --to ADDRESS`` as a process per message, the message on stdin (an MTA's pipe
    transport), ``--pipe`` messages one after the other: wall and CPU seconds per process (``os.wait4``),
    and the same for a message delivered before (process start, Django setup and the store's look-up only).
(c) where the time goes: during (a), perf_counter wrappers around the functions ``accept`` and ``_handle``
    call, by name in their calling module (``intake.store``, ``intake.parse``, ``intake.route``,
    ``intake.identify``, ``intake.find_case``, the checks, ``writing.new_case``/``comment``), around
    ``connection.commit`` and the driver's execute: wall ms, SQL statements and SQL ms per group (store /
    parse / route+sender+thread / checks / case write / commit / rest). Then cProfile over ``--profile``
    more messages of the mix: each group's top cumulative entries inside casedesk (from pstats' call
    graph), the heaviest own time outside casedesk, and SQL statements per message by kind.
(d) peers: django-helpdesk's own e-mail import (its local-mailbox path: ``force_str`` of the file and
    ``helpdesk.email.extract_email_metadata``, which parses, threads by In-Reply-To or the subject's
    ``[queue-id]``, writes the Ticket/FollowUp, saves attachments and renders its acknowledgement e-mail to
    Django's locmem outbox), on the same messages, in its own venv (bench/_peers, made by case_open.py's
    ``ensure_peer``) and its own database; and the floor: the stdlib parser (``message_from_bytes`` with
    ``policy.default``, every leaf part decoded) plus one INSERT of the message and a commit.
    The casedesk, helpdesk and floor runs alternate in ``--rounds`` chunks so machine noise hits all alike.
(e) ``casedesk.mail.intake.accept_many`` (``casedesk mail-batch``'s path: each message stored and committed on
    its own, processed 20 per transaction) over ``--batch`` more messages of the mix, received now: messages per
    CPU-second of the process (and of its PostgreSQL backend) and per second of wall.

Budget (DESIGN.md, issue 14): at least 500 messages per second per core through the intake function.
Informational: the exit code is 0 regardless.
"""

from __future__ import annotations

import argparse
import cProfile
import email
import email.policy
import json
import os
import platform
import pstats
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

ROOT = Path(__file__).resolve().parent.parent
TARGET = 500.0  # messages per second per core (DESIGN.md)
SPACING_S = 20  # received_at between two messages
CASEDESK = ROOT / ".venv" / "bin" / "casedesk"
OTHER_DESK_ADDRESS = "support@{slug}.example.com"
DESK_SHARE = {"plm-group": 0.30, "mastercam": 0.25, "dytron": 0.10, "solidxperts": 0.15, "ptc": 0.20}
# The mix (shares of the stream).
REPLY_SHARE = 0.40
AUTO_SHARE = 0.04
ATTACH_SHARE = 0.12
HTML_SHARE = 0.25  # of which HTML_ONLY_SHARE carry no text part
HTML_ONLY_SHARE = 0.2
CC_SHARE = 0.15
FILES = (("log-{n}.zip", "application/zip"), ("screenshot-{n}.png", "image/png"),
         ("report-{n}.pdf", "application/pdf"), ("assembly-{n}.sldasm", "application/octet-stream"))  # fmt: skip
KINDS = ("new case", "reply", "with attachment", "HTML", "auto-reply")
NAMES = {"sqlite": "SQLite", "pg": "PostgreSQL"}


# -- the message stream (built in the casedesk worker, from the demo's contacts) ---------------------


@dataclass
class Mail:
    raw: bytes
    recipient: str
    kinds: list[str] = field(default_factory=list)
    message_id: str = ""


@dataclass
class Thread:
    subject: str
    sender: str
    name: str
    recipient: str
    ids: list[str]
    quoted: str


BODY = (
    "Hello,\n\n{problem}\n\nWhat we tried so far:\n- restarted the workstation and the licence service\n"
    "- repaired the installation from the control panel\n- opened the same file on a second machine: "
    "same result\n\nThe problem started after last week's update. Two designers are blocked and we have "
    "a delivery on Friday.\n\n{fields}Best regards,\n{name}\n{company}\n"
)
REPLY = "Hi,\n\n{line}\n\nRegards,\n{name}\n\nOn {date}, {name} <{sender}> wrote:\n{quoted}\n"
REPLY_LINES = (
    "Thanks. I installed the hotfix and the crash is gone on two of three machines; the third still shows it.",
    "Here is the log you asked for. The error appears right after the licence check.",
    "We can reproduce it every time with the attached file. Can someone call me this afternoon?",
    "It happened again this morning, same message as before.",
    "Yes, the service pack is SP2.0 on all workstations. Graphics driver updated yesterday.",
)
OOO = "I am out of the office until Monday with limited access to e-mail. For urgent matters call our switchboard."


def build_stream(total: int, seed: int, now: datetime) -> tuple[list[Mail], list[datetime], dict[str, Any]]:
    """`total` messages from the demo contacts, in order; their received_at; a description of the mix."""
    from casedesk.accounts.models import Contact
    from casedesk.demo.catalogue import CATALOGUE
    from casedesk.desks.models import Desk, Queue
    from casedesk.mail.models import InboundAddress

    rnd = random.Random(seed)
    desks = {d.slug: d for d in Desk.objects.all()}
    plm_queues = dict(Queue.objects.filter(desk__slug="plm-group").exclude(email="").values_list("key", "email"))
    plm_default = plm_queues.get("NO", next(iter(plm_queues.values()), ""))
    senders: dict[str, list[tuple[str, str, str, str, list[str]]]] = {}  # desk -> (address, name, company, to, team)
    for slug, desk in desks.items():
        contacts = list(
            Contact.objects.filter(company__desk=desk, company__unverified_senders__isnull=True)
            .select_related("company")
            .order_by("pk")
        )
        if slug == "plm-group":
            to_of = {c.pk: plm_queues.get(c.company.country, plm_default) for c in contacts}
        else:
            address = InboundAddress.objects.filter(desk=desk).values_list("address", flat=True).first()
            to_of = {c.pk: address for c in contacts}
        senders[slug] = [
            (c.email, c.name, c.company.name, to_of[c.pk], [x.email for x in contacts if x.company_id == c.company_id])
            for c in contacts
            if to_of[c.pk]
        ]
    slugs = [s for s in DESK_SHARE if senders.get(s)]
    weights = [DESK_SHARE[s] for s in slugs]
    mails: list[Mail] = []
    open_threads: list[Thread] = []
    start = now - timedelta(seconds=SPACING_S * total)
    times = [start + timedelta(seconds=SPACING_S * i) for i in range(total)]
    domains = {slug: (CATALOGUE[slug].domain if slug in CATALOGUE else "example.com") for slug in desks}
    for i in range(total):
        at = times[i]
        r = rnd.random()
        slug = rnd.choices(slugs, weights)[0]
        msg = EmailMessage()
        kinds: list[str] = []
        mid = f"<bench.{seed}.{i}.{rnd.randrange(16**8):08x}@mail{i % 7}.bench.test>"
        if open_threads and r < AUTO_SHARE:
            t = rnd.choice(open_threads)
            kinds.append("auto-reply")
            msg["From"] = f"{t.name} <{t.sender}>"
            msg["To"] = t.recipient
            msg["Subject"] = f"Automatic reply: {t.subject}"
            msg["Auto-Submitted"] = "auto-replied"
            msg["X-Autoreply"] = "yes"
            msg["In-Reply-To"] = t.ids[-1]
            msg["References"] = t.ids[-1]
            msg.set_content(OOO)
            to = t.recipient
        elif open_threads and r < AUTO_SHARE + REPLY_SHARE:
            t = rnd.choice(open_threads[-200:])  # a case opened recently
            kinds.append("reply")
            msg["From"] = f"{t.name} <{t.sender}>"
            msg["To"] = t.recipient
            msg["Subject"] = f"Re: {t.subject}"
            msg["In-Reply-To"] = t.ids[-1]
            msg["References"] = " ".join(t.ids[-5:])
            line = rnd.choice(REPLY_LINES)
            text = REPLY.format(line=line, name=t.name, sender=t.sender, date=format_datetime(at), quoted=t.quoted)
            t.ids.append(mid)
            t.quoted = "\n".join("> " + x for x in text.splitlines()[:12])
            _body(msg, text, rnd, kinds)
            to = t.recipient
        else:
            address, name, company, to, team = rnd.choice(senders[slug])
            kinds.append("new case")
            subjects = CATALOGUE[slug].subjects if slug in CATALOGUE else ()
            subject = rnd.choice(subjects).text if subjects else "Assembly crashes on open"
            if slug == "plm-group" and rnd.random() < 0.1:  # a known customer at another country's address
                to = rnd.choice(sorted(set(plm_queues.values())))
            msg["From"] = f"{name} <{address}>"
            msg["To"] = to
            colleagues = [x for x in team if x != address]
            if colleagues and rnd.random() < CC_SHARE:
                msg["Cc"] = rnd.choice(colleagues)
            msg["Subject"] = subject
            fields = "Product version: 2025\nService pack: SP2.0\n" if rnd.random() < 0.5 else ""
            if slug == "ptc":
                fields += f"Severity: {rnd.choice(('S1', 'S2', 'S3', 'S3'))}\n"
            fields = fields + "\n" if fields else ""
            problem = f"{subject}. It happens every time since Monday; the error message is attached below."
            text = BODY.format(problem=problem, fields=fields, name=name, company=company)
            _body(msg, text, rnd, kinds)
            open_threads.append(
                Thread(subject, address, name, to, [mid], "\n".join("> " + x for x in text.splitlines()[:12]))
            )
            if len(open_threads) > 2000:
                del open_threads[:1000]
        msg["Date"] = format_datetime(at)
        msg["Message-ID"] = mid
        msg["X-Mailer"] = f"Bench Mail {1 + i % 3}.0"
        if rnd.random() < ATTACH_SHARE and "auto-reply" not in kinds:
            fname, ctype = rnd.choice(FILES)
            size = rnd.randint(50_000, 200_000)
            maintype, subtype = ctype.split("/")
            msg.add_attachment(rnd.randbytes(size), maintype=maintype, subtype=subtype, filename=fname.format(n=i))
            kinds.append("with attachment")
        raw = msg.as_bytes()
        if slug == "plm-group" and b"Received:" not in raw[:200]:  # the MTA's trace header, as delivered
            raw = f"Received: from mx.{domains[slug]} by mail.bench.test; {format_datetime(at)}\n".encode() + raw
        mails.append(Mail(raw, to, kinds, mid))
    mix = Counter(k for m in mails for k in m.kinds)
    mix["CC"] = sum(1 for m in mails if b"\nCc: " in m.raw.split(b"\n\n", 1)[0])
    mix["HTML only"] = sum(1 for m in mails if "HTML" in m.kinds and b"text/plain" not in m.raw)
    return mails, times, dict(mix)


def _body(msg: EmailMessage, text: str, rnd: random.Random, kinds: list[str]) -> None:
    """Plain text, or HTML with (mostly) a plain-text alternative, as mail programs send it."""
    if rnd.random() >= HTML_SHARE:
        msg.set_content(text)
        return
    kinds.append("HTML")
    paragraphs = "".join(f"<p>{_esc(p).replace(chr(10), '<br>')}</p>" for p in text.split("\n\n"))
    html = f'<html><head><style>p{{margin:0}}</style></head><body><div dir="ltr">{paragraphs}</div></body></html>'
    if rnd.random() < HTML_ONLY_SHARE:
        msg.set_content(html, subtype="html")
    else:
        msg.set_content(text)
        msg.add_alternative(html, subtype="html")


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- the casedesk side (runs in a subprocess: python bench/email_ingest.py --worker) ------------------


def worker(args: argparse.Namespace) -> None:
    import django

    django.setup()

    import io

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from casedesk.desks.models import Desk
    from casedesk.mail import intake
    from casedesk.mail.intake import accept
    from casedesk.mail.models import InboundAddress, InboundMessage

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("preset", "load", "--all", "--demo", stdout=io.StringIO())
    made = []
    for desk in Desk.objects.exclude(slug="plm-group").order_by("slug"):
        if not InboundAddress.objects.filter(desk=desk).exists():
            address = OTHER_DESK_ADDRESS.format(slug=desk.slug)
            InboundAddress.objects.create(address=address, desk=desk, note="bench: as a manager adds it")
            made.append(address)
    setup_s = time.perf_counter() - t0
    total = args.warmup + args.messages + args.profile + args.pipe + args.batch
    t0 = time.perf_counter()
    mails, times, mix = build_stream(total, args.seed, timezone.now())
    build_s = time.perf_counter() - t0
    out = Path(args.mail_dir)
    out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for i, m in enumerate(mails):
        name = f"{i:06d}.eml"
        (out / name).write_bytes(m.raw)
        manifest.append({"file": name, "to": m.recipient, "kinds": m.kinds, "id": m.message_id})
    (out / "manifest.json").write_text(json.dumps(manifest))
    addresses = sorted({m.recipient for m in mails})

    from casedesk.mail import writing

    phases = Phases({"intake": intake, "writing": writing}, connection)
    timed_n = [0]

    def backend_cpu() -> float:
        """CPU seconds of this connection's PostgreSQL backend process so far (same machine), else 0."""
        if connection.vendor != "postgresql":
            return 0.0
        connection.ensure_connection()
        if not hasattr(connection, "_bench_pid"):
            with connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                connection._bench_pid = cur.fetchone()[0]  # type: ignore[attr-defined]
        try:
            stat = Path(f"/proc/{connection._bench_pid}/stat").read_text()  # type: ignore[attr-defined]
            fields = stat.rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def timed(lo: int, hi: int, measure: bool = True) -> dict[str, Any]:
        samples, kinds = [], []
        server = backend_cpu()
        cpu = time.process_time()
        with phases:
            for i in range(lo, hi):
                m = mails[i]
                t = time.perf_counter()
                accept(m.raw, m.recipient, source="smtp", at=times[i])
                samples.append(time.perf_counter() - t)
                kinds.append(m.kinds)
        cpu = time.process_time() - cpu
        server = backend_cpu() - server
        if not measure:
            phases.reset()
            return {}
        timed_n[0] += hi - lo
        return {"samples": samples, "kinds": kinds, "cpu_s": cpu, "server_cpu_s": server}

    def phase_totals() -> dict[str, Any]:
        return {"n": timed_n[0], "time": dict(phases.time), "sql_s": dict(phases.sql_s), "sql_n": dict(phases.sql_n)}

    def outcomes(lo: int, hi: int) -> dict[str, Any]:
        ids = [mails[i].message_id for i in range(lo, hi)]
        rows = InboundMessage.objects.filter(message_id__in=ids).values_list("outcome", "reason")
        got = Counter(o for o, _ in rows)
        reasons = Counter(r[:160] for o, r in rows if o == InboundMessage.Outcome.QUARANTINED)
        return {"outcomes": dict(got), "stored": len(rows), "quarantine_reasons": reasons.most_common(5)}

    floor_table = "bench_floor_mail"
    with connection.cursor() as cur:
        blob = "bytea" if connection.vendor == "postgresql" else "BLOB"
        key = "bigserial PRIMARY KEY" if connection.vendor == "postgresql" else "INTEGER PRIMARY KEY AUTOINCREMENT"
        cur.execute(
            f"CREATE TABLE {floor_table} (id {key}, message_id varchar(250), sender varchar(320), "
            f"subject varchar(300), body text, received_at timestamp with time zone, raw {blob})"
        )

    def floor(lo: int, hi: int) -> dict[str, Any]:
        """The bare cost: stdlib parse (every leaf decoded) + one INSERT + commit per message."""
        samples = []
        cpu = time.process_time()
        cols = "message_id, sender, subject, body, received_at, raw"
        sql = f"INSERT INTO {floor_table} ({cols}) VALUES (%s, %s, %s, %s, %s, %s)"
        for i in range(lo, hi):
            raw = mails[i].raw
            t = time.perf_counter()
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            body = ""
            for part in msg.walk():
                if part.is_multipart():
                    continue
                data = part.get_payload(decode=True) or b""
                if not body and part.get_content_type() == "text/plain":
                    body = data.decode(part.get_content_charset() or "utf-8", "replace")
            sender = msg.get("from", "")
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(sql, [str(msg.get("message-id", "")), str(sender)[:320], str(msg.get("subject", ""))[:300],
                                  body, times[i], raw])  # fmt: skip
            samples.append(time.perf_counter() - t)
        return {"samples": samples, "cpu_s": time.process_time() - cpu}

    def profile(lo: int, hi: int) -> dict[str, Any]:
        return profile_accept(mails[lo:hi], times[lo:hi], accept, connection)

    def batch(lo: int, hi: int) -> dict[str, Any]:
        """accept_many (casedesk mail-batch's path): each stored and committed, processed 20 per transaction."""
        accept_many = getattr(intake, "accept_many", None)
        if accept_many is None:  # not in this version of the intake
            return {}
        server = backend_cpu()
        cpu, t = time.process_time(), time.perf_counter()
        got = Counter(r.outcome for r in accept_many(((mails[i].raw, mails[i].recipient) for i in range(lo, hi)),
                                                     source="file"))  # fmt: skip
        wall, cpu = time.perf_counter() - t, time.process_time() - cpu
        return {"n": hi - lo, "wall_s": wall, "cpu_s": cpu, "server_cpu_s": backend_cpu() - server,
                "outcomes": dict(got)}  # fmt: skip

    hello = {
        "vendor": connection.vendor,
        "setup_s": setup_s,
        "build_s": build_s,
        "messages": total,
        "mix": mix,
        "bytes": sum(len(m.raw) for m in mails),
        "addresses": addresses,
        "made_addresses": made,
        "manifest": str(out / "manifest.json"),
    }
    from case_open import serve

    serve(
        hello,
        {
            "run": lambda cmd: timed(cmd["lo"], cmd["hi"], cmd.get("measure", True)),
            "phases": lambda cmd: phase_totals(),
            "floor": lambda cmd: floor(cmd["lo"], cmd["hi"]),
            "outcomes": lambda cmd: outcomes(cmd["lo"], cmd["hi"]),
            "profile": lambda cmd: profile(cmd["lo"], cmd["hi"]),
            "batch": lambda cmd: batch(cmd["lo"], cmd["hi"]),
        },
    )
    connection.close()


# Where the time goes. Each group is a set of functions _handle (or accept) calls, wrapped by name in the
# module that calls them: (module, attribute). The rest of accept (row lock, outcome save, ThreadRef) is "rest".
GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("store", (("intake", "store"),)),
    ("parse", (("intake", "parse"),)),
    ("route + sender + thread", (("intake", "route"), ("intake", "identify"), ("intake", "find_case"))),
    (
        "checks",
        (
            ("intake", "version_in_force"),
            ("intake", "preset_of"),
            ("intake", "automatic_reason"),
            ("intake", "over_limit"),
            ("intake", "_same_message_on_desk"),
            ("intake", "_recent_and_first"),
            ("intake", "from_a_desk_address"),
        ),
    ),
    ("case write", (("writing", "new_case"), ("writing", "comment"))),
)
GROUP_NOTES = {
    "store": "raw bytes: Message-ID, fingerprint, look-up, INSERT (its commit below)",
    "parse": "stdlib parser, charset decoding, nh3 on HTML, files",
    "route + sender + thread": "address -> desk/queue, contact/staff/contract, In-Reply-To -> case",
    "checks": "policy version in force, auto-reply headers, own-address loop, loop guard, same message on the desk",
    "case write": "services.open_case / customer_reply (+ request_info, CC): events, SLA, files",
    "commit": "the store's transaction and the processing's",
    "rest": "row lock (select_for_update), raw bytes read, outcome save, ThreadRef, savepoints, glue",
}
FILE_OF = {
    "store": "mail/store.py",
    "parse": "mail/parsing.py",
    "route": "mail/routing.py",
    "identify": "mail/senders.py",
    "find_case": "mail/threads.py",
    "version_in_force": "desks/policies.py",
    "preset_of": "desks/policies.py",
    "automatic_reason": "mail/noise.py",
    "over_limit": "mail/noise.py",
    "_same_message_on_desk": "mail/intake.py",
    "_recent_and_first": "mail/intake.py",
    "from_a_desk_address": "mail/noise.py",
    "new_case": "mail/writing.py",
    "comment": "mail/writing.py",
}


class Phases:
    """Wall time and SQL (statements, time inside the driver's execute) per group of the intake, by thin
    perf_counter wrappers around the grouped functions, connection.commit and the driver's execute
    (a few microseconds per message, well under 1% of it)."""

    def __init__(self, modules: dict[str, Any], connection: Any) -> None:
        self.modules, self.connection = modules, connection
        self.time: Counter[str] = Counter()
        self.sql_s: Counter[str] = Counter()
        self.sql_n: Counter[str] = Counter()
        self.current = "rest"
        self._saved: list[tuple[Any, str, Any]] = []
        self._wrapper: Any = None

    def reset(self) -> None:
        self.time.clear()
        self.sql_s.clear()
        self.sql_n.clear()

    def _wrap(self, group: str, fn: Any) -> Any:
        def timed(*a: Any, **kw: Any) -> Any:
            outer, self.current = self.current, group
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                self.time[group] += time.perf_counter() - t
                self.current = outer

        return timed

    def __enter__(self) -> Phases:
        for group, funcs in GROUPS:
            for module, attr in funcs:
                mod = self.modules[module]
                fn = getattr(mod, attr, None)
                if fn is None:  # not in this version of the intake
                    continue
                self._saved.append((mod, attr, fn))
                setattr(mod, attr, self._wrap(group, fn))
        real_commit = self.connection.commit

        def commit() -> None:
            t = time.perf_counter()
            try:
                real_commit()
            finally:
                took = time.perf_counter() - t
                self.time["commit"] += took
                if self.current != "rest":  # the store's commit: counted in store's wrapper too
                    self.time[self.current] -= took

        self.connection.commit = commit

        def execute(run: Any, statement: Any, params: Any, many: Any, context: Any) -> Any:
            t = time.perf_counter()
            try:
                return run(statement, params, many, context)
            finally:
                self.sql_s[self.current] += time.perf_counter() - t
                self.sql_n[self.current] += 1

        self._wrapper = self.connection.execute_wrapper(execute)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._wrapper.__exit__(None, None, None)
        del self.connection.commit
        for mod, attr, fn in reversed(self._saved):
            setattr(mod, attr, fn)
        self._saved.clear()


def profile_accept(mails: list[Mail], times: list[datetime], accept: Any, connection: Any) -> dict[str, Any]:
    """cProfile of accept over the messages: its top cumulative entries inside casedesk, under the group
    whose functions call them (call graph from pstats' callers), and the heaviest own time outside casedesk."""
    sql_by_kind: dict[str, list[int]] = {}
    count = [0]

    def counting(run: Any, statement: Any, params: Any, many: Any, context: Any) -> Any:
        count[0] += 1
        return run(statement, params, many, context)

    prof = cProfile.Profile()
    with connection.execute_wrapper(counting):
        t0 = time.perf_counter()
        for m, at in zip(mails, times, strict=True):
            before = count[0]
            prof.enable()
            accept(m.raw, m.recipient, source="smtp", at=at)
            prof.disable()
            sql_by_kind.setdefault(m.kinds[0], []).append(count[0] - before)
        wall = time.perf_counter() - t0
    n = len(mails)
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    pkg = str(ROOT / "casedesk") + os.sep
    callees: dict[Any, set[Any]] = {}
    for k, v in stats.items():
        for caller in v[4]:
            callees.setdefault(caller, set()).add(k)

    def keys(file: str, func: str) -> list[Any]:
        return [k for k in stats if k[0].endswith(os.sep + file) and k[2] == func]

    total = sum(stats[k][3] for k in keys("mail/intake.py", "accept"))
    handle = {k for f in ("accept", "_handle", "_deliver") for k in keys("mail/intake.py", f)}
    groups = []
    for group, funcs in GROUPS:
        roots = {k for _, attr in funcs for k in keys(FILE_OF[attr], attr)}
        # The roots' time when called from the intake (version_in_force is also called by the services).
        root_ms = sum(
            ct for r in roots for c, (_n, _c, _t, ct) in stats[r][4].items() if c in handle or c[0] == __file__
        )
        inside, todo = set(roots), list(roots)
        while todo:
            for k in callees.get(todo.pop(), ()):
                if k not in inside and k[0].startswith(pkg):  # casedesk to casedesk: shared Django and
                    # builtin nodes (next, join, the ORM) would lead into every other group
                    inside.add(k)
                    todo.append(k)
        entries = []
        for k in inside - roots:
            if not k[0].startswith(pkg):
                continue
            ct = sum(c_ct for c, (_n, _c, _t, c_ct) in stats[k][4].items() if c in inside)
            nc = sum(c_n for c, (c_n, _c, _t, _ct) in stats[k][4].items() if c in inside)
            entries.append((ct, nc, k))
        entries.sort(reverse=True)
        top = [{"where": f"{Path(k[0]).relative_to(ROOT)}:{k[1]}({k[2]})", "calls": nc / n, "cum_ms": ct / n * 1e3}
               for ct, nc, k in entries[:5]]  # fmt: skip
        groups.append({"group": group, "cum_ms": root_ms / n * 1e3, "top": top})
    others = [(k, v) for k, v in stats.items() if not k[0].startswith(pkg)]
    others.sort(key=lambda kv: kv[1][2], reverse=True)
    own = []
    for (filename, line, func), (_cc, nc, tt, ct, _callers) in others[:10]:
        short = filename
        for marker in ("site-packages/", "lib/python3.11/"):
            if marker in filename:
                short = filename.split(marker, 1)[1]
                break
        own.append(
            {"where": f"{short}:{line}({func})", "calls": nc / n, "own_ms": tt / n * 1e3, "cum_ms": ct / n * 1e3}
        )
    return {
        "n": n,
        "wall_ms": wall / n * 1e3,
        "total_ms": total / n * 1e3,
        "groups": groups,
        "own": own,
        "sql_by_kind": {k: statistics.median(v) for k, v in sql_by_kind.items()},
    }


# -- the django-helpdesk side (runs in its own venv: python bench/email_ingest.py --helpdesk-worker) -----


def helpdesk_worker(args: argparse.Namespace) -> None:
    import helpdesk_peer

    helpdesk_peer.write_project()
    sys.path.insert(0, str(helpdesk_peer.PROJECT))
    where = argparse.Namespace(sqlite=args.sqlite, pg_name=args.pg_name, pg_host=args.pg_host,
                               pg_port=args.pg_port, pg_user="postgres")  # fmt: skip
    os.environ["DJANGO_SETTINGS_MODULE"] = "hdbench_settings"
    os.environ["HDBENCH_DATABASE"] = json.dumps(helpdesk_peer.database(where))
    os.environ["HDBENCH_MEDIA"] = args.media
    import logging

    import django

    django.setup()
    from importlib.metadata import version

    from django.core import mail
    from django.core.management import call_command
    from django.utils import encoding
    from helpdesk.email import extract_email_metadata
    from helpdesk.exceptions import DeleteIgnoredTicketException, IgnoreTicketException
    from helpdesk.models import FollowUp, Queue, Ticket

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("loaddata", "emailtemplate", verbosity=0)
    setup_s = time.perf_counter() - t0
    manifest = json.loads(Path(args.manifest).read_text())
    folder = Path(args.manifest).parent
    queues = {}
    for address in sorted({m["to"] for m in manifest}):
        slug = address.split("@")[1].replace(".", "-")[:50]
        queues[address] = Queue.objects.create(
            title=address, slug=slug, email_address=address, email_box_type="local",
            email_box_local_dir=str(folder), allow_email_submission=True,
        )  # fmt: skip
    logger = logging.getLogger("helpdesk.bench")
    logger.setLevel(logging.WARNING)

    def run(lo: int, hi: int) -> dict[str, Any]:
        samples = []
        ignored = 0
        cpu = time.process_time()
        for m in manifest[lo:hi]:
            data = (folder / m["file"]).read_bytes()
            t = time.perf_counter()
            try:  # as its process_queue reads a local mailbox file
                extract_email_metadata(message=encoding.force_str(data, errors="replace"), queue=queues[m["to"]],
                                       logger=logger)  # fmt: skip
            except (IgnoreTicketException, DeleteIgnoredTicketException):
                ignored += 1
            samples.append(time.perf_counter() - t)
            mail.outbox.clear()
        return {"samples": samples, "ignored": ignored, "cpu_s": time.process_time() - cpu}

    def counts(cmd: dict[str, Any]) -> dict[str, Any]:
        return {"tickets": Ticket.objects.count(), "followups": FollowUp.objects.count()}

    from case_open import serve

    serve(
        {"version": version("django-helpdesk"), "django": django.get_version(), "setup_s": setup_s},
        {"run": lambda cmd: run(cmd["lo"], cmd["hi"]), "counts": counts},
    )


# -- orchestration ----------------------------------------------------------------------------------------


def pipe_in(env: dict[str, str], mail_dir: Path, manifest: list[dict[str, Any]], lo: int, hi: int) -> dict[str, Any]:
    """`casedesk mail-in --to ADDRESS` per message, one after the other: wall and CPU seconds of each."""
    walls, cpus, failed = [], [], []
    for m in manifest[lo:hi]:
        data = (mail_dir / m["file"]).read_bytes()
        t = time.perf_counter()
        proc = subprocess.Popen(
            [str(CASEDESK), "mail-in", "--to", m["to"]], env=env, cwd=ROOT,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        try:
            proc.stdin.write(data)
            proc.stdin.close()
        except BrokenPipeError:  # it exited before reading the message: its stderr says why
            pass
        stdout, stderr = proc.stdout.read(), proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        walls.append(time.perf_counter() - t)
        cpus.append(usage.ru_utime + usage.ru_stime)
        if proc.returncode:
            failed.append(f"{m['file']}: exit {proc.returncode}: {(stderr or stdout).decode()[-300:]}")
    return {"walls": walls, "cpus": cpus, "failed": failed}


def measure(db: str, args: argparse.Namespace, peer: str | None, errors: list[str]) -> dict[str, Any] | None:
    from case_open import PEER_PY, Child
    from population import PG_HOST, PG_PORT, BenchDatabase, pg_admin, pg_drop, unique_name

    res: dict[str, Any] = {}
    children: dict[str, Child] = {}
    bench_db = None
    hd_pg = None
    try:
        bench_db = BenchDatabase(db, "email_ingest")
        mail_dir = Path(bench_db.var) / "mail"
        env = bench_db.env()
        env["CASEDESK_DEBUG"] = "0"
        me = [sys.executable, str(Path(__file__).resolve()), "--worker", "--mail-dir", str(mail_dir)]
        me += ["--messages", str(args.messages), "--warmup", str(args.warmup), "--profile", str(args.profile)]
        me += ["--pipe", str(args.pipe), "--batch", str(args.batch), "--seed", str(args.seed)]
        children["casedesk"] = cd = Child("casedesk", me, env)
        hello = cd.read()
        res["hello"] = hello
        print(f"  casedesk: migrate + presets with demos {hello['setup_s']:.1f} s; {hello['messages']:,} messages "
              f"({hello['bytes'] / 1e6:.1f} MB) built in {hello['build_s']:.1f} s", flush=True)  # fmt: skip
        if peer:
            if db == "pg":
                hd_pg = unique_name("email_ingest_hd")
                pg_admin(f'CREATE DATABASE "{hd_pg}"')
                where = ["--pg-name", hd_pg, "--pg-host", PG_HOST, "--pg-port", str(PG_PORT)]
            else:
                where = ["--sqlite", str(Path(bench_db.var) / "helpdesk.sqlite3")]
            media = Path(bench_db.var) / "helpdesk-media"
            cmd = [str(PEER_PY), str(Path(__file__).resolve()), "--helpdesk-worker", "--manifest", hello["manifest"]]
            cmd += ["--media", str(media), *where]
            base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
            try:
                children["helpdesk"] = Child("django-helpdesk", cmd, base)
                res["hd_hello"] = children["helpdesk"].read()
            except RuntimeError as e:
                errors.append(f"django-helpdesk on {db}: {e}")
                children.pop("helpdesk", None)
        w, n = args.warmup, args.messages
        cd.ask("run", lo=0, hi=w, measure=False)
        if "helpdesk" in children:
            children["helpdesk"].ask("run", lo=0, hi=w)
        cd.ask("floor", lo=0, hi=w)
        runs: dict[str, dict[str, Any]] = {"casedesk": {"samples": [], "kinds": [], "cpu_s": 0.0, "server_cpu_s": 0.0}}
        runs["floor"] = {"samples": [], "cpu_s": 0.0}
        if "helpdesk" in children:
            runs["helpdesk"] = {"samples": [], "ignored": 0, "cpu_s": 0.0}
        bounds = [w + n * i // args.rounds for i in range(args.rounds + 1)]
        sides = list(runs)
        for i in range(args.rounds):
            lo, hi = bounds[i], bounds[i + 1]
            for side in sides[i % len(sides) :] + sides[: i % len(sides)]:
                got = (children["helpdesk"] if side == "helpdesk" else cd).ask("floor" if side == "floor" else "run",
                                                                                lo=lo, hi=hi)  # fmt: skip
                for k, v in got.items():
                    runs[side][k] = runs[side][k] + v
        res["runs"] = runs
        res["outcomes"] = cd.ask("outcomes", lo=w, hi=w + n)
        res["phases"] = cd.ask("phases")
        if "helpdesk" in children:
            res["hd_counts"] = children["helpdesk"].ask("counts")
        print(f"  accept(): {n / sum(runs['casedesk']['samples']):.0f} messages/s; profiling {args.profile} ...",
              flush=True)  # fmt: skip
        if args.profile:
            res["profile"] = cd.ask("profile", lo=w + n, hi=w + n + args.profile)
        if args.batch:
            lo = w + n + args.profile + args.pipe
            print(f"  accept_many(): {args.batch} messages ...", flush=True)
            res["batch"] = cd.ask("batch", lo=lo, hi=lo + args.batch)
        if args.pipe:
            manifest = json.loads(Path(hello["manifest"]).read_text())
            lo = w + n + args.profile
            print(f"  casedesk mail-in: {args.pipe} processes ...", flush=True)
            res["pipe"] = pipe_in(env, mail_dir, manifest, lo, lo + args.pipe)
            res["pipe_outcomes"] = cd.ask("outcomes", lo=lo, hi=lo + args.pipe)
            again = min(5, args.pipe)
            res["pipe_again"] = pipe_in(env, mail_dir, manifest, lo, lo + again)
        return res
    except Exception as e:
        errors.append(f"on {db}: {type(e).__name__}: {e}")
        return res or None
    finally:
        for child in children.values():
            child.close()
        if hd_pg:
            try:
                pg_drop(hd_pg)
            except Exception as e:
                errors.append(f"could not drop database {hd_pg}: {e}")
        if bench_db is not None:
            try:
                bench_db.drop()
            except Exception as e:
                errors.append(f"could not drop {bench_db.name}: {e}")


def rate(samples: list[float]) -> float:
    return len(samples) / sum(samples) if samples else 0.0


def med_p95(samples: list[float], scale: float = 1e3) -> str:
    if not samples:
        return "-"
    if len(samples) < 2:
        return f"{samples[0] * scale:.2f}"
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return f"{statistics.median(samples) * scale:.2f} / {q[94] * scale:.2f}"


def per_cpu(run: dict[str, Any] | None) -> str:
    return f"{len(run['samples']) / run['cpu_s']:.0f}" if run and run.get("cpu_s") else "-"


def report(results: dict[str, dict[str, Any]], dbs: list[str], args: argparse.Namespace) -> None:
    w = 58

    def line(label: str, cells: list[str]) -> None:
        print(f"  {label:<{w}}" + "".join(c.ljust(20) for c in cells).rstrip())

    def get(db: str, *path: str) -> Any:
        x: Any = results.get(db) or {}
        for p in path:
            x = x.get(p) if isinstance(x, dict) else None
            if x is None:
                return None
        return x

    print()
    line("", [NAMES[d] for d in dbs])
    line(
        "casedesk accept(), one process: messages/s (wall)",
        [f"{rate(get(d, 'runs', 'casedesk', 'samples') or []):.0f}" for d in dbs],
    )
    cpu = []
    for d in dbs:
        r = get(d, "runs", "casedesk")
        cpu.append(f"{len(r['samples']) / r['cpu_s']:.0f}" if r and r["cpu_s"] else "-")
    line("  messages per CPU-second of the Python process", cpu)
    both = []
    for d in dbs:
        r = get(d, "runs", "casedesk")
        both.append(f"{len(r['samples']) / (r['cpu_s'] + r['server_cpu_s']):.0f}" if r and r["server_cpu_s"] else "-")
    line("  per CPU-second of Python + its PostgreSQL backend", both)
    line("  per message, median / p95 ms", [med_p95(get(d, "runs", "casedesk", "samples") or []) for d in dbs])
    cells = []
    for d in dbs:
        b = get(d, "batch")
        if not b or not b.get("n"):
            cells.append("-")
            continue
        cells.append(f"{b['n'] / b['cpu_s']:.0f}" + (f"; {b['n'] / (b['cpu_s'] + b['server_cpu_s']):.0f}"
                                                     if b["server_cpu_s"] else ""))  # fmt: skip
    line(f"  accept_many(), {args.batch} msgs: per CPU-s (+ backend)", cells)
    line("    its messages/s (wall)", [f"{b['n'] / b['wall_s']:.0f}" if (b := get(d, "batch")) and b.get("n") else "-"
                                       for d in dbs])  # fmt: skip
    for kind in KINDS:
        cells = []
        for d in dbs:
            r = get(d, "runs", "casedesk")
            xs = [s for s, k in zip(r["samples"], r["kinds"], strict=True) if kind in k] if r else []
            cells.append(f"{med_p95(xs)} ({len(xs)})" if xs else "-")
        line(f"    {kind}", cells)
    line(
        "casedesk mail-in, a process per message: messages/s",
        [f"{rate(get(d, 'pipe', 'walls') or []):.2f}" for d in dbs],
    )
    line("  per process, wall median / p95 s", [med_p95(get(d, "pipe", "walls") or [], 1) for d in dbs])
    line(
        "  per process, CPU median s (user + sys)",
        [med_p95(get(d, "pipe", "cpus") or [], 1).split(" /")[0] for d in dbs],
    )
    again = []
    for d in dbs:
        walls, cpus = get(d, "pipe_again", "walls"), get(d, "pipe_again", "cpus")
        again.append(f"{statistics.median(walls):.2f} / {statistics.median(cpus):.2f}" if walls else "-")
    line("  delivered before (start + setup + look-up), wall / CPU s", again)
    hd = next((get(d, "hd_hello") for d in dbs if get(d, "hd_hello")), None)
    if hd:
        line(
            f"django-helpdesk {hd['version']} extract_email_metadata: msgs/s",
            [f"{rate(get(d, 'runs', 'helpdesk', 'samples') or []):.0f}" for d in dbs],
        )
        line("  per message, median / p95 ms", [med_p95(get(d, "runs", "helpdesk", "samples") or []) for d in dbs])
        line("  messages per CPU-second of its Python process", [per_cpu(get(d, "runs", "helpdesk")) for d in dbs])
    line(
        "floor: stdlib parse + 1 INSERT + commit: messages/s",
        [f"{rate(get(d, 'runs', 'floor', 'samples') or []):.0f}" for d in dbs],
    )
    line("  per message, median / p95 ms", [med_p95(get(d, "runs", "floor", "samples") or []) for d in dbs])
    line("  messages per CPU-second of the Python process", [per_cpu(get(d, "runs", "floor")) for d in dbs])

    print()
    for d in dbs:
        o = get(d, "outcomes")
        if o:
            print(f"  outcomes of the timed messages ({NAMES[d]}): {dict(sorted(o['outcomes'].items()))}")
            for reason, k in o["quarantine_reasons"]:
                print(f"    quarantined {k}x: {reason}")
        bo = get(d, "batch", "outcomes")
        if bo:
            print(f"  outcomes of the accept_many messages ({NAMES[d]}): {dict(sorted(bo.items()))}")
        po = get(d, "pipe_outcomes")
        if po:
            print(f"  outcomes of the mail-in messages ({NAMES[d]}): {dict(sorted(po['outcomes'].items()))}")
            for reason, k in po["quarantine_reasons"]:
                print(f"    quarantined {k}x: {reason}")
        for f in (get(d, "pipe", "failed") or []) + (get(d, "pipe_again", "failed") or []):
            print(f"    mail-in FAILED {f}")
        c = get(d, "hd_counts")
        if c:
            ign = get(d, "runs", "helpdesk", "ignored")
            print(f"  django-helpdesk ({NAMES[d]}): {c['tickets']} tickets, {c['followups']} follow-ups"
                  f"{f', {ign} ignored' if ign else ''} (warm-up included)")  # fmt: skip

    print()
    print(
        f"target (DESIGN.md): >= {TARGET:g} messages per second per core through the intake function "
        "(per core: per CPU-second of the process, and of its PostgreSQL backend on PostgreSQL)"
    )
    for d in dbs:
        r = get(d, "runs", "casedesk")
        if not r:
            print(f"  {NAMES[d]}: no figure")
            continue
        wall = rate(r["samples"])
        cpu_s = r["cpu_s"] + r["server_cpu_s"]
        per_core = len(r["samples"]) / cpu_s if cpu_s else 0.0
        ok = "PASS" if per_core >= TARGET else "FAIL"
        whose = "Python + PostgreSQL backend" if r["server_cpu_s"] else "the Python process"
        print(
            f"  {NAMES[d]}: {ok}  {per_core:.0f} messages per CPU-second ({whose}), {per_core / TARGET:.2f}x the "
            f"target; {wall:.0f} messages/s wall in one process"
        )

    for d in dbs:
        ph, r = get(d, "phases"), get(d, "runs", "casedesk")
        if not ph or not r or not ph["n"]:
            continue
        n, total = ph["n"], sum(r["samples"])
        print()
        print(
            f"where the time goes, {NAMES[d]}: the {n} timed accept() calls ({total / n * 1e3:.2f} ms per message), "
            "by group (wall ms per message, share, of which SQL inside the driver's execute: ms and statements)"
        )
        rows = [(g, ph["time"].get(g, 0.0)) for g, _ in GROUPS] + [("commit", ph["time"].get("commit", 0.0))]
        rows.append(("rest", total - sum(v for _, v in rows)))
        for g, v in rows:
            sql_s, sql_n = ph["sql_s"].get(g, 0.0), ph["sql_n"].get(g, 0)
            sql = f"SQL {sql_s / n * 1e3:5.2f} ms {sql_n / n:5.1f} st" if g != "commit" else " " * 24
            print(f"  {v / n * 1e3:7.2f} ms {v / total:>4.0%}  {sql}  {g}: {GROUP_NOTES[g]}")
        all_s, all_n = sum(ph["sql_s"].values()), sum(ph["sql_n"].values())
        print(f"  SQL in all: {all_n / n:.1f} statements, {all_s / n * 1e3:.2f} ms per message "
              f"({all_s / total:.0%}); commits {ph['time'].get('commit', 0.0) / n * 1e3:.2f} ms")  # fmt: skip
        p = get(d, "profile")
        if not p:
            continue
        kinds = ", ".join(f"{k} {v:g}" for k, v in sorted(p["sql_by_kind"].items()))
        print(f"  cProfile of accept() over {p['n']} more messages of the mix ({p['total_ms']:.2f} ms per message "
              f"under the profiler; SQL statements per message by kind, median: {kinds}).")  # fmt: skip
        print("  Top cumulative entries inside casedesk per group (ms per message, calls per message):")
        for g in p["groups"]:
            print(f"    {g['group']}: {g['cum_ms']:.2f} ms under the profiler")
            for t in g["top"]:
                print(f"      {t['cum_ms']:7.2f} ms {t['calls']:6.1f}x  {t['where']}")
        print("  heaviest own time outside casedesk (own ms, cum ms, calls per message):")
        for t in p["own"]:
            print(f"      {t['own_ms']:7.2f} ms {t['cum_ms']:7.2f} ms {t['calls']:7.1f}x  {t['where'][-90:]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=300, help="messages timed through accept() (default 300)")
    ap.add_argument("--warmup", type=int, default=50, help="untimed messages first (default 50)")
    ap.add_argument("--profile", type=int, default=100, help="messages under cProfile (default 100; 0 skips)")
    ap.add_argument("--pipe", type=int, default=20, help="messages through casedesk mail-in (default 20; 0 skips)")
    ap.add_argument("--batch", type=int, default=100, help="messages through accept_many (default 100; 0 skips)")
    ap.add_argument("--rounds", type=int, default=5, help="chunks alternating casedesk, helpdesk, floor (default 5)")
    ap.add_argument("--db", default="sqlite,pg", help="sqlite,pg (default both)")
    ap.add_argument("--no-peer", action="store_true", help="no django-helpdesk")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--mail-dir", help=argparse.SUPPRESS)
    ap.add_argument("--helpdesk-worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--manifest", help=argparse.SUPPRESS)
    ap.add_argument("--media", help=argparse.SUPPRESS)
    ap.add_argument("--sqlite", help=argparse.SUPPRESS)
    ap.add_argument("--pg-name", help=argparse.SUPPRESS)
    ap.add_argument("--pg-host", default="127.0.0.1", help=argparse.SUPPRESS)
    ap.add_argument("--pg-port", type=int, default=5432, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args)
        return
    if args.helpdesk_worker:
        helpdesk_worker(args)
        return
    if args.messages < args.rounds or args.rounds < 1:
        ap.error("--messages must be at least --rounds, --rounds at least 1")
    t_begin = time.perf_counter()

    import django
    from case_open import ensure_peer, pg_reason_to_skip
    from population import PG_HOST, PG_PORT, pg_admin

    print("E-mail intake: messages per second through casedesk.mail.intake.accept and `casedesk mail-in`")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"python {platform.python_version()}, Django {django.get_version()} (casedesk .venv); "
          f"{os.cpu_count()} CPUs, load average {load} at start (wall-clock timings: load skews them)")  # fmt: skip
    dbs = [d.strip() for d in args.db.split(",") if d.strip()]
    errors: list[str] = []
    if "pg" in dbs:
        skip = pg_reason_to_skip()
        if skip:
            print(f"PostgreSQL: skipped, {skip}")
            dbs.remove("pg")
        else:
            version, fsync, sync = (rows[0][0] for rows in pg_admin("SHOW server_version", "SHOW fsync",
                                                                     "SHOW synchronous_commit"))  # fmt: skip
            print(f"PostgreSQL {version} at {PG_HOST}:{PG_PORT} (fsync {fsync}, synchronous_commit {sync})")
    peer = None
    if args.no_peer:
        print("django-helpdesk: skipped, --no-peer given")
    else:
        peer, note = ensure_peer()
        print(note)
    print(
        f"{args.warmup} warm-up messages, {args.messages} timed one by one in {args.rounds} rounds (casedesk, "
        f"helpdesk and the floor alternating), {args.profile} profiled, {args.pipe} through mail-in"
    )
    results: dict[str, dict[str, Any]] = {}
    for db in dbs:
        print(f"== {NAMES[db]}", flush=True)
        r = measure(db, args, peer, errors)
        if r:
            results[db] = r
    hello = next((r["hello"] for r in results.values() if r.get("hello")), None)
    if hello:
        mix = hello["mix"]
        print()
        print(f"mix ({hello['messages']:,} messages per database, {hello['bytes'] / hello['messages'] / 1e3:.1f} KB "
              f"average): " + ", ".join(f"{v} {k}" for k, v in sorted(mix.items())))  # fmt: skip
        print(f"addresses: {', '.join(hello['addresses'])}")
        if hello["made_addresses"]:
            print(f"  (the presets state none for the other desks: made here as InboundAddress rows: "
                  f"{', '.join(hello['made_addresses'])})")  # fmt: skip
    report(results, dbs, args)
    for e in errors:
        print()
        print("ERROR " + e)
    print(f"\n(total run {time.perf_counter() - t_begin:.0f} s)")


if __name__ == "__main__":
    main()
