"""`casedesk mail-imap`: poll one IMAP mailbox into the intake (`--once`, or a loop with IDLE).

Run one process per mailbox: a mailbox per address (CASEDESK_IMAP_RECIPIENT set) or a catch-all.
"""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casedesk.mail.imap_poll import (
    CONNECTION_ERRORS,
    SECURITY,
    Counts,
    ImapConfig,
    config_from_env,
    connect,
    disconnect,
    poll_mailbox,
    run,
)

EX_TEMPFAIL = 75

HELP = """Poll an IMAP mailbox: every unseen message is stored and processed, then flagged \\Seen (or moved to
--processed-folder), only once it is stored; a message that could not be stored stays unseen for the next
poll. --once polls once and exits (exit 75 when the server could not be reached or a message not stored);
otherwise the command loops, waiting with IDLE where the server offers it and reconnecting when the
connection drops.

Environment (options win over it):
  CASEDESK_IMAP_HOST              server name (required)
  CASEDESK_IMAP_PORT              default 993 with SSL, 143 otherwise
  CASEDESK_IMAP_USER              login (required)
  CASEDESK_IMAP_PASSWORD          password (required; only from the environment)
  CASEDESK_IMAP_FOLDER            folder to poll, default INBOX
  CASEDESK_IMAP_SSL               ssl (default, also 1/true), starttls, or none (also 0/false)
  CASEDESK_IMAP_RECIPIENT         the address this mailbox receives for; unset: a catch-all mailbox whose
                                  messages are routed by Delivered-To / X-Original-To, else To and Cc
  CASEDESK_IMAP_PROCESSED_FOLDER  move stored messages there (created when missing, e.g.
                                  casedesk/processed) instead of flagging them \\Seen
  CASEDESK_IMAP_TIMEOUT           socket timeout in seconds, default 60
  CASEDESK_IMAP_CA_FILE           PEM file of a CA (or the server's own certificate) to trust besides the
                                  system's; certificates and host names are always checked
"""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        from argparse import RawDescriptionHelpFormatter

        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", help="poll once and exit")
        mode.add_argument("--idle", action="store_true", help="loop, with IDLE where offered (the default)")
        parser.add_argument("--no-idle", action="store_true", help="loop without IDLE: poll every --interval")
        parser.add_argument("--interval", type=float, default=60, help="seconds between polls without IDLE (60)")
        parser.add_argument("--idle-timeout", type=float, default=300, help="re-issue IDLE after seconds (300)")
        parser.add_argument("--host", help="CASEDESK_IMAP_HOST")
        parser.add_argument("--port", type=int, help="CASEDESK_IMAP_PORT")
        parser.add_argument("--user", help="CASEDESK_IMAP_USER")
        parser.add_argument("--folder", help="CASEDESK_IMAP_FOLDER")
        parser.add_argument("--ssl", dest="security", choices=SECURITY, help="CASEDESK_IMAP_SSL")
        parser.add_argument("--recipient", help="CASEDESK_IMAP_RECIPIENT")
        parser.add_argument("--processed-folder", help="CASEDESK_IMAP_PROCESSED_FOLDER")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            cfg = config_from_env(
                host=options["host"],
                port=options["port"],
                user=options["user"],
                folder=options["folder"],
                security=options["security"],
                recipient=options["recipient"],
                processed_folder=options["processed_folder"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["once"]:
            self._once(cfg)
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(f"polling {cfg.address} until stopped")
        self.stdout.flush()
        run(
            cfg,
            idle=not options["no_idle"],
            idle_timeout=options["idle_timeout"],
            interval=options["interval"],
            stop=stop,
            on_poll=self._report,
        )

    def _report(self, counts: Counts) -> None:
        if counts.found:
            self.stdout.write(f"{counts}")
            self.stdout.flush()

    def _once(self, cfg: ImapConfig) -> None:
        started = time.monotonic()
        try:
            mb = connect(cfg)
        except CONNECTION_ERRORS as exc:
            raise CommandError(f"{cfg.address}: cannot connect: {exc}", returncode=EX_TEMPFAIL) from exc
        try:
            counts = poll_mailbox(mb, cfg)
        except CONNECTION_ERRORS as exc:
            raise CommandError(f"{cfg.address}: connection lost: {exc}", returncode=EX_TEMPFAIL) from exc
        finally:
            disconnect(mb)
        self.stdout.write(f"{cfg.address}: {counts} in {time.monotonic() - started:.2f} s")
        if counts.failed:
            raise CommandError(
                f"{counts.failed} messages not stored; they stay for the next poll", returncode=EX_TEMPFAIL
            )
