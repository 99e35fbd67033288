"""`casedesk mail-batch DIR --to ADDRESS`: every file in DIR (one raw message each, in name order) through
the intake (`accept_many`: each stored and committed, then processed in batches). Safe to kill and run again:
what was stored is finished, nothing is stored twice."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casedesk.mail.intake import accept_many, process_pending
from casedesk.mail.models import InboundMessage


class Command(BaseCommand):
    help = "Take in every message file of a directory (name order); finishes messages a killed run left pending."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--to", required=True, help="the envelope recipient (the desk's address)")
        parser.add_argument("--source", default="file", choices=InboundMessage.Source.values)

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        finished = process_pending()
        outcomes: Counter[str] = Counter()
        files = sorted(p for p in directory.iterdir() if p.is_file())
        # Each file is stored (committed) before the next is read; processed a batch per transaction.
        deliveries = ((path.read_bytes(), options["to"]) for path in files)
        for result in accept_many(deliveries, source=options["source"]):
            outcomes[result.outcome if result.stored_now else "delivered before"] += 1
        summary = ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items())) or "no messages"
        self.stdout.write(f"{summary}; {finished} left pending by an earlier run finished")
