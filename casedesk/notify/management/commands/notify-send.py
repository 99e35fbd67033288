"""`casedesk notify-send [--once]`: send the outgoing notifications that are due (for cron, tests, lost tasks).

Each row is claimed as the task claims it, so the command and the task worker never send a row twice; rows
left "sending" by a process that died are marked "uncertain" and shown on their case, never resent.
"""

from __future__ import annotations

import signal
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from casedesk.notify.sending import send_due


class Command(BaseCommand):
    help = "Send queued case notifications whose time has come (retries included); --once for a single pass."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit (cron)")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between passes (default 30)")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = False

        def _stop(signum: int, frame: object) -> None:
            nonlocal stop
            stop = True

        if not options["once"]:
            signal.signal(signal.SIGTERM, _stop)
        while True:
            run = send_due()
            self.stdout.write(f"{run.sent} sent, {run.queued} to retry, {run.failed} failed, {run.uncertain} uncertain")
            if options["once"]:
                return
            waited = 0.0
            while not stop and waited < options["interval"]:
                time.sleep(0.2)
                waited += 0.2
            if stop:
                return
