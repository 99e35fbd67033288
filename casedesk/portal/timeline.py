"""The part of a case's history a requester sees: messages, status changes, resolution.

Internal notes, assignments, breaches and every other desk-side event stay out,
and so do files of events the requester does not see (attachments.download
enforces the same with public_only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext, gettext_lazy

from casedesk.accounts.models import Contact
from casedesk.cases.models import Attachment, Case, CaseEvent

PUBLIC_EVENTS = ("opened", "agent_reply", "customer_reply", "status", "resolved", "reopened", "closed", "escalated")
STATUS_WORDS = {
    "open": gettext_lazy("In progress"),
    "waiting_on_customer": gettext_lazy("Waiting for your reply"),
    "on_hold_vendor": gettext_lazy("On hold with the software vendor"),
}
# A case's status as the requester reads it (Case.Status's own labels are the desk's words).
STATUS_LABELS = {
    "new": gettext_lazy("New"),
    "open": gettext_lazy("In progress"),
    "waiting_on_customer": gettext_lazy("Waiting for your reply"),
    "on_hold_vendor": gettext_lazy("On hold with the software vendor"),
    "resolved": gettext_lazy("Resolved"),
    "closed": gettext_lazy("Closed"),
}

# Mastercam's resolution kinds (POLICIES 0.3); any other kind is shown as written, underscores as spaces.
RESOLUTION_WORDS = {
    "fixed": gettext_lazy("fixed"),
    "fix_timeline_given": gettext_lazy("a timeline for the fix is given"),
    "not_a_defect_or_not_solvable_in_time": gettext_lazy("not a defect, or not solvable in time"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@dataclass
class Entry:
    at: datetime
    who: str
    what: str
    body: str = ""
    files: list[Attachment] = field(default_factory=list)
    mine: bool = False


def _describe(event: CaseEvent) -> str:
    data = event.data or {}
    if event.kind == "opened":
        return gettext("Case opened")
    if event.kind == "agent_reply":
        return gettext("Reply from support")
    if event.kind == "customer_reply":
        return gettext("Comment")
    if event.kind == "status":
        return str(STATUS_WORDS.get(str(data.get("status", "")), gettext("Status changed")))
    if event.kind == "resolved":
        if data.get("resolution"):
            kind = str(data["resolution"])
            word = str(RESOLUTION_WORDS.get(kind) or kind.replace("_", " "))
            return gettext("Resolved (%(resolution)s)") % {"resolution": word}
        return gettext("Resolved")
    if event.kind == "reopened":
        return gettext("Reopened")
    if event.kind == "closed":
        return gettext("Closed: solution accepted")
    if event.kind == "escalated":
        return gettext("Escalated to level %(level)s") % {"level": data.get("level", "")}
    return event.kind


def public_timeline(case: Case, contact: Contact) -> list[Entry]:
    """Oldest first; the reason an agent gave for an escalation is not shown (it may be internal)."""
    events = list(
        CaseEvent.objects.filter(case=case, kind__in=PUBLIC_EVENTS)
        .select_related("actor__contact")
        .prefetch_related("attachments")
        .order_by("at", "id")
    )
    entries = []
    for ev in events:
        actor_contact = getattr(ev.actor, "contact", None) if ev.actor_id else None
        if ev.kind == "opened":
            who = case.requester.name
        elif actor_contact is not None:
            who = actor_contact.name
        else:
            who = gettext("Support")
        body = ev.body
        if ev.kind == "escalated" and actor_contact is not None:
            body = str((ev.data or {}).get("reason", ""))
        if ev.kind == "opened":
            body = case.description
        entries.append(
            Entry(ev.at, who, _describe(ev), body, list(ev.attachments.all()), mine=actor_contact == contact)
        )
    return entries
