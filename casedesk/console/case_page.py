"""What the console's case page shows: header flags, the clocks as of now in two zones, the timeline, the forms.

A fixed number of queries whatever the case's history: the events (with their
actors) in one query, their files in one more, the metrics from the case's
stored clock state (sla_state.as_of: no rows read, never stale).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from casedesk.cases import sla_state
from casedesk.cases.admin import NOT_SET, MetricRow, flags, metric_rows
from casedesk.cases.models import Case, CaseCC, CaseEvent
from casedesk.console import forms as f
from casedesk.console.case_mail import Received, received_by_event, sent_about
from casedesk.console.gate import is_manager
from casedesk.console.ledger_page import billing_box
from casedesk.console.remaining import case_calendar
from casedesk.contracts import grace, scope
from casedesk.core.localtime import local
from casedesk.desks.policies import calendar_of
from casedesk.sla import clock
from casedesk.sla.clock import MetricState
from casedesk.sla.policy_schema import Policy

# Which form each action posts; the page shows them all, the one that failed bound to what was typed.
FORMS: dict[str, type[f.CaseForm]] = {
    "reply": f.ReplyForm,
    "note": f.NoteForm,
    "assign": f.AssignForm,
    "priority": f.PriorityForm,
    "classify": f.ClassifyForm,
    "scope": f.ClassifyScopeForm,
    "status": f.StatusForm,
    "resolve": f.ResolveForm,
    "reopen": f.EmptyForm,
    "grace_call": f.EmptyForm,
    "log_time": f.LogTimeForm,
    "ppi_charge": f.EmptyForm,
    "ppi_deduct": f.PpiDeductForm,
    "confidential": f.ConfidentialForm,
    "forward": f.ForwardForm,
    "vendor_reference": f.VendorReferenceForm,
    "close": f.EmptyForm,
    "cc_add": f.CcAddForm,
    "cc_remove": f.CcRemoveForm,
    "escalate": f.EscalateForm,
    "critical": f.CriticalForm,
    "review": f.ReviewForm,
    "rnd": f.RndForm,
    "round_the_clock": f.RoundTheClockForm,
    "schedule": f.ScheduleForm,
    "merge": f.MergeForm,
}

KIND_CLASS = {
    clock.AGENT_REPLY: "public",
    clock.CUSTOMER_REPLY: "customer",
    clock.INTERNAL_NOTE: "internal",
    clock.BREACHED: "record breach",
    clock.WARNING: "record warning",
}
KIND_BADGE = {
    clock.AGENT_REPLY: gettext_lazy("public reply"),
    clock.CUSTOMER_REPLY: pgettext_lazy("timeline badge", "customer"),
    clock.INTERNAL_NOTE: gettext_lazy("internal note"),
}

# The header's flags and the clocks' states as the agent reads them (the English words stay the CSS hooks).
FLAG_WORDS = {
    "information missing": gettext_lazy("information missing"),
    "needs triage": gettext_lazy("needs triage"),
    "no contract: no SLA": gettext_lazy("no contract: no SLA"),
    "critical": pgettext_lazy("case flag", "critical"),
    "commitment missed": gettext_lazy("commitment missed"),
    NOT_SET: gettext_lazy("priority not set"),
}
STATE_WORDS = {
    "waiting": pgettext_lazy("SLA clock state", "waiting"),
    "running": pgettext_lazy("SLA clock state", "running"),
    "paused": pgettext_lazy("SLA clock state", "paused"),
    "overdue": pgettext_lazy("SLA clock state", "overdue"),
    "met": pgettext_lazy("SLA clock state", "met"),
    "missed": pgettext_lazy("SLA clock state", "missed"),
    "cancelled": pgettext_lazy("SLA clock state", "cancelled"),
    "no_target": pgettext_lazy("SLA clock state", "no target"),
    "skipped": pgettext_lazy("SLA clock state", "skipped"),
}


@dataclass(frozen=True)
class SlaRow:
    metric: MetricRow
    due_requester: str  # the due time in the requester's zone
    seconds: int | None  # business time left as of now, for the countdown (running clocks only)
    ticking: bool  # the metric's calendar is open now
    state: str  # the metric's status in words


@dataclass(frozen=True)
class Entry:
    at: str
    who: str
    kind: str
    css: str
    badge: str
    what: str
    body: str
    files: list[tuple[int, str]]  # (attachment id, name)
    mail: Received | None = None  # the e-mail it came from, as received


def requester_zone(case: Case) -> ZoneInfo:
    """The licensed user's zone on the case, else its calendar's own (POLICIES 0.25: never UTC by default)."""
    return ZoneInfo(case.calendar_zone) if case.calendar_zone else case_calendar(case).zone


def local_day(t: datetime, zone: str) -> date:
    return t.astimezone(ZoneInfo(zone)).date()


def _in_zone(t: datetime | None, zone: ZoneInfo) -> str:
    with timezone.override(zone):
        return local(t)


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _sla_row(case: Case, row: MetricRow, st: MetricState, zone: ZoneInfo, now: datetime) -> SlaRow:
    running = st.status in {"running", "overdue"} and st.remaining_seconds is not None
    ticking = False
    if running:
        cal = calendar_of(case.policy_version, st.calendar, case.calendar_zone or None) if st.calendar else None
        ticking = (cal or case_calendar(case)).is_open(now)
    state = str(STATE_WORDS.get(row.status, row.status))
    return SlaRow(row, _in_zone(st.due_at, zone), st.remaining_seconds if running else None, ticking, state)


def _what(event: CaseEvent) -> str:
    """The event's data in words ("priority: critical, previous: high"); files are listed apart."""
    data = {k: v for k, v in event.data.items() if k != "files" and v not in ([], None, "")}
    if isinstance(data.get("due"), str):  # a warning's due, stored as a UTC ISO instant: in the viewer's zone
        data["due"] = local(datetime.fromisoformat(data["due"]))
    return ", ".join(f"{k.replace('_', ' ')}: {_shown(v)}" for k, v in data.items())


def timeline(events: list[CaseEvent]) -> list[Entry]:
    received = received_by_event(events)
    return [
        Entry(
            at=local(e.at),
            who=e.actor.get_username()
            if e.actor
            else (gettext("the clock") if e.kind in clock.RECORDS else gettext("system")),
            kind=e.kind.replace("_", " "),
            css=KIND_CLASS.get(e.kind, "record"),
            badge=str(KIND_BADGE.get(e.kind, "")),
            what=_what(e),
            body="" if e.kind == clock.OPENED else e.body,  # the first message is shown above, as the description
            files=[(a.pk, a.name) for a in e.attachments.all()],
            mail=received.get(e.pk),
        )
        for e in events
    ]


ENTITLEMENT_WORDS = {
    "entitled": gettext_lazy("entitled"),
    "not_entitled": gettext_lazy("not entitled"),
    "needs_review": gettext_lazy("entitlement needs review"),
}


def _entitlement(events: list[CaseEvent]) -> dict[str, Any] | None:
    """The latest entitlement check on the case (at intake), in words, with its reasons."""
    latest = next((e for e in reversed(events) if e.kind == "entitlement"), None)
    if latest is None:
        return None
    status = str(latest.data.get("status", ""))
    words = ENTITLEMENT_WORDS.get(status, status)
    return {"status": status, "words": str(words), "reasons": [str(r) for r in latest.data.get("reasons", [])]}


def _scope(case: Case, policy: Policy, events: list[CaseEvent]) -> dict[str, Any] | None:
    """The Scope box: the current classification, its paid route and, out of scope, the rate cards that apply."""
    if not scope.items(policy):
        return None
    current = scope.classified(case, policy, events)
    out = current is not None and not current.in_scope
    return {"current": current, "rate_cards": scope.rate_cards(case) if out else []}


def page_context(user: User, case: Case, now: datetime, bound: dict[str, forms.Form] | None = None) -> dict[str, Any]:
    events = list(
        CaseEvent.objects.filter(case=case).select_related("actor").prefetch_related("attachments").order_by("at", "id")
    )
    states = sla_state.as_of(case, now)
    zone = requester_zone(case)
    policy = f.policy_of(case)
    built = {name: (bound or {}).get(name) or cls(case, prefix=name) for name, cls in FORMS.items()}
    header_flags = flags(case) + ([NOT_SET] if not case.priority else [])
    allowed, next_level = f.escalation_levels(case, policy)
    return {
        "case": case,
        "policy": policy,
        "flags": [(flag, str(FLAG_WORDS.get(flag, flag))) for flag in header_flags],
        "now": local(now),
        "requester_zone": zone.key,
        "sla": [
            _sla_row(case, row, st, zone, now)
            for row, st in zip(metric_rows(case, states, events), states, strict=True)
        ],
        "timeline": timeline(events),
        "entitlement": _entitlement(events),
        "scope": _scope(case, policy, events),
        "sent": sent_about(case),
        "ccs": list(CaseCC.objects.filter(case=case).select_related("contact").order_by("contact__name")),
        "forms": built,
        "priorities": policy.priorities,
        "escalation": list(policy.escalation),
        "next_level": next_level,
        "can_escalate": bool(allowed) and case.is_open,
        "is_manager": is_manager(user, case.desk_id),
        "s0": bool(policy.priority_calendars),
        "grace": grace.allowance(case.contract, policy, local_day(now, policy.home_zone))
        if policy.section("grace_calls")
        else None,
        "billing": billing_box(case, policy, now),
        "schedulable": bool(f.schedulable(policy)),
        "calendar": case_calendar(case),
        "opened": local(case.opened_at),
        "intake": [
            (fld.label, fld.help, case.intake.get(fld.key) or (gettext("missing") if fld.required else "-"))
            for fld in policy.intake
        ],
    }
