"""E-mail to the desk's people when a case's clock passes a warning point or misses a due, and when the
policy names people for a change (PTC: the support manager when a case opens as S0 or is raised to S0).

Who is told comes from the preset's `[policy.notify]` (`sla_warning`, `sla_breached`, `goal_missed`,
`<priority>_opened`, `<priority>_raised`, `escalation_<level>` = roles). Where it is silent, the desk's
reading (the five policies name no recipients for warnings and breaches; POLICIES 0.21 keeps them
internal): a warning, or an internal goal missed (an update cadence), goes to the assignee; a commitment
breached to the assignee and every support manager of the desk. "assignee" means the members of the teams
that work the case's queue while nobody is assigned, and when a role finds nobody the support managers are
told: someone always hears.

When: the record is written at the instant it happened, but the e-mail waits for the next opening of the
metric's calendar, so nobody gets an escalation at midnight or on a Sunday; a metric on a round-the-clock
calendar (PTC S0) is open at all hours and so tells at once. The message comes from DEFAULT_FROM_EMAIL, never
from a desk address, and is never threaded into the case: a reply to it cannot become a reply to the customer.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import datetime
from email.utils import make_msgid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, override

from casedesk.cases.models import Case, CaseEvent, SlaMetric
from casedesk.core.localtime import local
from casedesk.desks.models import Membership
from casedesk.desks.policies import calendar_of, preset_of
from casedesk.notify import outbox
from casedesk.notify.models import OutgoingMail
from casedesk.sla.clock import BREACHED, ESCALATED, OPENED, PRIORITY, WARNING

KINDS = {WARNING: "sla_warning", BREACHED: "sla_breached", OPENED: "priority_opened", PRIORITY: "priority_raised"}
KINDS[ESCALATED] = "escalation"
GRACE_CALL = "grace_call"
KINDS[GRACE_CALL] = GRACE_CALL
DEFAULT_ROLES = {"sla_warning": ("assignee",), "sla_breached": ("assignee", "support_manager")}
DEFAULT_ROLES["goal_missed"] = ("assignee",)


def queue_for_records(case: Case, records: Sequence[CaseEvent], rows: Sequence[SlaMetric], now: datetime) -> int:
    """Outgoing rows for the breach and warning records just written on the case; how many."""
    if not records or outbox.is_silenced() or not case.is_open:
        return 0
    names = {r.metric: r.name for r in rows}
    made = []
    for record in records:
        if record.kind not in {WARNING, BREACHED} or (record.kind == WARNING and _past(record.data.get("due"), now)):
            continue  # a warning found only after its due passed: recorded, but the breach is what people hear
        send_at = _when(case, str(record.data.get("calendar") or ""), now)
        for user in people_for(case, record):
            made.append(_row(case, record, user, names.get(str(record.data.get("metric")), ""), now, send_at))
    return _queue(made)


def _past(due: object, now: datetime) -> bool:
    return isinstance(due, str) and datetime.fromisoformat(due) <= now


def change_key(event: CaseEvent) -> str:
    """The [policy.notify] key of a change: `s0_opened`, `s0_raised`, `escalation_2`; "" for other changes."""
    priority = str(event.data.get("priority") or "")
    if event.kind == OPENED and priority:
        return f"{priority.lower()}_opened"
    if event.kind == PRIORITY and priority and event.data.get("previous") != priority:
        return f"{priority.lower()}_raised"
    if event.kind == ESCALATED:
        return f"escalation_{event.data.get('level')}"
    if event.kind == GRACE_CALL:
        return GRACE_CALL
    return ""


def queue_for_change(case: Case, event: CaseEvent, now: datetime) -> int:
    """Rows for a change the policy names people for (PTC's S0 opened or raised, each Mastercam escalation
    level); sent at once: the policy asks for these people to act."""
    key = change_key(event)
    if outbox.is_silenced() or not key:
        return 0
    policy = preset_of(case.policy_version).policy
    roles: list[str] = []
    if key == GRACE_CALL:  # [policy.grace_calls] notify: the account manager (the customer's e-mail is outbox's)
        roles = [r for r in (policy.section("grace_calls") or {}).get("notify", []) if r != "customer_email"]
    else:
        roles = list((policy.section("notify") or {}).get(key) or [])
    if not roles:
        return 0
    made = [_row(case, event, user, "", now, now) for user in _people(case, tuple(roles))]
    return _queue(made)


def _queue(made: list[OutgoingMail]) -> int:
    OutgoingMail.objects.bulk_create(made)
    for row in made:
        transaction.on_commit(functools.partial(outbox.enqueue, row.pk, run_after=row.next_attempt_at), robust=True)
    return len(made)


def people_for(case: Case, record: CaseEvent) -> list[User]:
    what = "goal_missed" if record.kind == BREACHED and record.data.get("goal") else KINDS[record.kind]
    roles = (preset_of(case.policy_version).policy.section("notify") or {}).get(what) or DEFAULT_ROLES[what]
    return _people(case, tuple(roles))


def _people(case: Case, roles: tuple[str, ...]) -> list[User]:
    members = Membership.objects.filter(desk_id=case.desk_id, user__is_active=True).exclude(user__email="")
    members = members.select_related("user")
    by_role: dict[str, list[User]] = {}

    def team() -> list[User]:
        if case.queue_id is None:
            return []
        return [m.user for m in members.filter(team__queues=case.queue_id).distinct()]

    for role in roles:
        if role == "assignee":
            a = case.assignee
            by_role[role] = [a] if a is not None and a.is_active and a.email else team()
        elif role == "team":
            by_role[role] = team()
        elif role in {"support_manager", "agent"}:
            by_role[role] = [m.user for m in members.filter(role=role)]
        elif role == "account_manager":  # the customer's account or customer-success manager
            am = case.company.account_manager
            by_role[role] = [am] if am is not None and am.is_active and am.email else []
    people = [u for role in roles for u in by_role.get(role, [])]
    if not people:
        people = [m.user for m in members.filter(role=Membership.Role.SUPPORT_MANAGER)]
    return list({u.pk: u for u in people}.values())


def _when(case: Case, calendar: str, now: datetime) -> datetime:
    cal = calendar_of(case.policy_version, calendar or case.calendar, case.calendar_zone or None)
    return now if cal.is_open(now) else cal.next_open(now)


def _zone(user: User, case: Case) -> ZoneInfo:
    profile = getattr(user, "profile", None)
    if profile is not None and profile.zone:
        return ZoneInfo(profile.zone)
    return calendar_of(case.policy_version, case.calendar, case.calendar_zone or None).zone


def _language(user: User) -> str:
    profile = getattr(user, "profile", None)
    return (profile.language if profile is not None else "") or settings.LANGUAGE_CODE


def _row(case: Case, record: CaseEvent, user: User, metric: str, now: datetime, send_at: datetime) -> OutgoingMail:
    language = _language(user)
    with override(language), timezone.override(_zone(user, case)):
        subject, body = _text(case, record, metric or str(record.data.get("metric", "")))
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or None
    return OutgoingMail(
        case=case,
        event=record,
        audience=OutgoingMail.Audience.STAFF,
        kind=KINDS[record.kind],
        recipients=[user.email],
        from_email=settings.DEFAULT_FROM_EMAIL,
        subject=subject,
        body=body,
        headers={"Auto-Submitted": "auto-generated", "X-Casedesk-Case": case.number},
        message_id=make_msgid(idstring=re.sub(r"[^A-Za-z0-9-]", "", case.number)[:40], domain=domain),
        language=language,
        created_at=now,
        next_attempt_at=send_at,
    )


def _level_name(case: Case, level: object) -> str:
    levels = preset_of(case.policy_version).policy.section("escalation") or []
    return next((str(lv.get("name", "")) for lv in levels if lv.get("level") == level), str(level))


def _priority_name(case: Case, key: str) -> str:
    names = {p.key: p.name for p in preset_of(case.policy_version).policy.priorities}
    return names.get(key, key)


def _text(case: Case, record: CaseEvent, metric: str) -> tuple[str, str]:
    d = record.data
    due = local(datetime.fromisoformat(d["due"])) if d.get("due") else ""
    words = {"number": case.number, "metric": metric, "target": d.get("target", ""), "due": due}
    words.update(at=local(record.at), priority=d.get("priority") or gettext("not set"), subject=case.subject)
    if record.kind == GRACE_CALL:
        words.update(company=case.company, left=d.get("left"), per_year=d.get("per_year"), reset=d.get("resets_on"))
        subject = gettext("[%(number)s] Grace call used: %(subject)s") % words
        what = gettext(
            "%(company)s used a grace call on case %(number)s at %(at)s: %(left)s of %(per_year)s left this "
            "contract year, the next on %(reset)s."
        )
        what %= words
    elif record.kind == ESCALATED:
        words.update(level=d.get("level"), name=_level_name(case, d.get("level")), reason=d.get("reason") or "-")
        if d.get("subject"):  # the policy's own subject for this route (Mastercam: "Escalation Request")
            subject = f"[{case.number}] {d['subject']}: {case.subject}"
        else:
            subject = gettext("[%(number)s] Escalation level %(level)s (%(name)s): %(subject)s") % words
        what = gettext("Case %(number)s was escalated to level %(level)s, %(name)s, at %(at)s. Reason: %(reason)s")
        what %= words
    elif record.kind in {OPENED, PRIORITY}:
        words["priority"] = _priority_name(case, str(d.get("priority", "")))
        if record.kind == OPENED:
            subject = gettext("[%(number)s] Opened as %(priority)s: %(subject)s") % words
            what = gettext("Case %(number)s was opened as %(priority)s at %(at)s.") % words
        else:
            subject = gettext("[%(number)s] Raised to %(priority)s: %(subject)s") % words
            what = gettext("Case %(number)s was raised to %(priority)s at %(at)s.") % words
    elif record.kind == WARNING:
        subject = gettext("[%(number)s] SLA warning: %(metric)s due %(due)s") % words
        what = gettext("%(metric)s (target %(target)s, priority %(priority)s) is due %(due)s.") % words
    elif d.get("goal"):
        subject = gettext("[%(number)s] Internal goal missed: %(metric)s") % words
        what = gettext("The desk's internal goal %(metric)s (%(target)s) was missed at %(at)s.") % words
    else:
        subject = gettext("[%(number)s] SLA breached: %(metric)s") % words
        what = gettext("The commitment %(metric)s (target %(target)s, priority %(priority)s) was missed at %(at)s.")
        what %= words
    link = f"{settings.CASEDESK_BASE_URL.rstrip('/')}/console/cases/{case.number}/"
    lines = [
        what,
        "",
        gettext("Case %(number)s: %(subject)s") % words,
        gettext("Requester: %(requester)s, %(company)s") % {"requester": case.requester, "company": case.company},
        gettext("Assignee: %(assignee)s") % {"assignee": case.assignee or gettext("nobody")},
        "",
        link,
    ]
    return subject, "\n".join(lines) + "\n"
