"""`casedesk sla-statements [--month 2026-11] [--desk slug] [--dry-run]`: send (or list) a month's SLA statements.

The worker sends each month's statements by itself from 06:00 on the 1st (casedesk.reports.monthly_statements);
this sends a given month at any time, to the contacts who opted in and do not have it yet, and prints who gets
what. --dry-run writes nothing.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from casedesk.desks.models import Desk
from casedesk.reports.customer import home_zone
from casedesk.reports.monthly_statements import planned, send, subject_for
from casedesk.reports.periods import last_whole_month, parse_period


class Command(BaseCommand):
    help = (
        "Send a month's SLA statements to the contacts who opted in (companies with cases that month), once per "
        "contact; --dry-run lists who would get what."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--month", help="the month, 2026-11 (default: the last whole month of each desk)")
        parser.add_argument("--desk", help="one desk's slug (default: every desk)")
        parser.add_argument("--dry-run", action="store_true", help="list the statements, send nothing")

    def handle(self, *args: Any, **opts: Any) -> None:
        desks = Desk.objects.all().order_by("slug")
        if opts["desk"]:
            desks = desks.filter(slug=opts["desk"])
            if not desks.exists():
                raise CommandError(f"--desk {opts['desk']}: no such desk")
        now = timezone.now()
        total = 0
        for desk in desks:
            zone = home_zone(desk, now)
            if opts["month"]:
                try:
                    period = parse_period(opts["month"], zone)
                except ValueError as exc:
                    raise CommandError(f"--month: {exc}") from None
                if not period.is_month:
                    raise CommandError(f"--month {opts['month']}: give a month, 2026-11")
            else:
                period = last_whole_month(now, zone)
            for plan in planned(desk, period):
                line = f"{desk.slug} {period}: {plan.company.name} to {plan.contact.email} ({plan.language})"
                if opts["dry_run"]:
                    self.stdout.write(f"would send {line}: {subject_for(plan)}")
                    total += 1
                    continue
                row = send(plan, now)
                if row is None:
                    self.stdout.write(f"already sent {line}")
                else:
                    self.stdout.write(f"sent {line}: {row.subject}")
                    total += 1
        verb = "would send" if opts["dry_run"] else "sent"
        self.stdout.write(f"{total} statement(s) {verb}")
