"""`casedesk preset list|load|check`: shipped policy presets."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from casedesk.contracts.catalogue import seed as seed_catalogue
from casedesk.desks.loading import load_desk
from casedesk.desks.policies import PolicyError
from casedesk.sla import PresetError, list_presets, load_preset
from casedesk.sla.presets import read_preset


class Command(BaseCommand):
    help = "List, load or check policy presets."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="slug and name of each shipped preset")
        load = sub.add_parser("load", help="create or update the desk of a preset (idempotent)")
        load.add_argument("slug", nargs="?")
        load.add_argument("--all", action="store_true", help="every shipped preset")
        load.add_argument("--demo", action="store_true", help="add demo customers, contracts and cases")
        check = sub.add_parser("check", help="validate a preset file")
        check.add_argument("file")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            getattr(self, f"_{opts['action']}")(opts)
        except (PresetError, PolicyError) as exc:
            raise CommandError(str(exc), returncode=2) from None

    def _list(self, opts: dict[str, Any]) -> None:
        for slug in list_presets():
            self.stdout.write(f"{slug}\t{load_preset(slug).name}")

    def _load(self, opts: dict[str, Any]) -> None:
        slugs = list_presets() if opts["all"] else [opts["slug"]] if opts["slug"] else []
        if not slugs:
            raise CommandError("name a preset (casedesk preset list) or give --all", returncode=2)
        seed_catalogue()  # the product-version catalogue the version windows read (idempotent)
        for slug in slugs:
            desk, created = load_desk(slug)
            line = f"{'created' if created else 'updated'} desk {desk.slug} ({desk.name})"
            latest = desk.policy_versions.order_by("-effective_at").first()
            if latest is not None and latest.effective_at > timezone.now():
                when = f"{latest.effective_at:%Y-%m-%d %H:%M %Z}"
                line += f", policy {latest.version} announced, in force from {when}"
                from casedesk.notify.announcements import announce_pending

                if told := announce_pending(desk):
                    line += f" (e-mailed to {told} customer contacts)"
            if opts["demo"]:
                from casedesk.demo.loader import load_demo

                n = load_demo(desk)
                line += f", demo: {n} cases" if n else ", demo already loaded"
            self.stdout.write(line)
        if opts["demo"]:
            from casedesk.mail.addresses import add_examples

            # Desks whose policy states no address (all but PLM Group) take the demo's mail at an example domain.
            for row in add_examples():
                self.stdout.write(f"demo e-mail address {row.address} -> desk {row.desk.slug}")

    def _check(self, opts: dict[str, Any]) -> None:
        path = Path(opts["file"])
        preset = read_preset(path)
        p = preset.policy
        self.stdout.write(
            f"{path}: ok: {preset.slug} ({preset.name}), {len(preset.calendars)} calendars, "
            f"{len(p.priorities)} priorities, {len(p.metrics)} metrics, {len(p.targets)} targets, "
            f"{len(p.goals)} internal goals, {len(p.queues)} queues, {len(p.escalation)} escalation levels"
        )
