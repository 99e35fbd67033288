"""casedesk invite EMAIL: invite the contact with this e-mail to the portal (until the console has a button)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casedesk.accounts.models import Contact
from casedesk.portal.invite import InviteError, invite


class Command(BaseCommand):
    help = "E-mail a contact a link to set their portal password (creates their portal user)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        contacts = list(Contact.objects.filter(email__iexact=options["email"].strip()).select_related("company__desk"))
        if not contacts:
            raise CommandError(f"no contact has the e-mail address {options['email']}")
        if len(contacts) > 1:
            where = ", ".join(f"{c.company.name} ({c.company.desk.slug})" for c in contacts)
            raise CommandError(f"{len(contacts)} contacts have this address ({where}): invite one from the console")
        try:
            user = invite(contacts[0], by=None)
        except InviteError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"invitation sent to {user.email}")
