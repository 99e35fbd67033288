"""`casedesk sla due|between`: the SLA calculator on the command line."""

from __future__ import annotations

import re
import sys
from argparse import ArgumentParser
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casedesk.sla import PresetError
from casedesk.sla.due_query import due_time, query_calendar
from casedesk.sla.timeparse import parse_time


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class _OneLineParser(CommandParser):
    """Usage mistakes print one line and exit 2, and `--target -8h` reaches our own check."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # argparse would read "-8h" as an unknown option; treat any "-<digit>" as a value.
        self._negative_number_matcher = re.compile(r"^-\d")

    def error(self, message: str) -> NoReturn:
        if not self.called_from_command_line:
            raise CommandError(f"{self.prog}: {message}", returncode=2)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        sys.exit(2)


class Command(BaseCommand):
    help = "Business-time calculator on a preset's calendars."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=_OneLineParser)
        due = sub.add_parser("due", help="due time of a target from a start")
        between = sub.add_parser("between", help="business seconds between two times")
        for p in (due, between):
            p.add_argument("--preset", required=True)
            p.add_argument("--calendar", required=True)
            p.add_argument("--start", required=True, help="ISO 8601; no offset = the calendar's local time")
            p.add_argument("--tz", help="read the calendar's windows in this zone (and print in it)")
        due.add_argument("--target", help="8h, 90m, 4bd (business days), 2w (10 business days)")
        due.add_argument("--tier", help="tier of the contract (targets from the preset)")
        due.add_argument("--priority", help="priority or severity (targets from the preset)")
        due.add_argument("--metric", default="", help="response, resolution, update, review")
        between.add_argument("--end", required=True)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            if opts["action"] == "between":
                cal = query_calendar(opts["preset"], opts["calendar"], opts["tz"])
                start, end = parse_time(opts["start"], cal.zone), parse_time(opts["end"], cal.zone)
                self.stdout.write(str(cal.between(start, end)))
                return
            if not opts["target"] and not opts["priority"]:
                raise ValueError("give --target, or --priority (with --tier and --metric where the policy needs them)")
            answer = due_time(
                opts["preset"],
                opts["calendar"],
                opts["start"],
                target=opts["target"],
                tier=opts["tier"],
                priority=opts["priority"],
                metric=opts["metric"],
                tz=opts["tz"],
            )
            self.stdout.write(answer.due.isoformat())
        except (PresetError, ValueError) as exc:
            raise _fail(str(exc)) from None
