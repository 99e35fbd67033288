"""Every write to a case goes through these functions (web, API, e-mail and worker alike).

Each one appends a CaseEvent (who, when, what, before/after) and recomputes
the case's SLA metrics from all of its events. `at` is the time of the
change (default now); tests and imports pass it to control the clock.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from casedesk.accounts.models import Contact, Contract, Site
from casedesk.cases import sla_state
from casedesk.cases.models import Case, CaseCounter, CaseEvent
from casedesk.desks.models import Desk, Queue
from casedesk.desks.policies import preset_of, version_in_force
from casedesk.sla import clock
from casedesk.sla.policy_schema import Policy

Actor = User | None


class CaseError(ValueError):
    """A change the policy or the case's state does not allow; the message says why."""


def _now(at: datetime | None) -> datetime:
    t = at or timezone.now()
    if timezone.is_naive(t):
        raise CaseError("times must be aware (with a zone)")
    return t


def _event(case: Case, kind: str, at: datetime, actor: Actor, **data: Any) -> CaseEvent:
    return CaseEvent.objects.create(case=case, at=at, actor=actor, kind=kind, data=data)


def _next_number(desk: Desk, policy: Policy) -> str:
    """The desk's next case number: one atomic UPDATE ... RETURNING (SQLite >= 3.35, PostgreSQL)."""
    table = CaseCounter._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {table} SET last = last + 1 WHERE desk_id = %s RETURNING last", [desk.pk])
        row = cur.fetchone()
    if row is None:
        CaseCounter.objects.create(desk=desk, last=1)
        return policy.format_number(1)
    return policy.format_number(int(row[0]))


def check_intake(policy: Policy, intake: Mapping[str, str], priority: str) -> dict[str, str]:
    """Required fields present and well-formed; returns the cleaned fields."""
    clean = {k: str(v).strip() for k, v in intake.items() if str(v).strip()}
    problems = []
    for f in policy.intake:
        value = clean.get(f.key, "")
        needed = f.required and (not f.when_priority or f.when_priority == priority)
        if needed and not value:
            problems.append(f"{f.label} is required")
        elif value and f.pattern and not re.fullmatch(f.pattern, value):
            problems.append(f"{f.label}: {value!r} is not in the expected form")
        elif value and f.choices and value not in f.choices:
            problems.append(f"{f.label}: choose one of {', '.join(f.choices)}")
    if problems:
        raise CaseError("; ".join(problems))
    return clean


def _check_priority(policy: Policy, priority: str) -> None:
    if policy.priority(priority) is None:
        known = ", ".join(p.key for p in policy.priorities)
        raise CaseError(f"unknown priority {priority!r} (this desk has {known})")


def _choose_calendar(policy: Policy, channel: str, country: str, queue: Queue | None) -> str:
    if policy.calendar_by == "country":
        return policy.calendar_map.get(country) or (queue.calendar if queue else "") or policy.default_calendar
    if policy.calendar_by == "channel":
        return policy.calendar_map.get(channel) or policy.default_calendar
    return policy.default_calendar


def _choose_queue(desk: Desk, country: str) -> Queue | None:
    queues = list(desk.queues.all())
    return next((q for q in queues if q.key == country), None) or (queues[0] if queues else None)


@transaction.atomic
def open_case(
    desk: Desk,
    *,
    requester: Contact,
    subject: str,
    description: str = "",
    channel: str = Case.Channel.PORTAL,
    priority: str = "",
    contract: Contract | None = None,
    site: Site | None = None,
    intake: Mapping[str, str] | None = None,
    info_complete: bool = True,
    actor: Actor = None,
    at: datetime | None = None,
) -> Case:
    """Open a case under the policy version in force now; create its SLA metrics."""
    at = _now(at)
    subject = subject.strip()
    if not subject:
        raise CaseError("a subject is required")
    if channel not in Case.Channel.values:
        raise CaseError(f"unknown channel {channel!r}")
    version = version_in_force(desk, at)
    policy = preset_of(version).policy
    if priority:
        _check_priority(policy, priority)
    clean = check_intake(policy, intake or {}, priority)
    company = requester.company
    if contract is not None and contract.company_id != company.pk:
        raise CaseError("the contract belongs to another company")
    site = site or (contract.site if contract else None) or requester.site
    country = site.country if site else company.country
    queue = _choose_queue(desk, country)
    calendar = _choose_calendar(policy, channel, country, queue)
    # Targets count in the licensed user's zone (Mastercam): the licensed site's, else the requester's.
    zone = site.zone if site else requester.zone
    case = Case.objects.create(
        desk=desk,
        number=_next_number(desk, policy),
        policy_version=version,
        queue=queue,
        channel=channel,
        calendar=calendar,
        calendar_zone=zone,
        company=company,
        requester=requester,
        contract=contract,
        site=site,
        subject=subject,
        description=description,
        tier=contract.tier if contract else "",
        priority=priority,
        intake=clean,
        opened_at=at,
        updated_at=at,
    )
    ev = _event(case, clock.OPENED, at, actor, priority=priority, info_complete=info_complete, channel=channel)
    sla_state.recompute(case, now=at, events=[clock.Event(ev.kind, ev.at, ev.data)], new=True)
    return case


def _change(case: Case, kind: str, at: datetime | None, actor: Actor, fields: dict[str, Any], **data: Any) -> Case:
    """Apply field changes, record the event, recompute the clocks."""
    t = _now(at)
    if t < case.opened_at:
        raise CaseError("a change cannot precede the case's opening")
    for name, value in fields.items():
        setattr(case, name, value)
    case.updated_at = max(case.updated_at, t)
    case.save(update_fields=[*fields, "updated_at"])
    _event(case, kind, t, actor, **data)
    sla_state.recompute(case, now=t)
    return case


def _policy(case: Case) -> Policy:
    return preset_of(case.policy_version).policy


@transaction.atomic
def set_priority(case: Case, priority: str, *, actor: Actor = None, at: datetime | None = None) -> Case:
    policy = _policy(case)
    _check_priority(policy, priority)
    if priority == case.priority:
        return case
    check_intake(policy, case.intake, priority)  # S0 needs a 24/7 phone before it can be set
    before = case.priority
    return _change(case, clock.PRIORITY, at, actor, {"priority": priority}, priority=priority, previous=before)


@transaction.atomic
def assign(case: Case, assignee: User | None, *, actor: Actor = None, at: datetime | None = None) -> Case:
    before = case.assignee_id
    status = Case.Status.OPEN if case.status == Case.Status.NEW else case.status
    fields = {"assignee": assignee, "status": status}
    new = assignee.pk if assignee else None
    return _change(case, clock.ASSIGNED, at, actor, fields, assignee=new, previous=before)


@transaction.atomic
def agent_reply(case: Case, agent: User, body: str, *, at: datetime | None = None) -> Case:
    """A public reply or contact from an agent (the first one is the response)."""
    if not body.strip():
        raise CaseError("a reply needs a text")
    status = Case.Status.OPEN if case.status == Case.Status.NEW else case.status
    return _change(case, clock.AGENT_REPLY, at, agent, {"status": status}, body=body)


@transaction.atomic
def customer_reply(case: Case, body: str, *, actor: Actor = None, at: datetime | None = None) -> Case:
    if not body.strip():
        raise CaseError("a reply needs a text")
    fields: dict[str, Any] = {}
    if case.status == Case.Status.WAITING_ON_CUSTOMER:
        fields["status"] = Case.Status.OPEN
    return _change(case, clock.CUSTOMER_REPLY, at, actor, fields, body=body)


@transaction.atomic
def request_info(case: Case, items: list[str], *, actor: Actor = None, at: datetime | None = None) -> Case:
    """Ask the customer for information (a data request with its checklist)."""
    return _change(case, clock.INFO_REQUESTED, at, actor, {}, items=items)


@transaction.atomic
def info_received(case: Case, *, actor: Actor = None, at: datetime | None = None, note: str = "") -> Case:
    return _change(case, clock.INFO_RECEIVED, at, actor, {}, note=note)


@transaction.atomic
def classify(case: Case, classification: str, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """bug or defect (removes pending targets where the policy says so), or '' to clear."""
    if classification not in {"", "bug", "defect", "question", "enhancement"}:
        raise CaseError(f"unknown classification {classification!r}")
    before = case.classification
    fields = {"classification": classification}
    return _change(case, clock.CLASSIFIED, at, actor, fields, classification=classification, previous=before)


@transaction.atomic
def set_waiting(case: Case, waiting: bool, *, actor: Actor = None, at: datetime | None = None) -> Case:
    status = Case.Status.WAITING_ON_CUSTOMER if waiting else Case.Status.OPEN
    before = case.status
    return _change(case, clock.STATUS, at, actor, {"status": status}, status=status, previous=before)


@transaction.atomic
def resolve(case: Case, resolution: str, *, actor: Actor = None, at: datetime | None = None) -> Case:
    if not resolution:
        raise CaseError("say how the case was resolved")
    if case.status in {Case.Status.RESOLVED, Case.Status.CLOSED}:
        raise CaseError(f"case {case.number} is already {case.status}")
    fields = {"status": Case.Status.RESOLVED, "resolution": resolution}
    return _change(case, clock.RESOLVED, at, actor, fields, resolution=resolution)


@transaction.atomic
def reopen(case: Case, *, actor: Actor = None, at: datetime | None = None) -> Case:
    if case.status not in {Case.Status.RESOLVED, Case.Status.CLOSED}:
        raise CaseError(f"case {case.number} is not resolved")
    return _change(case, clock.REOPENED, at, actor, {"status": Case.Status.OPEN, "resolution": ""})


@transaction.atomic
def record_review(case: Case, note: str, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """A formal management review held (PTC S0, every 24 hours)."""
    return _change(case, clock.REVIEW, at, actor, {}, note=note)


@transaction.atomic
def set_round_the_clock(case: Case, needed: bool, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """The evaluation whether 24-hour work is needed (PTC S0)."""
    return _change(case, clock.ROUND_THE_CLOCK, at, actor, {"round_the_clock": needed}, needed=needed)


@transaction.atomic
def escalate(case: Case, level: int, reason: str, *, actor: Actor = None, at: datetime | None = None) -> Case:
    levels = _policy(case).section("escalation") or []
    known = {lv["level"]: lv for lv in levels}
    if level not in known:
        raise CaseError(f"this desk has no escalation level {level}")
    if level <= case.escalation_level:
        raise CaseError(f"case {case.number} is already at escalation level {case.escalation_level}")
    before = case.escalation_level
    fields = {"escalation_level": level}
    return _change(case, "escalated", at, actor, fields, level=level, reason=reason, previous=before)
