"""A new policy version announced to the desk's customers, in writing, when it is published.

`casedesk.desks.policies.publish_version` already refuses a version that takes effect before its notice
(Mastercam: 30 days, POLICIES 0.15); this tells every contact of a company whose contract is still valid on
the day the version takes effect, each in their language, once per version and contact. The first version
of a desk is the policy as published: nobody is told of it. A version already in force is not announced
any more (it would be news too late to act on).
"""

from __future__ import annotations

import functools
from datetime import datetime
from email.utils import make_msgid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, override

from casedesk.accounts.models import Contact
from casedesk.desks.models import Desk, PolicyVersion
from casedesk.desks.policies import preset_of
from casedesk.notify import outbox
from casedesk.notify.models import OutgoingMail
from casedesk.portal.language import contact_language


def announce_pending(desk: Desk, now: datetime | None = None) -> int:
    """Rows for every version of the desk not yet in force and not yet announced; how many."""
    now = now or timezone.now()
    versions = list(desk.policy_versions.defer("source").order_by("effective_at", "pk"))
    made = 0
    for version in versions[1:]:
        if version.effective_at > now and not version.announcements.exists():
            made += announce(version, now)
    return made


def announce(version: PolicyVersion, now: datetime) -> int:
    desk = version.desk
    previous = (
        desk.policy_versions.filter(effective_at__lt=version.effective_at).order_by("-effective_at").first()
    )
    home = ZoneInfo(preset_of(version).policy.home_zone)  # the day it takes effect, where the desk counts days
    effective_day = version.effective_at.astimezone(home).date()
    contacts = (
        Contact.objects.filter(company__desk=desk, company__contracts__ends_on__gte=effective_day)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    rows = []
    for contact in contacts:
        language = contact_language(contact) or settings.LANGUAGE_CODE
        with override(language):
            words = {
                "desk": desk.name,
                "version": version.version,
                "previous": previous.version if previous else "-",
                "day": f"{effective_day:%Y-%m-%d}",
                "announced": f"{version.announced_at.astimezone(home):%Y-%m-%d}",
            }
            subject = gettext("%(desk)s: support policy %(version)s takes effect on %(day)s") % words
            body = "\n".join(
                [
                    gettext("Dear %(name)s,") % {"name": contact.name},
                    "",
                    gettext(
                        "%(desk)s announces version %(version)s of its support policy on %(announced)s. It replaces "
                        "version %(previous)s on %(day)s; cases opened before then keep the version they were "
                        "opened under."
                    )
                    % words,
                    gettext("Your support contact tells you what changes for you."),
                    "",
                    desk.name,
                ]
            )
        rows.append(
            OutgoingMail(
                audience=OutgoingMail.Audience.CUSTOMERS,
                policy_version=version,
                kind="policy_announced",
                recipients=[contact.email.strip()],
                from_email=settings.DEFAULT_FROM_EMAIL,
                subject=subject,
                body=body + "\n",
                headers={"Auto-Submitted": "auto-generated"},
                message_id=make_msgid(idstring=f"policy-{version.pk}"),
                language=language,
                created_at=now,
                next_attempt_at=now,
            )
        )
    OutgoingMail.objects.bulk_create(rows)
    for row in rows:
        transaction.on_commit(functools.partial(outbox.enqueue, row.pk), robust=True)
    return len(rows)
