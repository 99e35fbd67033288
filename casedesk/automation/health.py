"""What GET /api/v1/health reports to a load balancer: the database, the task queue and the sweeps.

Each check answers ok or not with a short reason; the endpoint answers 503 when any is not ok. The sweeps are
alive when some worker finished one (its Heartbeat row) within 3 sweep intervals (CASEDESK_SWEEP_INTERVAL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from casedesk.automation.models import Heartbeat

STALE_AFTER_INTERVALS = 3


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


def uses_redis() -> bool:
    """The task queue is in Redis (REDIS_URL set: django-tasks-rq), else in the database (django-tasks-db)."""
    return str(settings.TASKS["default"]["BACKEND"]).startswith("django_tasks_rq.")


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".strip()[:300]


def database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure is the answer: the database cannot be used
        return Check(False, _error(exc))
    return Check(True, connection.vendor)


def task_queue() -> Check:
    """Redis answers PING for each queue's connection; or the database's task table can be read."""
    if uses_redis():
        import django_rq

        try:
            for name in settings.TASK_QUEUES:
                django_rq.get_connection(name).ping()
        except Exception as exc:
            return Check(False, f"redis: {_error(exc)}")
        return Check(True, "redis")
    from django_tasks_db.models import DBTaskResult

    try:
        DBTaskResult.objects.only("pk").first()
    except Exception as exc:
        return Check(False, f"database: {_error(exc)}")
    return Check(True, "database")


def sweep_limit() -> timedelta:
    return timedelta(seconds=STALE_AFTER_INTERVALS * float(settings.CASEDESK_SWEEP_INTERVAL))


def sweeps(now: datetime | None = None) -> tuple[Check, datetime | None]:
    """Alive when the newest sweep of any worker finished within the limit; and when that was."""
    now = now or timezone.now()
    try:
        last = Heartbeat.objects.order_by("-finished_at").values_list("finished_at", flat=True).first()
    except Exception as exc:
        return Check(False, _error(exc)), None
    if last is None:
        return Check(False, "no worker has finished a sweep"), None
    age = (now - last).total_seconds()
    limit = sweep_limit().total_seconds()
    if age > limit:
        return Check(False, f"the last sweep finished {age:.0f} s ago (more than {limit:g} s)"), last
    return Check(True, f"the last sweep finished {max(age, 0):.0f} s ago"), last
