"""`casedesk worker`: the periodic SLA sweeps and the task queue in one process; `--once [--at T]` for cron."""

from __future__ import annotations

import logging
import threading
from argparse import ArgumentParser
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from casedesk.automation.sweep import sweep, worker_name
from casedesk.notify.sending import send_due

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
        parser.add_argument("--interval", type=float, default=10.0, help="seconds between sweeps (default 10)")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["at"] is not None and not opts["once"]:
            raise CommandError("--at goes with --once: a running worker sweeps as of the clock")
        if opts["once"]:
            swept = sweep(opts["at"])
            run = send_due(now=opts["at"])
            self.stdout.write(
                f"swept {swept.cases} cases in {swept.seconds * 1000:.0f} ms; "
                f"e-mail: {run.sent} sent, {run.queued} to retry, {run.failed} failed"
            )
            return
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
        stop = threading.Event()
        sweeper = threading.Thread(target=self._sweep_loop, args=(stop, opts["interval"]), name="sweeps", daemon=True)
        sweeper.start()
        tasks.configure_signals()  # SIGTERM / Ctrl-C: finish the running task, then stop
        self.stdout.write(f"worker {worker_name()}: sweeps every {opts['interval']:g} s, and the task queue")
        try:
            tasks.run()
        finally:
            stop.set()
            sweeper.join(timeout=60)

    def _sweep_loop(self, stop: threading.Event, interval: float) -> None:
        while not stop.is_set():
            try:
                sweep()
                send_due()  # rows whose task was lost, and staff e-mail held for the desk's opening
            except Exception:  # the database went away, a bug in one case: logged, the next sweep tries again
                log.exception("sweep failed")
            finally:
                close_old_connections()
            stop.wait(interval)
