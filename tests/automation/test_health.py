"""GET /api/v1/health for a load balancer: 200 when the database and the task queue answer and a worker swept
lately (within 3 sweep intervals), else 503 with the check that failed."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from casedesk.automation.models import Heartbeat
from tests.automation.test_scale_support import ROOT, needs_redis, redis_url  # noqa: F401  (fixture)
from tests.notify.conftest import free_port

pytestmark = pytest.mark.django_db


def health(client: Client) -> tuple[int, dict[str, Any]]:
    response = client.get("/api/v1/health")
    return response.status_code, response.json()


def beat(seconds_ago: float) -> None:
    now = timezone.now()
    Heartbeat.objects.update_or_create(
        worker="host:1", defaults={"swept_at": now, "finished_at": now - timedelta(seconds=seconds_ago)}
    )


def test_no_sweep_yet_is_down_and_a_sweep_makes_it_healthy(client: Client) -> None:
    status, body = health(client)
    assert status == 503 and body["status"] == "down"
    assert body["database"]["ok"] and body["task_queue"] == {"ok": True, "detail": "database"}
    assert body["sweeps"] == {"ok": False, "detail": "no worker has finished a sweep"}
    assert body["last_sweep_finished_at"] is None

    call_command("worker", "--once")
    status, body = health(client)
    assert status == 200 and body["status"] == "ok" and body["sweeps"]["ok"]
    last = datetime.fromisoformat(body["last_sweep_finished_at"])
    assert abs(last - Heartbeat.objects.get().finished_at) < timedelta(milliseconds=1)  # JSON keeps milliseconds


def test_sweeps_are_dead_after_three_intervals_of_the_newest_worker(client: Client, settings: Any) -> None:
    settings.CASEDESK_SWEEP_INTERVAL = 10
    beat(29)
    assert health(client)[0] == 200
    beat(31)
    status, body = health(client)
    assert status == 503 and not body["sweeps"]["ok"] and "31 s ago (more than 30 s)" in body["sweeps"]["detail"]
    Heartbeat.objects.create(worker="other:2", swept_at=timezone.now(), finished_at=timezone.now())
    assert health(client)[0] == 200  # one worker still sweeping is enough


def _rq_settings(settings: Any, url: str) -> None:
    queues = list(settings.TASK_QUEUES)  # every queue the worker serves (default, mail, whatif) is pinged
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": queues}}
    settings.RQ_QUEUES = {name: {"URL": url} for name in queues}


@needs_redis
def test_the_queue_in_redis_is_checked_with_a_ping(client: Client, settings: Any, redis_url: str) -> None:  # noqa: F811
    beat(0)
    _rq_settings(settings, redis_url)
    status, body = health(client)
    assert status == 200 and body["task_queue"] == {"ok": True, "detail": "redis"}


def test_redis_down_is_503(client: Client, settings: Any) -> None:
    beat(0)
    _rq_settings(settings, f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    status, body = health(client)
    assert status == 503 and not body["task_queue"]["ok"] and body["task_queue"]["detail"].startswith("redis:")
    assert body["database"]["ok"] and body["sweeps"]["ok"]


def test_database_down_is_503() -> None:
    """A web process whose database does not answer (nothing listens on its port) says so, in a process of its own."""
    code = (
        "import django, json\ndjango.setup()\nfrom django.test import Client\n"
        "r = Client().get('/api/v1/health')\nprint(json.dumps([r.status_code, r.json()]))\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "casedesk.settings",
        "CASEDESK_SECRET_KEY": "health-test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/nothing",
        "CASEDESK_ALLOWED_HOSTS": "testserver",
    }
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr.decode()
    status, body = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert status == 503 and body["status"] == "down"
    assert not body["database"]["ok"] and "OperationalError" in body["database"]["detail"]
    assert not body["task_queue"]["ok"] and not body["sweeps"]["ok"]
