"""The part of a case's history a requester sees: messages, status changes, resolution.

Internal notes, assignments, breaches and every other desk-side event stay out,
and so do files of events the requester does not see (attachments.download
enforces the same with public_only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from casedesk.accounts.models import Contact
from casedesk.cases.models import Attachment, Case, CaseEvent

PUBLIC_EVENTS = ("opened", "agent_reply", "customer_reply", "status", "resolved", "reopened", "closed", "escalated")
STATUS_WORDS = {
    "open": "In progress",
    "waiting_on_customer": "Waiting for your reply",
    "on_hold_vendor": "On hold with the software vendor",
}


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
        return "Case opened"
    if event.kind == "agent_reply":
        return "Reply from support"
    if event.kind == "customer_reply":
        return "Comment"
    if event.kind == "status":
        return STATUS_WORDS.get(str(data.get("status", "")), "Status changed")
    if event.kind == "resolved":
        return f"Resolved ({data.get('resolution', '')})" if data.get("resolution") else "Resolved"
    if event.kind == "reopened":
        return "Reopened"
    if event.kind == "closed":
        return "Closed: solution accepted"
    if event.kind == "escalated":
        return f"Escalated to level {data.get('level', '')}"
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
            who = "Support"
        body = ev.body
        if ev.kind == "escalated" and actor_contact is not None:
            body = str((ev.data or {}).get("reason", ""))
        if ev.kind == "opened":
            body = case.description
        entries.append(
            Entry(ev.at, who, _describe(ev), body, list(ev.attachments.all()), mine=actor_contact == contact)
        )
    return entries
