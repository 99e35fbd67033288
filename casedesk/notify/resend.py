"""An agent's "send again" for a notification that failed or whose delivery is uncertain.

Never sent twice on its own (casedesk.notify.sending): only a person who read the failure decides to try
again. The copy is a new row with its own Message-ID, queued now; the old row keeps its state and error.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime
from email.utils import make_msgid

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from casedesk.notify.models import OutgoingMail
from casedesk.notify.outbox import enqueue

State = OutgoingMail.State
RESENDABLE = {State.FAILED, State.UNCERTAIN}


class ResendError(Exception):
    """Why a message cannot be sent again, in words for the agent."""


def send_again(pk: int, *, by: User, now: datetime | None = None) -> OutgoingMail:
    now = now or timezone.now()
    with transaction.atomic():
        row = OutgoingMail.objects.select_for_update(of=("self",)).select_related("case").get(pk=pk)
        if row.state not in RESENDABLE:
            raise ResendError(gettext("only a failed or uncertain message can be sent again"))
        if row.resends.filter(state__in=[State.QUEUED, State.SENDING]).exists():
            raise ResendError(gettext("this message is already queued to be sent again"))
        domain = row.message_id.rpartition("@")[2].rstrip(">") or None
        copy = OutgoingMail.objects.create(
            case=row.case,
            audience=row.audience,
            policy_version_id=row.policy_version_id,
            event_id=row.event_id,
            kind=row.kind,
            recipients=row.recipients,
            from_email=row.from_email,
            subject=row.subject,
            body=row.body,
            headers=row.headers,
            message_id=make_msgid(
                idstring=re.sub(r"[^A-Za-z0-9-]", "", row.case.number if row.case else "")[:40] or None, domain=domain
            ),
            language=row.language,
            created_at=now,
            next_attempt_at=now,
            resend_of=row,
            requested_by=by,
        )
        transaction.on_commit(functools.partial(enqueue, copy.pk), robust=True)
    return copy
