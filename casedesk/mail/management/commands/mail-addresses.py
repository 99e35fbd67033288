"""`casedesk mail-addresses [--add-examples]`: where mail to each address goes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from casedesk.mail.addresses import EXAMPLE_DOMAIN, add_examples, table


class Command(BaseCommand):
    help = "List the inbound addresses with their desk and queue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--add-examples",
            action="store_true",
            help=f"give each desk without an address support@<desk>.{EXAMPLE_DOMAIN} (for a demo)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["add_examples"]:
            for row in add_examples():
                self.stdout.write(f"added {row.address}")
        for address, desk, queue in table():
            self.stdout.write(f"{address:40} {desk}{f' / {queue}' if queue else ''}")
