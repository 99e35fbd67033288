"""`casedesk worker`: the periodic SLA sweeps and the task queue in one process; `--once [--at T]` for cron.

The task queue is django-tasks' default backend: its database worker (django-tasks-db), or, when REDIS_URL is
set, an RQ worker for the same queues. Any number of workers may run on one database (and one Redis): the
sweeps claim cases with SKIP LOCKED, each e-mail row is claimed before it is sent, each job is taken by one
worker.
"""

from __future__ import annotations

import logging
import threading
from argparse import ArgumentParser
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from casedesk.automation.health import uses_redis
from casedesk.automation.sweep import sweep, worker_name
from casedesk.hooks.sending import LOST_AFTER, deliver_due
from casedesk.notify.sending import send_due
from casedesk.reports.monthly_statements import send_due as send_sla_statements

log = logging.getLogger(__name__)


def _instant(text: str) -> datetime:
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--at wants an ISO 8601 instant such as 2026-10-24T12:05:00+02:00, not {text!r}") from None
    if t.tzinfo is None:
        raise CommandError(f"--at {text}: give the zone offset (+02:00, Z): a time alone names no instant")
    return t


class Command(BaseCommand):
    help = (
        "Run the SLA sweeps (warnings, breaches, the e-mails they cause) every --interval seconds beside the "
        "task queue (e-mail sending). --once: one sweep as of --at (default now), send what is due, exit."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="one sweep, send what is due by then, exit")
        parser.add_argument("--at", type=_instant, help="with --once: the instant to sweep as of (ISO 8601)")
        parser.add_argument(
            "--interval",
            type=float,
            default=settings.CASEDESK_SWEEP_INTERVAL,
            help="seconds between sweeps (default: CASEDESK_SWEEP_INTERVAL, 10)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["at"] is not None and not opts["once"]:
            raise CommandError("--at goes with --once: a running worker sweeps as of the clock")
        if opts["once"]:
            swept = sweep(opts["at"])
            statements = send_sla_statements(opts["at"])  # queued before sending, so this run sends them too
            run = send_due(now=opts["at"])
            hooks = deliver_due(now=opts["at"])
            self.stdout.write(
                f"swept {swept.cases} cases in {swept.seconds * 1000:.0f} ms; "
                f"monthly SLA statements: {statements} queued; "
                f"e-mail: {run.sent} sent, {run.queued} to retry, {run.failed} failed; "
                f"webhooks: {hooks.delivered} delivered, {hooks.retrying} to retry, {hooks.gave_up} given up"
            )
            return
        stop = threading.Event()
        sweeper = threading.Thread(target=self._sweep_loop, args=(stop, opts["interval"]), name="sweeps", daemon=True)
        if uses_redis():
            run_tasks = self._rq_worker()
            queue = f"Redis ({', '.join(settings.TASK_QUEUES)})"
        else:
            run_tasks = self._db_worker()
            queue = "the database"
        sweeper.start()
        self.stdout.write(f"worker {worker_name()}: sweeps every {opts['interval']:g} s, and the task queue in {queue}")
        try:
            run_tasks()
        finally:
            stop.set()
            sweeper.join(timeout=60)

    def _db_worker(self) -> Callable[[], None]:
        from django_tasks_db.management.commands.db_worker import Worker

        tasks = Worker(
            queue_names=["*"],
            interval=1.0,
            batch=False,
            backend_name="default",
            startup_delay=True,
            max_tasks=None,
            worker_id=worker_name(),
            excluded_queue_names=[],
        )
        tasks.configure_signals()  # SIGTERM / Ctrl-C: finish the running task, then stop
        return tasks.run

    def _rq_worker(self) -> Callable[[], None]:
        import django_rq
        from django_tasks_rq import Job
        from rq import SimpleWorker

        class Worker(SimpleWorker):
            """Jobs run in this process (no fork beside the sweep thread), each on a fresh database connection
            when the last one is too old or broken, as a request would get."""

            def execute_job(self, job: Any, queue: Any) -> None:
                close_old_connections()
                try:
                    super().execute_job(job, queue)
                finally:
                    close_old_connections()

        queues = [django_rq.get_queue(name, job_class=Job) for name in settings.TASK_QUEUES]
        tasks = Worker(queues, connection=queues[0].connection, job_class=Job, name=worker_name())

        def run() -> None:
            # SIGTERM / Ctrl-C: RQ finishes the running job, then stops. The scheduler (one per Redis, whichever
            # worker holds its lock) moves retries whose time has come onto the queue.
            tasks.work(with_scheduler=True, logging_level="WARNING")

        return run

    def _sweep_loop(self, stop: threading.Event, interval: float) -> None:
        while not stop.is_set():
            try:
                sweep()
                send_due()  # rows whose task was lost, and staff e-mail held for the desk's opening
                # Webhook deliveries whose task was lost (their tasks post the rest), for at most one interval.
                deliver_due(lost_after=LOST_AFTER, budget=interval)
                send_sla_statements()  # the monthly SLA statements, from 06:00 on the 1st (a date check otherwise)
            except Exception:  # the database went away, a bug in one case: logged, the next sweep tries again
                log.exception("sweep failed")
            finally:
                close_old_connections()
            stop.wait(interval)
