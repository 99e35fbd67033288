"""Merge a duplicate case into the case that stays (the survivor).

Follows casedesk.cases.services: both rows locked (in id order, so two merges
never deadlock), re-read and checked, an event on each case. The duplicate's
messages (replies and notes, with their files) are copied onto the survivor at
their own instants, so the timelines are joined; the survivor's clocks are then
replayed from all its events (a customer's reply on the duplicate counts on the
survivor). The duplicate is resolved "merged into <number>" and closed: its own
clocks stop as on any resolution (POLICIES 0.18) and it keeps its full history.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from casedesk.cases import services, sla_state
from casedesk.cases.models import Attachment, Case, CaseEvent
from casedesk.cases.services import Actor, CaseError
from casedesk.sla import clock

MESSAGE_KINDS = (clock.AGENT_REPLY, clock.CUSTOMER_REPLY, clock.INTERNAL_NOTE)
MERGED_IN = "merged_in"  # on the survivor: data {"from": number, "messages": n}


def _locked(*ids: int) -> dict[int, Case]:
    rows = (
        Case.objects.select_for_update(of=("self",))
        .select_related("policy_version", "contract")
        .defer("policy_version__source")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    return {c.pk: c for c in rows}


def _copy_messages(duplicate: Case, survivor: Case) -> int:
    """Copy the duplicate's replies and notes (and their files' records) onto the survivor."""
    copied = 0
    events = CaseEvent.objects.filter(case=duplicate, kind__in=MESSAGE_KINDS).prefetch_related("attachments")
    for ev in events.order_by("at", "id"):
        data = {**ev.data, "merged_from": duplicate.number}
        copy = CaseEvent.objects.create(case=survivor, at=ev.at, actor=ev.actor, kind=ev.kind, data=data, body=ev.body)
        # The stored file is shared: a second record points at it, served through the survivor's getter.
        Attachment.objects.bulk_create(
            Attachment(
                case=survivor,
                event=copy,
                name=a.name,
                content_type=a.content_type,
                size=a.size,
                sha256=a.sha256,
                file=a.file.name,
            )
            for a in ev.attachments.all()
        )
        copied += 1
    return copied


def merge(duplicate: Case, survivor: Case, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """Join `duplicate` into `survivor` (both of one desk, both open); returns the survivor, reloaded."""
    t = at or timezone.now()
    if timezone.is_naive(t):
        raise CaseError("times must be aware (with a zone)")
    with transaction.atomic():
        rows = _locked(duplicate.pk, survivor.pk)
        dup, keep = rows.get(duplicate.pk), rows.get(survivor.pk)
        if dup is None or keep is None:
            raise CaseError(gettext("no such case"))
        if dup.pk == keep.pk:
            raise CaseError(gettext("a case cannot be merged into itself"))
        if dup.desk_id != keep.desk_id:
            raise CaseError(gettext("%(number)s is a case of another desk") % {"number": keep.number})
        for c in (dup, keep):
            if not c.is_open:
                raise CaseError(
                    gettext("case %(number)s is %(status)s: reopen it first") % {"number": c.number, "status": c.status}
                )
        if dup.opened_at < keep.opened_at:
            raise CaseError(
                gettext("merge the newer case into the older one: %(newer)s was opened before %(older)s")
                % {"newer": dup.number, "older": keep.number}
            )
        if t < dup.opened_at:
            raise CaseError(gettext("a change cannot precede the case's opening"))

        copied = _copy_messages(dup, keep)
        CaseEvent.objects.create(
            case=keep, at=t, actor=actor, kind=MERGED_IN, data={"from": dup.number, "messages": copied}
        )
        keep.updated_at = max(keep.updated_at, t)
        keep.clock_key = ""  # the copied messages may precede the stored state: replay every event
        sla_state.refresh(keep, max(t, keep.updated_at))
        keep.save(update_fields=["updated_at"])

        # The duplicate: resolved as merged (every clock stops) and closed, in one event.
        services.close_as_duplicate(dup, keep.number, actor=actor, at=t)
    for f in Case._meta.concrete_fields:
        setattr(duplicate, f.attname, getattr(dup, f.attname))
    survivor.refresh_from_db()
    return survivor
