"""`casedesk mail-in --to ADDRESS`: one message on stdin, for an MTA's pipe transport.

Exit 0 once the message is stored, even when it was quarantined; 75 (EX_TEMPFAIL) only when it could
not be stored, so the MTA keeps it and retries. Processing problems never make the MTA retry: the
stored message is finished by the next run (`casedesk mail-process`).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casedesk.mail.intake import process
from casedesk.mail.models import InboundMessage
from casedesk.mail.store import store

EX_TEMPFAIL = 75
log = logging.getLogger("casedesk.mail")


class Command(BaseCommand):
    help = "Store and process one RFC 5322 message read from stdin (exit 75 when it could not be stored)."
    requires_system_checks: list[str] = []  # one process per message: no time for the checks

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", required=True, help="the envelope recipient (the desk's address)")
        parser.add_argument("--source", default="pipe", choices=InboundMessage.Source.values)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            raw = sys.stdin.buffer.read()
            row, created = store(raw, options["to"], source=options["source"])
        except Exception as exc:  # the database is down, the disk full...: the MTA must keep the message
            log.exception("mail-in: message not stored")
            raise CommandError(
                f"not stored, try again later: {type(exc).__name__}: {exc}", returncode=EX_TEMPFAIL
            ) from exc
        outcome = row.outcome
        if outcome == InboundMessage.Outcome.PENDING:
            try:
                outcome = process(row.pk).outcome
            except Exception:  # stored is accepted: the next `mail-process` finishes it
                log.exception("mail-in: message %s stored, processing left for the next run", row.pk)
        again = "" if created else " (delivered before)"
        self.stdout.write(f"stored message {row.pk}{again}: {outcome}")
