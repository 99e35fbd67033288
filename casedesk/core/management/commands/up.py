"""`casedesk up`: the embedded all-in-one server (migrate, presets, admin, worker, SMTP listener, web)."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _host_port(addr: str) -> tuple[str, str]:
    host, _, port = addr.rpartition(":")
    if not host or not port.isdigit():
        raise CommandError(f"--smtp wants HOST:PORT, not {addr!r}")
    return host, port


class Command(BaseCommand):
    help = "Migrate, load the presets with demo data, start the worker and the SMTP listener, serve on ADDR."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("addr", nargs="?", default=os.environ.get("CASEDESK_ADDR", "127.0.0.1:8000"))
        parser.add_argument("--no-worker", action="store_true", help="do not start the task worker")
        parser.add_argument("--no-demo", action="store_true", help="load the presets without demo data")
        parser.add_argument(
            "--smtp",
            default=os.environ.get("CASEDESK_SMTP_ADDR", "127.0.0.1:2525"),
            metavar="HOST:PORT",
            help="where the SMTP listener takes mail for the desks' addresses (default 127.0.0.1:2525)",
        )
        parser.add_argument("--no-smtp", action="store_true", help="do not start the SMTP listener")

    def handle(self, *args: Any, **opts: Any) -> None:
        smtp = None if opts["no_smtp"] else _host_port(opts["smtp"])
        if "CASEDESK_BASE_URL" not in os.environ:  # links in e-mails point at this server (the worker inherits it)
            os.environ["CASEDESK_BASE_URL"] = settings.CASEDESK_BASE_URL = f"http://{opts['addr']}"
        call_command("migrate", interactive=False, verbosity=0)
        self._ensure_admin()
        self._load_presets(demo=not opts["no_demo"])
        # What a process killed last time left half done: mail stored but not processed, notifications due.
        call_command("mail-process", verbosity=0)
        children = [] if opts["no_worker"] else [self._start_worker()]
        if smtp is not None:
            children.append(self._start_smtp(*smtp))
        # A service manager stops us with SIGTERM: leave through `finally`, so the children go too.
        signal.signal(signal.SIGTERM, _stop)
        try:
            self.stdout.write(f"casedesk is up: http://{opts['addr']}/ (Ctrl-C stops it)")
            call_command("runserver", opts["addr"], use_reloader=False, insecure_serving=True)
        finally:
            for child in children:
                child.terminate()
            for child in children:
                child.wait(10)

    def _ensure_admin(self) -> None:
        users = get_user_model()
        if users.objects.filter(is_superuser=True).exists():
            return
        password = secrets.token_urlsafe(12)
        users.objects.create_superuser("admin", "admin@localhost", password)
        # Printed once, on creation; `casedesk changepassword admin` sets a new one.
        self.stdout.write(self.style.SUCCESS(f"Admin login created: user admin, password {password}"))

    def _load_presets(self, demo: bool) -> None:
        call_command("preset", "load", "--all", *(["--demo"] if demo else []))

    def _start_worker(self) -> subprocess.Popen[bytes]:
        cmd = [sys.executable, "-m", "casedesk.cli", "worker"]  # the SLA sweeps and the task queue
        return subprocess.Popen(cmd)

    def _start_smtp(self, host: str, port: str) -> subprocess.Popen[bytes]:
        self.stdout.write(f"mail for the desks' addresses: SMTP on {host}:{port}")
        return subprocess.Popen([sys.executable, "-m", "casedesk.cli", "mail-smtp", "--host", host, "--port", port])
