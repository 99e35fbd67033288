"""Which case events the requester and the CC list are told about, and the outgoing rows that tell them.

`queue_for_event` is called by casedesk.cases.services at the end of every write, inside its transaction:
the rows commit or roll back with the event. Told: the case opened (number and targets; a contact copied
later gets them when copied), an agent's reply (never an internal note), waiting on the customer or on hold
with the vendor, information requested, the solution, an escalation. One message per recipient, in that
contact's language, with the case number in the subject; CC'd contacts get every message even where the
desk hides the case from them in the portal (POLICIES 0.6), only without the portal link. Sending happens
after the commit (casedesk.notify.sending). Events come only from service calls, and the e-mail intake
never makes one of an automatic message, so nothing here answers an automatic message.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from email.utils import formataddr, make_msgid, parseaddr
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import override

from casedesk.accounts.models import Contact
from casedesk.cases.models import Case, CaseCC, CaseEvent, SlaMetric
from casedesk.desks.policies import preset_of
from casedesk.mail import snapshot
from casedesk.mail.models import InboundAddress
from casedesk.notify.models import OutgoingMail
from casedesk.portal.expected import requester_zone
from casedesk.portal.language import contact_language
from casedesk.portal.policy_words import policy_text
from casedesk.portal.timeline import RESOLUTION_WORDS, status_label

log = logging.getLogger(__name__)

# The statuses a requester is told about: the ones that ask something of them or explain a wait.
TOLD_STATUSES = {Case.Status.WAITING_ON_CUSTOMER, Case.Status.ON_HOLD_VENDOR}
_silenced: ContextVar[bool] = ContextVar("notify_silenced", default=False)


@contextmanager
def silenced() -> Iterator[None]:
    """Writes inside tell nobody: history written after the fact (an import, demo data) is not news."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def is_silenced() -> bool:
    """Inside `silenced()`: history being played (demo, benchmark), nobody is told."""
    return _silenced.get()


def what_to_tell(case: Case, event: CaseEvent) -> str | None:
    """The template an event is told with, None when the requester is not told about it."""
    data = event.data or {}
    if event.kind in {"opened", "agent_reply", "escalated", "grace_call"}:
        return event.kind
    if event.kind == "cc_added":  # the contact copied now learns the case's number and targets
        return "cc_added"
    if event.kind == "status" and data.get("status") in TOLD_STATUSES:
        return "status"
    if event.kind == "info_requested" and data.get("items"):
        return "info_requested"
    if event.kind == "resolved" and case.status == Case.Status.RESOLVED:  # not a merge into another case
        return "resolved"
    return None


def queue_for_event(case: Case, event: CaseEvent, *, metrics: Sequence[SlaMetric] | None = None) -> list[OutgoingMail]:
    """The outgoing rows for an event (none for most kinds); each is sent by a task once the event commits.
    `metrics`: the case's metric rows as the caller has just written them (open_case), not read back."""
    kind = what_to_tell(case, event)
    if kind is None or _silenced.get():
        return []
    now = timezone.now()
    sender = from_address(case)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    running = _running(case, metrics) if kind in {"opened", "cc_added"} else []
    rows = []
    for contact in recipients(case, event, kind):
        language = contact_language(contact) or settings.LANGUAGE_CODE
        with override(language):
            context = _context(case, event, contact, kind, running)
            body = render_to_string(f"notify/email/{kind}.txt", context).strip() + "\n"
        headers = {"X-Casedesk-Case": case.number}
        if kind != "agent_reply":  # written by the desk's software: out-of-office replies stay away (RFC 3834)
            replied = kind == "opened" and case.channel == Case.Channel.EMAIL
            headers["Auto-Submitted"] = "auto-replied" if replied else "auto-generated"
            headers["X-Auto-Response-Suppress"] = "All"
        rows.append(
            OutgoingMail(
                case=case,
                event=event,
                kind=kind,
                recipients=[contact.email.strip()],
                from_email=sender,
                subject=subject_of(case),
                body=body,
                headers=headers,
                message_id=make_msgid(idstring=re.sub(r"[^A-Za-z0-9-]", "", case.number)[:40], domain=domain),
                language=language,
                created_at=now,
                next_attempt_at=now,
            )
        )
    OutgoingMail.objects.bulk_create(rows)
    for row in rows:
        transaction.on_commit(functools.partial(enqueue, row.pk), robust=True)
    return rows


def enqueue(pk: int, run_after: datetime | None = None) -> None:
    """A task that sends the row; when the task is lost, `casedesk notify-send` sends the row when due."""
    from casedesk.notify.tasks import send_outgoing

    task = send_outgoing.using(run_after=run_after) if run_after is not None else send_outgoing
    task.enqueue(pk)


def subject_of(case: Case) -> str:
    """ "[PLM-000123] subject": the number lets a reply thread by subject too."""
    return f"[{case.number}] {' '.join(case.subject.split())}"[:998]


def recipients(case: Case, event: CaseEvent, kind: str) -> list[Contact]:
    """The requester, then the CC list (a contact just copied: that contact alone); each address once,
    contacts without an address left out."""
    if kind == "opened":  # a case is opened before anyone is copied on it (each is told when copied: cc_added)
        return [case.requester] if case.requester.email.strip() else []
    ccs = CaseCC.objects.filter(case=case).select_related("contact").order_by("pk")
    if kind == "cc_added":
        people = [cc.contact for cc in ccs.filter(contact=(event.data or {}).get("contact"))]
    else:
        people = [case.requester, *(cc.contact for cc in ccs)]
    seen: set[str] = set()
    chosen = []
    for contact in people:
        address = contact.email.strip().lower()
        if address and address not in seen:
            seen.add(address)
            chosen.append(contact)
    return chosen


def from_address(case: Case) -> str:
    """The desk's inbound address for the case's queue (or the desk's own), else DEFAULT_FROM_EMAIL."""
    address = case.queue.email.strip() if case.queue_id and case.queue and case.queue.email else ""
    if not address:
        snap = snapshot.in_use()  # the e-mail intake has read the addresses for the message it is processing
        rows = snap.addresses_of(case.desk_id) if snap else list(InboundAddress.objects.filter(desk=case.desk_id))
        rows.sort(key=lambda r: r.address)
        fitting = [r for r in rows if r.queue_id == case.queue_id] or [r for r in rows if r.queue_id is None] or rows
        address = fitting[0].address if fitting else ""
    if not address:
        return str(settings.DEFAULT_FROM_EMAIL)
    return formataddr((case.desk.name, address))


@dataclass(frozen=True)
class Target:
    what: str
    when: str


def _running(case: Case, written: Sequence[SlaMetric] | None = None) -> list[SlaMetric]:
    """The targets running on the case, soonest first (the desk's internal reviews left out); from the rows
    just `written` when the caller has them."""
    policy = preset_of(case.policy_version).policy
    internal = {k for k, m in policy.metrics.items() if m.kind == "review"}
    if written is not None:
        live = [m for m in written if m.live and m.due_at is not None and m.metric not in internal]
        return sorted(live, key=lambda m: (m.due_at, m.pk or 0))
    metrics = SlaMetric.objects.filter(case=case, live=True, due_at__isnull=False).exclude(metric__in=internal)
    return list(metrics.order_by("due_at", "pk"))


def _targets(metrics: list[SlaMetric], zone: ZoneInfo) -> list[Target]:
    """The targets' names in the active language, their due times in the recipient's zone."""
    targets = []
    for m in metrics:
        assert m.due_at is not None
        due = m.due_at.astimezone(zone)
        abbr = due.tzname() or ""
        name = abbr if abbr[:1].isalpha() else zone.key
        targets.append(Target(policy_text(m.name), f"{due:%Y-%m-%d %H:%M} {name}"))
    return targets


def _level_name(case: Case, level: Any) -> str:
    levels = preset_of(case.policy_version).policy.section("escalation") or []
    entry = next((lv for lv in levels if lv.get("level") == level), None)
    return policy_text(str(entry.get("name", ""))) if entry else ""


def _context(case: Case, event: CaseEvent, contact: Contact, kind: str, running: list[SlaMetric]) -> dict[str, Any]:
    data = event.data or {}
    can_view = contact.pk == case.requester_id or case.desk.cc_can_view_in_portal
    context: dict[str, Any] = {
        "case": case,
        "desk": case.desk,
        "contact": contact,
        "requester": case.requester,
        "portal_url": f"{settings.CASEDESK_BASE_URL.rstrip('/')}/portal/cases/{case.number}/" if can_view else "",
    }
    if kind in {"opened", "cc_added"}:
        context["targets"] = _targets(running, requester_zone(contact, case))
        context["priority"] = policy_text(_priority_name(case))
    elif kind == "agent_reply":
        context["body"] = event.body
    elif kind == "status":
        context["status"] = status_label(str(data.get("status", "")))
        context["waiting"] = data.get("status") == Case.Status.WAITING_ON_CUSTOMER
    elif kind == "info_requested":
        context["items"] = [str(i) for i in data.get("items", [])]
    elif kind == "resolved":
        resolution = str(data.get("resolution", ""))
        context["resolution"] = str(RESOLUTION_WORDS.get(resolution) or resolution.replace("_", " "))
    elif kind == "grace_call":  # POLICIES 0.14: each use is e-mailed, with the balance left
        context.update(left=data.get("left", 0), per_year=data.get("per_year", 0), resets_on=data.get("resets_on"))
    elif kind == "escalated":
        context["level"] = data.get("level", "")
        context["level_name"] = _level_name(case, data.get("level"))
    return context


def _priority_name(case: Case) -> str:
    if not case.priority:
        return ""
    choice = preset_of(case.policy_version).policy.priority(case.priority)
    return choice.name if choice is not None else case.priority
