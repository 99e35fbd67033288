"""`casedesk mail-process`: finish messages stored but not processed (a process killed in between)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from casedesk.mail.intake import process_pending


class Command(BaseCommand):
    help = "Process inbound messages that were stored but not processed yet."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{process_pending()} pending messages processed")
