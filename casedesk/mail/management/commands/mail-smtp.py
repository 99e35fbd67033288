"""`casedesk mail-smtp --host 127.0.0.1 --port 2525 [--lmtp]`: the SMTP or LMTP listener an MTA delivers to."""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casedesk.mail.smtp_listener import listener

HELP = """Listen for mail from an MTA (SMTP, or LMTP with --lmtp) and store every message through the intake:
250 once the message is stored, 451 (try again later) when it could not be, 550 at RCPT for an address no
desk receives mail at. Runs until SIGTERM or Ctrl-C. No TLS and no AUTH: listen on loopback or a private
network only, behind the MTA.

Environment (options win over it):
  CASEDESK_SMTP_HOST   address to listen on, default 127.0.0.1
  CASEDESK_SMTP_PORT   port, default 2525
  CASEDESK_SMTP_LMTP   1: speak LMTP (one reply per recipient after DATA)
"""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        from argparse import RawDescriptionHelpFormatter

        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("CASEDESK_SMTP_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("CASEDESK_SMTP_PORT", "2525")))
        parser.add_argument(
            "--lmtp",
            action="store_true",
            default=os.environ.get("CASEDESK_SMTP_LMTP", "0").lower() in {"1", "true", "yes", "on"},
            help="speak LMTP instead of SMTP",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        try:
            controller = listener(options["host"], options["port"], lmtp=options["lmtp"])
        except Exception as exc:  # the port is taken, the address not ours...
            raise CommandError(f"cannot listen on {options['host']}:{options['port']}: {exc}") from exc
        protocol = "LMTP" if options["lmtp"] else "SMTP"
        self.stdout.write(f"{protocol} listening on {options['host']}:{options['port']}")
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            controller.stop()
        self.stdout.write(f"{protocol} listener stopped")
