"""Every write to a case goes through these functions (web, API, e-mail and worker alike).

Each one locks the case row, re-reads it, checks the change against the
policy and the case as it is now, appends a CaseEvent (who, when, what,
before/after) and folds that event onto the case's clock state. `at` is the
time of the change (default now); tests and imports pass it to control the clock.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any, Concatenate, ParamSpec
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from casedesk.accounts.models import Contact, Contract, Site
from casedesk.cases import attachments, sla_state
from casedesk.cases.models import Case, CaseCC, CaseCounter, CaseEvent, SlaMetric
from casedesk.desks.models import Desk, Membership, PolicyVersion, Queue
from casedesk.desks.policies import preset_of, version_in_force
from casedesk.hooks import emit as hooks
from casedesk.notify.outbox import queue_for_event
from casedesk.notify.staff import queue_for_change, queue_for_records
from casedesk.sla import clock
from casedesk.sla.policy_schema import ANY_TIER, Policy, check_target
from casedesk.sla.zones import valid_zone

Actor = User | None
P = ParamSpec("P")
# Channels where a person or a mail server hands us the case: missing intake fields are flagged, never refused.
ASSISTED_CHANNELS = {Case.Channel.EMAIL, Case.Channel.PHONE, Case.Channel.PHONE_UK, Case.Channel.PHONE_US}
CLASSIFICATIONS = {"", "bug", "defect", "question", "enhancement"}


RND_ENGAGED = "rnd_engaged"  # an event the clocks do not read
ENTITLEMENT = "entitlement"  # data: {"status", "reasons"}, the check at intake
CONFIDENTIAL = "confidential"  # data: {"confidential": bool}
FORWARDED = "forwarded_to_vendor"  # data: {"note"}
VENDOR_REFERENCE = "vendor_reference"  # data: {"reference_kind", "reference"}
VENDOR_REFERENCE_KINDS = ("enhancement_request", "spr", "vendor_case")
GRACE_CALL = "grace_call"  # a grace call used on the case (Solidxperts); its ledger entry names the event


class CaseError(ValueError):
    """A change the policy or the case's state does not allow; the message says why."""


_recording: ContextVar[list[CaseEvent] | None] = ContextVar("services_recording", default=None)


@contextmanager
def recording() -> Iterator[list[CaseEvent]]:
    """The events the writes inside append (opened, replies, changes; not the breach records), in order:
    a caller that links something to the event it caused (the e-mail intake) needs no query to find it."""
    events: list[CaseEvent] = []
    token = _recording.set(events)
    try:
        yield events
    finally:
        _recording.reset(token)


def _record(event: CaseEvent) -> None:
    events = _recording.get()
    if events is not None:
        events.append(event)


def _now(at: datetime | None) -> datetime:
    t = at or timezone.now()
    if timezone.is_naive(t):
        raise CaseError("times must be aware (with a zone)")
    return t


def _writes(fn: Callable[Concatenate[Case, P], Case]) -> Callable[Concatenate[Case, P], Case]:
    """Run a write on the case row locked and re-read, so two writers never act on stale copies;
    the caller's instance gets the stored values afterwards."""

    @functools.wraps(fn)
    def locked(case: Case, *args: P.args, **kwargs: P.kwargs) -> Case:
        with transaction.atomic():
            fresh = (
                Case.objects.select_for_update(of=("self",))
                .select_related("policy_version", "contract")
                .defer("policy_version__source")
                .get(pk=case.pk)
            )
            fn(fresh, *args, **kwargs)
        for f in Case._meta.concrete_fields:
            setattr(case, f.attname, getattr(fresh, f.attname))
        return case

    return locked


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


def intake_problems(policy: Policy, intake: Mapping[str, str], priority: str) -> tuple[dict[str, str], list[str]]:
    """The cleaned fields and what is missing or malformed in them."""
    clean = {k: str(v).strip() for k, v in intake.items() if str(v).strip()}
    problems = []
    for f in policy.intake:
        value = clean.get(f.key, "")
        needed = f.required and (not f.when_priority or f.when_priority == priority)
        if needed and not value:
            problems.append(gettext("%(field)s is required") % {"field": f.label})
        elif value and f.pattern and not re.fullmatch(f.pattern, value):
            problems.append(
                gettext("%(field)s: %(value)s is not in the expected form") % {"field": f.label, "value": repr(value)}
            )
        elif value and f.choices and value not in f.choices:
            problems.append(
                gettext("%(field)s: choose one of %(choices)s") % {"field": f.label, "choices": ", ".join(f.choices)}
            )
    return clean, problems


def check_intake(policy: Policy, intake: Mapping[str, str], priority: str) -> dict[str, str]:
    """Required fields present and well-formed; returns the cleaned fields."""
    clean, problems = intake_problems(policy, intake, priority)
    if problems:
        raise CaseError("; ".join(problems))
    return clean


def _check_priority(policy: Policy, priority: str) -> None:
    if policy.priority(priority) is None:
        known = ", ".join(p.key for p in policy.priorities)
        raise CaseError(
            gettext("unknown priority %(priority)s (this desk has %(known)s)")
            % {"priority": repr(priority), "known": known}
        )


def _choose_calendar(policy: Policy, channel: str, country: str, queue: Queue | None) -> str:
    if policy.calendar_by == "country":
        return policy.calendar_map.get(country) or (queue.calendar if queue else "") or policy.default_calendar
    if policy.calendar_by == "channel":
        return policy.calendar_map.get(channel) or policy.default_calendar
    return policy.default_calendar


def _choose_queue(desk: Desk, policy: Policy, country: str) -> tuple[Queue | None, bool]:
    """The queue of the customer's country; else the policy's fallback queue, flagged for triage."""
    queues = list(desk.queues.all())
    own = next((q for q in queues if country and country in {q.country, q.key}), None)
    if own is not None:
        return own, False
    if len(queues) <= 1:
        return (queues[0] if queues else None), False
    fallback = getattr(policy, "fallback_queue", "")
    return next((q for q in queues if q.key == fallback), queues[0]), True


def _tier(policy: Policy, contract: Contract | None) -> str:
    """The contract's tier as the policy spells it (compared without case); CaseError when undeclared."""
    if contract is None or not contract.tier:
        return ""
    key = policy.tier_key(contract.tier)
    if key is None:
        known = ", ".join(t.key for t in policy.tiers) or pgettext("no tiers", "none")
        raise CaseError(
            gettext("tier %(tier)s is not one of this desk's tiers (%(known)s)")
            % {"tier": repr(contract.tier), "known": known}
        )
    choice = next(t for t in policy.tiers if t.key == key)
    if getattr(choice, "targets_from_contract", False) and not contract.targets:
        raise CaseError(
            gettext("a %(tier)s contract states its own targets, and this one states none: add them to the contract")
            % {"tier": key}
        )
    return key


def _needs_contract(policy: Policy) -> bool:
    """Whether the targets depend on a contract (a tier's row, or a tier whose contract states them)."""
    return any(k[0] != ANY_TIER for k in policy.targets) or any(
        getattr(t, "targets_from_contract", False) for t in policy.tiers
    )


def _check_parties(desk: Desk, requester: Contact, contract: Contract | None, site: Site | None) -> None:
    """A case is opened on a desk only for a company, contact and contract of that desk (POLICIES 0.27)."""
    company = requester.company
    if company.desk_id != desk.pk:
        raise CaseError(
            gettext("%(contact)s is a contact of %(company)s, a customer of another desk")
            % {"contact": requester.name, "company": company.name}
        )
    if contract is not None:
        if contract.desk_id != desk.pk:
            raise CaseError(gettext("the contract belongs to another desk"))
        if contract.company_id != company.pk:
            raise CaseError(gettext("the contract belongs to another company"))
    if site is not None and site.company_id != company.pk:
        raise CaseError(gettext("the site belongs to another company"))


def _zone(site: Site | None, requester: Contact) -> str:
    """The licensed user's zone: the site's, else the requester's; blank means unknown (the calendar's own)."""
    zone = (site.zone if site else "") or requester.zone or ""
    if zone and not valid_zone(zone):
        if site and site.zone:
            owner = gettext("site %(name)s") % {"name": site.name}
        else:
            owner = gettext("contact %(name)s") % {"name": requester.name}
        raise CaseError(
            gettext("%(owner)s has an unknown time zone %(zone)s: correct it (an IANA name like Europe/Oslo)")
            % {"owner": owner, "zone": repr(zone)}
        )
    return zone


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
    files: Sequence[UploadedFile] = (),
    version: PolicyVersion | None = None,
) -> Case:
    """Open a case under the policy version in force now; create its SLA metrics (and store its files).

    On the portal and the API missing intake fields are refused; by e-mail or
    phone the case is opened and flagged "information missing" (POLICIES 0.24).
    `version`: the desk's version in force at `at` when the caller has already looked it up (the e-mail
    intake's per-process snapshot); by default it is read here."""
    at = _now(at)
    subject = subject.strip()
    if not subject:
        raise CaseError(gettext("a subject is required"))
    if channel not in Case.Channel.values:
        raise CaseError(gettext("unknown channel %(channel)s") % {"channel": repr(channel)})
    _check_parties(desk, requester, contract, site)
    _check_files(files)
    if version is None or version.desk_id != desk.pk:
        version = version_in_force(desk, at)
    policy = preset_of(version).policy
    if priority:
        _check_priority(policy, priority)
    elif policy.priority_required:
        raise CaseError(gettext("a severity is required when the case is logged"))
    clean, problems = intake_problems(policy, intake or {}, priority)
    if problems and channel not in ASSISTED_CHANNELS:
        raise CaseError("; ".join(problems))
    tier = _tier(policy, contract)
    company = requester.company
    site = site or (contract.site if contract else None) or requester.site
    country = site.country if site else company.country
    queue, triage = _choose_queue(desk, policy, country)
    info_missing = bool(problems)
    case = Case(
        desk=desk,
        number=_next_number(desk, policy),
        policy_version=version,
        queue=queue,
        channel=channel,
        calendar=_choose_calendar(policy, channel, country, queue),
        # Targets count in the licensed user's zone (Mastercam): the licensed site's, else the requester's.
        calendar_zone=_zone(site, requester),
        company=company,
        requester=requester,
        contract=contract,
        site=site,
        subject=subject,
        product=product_of(intake or {}),
        description=description,
        tier=tier,
        priority=priority,
        intake={**(intake or {}), **clean} if info_missing else clean,
        info_missing=info_missing,
        needs_triage=triage,
        no_contract_sla=contract is None and _needs_contract(policy),
        opened_at=at,
        updated_at=at,
    )
    data = {
        "priority": priority,
        "tier": tier,
        "info_complete": info_complete and not info_missing,
        "channel": channel,
        **({"missing": problems} if problems else {}),
        **({"files": [attachments.clean_name(f.name or "") for f in files]} if files else {}),
    }
    states = sla_state.advance(case, [clock.Event(clock.OPENED, at, data)], now=at)
    case.save(force_insert=True)
    # The requester's first message is a message like the others (body: searched, never read by the clocks).
    opened = CaseEvent.objects.create(case=case, at=at, actor=actor, kind=clock.OPENED, data=data, body=description)
    _record(opened)
    attachments.store(case, opened, files)
    written = sla_state.write(case, states, at, new=True)
    queue_for_event(case, opened, metrics=written.rows)  # the requester's notification rows, with the event
    queue_for_change(case, opened, at)  # the people the policy names for this opening (PTC: S0's manager)
    hooks.for_event(case, opened)  # webhook deliveries (case.opened), committed with the case
    _record_entitlement(case, policy, at)
    return case


def _record_entitlement(case: Case, policy: Policy, at: datetime) -> None:
    """The entitlement check at intake, an event of its own (never a refusal: the agent answers with the
    paid route or converts the case to paid work)."""
    from casedesk.contracts.entitlement import check

    day = at.astimezone(ZoneInfo(policy.home_zone)).date()
    outcome = check(policy, case.company, case.contract, case.intake, day)
    CaseEvent.objects.create(case=case, at=at, kind=ENTITLEMENT, data=outcome.as_data())


def product_of(intake: Mapping[str, str]) -> str:
    """The product and version the intake names ("Creo Parametric 10.0.2.0", "2025"), for the queue's filter."""
    words = (str(intake.get(key, "")).strip() for key in ("product", "product_version"))
    return " ".join(w for w in words if w)[:200]


def _check_files(files: Sequence[UploadedFile]) -> None:
    try:
        attachments.check(files)
    except attachments.AttachmentError as exc:
        raise CaseError(str(exc)) from None


def _change(
    case: Case,
    kind: str,
    at: datetime | None,
    actor: Actor,
    fields: dict[str, Any],
    body: str = "",
    files: Sequence[UploadedFile] = (),
    **data: Any,
) -> Case:
    """Apply field changes to the locked case, record the event (with its files), fold it onto the clocks."""
    t = _now(at)
    if t < case.opened_at:
        raise CaseError(gettext("a change cannot precede the case's opening"))
    _check_files(files)
    for name, value in fields.items():
        setattr(case, name, value)
    case.updated_at = max(case.updated_at, t)
    if files:
        data = {**data, "files": [attachments.clean_name(f.name or "") for f in files]}
    event = CaseEvent.objects.create(case=case, at=t, actor=actor, kind=kind, data=data, body=body)
    _record(event)
    attachments.store(case, event, files)
    # The stored rows are as of the latest event: a backdated one does not turn back the case's time.
    now = max(t, case.updated_at)
    states = sla_state.advance(case, [clock.Event(kind, t, data)], now=now)
    written = sla_state.write(case, states, now)
    case.save(update_fields=[*fields, "updated_at", *sla_state.KEPT])
    queue_for_records(case, written.records, written.rows, now)  # the desk's people: warnings and breaches
    queue_for_event(case, event)  # the requester's notification rows, committed with the event (notify/)
    queue_for_change(case, event, now)
    hooks.for_change(case, written.records, event, now)  # webhook deliveries, committed with the event
    return case


@_writes
def bring_clocks_to(case: Case, now: datetime) -> Case:
    """The case's clocks as of `now` (the worker's sweep): each warning point and due passed since the last
    write is recorded at its own instant, and the desk's people are told (casedesk.notify.staff). Writes no
    event of its own; as of an instant before the case's last change, it changes nothing."""
    written = sla_state.refresh(case, max(now, case.updated_at))
    queue_for_records(case, written.records, written.rows, now)
    hooks.for_records(case, written.records, now)
    return case


def bring_many_clocks_to(cases: Sequence[Case], now: datetime) -> None:
    """`bring_clocks_to` for many cases in a few statements (the sweep). The caller holds their rows locked
    (its claim, FOR UPDATE SKIP LOCKED, in its transaction) and read them with their policy version, contract,
    requester, company and assignee. Same rows as one `bring_clocks_to` per case (bench/sweep.py compares)."""
    existing: dict[int, dict[str, SlaMetric]] = {c.pk: {} for c in cases}
    for m in SlaMetric.objects.filter(case_id__in=list(existing)):
        existing[m.case_id][m.metric] = m
    planned = []
    for case in cases:
        at = max(now, case.updated_at)  # never before the case's last change
        planned.append((case, sla_state.plan(case, sla_state.advance(case, [], at), at, existing[case.pk])))
    SlaMetric.objects.bulk_create([row for _, p in planned for row in p.created])
    _update_each(SlaMetric, [row for _, p in planned for row in p.changed], sla_state.METRIC_FIELDS)
    CaseEvent.objects.bulk_create([record for _, p in planned for record in p.records])
    _update_each(Case, cases, sla_state.KEPT)
    for case, p in planned:
        queue_for_records(case, p.records, p.rows, now)
    hooks.for_batch([(case, p.records) for case, p in planned], now)  # one query for the batch's desks


def _update_each(model: type[models.Model], objs: Sequence[models.Model], names: Sequence[str]) -> None:
    """`obj.save(update_fields=names)` for each object as one UPDATE statement executed per row (executemany):
    Django's bulk_update builds a CASE per column, slower for rows that each change several columns."""
    if not objs:
        return
    by_name = {f.name: f for f in model._meta.concrete_fields}
    fields = [by_name[n] for n in names]
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(str(f.column))} = %s" for f in fields)
    sql = f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn(str(model._meta.pk.column))} = %s"
    params = [[*(f.get_db_prep_save(getattr(o, f.attname), connection) for f in fields), o.pk] for o in objs]
    with connection.cursor() as cur:
        cur.executemany(sql, params)


def _policy(case: Case) -> Policy:
    return preset_of(case.policy_version).policy


@_writes
def set_priority(case: Case, priority: str, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """Set or change the priority (severity); pending targets are re-timed, recorded breaches stay."""
    policy = _policy(case)
    _check_priority(policy, priority)
    if priority == case.priority:
        return case
    # Only what this priority itself needs (PTC S0: a 24/7 phone); a case opened with intake fields missing
    # (e-mail, phone) gets its priority while the agent still collects them.
    _, without = intake_problems(policy, case.intake, "")
    needed = [p for p in intake_problems(policy, case.intake, priority)[1] if p not in without]
    if needed:
        raise CaseError("; ".join(needed))
    before = case.priority
    return _change(case, clock.PRIORITY, at, actor, {"priority": priority}, priority=priority, previous=before)


@_writes
def assign(case: Case, assignee: User | None, *, actor: Actor = None, at: datetime | None = None) -> Case:
    before = case.assignee_id
    status = Case.Status.OPEN if case.status == Case.Status.NEW else case.status
    fields = {"assignee": assignee, "status": status}
    new = assignee.pk if assignee else None
    return _change(case, clock.ASSIGNED, at, actor, fields, assignee=new, previous=before)


def _text(body: str) -> str:
    if not body.strip():
        raise CaseError(gettext("a reply needs a text"))
    return body


@_writes
def agent_reply(
    case: Case, agent: User, body: str, *, at: datetime | None = None, files: Sequence[UploadedFile] = ()
) -> Case:
    """A public reply or contact from an agent (the first one is the response)."""
    status = Case.Status.OPEN if case.status == Case.Status.NEW else case.status
    return _change(case, clock.AGENT_REPLY, at, agent, {"status": status}, body=_text(body), files=files)


@_writes
def add_note(
    case: Case, agent: User, body: str, *, at: datetime | None = None, files: Sequence[UploadedFile] = ()
) -> Case:
    """An internal note: agents see it, the customer never does; no clock reads it."""
    return _change(case, clock.INTERNAL_NOTE, at, agent, {}, body=_text(body), files=files)


@_writes
def customer_reply(
    case: Case,
    body: str,
    *,
    actor: Actor = None,
    at: datetime | None = None,
    files: Sequence[UploadedFile] = (),
) -> Case:
    fields: dict[str, Any] = {}
    if case.status == Case.Status.WAITING_ON_CUSTOMER:
        fields["status"] = Case.Status.OPEN
    return _change(case, clock.CUSTOMER_REPLY, at, actor, fields, body=_text(body), files=files)


@_writes
def request_info(case: Case, items: list[str], *, actor: Actor = None, at: datetime | None = None) -> Case:
    """Ask the customer for information (a data request with its checklist)."""
    return _change(case, clock.INFO_REQUESTED, at, actor, {}, items=items)


@_writes
def info_received(case: Case, *, actor: Actor = None, at: datetime | None = None, note: str = "") -> Case:
    return _change(case, clock.INFO_RECEIVED, at, actor, {"info_missing": False}, note=note)


@_writes
def classify(case: Case, classification: str, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """bug or defect (removes pending targets where the policy says so), or '' to clear."""
    if classification not in CLASSIFICATIONS:
        raise CaseError(
            gettext("unknown classification %(classification)s (one of %(known)s)")
            % {"classification": repr(classification), "known": ", ".join(sorted(CLASSIFICATIONS))}
        )
    before = case.classification
    fields = {"classification": classification}
    return _change(case, clock.CLASSIFIED, at, actor, fields, classification=classification, previous=before)


WORK_STATUSES = (Case.Status.OPEN, Case.Status.WAITING_ON_CUSTOMER, Case.Status.ON_HOLD_VENDOR)


@_writes
def set_status(case: Case, status: str, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """Open, waiting on customer or on hold with vendor (resolve, reopen and close have their own)."""
    if status not in WORK_STATUSES:
        raise CaseError(
            gettext("unknown status %(status)s (one of %(known)s; resolve and close apart)")
            % {"status": repr(status), "known": ", ".join(WORK_STATUSES)}
        )
    if not case.is_open:
        raise CaseError(
            gettext("case %(number)s is %(status)s: reopen it first") % {"number": case.number, "status": case.status}
        )
    before = case.status
    return _change(case, clock.STATUS, at, actor, {"status": status}, status=status, previous=before)


def set_waiting(case: Case, waiting: bool, *, actor: Actor = None, at: datetime | None = None) -> Case:
    status = Case.Status.WAITING_ON_CUSTOMER if waiting else Case.Status.OPEN
    return set_status(case, status, actor=actor, at=at)


@_writes
def close(case: Case, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """Close a resolved case (the requester accepted the solution, or the desk closes it)."""
    if case.status != Case.Status.RESOLVED:
        raise CaseError(
            gettext("case %(number)s is %(status)s: only a resolved case can be closed")
            % {"number": case.number, "status": case.status}
        )
    return _change(case, "closed", at, actor, {"status": Case.Status.CLOSED})


@_writes
def add_cc(case: Case, contact: Contact, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """Copy a contact of the same desk on the case (e-mails; portal view where the desk allows it)."""
    if contact.company.desk_id != case.desk_id:
        raise CaseError(gettext("%(contact)s is a contact of another desk") % {"contact": contact.name})
    if contact.pk == case.requester_id or CaseCC.objects.filter(case=case, contact=contact).exists():
        raise CaseError(
            gettext("%(contact)s already follows case %(number)s") % {"contact": contact.name, "number": case.number}
        )
    CaseCC.objects.create(case=case, contact=contact)
    return _change(case, "cc_added", at, actor, {}, contact=contact.pk, email=contact.email)


@_writes
def remove_cc(case: Case, contact: Contact, *, actor: Actor = None, at: datetime | None = None) -> Case:
    deleted, _ = CaseCC.objects.filter(case=case, contact=contact).delete()
    if not deleted:
        raise CaseError(
            gettext("%(contact)s is not copied on case %(number)s") % {"contact": contact.name, "number": case.number}
        )
    return _change(case, "cc_removed", at, actor, {}, contact=contact.pk, email=contact.email)


@_writes
def resolve(case: Case, resolution: str, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """Resolve with the kind of resolution; every clock stops (met before its due, missed after)."""
    kinds = _policy(case).resolution_kinds
    if not resolution:
        if kinds:
            raise CaseError(gettext("say how the case was resolved (%(kinds)s)") % {"kinds": ", ".join(kinds)})
        raise CaseError(gettext("say how the case was resolved"))
    if kinds and resolution not in kinds:
        raise CaseError(
            gettext("unknown resolution %(resolution)s: this desk resolves as %(kinds)s")
            % {"resolution": repr(resolution), "kinds": ", ".join(kinds)}
        )
    if not case.is_open:
        raise CaseError(
            gettext("case %(number)s is already %(status)s") % {"number": case.number, "status": case.status}
        )
    fields = {"status": Case.Status.RESOLVED, "resolution": resolution}
    return _change(case, clock.RESOLVED, at, actor, fields, resolution=resolution)


@_writes
def close_as_duplicate(case: Case, of: str, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """Resolve and close a case merged into case `of`: every clock stops as on any resolution.
    "duplicate" stands outside the policy's own resolution kinds: the case was never worked on its own."""
    if not case.is_open:
        raise CaseError(
            gettext("case %(number)s is %(status)s: reopen it first") % {"number": case.number, "status": case.status}
        )
    fields = {"status": Case.Status.CLOSED, "resolution": "duplicate"}
    return _change(case, clock.RESOLVED, at, actor, fields, resolution=f"merged into {of}", merged_into=of)


@_writes
def reopen(case: Case, *, actor: Actor = None, at: datetime | None = None) -> Case:
    if case.status not in {Case.Status.RESOLVED, Case.Status.CLOSED}:
        raise CaseError(gettext("case %(number)s is not resolved") % {"number": case.number})
    return _change(case, clock.REOPENED, at, actor, {"status": Case.Status.OPEN, "resolution": ""})


@_writes
def record_review(case: Case, note: str, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """A formal management review held (PTC S0, due at fixed 24-hour marks)."""
    reviews = [k for k, m in _policy(case).metrics.items() if m.kind == "review"]
    if not SlaMetric.objects.filter(case=case, metric__in=reviews, live=True).exists():
        raise CaseError(gettext("no management review is due on case %(number)s") % {"number": case.number})
    return _change(case, clock.REVIEW, at, actor, {}, note=note)


@_writes
def engage_rnd(case: Case, note: str, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """R&D engaged on the case (PTC: an event, POLICIES 0.10; any desk may record it); the note says how."""
    if not case.is_open:
        raise CaseError(gettext("case %(number)s is not open") % {"number": case.number})
    return _change(case, RND_ENGAGED, at, actor, {}, note=note.strip()[:2000])


@_writes
def set_round_the_clock(case: Case, needed: bool, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """The evaluation whether 24-hour work is needed (PTC S0)."""
    return _change(case, clock.ROUND_THE_CLOCK, at, actor, {"round_the_clock": needed}, needed=needed)


@_writes
def agree_schedule(case: Case, metric: str, target: str, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """A schedule agreed with the customer for this case (PTC S3 updates): from now on a commitment."""
    spec = _policy(case).metrics.get(metric)
    if spec is None:
        raise CaseError(
            gettext("unknown metric %(metric)s (this desk has %(known)s)")
            % {"metric": repr(metric), "known": ", ".join(_policy(case).metrics)}
        )
    try:
        check_target(target)
    except ValueError as exc:
        raise CaseError(str(exc)) from None
    return _change(case, clock.SCHEDULE_AGREED, at, actor, {}, metric=metric, target=target)


def _is_manager(desk_id: int, user: Actor) -> bool:
    if user is None:
        return False
    role = Membership.Role.SUPPORT_MANAGER
    return Membership.objects.filter(desk_id=desk_id, user=user, role=role).exists()


@_writes
def mark_critical(case: Case, critical: bool, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """A support manager marks the matter critical (it opens the critical escalation route)."""
    if not _is_manager(case.desk_id, actor):
        raise CaseError(gettext("only a support manager of this desk can mark a case critical"))
    return _change(case, "critical", at, actor, {"critical": critical}, critical=critical, previous=case.critical)


@_writes
def escalate(case: Case, level: int, reason: str, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """One level up at a time; a `critical_only` route only for the priorities it names or a case marked critical."""
    levels = _policy(case).section("escalation") or []
    known = {lv["level"]: lv for lv in levels}
    if level not in known:
        raise CaseError(gettext("this desk has no escalation level %(level)s") % {"level": level})
    entry = known[level]
    if level <= case.escalation_level:
        raise CaseError(
            gettext("case %(number)s is already at escalation level %(level)s")
            % {"number": case.number, "level": case.escalation_level}
        )
    if entry.get("critical_only"):
        allowed = entry.get("when_priority") or []
        if case.priority not in allowed and not case.critical:
            joiner = pgettext("between priority names", " or ")
            names = joiner.join(allowed) if allowed else gettext("no priority")
            raise CaseError(
                gettext("%(level)s is only for critical matters: a %(priorities)s case or one marked critical")
                % {"level": entry["name"], "priorities": names}
            )
    else:
        ordinary = sorted(k for k, lv in known.items() if not lv.get("critical_only"))
        expected = next((k for k in ordinary if k > case.escalation_level), None)
        if level != expected:
            raise CaseError(
                gettext("escalation goes one level at a time: next is level %(level)s") % {"level": expected}
            )
    before = case.escalation_level
    fields = {"escalation_level": level}
    data = {"level": level, "reason": reason, "previous": before, "subject": entry.get("subject", "")}
    return _change(case, clock.ESCALATED, at, actor, fields, **data)


@_writes
def delivery_failed(
    case: Case,
    recipient: str,
    *,
    status: str = "",
    diagnostic: str = "",
    at: datetime | None = None,
) -> Case:
    """A message of this case could not be delivered (a bounce came back): shown on the case; no clock reads it."""
    return _change(case, "delivery_failed", at, None, {}, recipient=recipient, status=status, diagnostic=diagnostic)


# The commercial services (grace calls, time and pay per incident, scope, vendor forwarding) live in
# casedesk.cases.commercial, on the same locked-write helpers; they are services like these, named here too.
from casedesk.cases.commercial import (  # noqa: E402  (it imports this module's helpers)
    apply_ppi_deduction,
    charge_incident,
    classify_scope,
    forward_to_vendor,
    link_vendor_reference,
    log_time,
    mark_confidential,
    use_grace_call,
)

__all__ = [
    "apply_ppi_deduction",
    "charge_incident",
    "classify_scope",
    "forward_to_vendor",
    "link_vendor_reference",
    "log_time",
    "mark_confidential",
    "use_grace_call",
]
