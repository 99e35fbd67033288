"""Scaling out, for real: two gunicorn web servers and three `casedesk worker`s on one PostgreSQL database and
one Redis (the task queue), sending to a real SMTP listener. Cases come in over HTTP (alice's portal form,
signed in on one web server and posting to both) and from a process of their own (PTC S0 cases opened two
days ago, so the workers' sweeps breach them); one worker is SIGKILLed half-way. Every notification row must
end sent, and the SMTP listener must receive each exactly once.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from typing import Any

import redis

from tests.automation.test_scale_support import (  # noqa: F401  (fixtures)
    PASSWORD,
    Capture,
    Installation,
    duplicates,
    installation,
    needs_postgres,
    needs_redis,
    open_more,
    pg_template,
    redis_url,
    set_up_desk,
    smtp_server,
    wait_for,
)
from tests.notify.conftest import free_port

pytestmark = [needs_postgres, needs_redis]
INTAKE = {"scn": "4000017", "product": "Creo", "category": "Modeling", "product_version": "11.0 M020",
          "problem_type": "break-fix", "phone_24x7": "+33 1 55 55 01 00"}  # fmt: skip


def get_health(base: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"{base}/api/v1/health", timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)
    except OSError:
        return 0, {}


class Browser:
    """alice's browser: one cookie jar for every web server (the session lives in the shared database)."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def form(self, url: str, fields: dict[str, str]) -> str:
        """GET the page, POST the form back with its CSRF token; the address it ends on."""
        with self.opener.open(url, timeout=30) as page:
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode()).group(1)  # type: ignore[union-attr]
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        with self.opener.open(url, data, timeout=30) as done:
            assert done.status == 200
            return str(done.url)


def test_two_web_servers_and_three_workers_send_every_notification_exactly_once(
    installation: Installation,  # noqa: F811
    redis_url: str,  # noqa: F811
    smtp_server: Capture,  # noqa: F811
) -> None:
    inst = installation
    inst.redis_url, inst.smtp_port = redis_url, smtp_server.port  # type: ignore[attr-defined]
    inst.extra_env = {"CASEDESK_SWEEP_INTERVAL": "1"}
    set_up_desk(inst, 4, told=True, portal=True)  # their e-mails' jobs wait in Redis: no worker runs yet
    assert inst.count("SELECT count(*) FROM notify_outgoingmail") == 8  # opened: alice, and carol (S0)

    webs = [f"http://127.0.0.1:{free_port()}" for _ in range(2)]
    for i, base in enumerate(webs):
        port = base.rsplit(":", 1)[1]
        inst.start("gunicorn", "casedesk.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                   log=f"web{i}.log")  # fmt: skip
    workers = [inst.start("worker", log=f"worker{i}.log") for i in range(3)]
    for base in webs:
        wait_for(lambda base=base: get_health(base)[0] == 200, 40, f"{base} healthy")  # type: ignore[misc]
    _, body = get_health(webs[1])
    assert body["task_queue"] == {"ok": True, "detail": "redis"}

    def rows() -> list[tuple[Any, ...]]:
        return inst.sql("SELECT message_id, state, kind FROM notify_outgoingmail ORDER BY id")

    def all_sent(n: int) -> bool:
        now = rows()
        return len(now) == n and all(state == "sent" for _, state, _ in now)

    # 4 cases x (opened + opened as S0 + 2 missed reviews x bob and carol) = 24 rows.
    wait_for(lambda: all_sent(24), 30, "the first cases' 24 e-mails sent")
    os.killpg(workers[2].pid, signal.SIGKILL)  # a worker dies; the others carry on
    workers[2].wait(10)

    alice = Browser()
    assert alice.form(f"{webs[0]}/portal/login/", {"username": "alice@fr.test", "password": PASSWORD}).endswith(
        "/portal/"
    )
    fields = {"subject": "Licence server down", "priority": "S0", **{f"intake_{k}": v for k, v in INTAKE.items()}}
    opened = [alice.form(f"{base}/portal/new/", fields) for base in webs]  # signed in on one, served by both
    assert all("/portal/cases/" in url for url in opened), opened
    open_more(inst, 3)  # three more S0 cases from two days ago, for the sweeps to breach

    # + 3 x 6 rows + 2 portal cases x 2 (opened: alice, carol) = 46.
    wait_for(lambda: all_sent(46), 40, "all 46 e-mails sent")
    final = rows()
    assert duplicates(inst) == {"breaches": [], "warnings": [], "mail": []}
    assert Counter(kind for _, _, kind in final) == {"opened": 9, "priority_opened": 9, "sla_breached": 28}
    received = Counter(r.message["Message-ID"] for r in smtp_server.messages)
    assert received == Counter(message_id for message_id, _, _ in final)  # each row's message once, no other
    assert inst.count("SELECT count(*) FROM automation_heartbeat") == 3
    # Every row had its job, in Redis (none in the database). The workers ran them, and their sweeps' send_due
    # sent what a job had not yet (a staff e-mail's job is scheduled: RQ's one scheduler, whichever worker holds
    # its lock, moves it to the queue; the killed worker's lock holds them until it expires).
    assert inst.count("SELECT count(*) FROM django_tasks_database_dbtaskresult") == 0
    r = redis.Redis.from_url(redis_url)
    jobs = Counter(r.hget(k, "status") for k in r.scan_iter("rq:job:*") if k.count(b":") == 2)
    assert sum(jobs.values()) == 46 and jobs[b"finished"] > 0, jobs
    assert set(jobs) <= {b"finished", b"scheduled", b"queued", b"started"}, jobs
    print("jobs:", dict(jobs))
    for base in webs:
        assert get_health(base)[0] == 200  # two workers still sweep
    assert all(w.poll() is None for w in workers[:2])
    assert "Traceback" not in "".join(inst.log(f"worker{i}.log") for i in range(2))
