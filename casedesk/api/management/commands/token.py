"""`casedesk token create USERNAME [--scope read|write] [--expires DAYS]`: prints the token alone on stdout.
`casedesk token list USERNAME` and `casedesk token revoke HINT` manage the ones issued."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from casedesk.api.models import AccessToken


class Command(BaseCommand):
    help = "Create, list or revoke personal access tokens for the JSON API."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a token; prints it alone on stdout (shown once)")
        create.add_argument("username")
        create.add_argument("--scope", choices=["read", "write"], default="read")
        create.add_argument("--expires", type=int, metavar="DAYS", help="days until it expires (default: never)")
        create.add_argument("--name", default="", help="what it is for")
        listing = sub.add_parser("list", help="a user's tokens (hints only)")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="revoke a token by its hint (its first characters)")
        revoke.add_argument("hint")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "revoke":
            n = AccessToken.objects.filter(hint=options["hint"], revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
            if not n:
                raise CommandError(f"no active token starts with {options['hint']!r}")
            self.stderr.write(f"revoked {n} token(s)")
            return
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        if action == "list":
            for t in AccessToken.objects.filter(user=user):
                state = (
                    "revoked"
                    if t.revoked_at
                    else "expires " + (f"{t.expires_at:%Y-%m-%d}" if t.expires_at else "never")
                )
                self.stdout.write(f"{t.hint}...  {t.scope:5}  {state}  {t.name}")
            return
        if options["expires"] is not None and options["expires"] <= 0:
            raise CommandError("--expires must be a positive number of days")
        token = AccessToken.issue(user, scope=options["scope"], days=options["expires"], name=options["name"])
        self.stdout.write(token)
