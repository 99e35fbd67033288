"""Demo cases for the compliance report: in the last whole month and in this month (the desk's home zone), a
commitment met, one missed, and a target removed by a bug/defect classification (or, where the desk's policy
removes nothing on bug/defect, by an out-of-scope classification), with the real clock.

The loader's cases open 0-28 days before now, so a report of the last whole month may find few of them; these
cases fill it. Written only through `casedesk.cases.services` (and `commercial` for scope), at past times in
order, by the desk's demo agent; times come from the case's own calendar and targets, so the outcome is the
one named whatever the day `make run` is run. A scenario that would end after now (early in a month) is left
out: `seed_reports` returns how many cases it opened.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction

from casedesk.cases import commercial, services, sla_state
from casedesk.cases.models import Case, SlaMetric
from casedesk.contracts import scope
from casedesk.demo import catalogue as cat
from casedesk.demo.catalogue import CATALOGUE, DeskDemo
from casedesk.desks.models import Desk, Membership
from casedesk.desks.policies import calendar_of, preset_of, version_in_force
from casedesk.notify.outbox import silenced
from casedesk.reports.periods import last_whole_month
from casedesk.sla.policy_schema import Policy

if TYPE_CHECKING:  # the loader calls seed_reports: imported when used, not at import time
    from casedesk.demo.loader import Account

HOUR = 3600
SCENARIOS = ("met", "missed", "removed", "missed_then_bug")


def seed_reports(desk: Desk, now: datetime, seed: int = 7) -> int:
    """Cases for the report of the last whole month and of this month; how many were opened (0 without a demo)."""
    demo = CATALOGUE.get(desk.preset) or CATALOGUE.get(desk.slug)
    agents = list(
        User.objects.filter(desk_memberships__desk=desk, desk_memberships__role=Membership.Role.AGENT).order_by("pk")
    )
    manager = User.objects.filter(
        desk_memberships__desk=desk, desk_memberships__role=Membership.Role.SUPPORT_MANAGER
    ).first()
    account = _account(desk, demo, now) if demo else None
    if demo is None or account is None or not agents or manager is None:
        return 0
    policy = preset_of(version_in_force(desk, now)).policy
    zone = policy.home_zone
    rnd = random.Random(f"{desk.slug}:reports:{seed}")
    last = last_whole_month(now, zone)
    this_month = datetime.combine(last.last + timedelta(days=1), time(0), tzinfo=ZoneInfo(zone))
    made = 0
    with transaction.atomic(), silenced():
        for first_day in (last.start, this_month):
            # Every scenario opens on the month's first weekday from 09:00, a few minutes apart.
            day = first_day.astimezone(ZoneInfo(account.customer.zone)).date()
            for i, scenario in enumerate(_scenarios(policy)):
                opened = _morning(day, account.customer.zone, 9 * 60 + 7 * i, rnd)
                if opened < max(now - timedelta(days=60), first_day) or opened >= now:
                    continue
                if _play(desk, demo, account, policy, scenario, opened, agents[0], manager, now, rnd) is not None:
                    made += 1
    return made


def _scenarios(policy: Policy) -> list[str]:
    bug_removes = any("bug_classified" in spec.cancel for spec in policy.metrics.values())
    out = ["met", "missed"]
    if bug_removes:
        out += ["removed", "missed_then_bug"]
    elif scope.items(policy):
        out.append("removed")
    return out


def _account(desk: Desk, demo: DeskDemo, now: datetime) -> Account | None:
    """A demo customer of the desk with a valid contract whose cases have targets."""
    from casedesk.demo.loader import Account

    customers = {c.name: c for c in demo.customers}
    for contract in desk.contracts.select_related("company").order_by("pk"):
        c = customers.get(contract.company.name)
        if c is None or c.rental or c.expired or not (contract.starts_on <= now.date() <= contract.ends_on):
            continue
        if demo.targeted_tiers and c.tier not in demo.targeted_tiers:
            continue
        if c.country not in preset_of(version_in_force(desk, now)).policy.calendar_map and demo.slug == "plm-group":
            continue  # a customer of the fallback queue: flagged for triage, not the plain case wanted here
        contacts = list(contract.company.contacts.order_by("pk"))
        if contacts:
            return Account(c, contract.company, contract, contacts)
    return None


def _morning(day: date, zone: str, minutes: int, rnd: random.Random) -> datetime:
    """That minute of the first weekday from `day`, in the customer's zone, at a minute no other case opened."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    t = datetime.combine(day, time(minutes // 60, minutes % 60, rnd.randint(0, 59)), tzinfo=ZoneInfo(zone))
    minute = t.replace(second=0)
    while Case.objects.filter(opened_at__gte=minute, opened_at__lt=minute + timedelta(minutes=1)).exists():
        t, minute = t + timedelta(minutes=1), minute + timedelta(minutes=1)
    return t


def _play(
    desk: Desk,
    demo: DeskDemo,
    account: Account,
    policy: Policy,
    scenario: str,
    opened: datetime,
    agent: User,
    manager: User,
    now: datetime,
    rnd: random.Random,
) -> Case | None:
    """Open one case and play its scenario, or nothing when the scenario would end after now."""
    from casedesk.demo.loader import Planned, _open

    # A subject the desk's cases do not have yet, when one is left: a demo that repeats itself looks made up.
    used = set(Case.objects.filter(desk=desk).values_list("subject", flat=True))
    plain = [s for s in demo.subjects if not s.hint] or list(demo.subjects)
    subject = rnd.choice([s for s in plain if s.text not in used] or plain)
    # The urgent priority, else the first with a commitment due from the opening (PTC: S0's review).
    for priority in dict.fromkeys([demo.urgent, *(p.key for p in policy.priorities)]):
        sid = transaction.savepoint()  # undone when the scenario has no due or would not end before now
        case = _open(desk, demo, Planned(cat.ANSWERED, account, subject, priority, opened, False), rnd)
        response = SlaMetric.objects.filter(case=case, goal=False, due_at__isnull=False).order_by("due_at").first()
        if response is not None and response.due_at is not None:
            break
        transaction.savepoint_rollback(sid)
    else:
        return None
    cal = calendar_of(case.policy_version, response.calendar or case.calendar, case.calendar_zone or None)
    target = cal.between(opened, response.due_at)
    # When each step happens, in business time of the case's calendar.
    steps = {
        # Met at 70% of the target: the demo's what-if draft (targets halved) turns it into a miss.
        "met": [("assign", 0.02), ("reply", 0.7), ("resolve", 0.9)],
        "missed": [("assign", 0.02), ("reply", 1.0 + 3600 / max(target, 1))],
        "removed": [("assign", 0.02), ("classify", 0.25), ("reply", 0.4)],
        "missed_then_bug": [("assign", 0.02), ("classify", 1.0 + 1800 / max(target, 1)), ("reply", 1.3)],
    }[scenario]
    times = [cal.add(opened, int(target * share) + 60 * i) for i, (_, share) in enumerate(steps, start=1)]
    if times[-1] >= now - timedelta(minutes=5):
        transaction.savepoint_rollback(sid)
        return None
    transaction.savepoint_commit(sid)
    for (step, _), at in zip(steps, times, strict=True):
        if step == "assign":
            services.assign(case, agent, actor=manager, at=at)
        elif step == "reply":
            services.agent_reply(case, agent, demo.phrases.get("first") or demo.phrases["update"], at=at)
        elif step == "resolve":
            services.resolve(case, demo.resolutions[0], actor=agent, at=at)
        elif any("bug_classified" in spec.cancel for spec in policy.metrics.values()):
            services.classify(case, "bug", actor=agent, at=at)
        else:
            item = next(i for i in scope.items(policy) if not i.in_scope)
            commercial.classify_scope(case, item.name, actor=agent, at=at)
    sla_state.refresh(case, now)
    return case
