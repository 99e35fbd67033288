"""Load a desk's demo: its customers, contracts, staff and cases, relative to now.

Cases are written only through `casedesk.cases.services`, with past `at`
times in order, so their clocks are real. Opening times are drawn from a
random generator seeded by the desk and `seed`: the same desk, seed and now
give the same demo, and no two desks open cases at the same minute.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from casedesk.accounts.models import Company, Contact, Contract, Site
from casedesk.cases import services, sla_state
from casedesk.cases.models import Case
from casedesk.demo import catalogue as cat
from casedesk.demo.catalogue import CATALOGUE, Customer, DeskDemo, Subject
from casedesk.demo.commercial import load_commercial
from casedesk.demo.reports import seed_reports
from casedesk.demo.whatif import seed_whatif
from casedesk.desks.models import Desk, Membership
from casedesk.desks.policies import calendar_of, preset_of, version_in_force
from casedesk.notify.outbox import silenced
from casedesk.sla import Calendar
from casedesk.sla.policy_schema import Policy

HOUR = 3600
CALLING_CODES = {
    "NO": "+47", "IS": "+354", "DK": "+45", "SE": "+46", "FI": "+358", "EE": "+372", "LV": "+371", "LT": "+370",
    "US": "+1", "GB": "+44", "CZ": "+420", "CA": "+1", "FR": "+33", "DE": "+49", "JP": "+81",
}  # fmt: skip

# How long ago each scenario's case opened, in days (low, high).
AGES: dict[str, tuple[float, float]] = {
    cat.FRESH: (0.02, 0.8),
    cat.ANSWERED: (0.6, 12),
    cat.OVERDUE: (14, 28),
    cat.LATE: (9, 24),
    cat.RESOLVED: (1, 28),
    cat.WAITING: (1, 10),
    cat.REOPENED: (6, 25),
    cat.LOWERED: (5, 20),
    cat.NO_PRIORITY: (0.05, 6),
    cat.QUESTION: (1, 15),
    cat.TRIAGE: (0.1, 4),
    cat.BUG: (2, 20),
    cat.WAITING_INFO: (1, 8),
    cat.INFO_ARRIVED: (4, 15),
    cat.ESCALATED: (6, 16),
    cat.ESCALATED2: (9, 24),
    cat.S0_REVIEWS: (1.1, 2.9),
    cat.S0_MISSED: (3, 6),
    cat.S0_DOWNGRADED: (6, 14),
}
# Subject hint each scenario asks for.
HINTS = {cat.LOWERED: "urgent", cat.QUESTION: "question", cat.S0_REVIEWS: "urgent", cat.S0_MISSED: "urgent",
         cat.S0_DOWNGRADED: "urgent"}  # fmt: skip
# Scenarios whose case needs a tier with targets (DYTRON: SLA contracts), and the first running case.
TARGETED = {cat.FRESH, cat.ANSWERED, cat.OVERDUE, cat.LATE, cat.LOWERED}
# PTC status-update cadences in business hours (1, 3 and 5 business days of 9 hours).
PTC_CADENCE = {"S1": 9.0, "S2": 27.0, "S3": 45.0}


@dataclass
class Account:
    customer: Customer
    company: Company
    contract: Contract
    contacts: list[Contact]


@dataclass
class Planned:
    scenario: str
    account: Account
    subject: Subject
    priority: str
    opened: datetime
    first_of_kind: bool


@transaction.atomic
def load_demo(desk: Desk, seed: int = 7, now: datetime | None = None) -> int:
    """The desk's demo customers, staff and cases; returns the number of cases.

    Does nothing (returns 0) when the desk already has companies, or when the
    desk's preset has no demo in the catalogue."""
    demo = CATALOGUE.get(desk.preset) or CATALOGUE.get(desk.slug)
    if demo is None or desk.companies.exists():
        return 0
    now = now or timezone.now()
    rnd = random.Random(f"{demo.slug}:{desk.slug}:{seed}")
    policy = preset_of(version_in_force(desk, now)).policy
    agents, manager = _staff(desk, demo)
    accounts = [_account(desk, demo, c, manager, rnd, now) for c in demo.customers]
    plans = _plan(desk, demo, policy, accounts, rnd, now)
    with silenced():  # the demo's past is history: nobody is e-mailed about it
        for i, plan in enumerate(plans):
            case = _open(desk, demo, plan, rnd)
            play = Play(case, demo, plan, rnd, now, agents[i % 2], agents[(i + 1) % 2], manager)
            play.run()
            sla_state.refresh(case, now)  # the clocks as they stand now: unanswered old cases are past due
        soon = _about_to_breach(desk, demo, policy, plans, now)
        load_commercial(desk, agents[0], manager, now)
        reported = seed_reports(desk, now, seed)  # met, missed and removed commitments in last month and this one
        # One contact per company asks for the monthly SLA statement: the worker e-mails it on the 1st.
        first = [c.contacts.order_by("pk").values_list("pk", flat=True).first() for c in desk.companies.all()]
        Contact.objects.filter(pk__in=[pk for pk in first if pk]).update(sla_statements=True)
    seed_whatif(desk, manager, now)  # a draft with halved response targets, replayed over the demo's cases
    return len(plans) + soon + reported


# Minutes of business time left on each "about to breach" case: the first breaches a few minutes after the
# demo loads; the second passes its 30-minutes-before warning first, then breaches. The worker's sweep records
# both on its own, as time passes (at the calendar's next opening when the desk is closed now).
SOON_MINUTES = (8, 40)


def _about_to_breach(desk: Desk, demo: DeskDemo, policy: Policy, plans: list[Planned], now: datetime) -> int:
    """Untouched cases opened so that their nearest due falls SOON_MINUTES after now; how many. The urgent
    priority first, else the first priority whose untouched case has a due (PTC: S0's review)."""
    models = [p for p in plans if p.scenario in TARGETED and p.priority] or plans
    priorities = list(dict.fromkeys([demo.urgent, *(p.key for p in policy.priorities)]))
    taken = _minutes_taken(desk, now) | {int(p.opened.timestamp()) // 60 for p in plans}
    made = 0
    for i, minutes in enumerate(SOON_MINUTES):
        model = models[i % len(models)]
        for priority in priorities:
            plan = Planned(cat.FRESH, model.account, model.subject, priority, now, False)
            opened = _opened_for_due(desk, demo, plan, now + timedelta(minutes=minutes), now)
            if opened is not None:
                while int(opened.timestamp()) // 60 in taken:  # each demo case at a minute of its own: a minute
                    opened -= timedelta(minutes=1)  # earlier only brings the due a minute closer
                taken.add(int(opened.timestamp()) // 60)
                plan.opened = opened
                case = _open(desk, demo, plan, random.Random(f"{desk.slug}:soon:{minutes}"))
                sla_state.refresh(case, now)
                made += 1
                break
    return made


def _opened_for_due(desk: Desk, demo: DeskDemo, plan: Planned, wanted: datetime, now: datetime) -> datetime | None:
    """The latest opening (to the second) whose nearest due is still `wanted` or later: found by opening trial
    cases in a savepoint that is rolled back, so the calendar, tier and target are exactly the case's own."""

    def due(opened: datetime) -> datetime | None:
        sid = transaction.savepoint()
        try:
            plan.opened = opened
            return _open(desk, demo, plan, random.Random(0)).next_due_at
        finally:
            transaction.savepoint_rollback(sid)

    low, high = now - timedelta(days=20), now - timedelta(seconds=1)
    if (d := due(high)) is None or d < wanted:
        return None  # even a case opened now is due before then (or has no due)
    for _ in range(40):  # due(opened) never decreases as the opening moves later
        mid = low + (high - low) / 2
        d = due(mid)
        if d is not None and d >= wanted:
            high = mid
        else:
            low = mid
    return high.replace(microsecond=0) + timedelta(seconds=1)


# --- people and contracts ---------------------------------------------------


_FOLD: dict[str, str | int | None] = {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "ð": "d", "þ": "th", "Þ": "Th"}


def _ascii(text: str) -> str:
    text = text.translate(str.maketrans(_FOLD))
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum() or ch in ".-")


def _email(name: str, domain: str) -> str:
    parts = [_ascii(p) for p in name.replace("'", "").split()]
    return f"{parts[0]}.{parts[-1]}@{domain}"


def _phone(country: str, rnd: random.Random) -> str:
    return f"{CALLING_CODES.get(country, '+1')} {rnd.randint(200, 989)} {rnd.randint(10, 99)} {rnd.randint(100, 999)}"


def _staff(desk: Desk, demo: DeskDemo) -> tuple[tuple[User, User], User]:
    users = []
    for suffix, first, last in demo.staff:
        username = f"{desk.slug}-{suffix}"
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "is_staff": True, "email": f"{suffix}@{demo.domain}"},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        users.append(user)
    roles = [Membership.Role.AGENT, Membership.Role.AGENT, Membership.Role.SUPPORT_MANAGER]
    for user, role in zip(users, roles, strict=True):
        Membership.objects.get_or_create(desk=desk, user=user, defaults={"role": role})
    return (users[0], users[1]), users[2]


def _account(desk: Desk, demo: DeskDemo, c: Customer, manager: User, rnd: random.Random, now: datetime) -> Account:
    company = Company.objects.create(
        desk=desk, name=c.name, country=c.country, nda_signed=c.nda, account_manager=manager
    )
    site = Site.objects.create(company=company, name=c.city, country=c.country, zone=c.zone)
    contacts = [
        Contact.objects.create(
            company=company,
            site=site,
            name=name,
            email=_email(name, c.domain),
            phone=_phone(c.country, rnd),
            language=c.language,
            zone=c.zone,
            is_technical_contact=(i == 0),
            online_licensing=(i == 0 and demo.slug == "ptc"),  # PTC: the first contact may read the SCN report
        )
        for i, name in enumerate(c.people)
    ]
    today = now.date()
    if c.rental:  # short-term (3-month) rental
        starts = today - timedelta(days=rnd.randint(10, 60))
        ends = starts + timedelta(days=91)
    elif c.expired:
        starts = date(today.year - 3, rnd.randint(1, 12), 1)
        ends = date(today.year - 1, starts.month, 1) - timedelta(days=1)
    else:
        starts = today - timedelta(days=rnd.randint(60, 700))
        ends = date(starts.year + (today.year - starts.year) + 1, starts.month, 1) - timedelta(days=1)
    contract = Contract.objects.create(
        desk=desk,
        company=company,
        site=site,
        tier=c.tier,
        starts_on=starts,
        ends_on=ends,
        agreement_on=starts,
        seats=c.seats,
        rental=c.rental,
        service_number=_service_number(demo, c, rnd),
        nda=c.nda,
        english_ok=c.english_ok,
        products=[{"product": p, "version": v} for p, v in c.products],
        currency=c.currency,
        targets=c.targets,
    )
    return Account(c, company, contract, contacts)


def _service_number(demo: DeskDemo, c: Customer, rnd: random.Random) -> str:
    if demo.slug == "ptc":
        return str(rnd.randint(4_000_000, 9_999_999))  # SCN: numeric
    if demo.slug == "mastercam":
        return f"CONNECT-{c.country}-{rnd.randint(10000, 99999)}"
    prefix = {"plm-group": "PLM", "dytron": "DY", "solidxperts": "SX"}.get(demo.slug, "C")
    return f"{prefix}-{c.country}-{rnd.randint(1000, 9999)}"


# --- the plan: which case, for whom, when ----------------------------------


def _plan(
    desk: Desk, demo: DeskDemo, policy: Policy, accounts: list[Account], rnd: random.Random, now: datetime
) -> list[Planned]:
    scenarios = list(demo.scenarios)
    names, weights = zip(*demo.filler, strict=True)
    scenarios += rnd.choices(names, weights=weights, k=max(0, demo.cases - len(scenarios)))
    taken = _minutes_taken(desk, now)
    unused = list(demo.subjects)
    rnd.shuffle(unused)
    seen: set[str] = set()
    served: set[str] = set()  # every customer gets a case before anyone gets a second one
    plans = []
    for scenario in scenarios:
        first = scenario not in seen
        seen.add(scenario)
        account = _pick_account(demo, policy, accounts, scenario, first, rnd, served)
        served.add(account.customer.name)
        subject = _pick_subject(demo, account.customer, HINTS.get(scenario, ""), unused, rnd)
        priority = _priority(demo, scenario, first, rnd)
        low, high = AGES[scenario]
        if scenario == cat.FRESH and first:
            high = 0.25  # opened within the last hours at a calm priority: surely still running
        opened = _opening(rnd, account.customer.zone, now, low, high, taken)
        plans.append(Planned(scenario, account, subject, priority, opened, first))
    plans.sort(key=lambda p: p.opened)  # case numbers follow opening order
    return plans


def _minutes_taken(desk: Desk, now: datetime) -> set[int]:
    """Opening minutes already used on other desks: each desk's demo opens cases at its own minutes."""
    since = now - timedelta(days=40)
    times = Case.objects.filter(opened_at__gte=since).exclude(desk=desk).values_list("opened_at", flat=True)
    return {int(t.timestamp()) // 60 for t in times}


def _pick_account(
    demo: DeskDemo,
    policy: Policy,
    accounts: list[Account],
    scenario: str,
    first: bool,
    rnd: random.Random,
    served: set[str],
) -> Account:
    pool = accounts
    if scenario == cat.TRIAGE:
        pool = [a for a in accounts if a.customer.country not in policy.calendar_map] or accounts
    elif demo.targeted_tiers and scenario in TARGETED and (first or scenario != cat.FRESH):
        pool = [a for a in accounts if a.customer.tier in demo.targeted_tiers] or accounts
    pool = [a for a in pool if a.customer.name not in served] or pool
    return rnd.choices(pool, weights=[max(2, min(a.customer.seats, 20)) for a in pool])[0]


def _fits(s: Subject, c: Customer) -> bool:
    family = s.family.lower()
    return (not s.lang or s.lang == c.language) and (not family or any(family in p.lower() for p, _ in c.products))


def _pick_subject(demo: DeskDemo, c: Customer, hint: str, unused: list[Subject], rnd: random.Random) -> Subject:
    for pool in (
        [s for s in unused if s.hint == hint and _fits(s, c)],
        [s for s in unused if not s.hint and _fits(s, c)],
        [s for s in unused if _fits(s, c)],  # an unused subject of another kind before repeating one
        [s for s in demo.subjects if s.hint == hint and _fits(s, c)],
        [s for s in demo.subjects if _fits(s, c)],
    ):
        if pool:
            subject = rnd.choice(pool)
            if subject in unused:
                unused.remove(subject)
            return subject
    return rnd.choice(demo.subjects)


def _priority(demo: DeskDemo, scenario: str, first: bool, rnd: random.Random) -> str:
    if scenario in {cat.S0_REVIEWS, cat.S0_MISSED, cat.S0_DOWNGRADED}:
        return "S0"
    if scenario == cat.NO_PRIORITY:
        return ""
    if scenario == cat.LOWERED:
        return demo.urgent
    if scenario == cat.QUESTION:
        return demo.question
    if scenario == cat.FRESH:
        return demo.calm if first else rnd.choice([*demo.normal, demo.calm])
    if scenario in {cat.OVERDUE, cat.LATE, cat.ESCALATED, cat.ESCALATED2, cat.WAITING_INFO, cat.INFO_ARRIVED}:
        return rnd.choice(demo.normal)
    return rnd.choice([*demo.normal, demo.calm])


def _opening(rnd: random.Random, zone: str, now: datetime, low: float, high: float, taken: set[int]) -> datetime:
    """An opening time low..high days ago: mostly office hours on weekdays, some evenings and weekends."""
    tz = ZoneInfo(zone)
    earliest, latest = now - timedelta(days=high), now - timedelta(days=low)
    for attempt in range(200):
        t = (now - timedelta(seconds=rnd.uniform(low, high) * 86400)).astimezone(tz)
        if attempt < 100 and high - low >= 1 and rnd.random() < 0.8:
            day = t.date()
            while day.weekday() >= 5:
                day -= timedelta(days=1)
            minute = int(rnd.triangular(7 * 60 + 20, 17 * 60 + 30, 9 * 60 + 30))
            t = datetime.combine(day, time(minute // 60, minute % 60, rnd.randint(0, 59)), tzinfo=tz)
        t = t.replace(microsecond=0)
        key = int(t.timestamp()) // 60
        if earliest <= t <= latest and key not in taken:
            taken.add(key)
            return t
    raise RuntimeError(f"no free opening minute {low}-{high} days before {now}")  # pragma: no cover


# --- opening and playing a case ----------------------------------------------


def _product(c: Customer, s: Subject) -> tuple[str, str]:
    family = s.family.lower()
    return next(((p, v) for p, v in c.products if family and family in p.lower()), c.products[0])


def _open(desk: Desk, demo: DeskDemo, plan: Planned, rnd: random.Random) -> Case:
    a, s = plan.account, plan.subject
    c = a.customer
    product, version = _product(c, s)
    requester = rnd.choice(a.contacts)
    channel = rnd.choice(c.channels or demo.channels)
    if plan.priority == "S0":
        channel = "phone"  # production down: the customer calls
    intake = _intake(demo, plan, requester, product, version, rnd)
    return services.open_case(
        desk,
        requester=requester,
        subject=s.text,
        description=demo.description.format(subject=s.text, product=product, version=version, city=c.city),
        channel=channel,
        priority=plan.priority,
        contract=a.contract,
        intake=intake,
        info_complete=plan.scenario != cat.WAITING_INFO,
        at=plan.opened,
    )


def _intake(
    demo: DeskDemo, plan: Planned, requester: Contact, product: str, version: str, rnd: random.Random
) -> dict[str, str]:
    c, s = plan.account.customer, plan.subject
    if demo.slug == "plm-group":
        sw = next((v for p, v in c.products if p.startswith("SOLIDWORKS")), "2025")
        fields = {
            "phone": requester.phone,
            "product_version": sw,
            "service_pack": f"SP{rnd.randint(0, 5)}.{rnd.choice([0, 0, 1])}",
            "english_ok": "yes" if plan.account.contract.english_ok else "no",
        }
        if s.family == "3DEXPERIENCE":
            fields["apps_3dx"] = rnd.choice(["Collaborative Designer for SOLIDWORKS", "3D Creator, Bookmark Editor"])
        if rnd.random() < 0.4:
            fields["reproduction"] = "1. Open the file from the vault. 2. Rebuild (Ctrl+Q). 3. The error appears."
        return fields
    if demo.slug == "mastercam":
        return {"site": c.city, "product_version": version}
    if demo.slug == "ptc":
        family = s.family or product.split()[0]
        fields = {
            "scn": plan.account.contract.service_number,
            "product": product,
            "category": demo.categories.get(family, "General"),
            "product_version": f"{version} (date code M{rnd.randint(1, 9)}0)",
            "problem_type": rnd.choice(["how-to", "general question"]) if s.hint == "question" else "break-fix",
        }
        if plan.priority == "S0" or rnd.random() < 0.15:
            fields["phone_24x7"] = requester.phone
        return fields
    return {}


class Play:
    """What happens to one case after it opens: events in order, none after now."""

    def __init__(
        self,
        case: Case,
        demo: DeskDemo,
        plan: Planned,
        rnd: random.Random,
        now: datetime,
        agent: User,
        colleague: User,
        manager: User,
    ) -> None:
        self.case, self.demo, self.plan, self.rnd, self.now = case, demo, plan, rnd, now
        self.agent, self.colleague, self.manager = agent, colleague, manager
        self.cal: Calendar = calendar_of(case.policy_version, case.calendar, case.calendar_zone or None)
        self.t = case.opened_at
        self.lang = case.requester.language

    def after(self, business_hours: float = 0.0, hours: float = 0.0) -> datetime:
        """The next event time: business hours of the case's calendar or elapsed hours later, before now."""
        t = self.cal.add(self.t, int(business_hours * HOUR)) if business_hours else self.t
        t += timedelta(hours=hours, seconds=self.rnd.randint(20, 300))
        t = max(min(t, self.now - timedelta(minutes=1)), self.t + timedelta(seconds=1))
        self.t = t
        return t

    def fits(self, business_hours: float = 0.0, hours: float = 0.0) -> bool:
        """Whether that much time after the last event is still in the past."""
        t = self.cal.add(self.t, int(business_hours * HOUR)) if business_hours else self.t
        return t + timedelta(hours=hours, minutes=10) < self.now

    def say(self, key: str) -> str:
        p = self.demo.phrases
        return p.get(f"{key}:{self.lang}") or p.get(key) or p["update"]

    # building blocks

    def assign(self, business_hours: float = 0.1) -> None:
        services.assign(self.case, self.agent, actor=self.manager, at=self.after(business_hours))

    def answer(self) -> None:
        """Assigned and answered well within any target of the five policies (the shortest is 2 hours)."""
        self.assign(self.rnd.uniform(0.05, 0.3))
        services.agent_reply(self.case, self.agent, self.say("first"), at=self.after(self.rnd.uniform(0.1, 1.0)))

    def customer(self, key: str = "customer", business_hours: float = 2.0) -> bool:
        if not self.fits(business_hours):
            return False
        services.customer_reply(self.case, self.say(key), at=self.after(business_hours))
        return True

    def reply(self, business_hours: float = 1.0, key: str = "update", hours: float = 0.0) -> None:
        at = self.after(0.0 if hours else business_hours, hours)
        services.agent_reply(self.case, self.agent, self.say(key), at=at)

    def resolve(self, business_hours: float) -> None:
        kind = self.rnd.choice(self.demo.resolutions)
        self.reply(business_hours, "done")
        services.resolve(self.case, kind, actor=self.agent, at=self.after(hours=0.01))

    def ask(self) -> None:
        items = self.rnd.sample(self.demo.checklist, k=min(2, len(self.demo.checklist))) or ["Screenshots"]
        services.agent_reply(self.case, self.agent, f"{self.say('ask')}\n- " + "\n- ".join(items), at=self.after(0.2))
        services.request_info(self.case, items, actor=self.agent, at=self.after(hours=0.01))
        services.set_waiting(self.case, True, actor=self.agent, at=self.after(hours=0.01))

    def updates(self, until: datetime) -> None:
        """PTC: status updates inside the cadence of the case's severity, up to `until`."""
        cadence = PTC_CADENCE.get(self.case.priority)
        if cadence is None:
            return
        while True:
            step = cadence * self.rnd.uniform(0.45, 0.85)
            if self.cal.add(self.t, int(step * HOUR)) + timedelta(minutes=6) >= until:
                return
            self.reply(step)

    # scenarios

    def run(self) -> None:
        getattr(self, f"_{self.plan.scenario}")()

    def _fresh(self) -> None:
        if not self.plan.first_of_kind and self.rnd.random() < 0.4 and self.fits(0.2):
            self.assign(0.2)

    def _answered(self) -> None:
        self.answer()
        if self.demo.slug == "ptc":
            self.updates(self.now)
            return
        if self.customer(business_hours=self.rnd.uniform(1, 6)) and self.fits(2):
            self.reply(self.rnd.uniform(0.5, 2))

    def _overdue(self) -> None:
        if self.demo.slug == "ptc":
            self.answer()  # then no status update for weeks
        elif self.rnd.random() < 0.5:
            self.assign(self.rnd.uniform(0.5, 3))

    def _late(self) -> None:
        self.assign(self.rnd.uniform(0.5, 2))
        # 30 business hours: past every target of a non-calm priority (Mastercam P3 is 24 hours).
        services.agent_reply(self.case, self.agent, self.say("first"), at=self.after(30))
        if self.customer(business_hours=3):
            self.reply(2)

    def _resolved(self) -> None:
        self.answer()
        if self.demo.slug == "ptc":
            horizon = min(self.now, self.t + timedelta(days=self.rnd.uniform(1, 6)))
            self.updates(horizon)
        elif self.rnd.random() < 0.5 and self.fits(3):
            self.customer(business_hours=self.rnd.uniform(0.5, 3))
        if self.demo.slug == "mastercam" and self.case.priority == "P1":
            self.resolve(self.rnd.uniform(1, 5))
        else:
            self.resolve(self.rnd.uniform(1, 14))

    def _waiting_customer(self) -> None:
        self.answer()
        self.ask()

    def _reopened(self) -> None:
        self.answer()
        self.resolve(self.rnd.uniform(2, 8))
        services.customer_reply(self.case, self.say("reopen"), at=self.after(self.rnd.uniform(4, 20)))
        services.reopen(self.case, actor=self.agent, at=self.after(hours=0.02))
        if self.fits(1):
            self.reply(self.rnd.uniform(0.5, 2))

    def _lowered(self) -> None:
        """Opened at the urgent priority; nobody answered in time; then lowered (the miss stays on record)."""
        lower = self.demo.lowered_to
        if self.demo.slug == "ptc":
            self.answer()  # S1: then no update for two business days
            services.set_priority(self.case, lower, actor=self.agent, at=self.after(18))
            self.reply(0.1, "lowered")
            self.updates(self.now)
            return
        self.assign(0.3)
        services.set_priority(self.case, lower, actor=self.agent, at=self.after(self.rnd.uniform(5, 7)))
        self.reply(0.1, "lowered")

    def _no_priority(self) -> None:
        if self.rnd.random() < 0.5 and self.fits(1.5):
            self.answer()

    def _question(self) -> None:
        self.answer()
        if self.rnd.random() < 0.6:
            self.resolve(self.rnd.uniform(0.5, 4))

    def _triage(self) -> None:
        if self.fits(1.5):
            self.answer()

    def _bug(self) -> None:
        self.answer()
        kind = self.rnd.choice(["bug", "defect"])
        services.classify(self.case, kind, actor=self.agent, at=self.after(self.rnd.uniform(1, 6)))
        self.reply(0.2, "update")

    def _waiting_info(self) -> None:
        """Mastercam: priority set, the information still missing: the resolution clock has not started."""
        self.answer()
        self.ask()

    def _info_arrived(self) -> None:
        self.answer()
        self.ask()
        services.customer_reply(self.case, self.say("customer"), at=self.after(self.rnd.uniform(3, 12)))
        services.info_received(self.case, actor=self.agent, at=self.after(hours=0.05))
        services.set_waiting(self.case, False, actor=self.agent, at=self.after(hours=0.01))
        self.reply(self.rnd.uniform(0.5, 3))

    def _escalated(self, levels: int = 1) -> None:
        self.answer()
        self.reply(self.rnd.uniform(4, 10))
        services.customer_reply(self.case, self.say("escalate"), at=self.after(self.rnd.uniform(12, 20)))
        reason = f"Customer asked for escalation of {self.case.number}: not resolved in time"
        services.escalate(self.case, 1, reason, actor=self.manager, at=self.after(0.5))
        services.agent_reply(self.case, self.manager, "Support manager review: plan agreed.", at=self.after(0.5))
        if levels > 1:
            services.customer_reply(self.case, self.say("escalate"), at=self.after(self.rnd.uniform(8, 14)))
            reason = "Level 1 review did not unblock production: technical-support management"
            services.escalate(self.case, 2, reason, actor=self.manager, at=self.after(0.5))

    def _escalated2(self) -> None:
        self._escalated(levels=2)

    def _s0(self, until: datetime, reviews_late_after: int | None = None) -> None:
        """PTC S0 worked round the clock: updates every 2-4 elapsed hours, a review before each 24-hour mark."""
        start = self.case.opened_at
        services.assign(self.case, self.agent, actor=self.manager, at=self.after(hours=0.1))
        self.reply(hours=0.3, key="first")
        events: list[tuple[datetime, str]] = []
        t = self.t
        while True:
            t += timedelta(hours=self.rnd.uniform(2.0, 3.6))
            if t >= until:
                break
            events.append((t, "update"))
        mark = 1
        while start + timedelta(hours=24 * mark) < until:
            if reviews_late_after is not None and mark > reviews_late_after:
                break
            held = start + timedelta(hours=24 * mark - self.rnd.uniform(0.5, 3))
            events.append((held, "review"))
            mark += 1
        for at, kind in sorted(events):
            if at <= self.t:
                continue
            self.t = at
            if kind == "review":
                services.record_review(self.case, self.say("review"), actor=self.manager, at=at)
            else:
                who = self.rnd.choice([self.agent, self.colleague])  # the night shift takes turns
                services.agent_reply(self.case, who, self.say("update"), at=at)

    def _s0_reviews(self) -> None:
        self._s0(self.now - timedelta(minutes=self.rnd.randint(15, 90)))

    def _s0_missed(self) -> None:
        """Reviews held the first day only, then updates stop too: the review and the update are overdue."""
        self._s0(self.case.opened_at + timedelta(hours=30), reviews_late_after=1)

    def _s0_downgraded(self) -> None:
        self._s0(self.case.opened_at + timedelta(hours=self.rnd.uniform(40, 60)))
        services.set_round_the_clock(self.case, False, actor=self.manager, at=self.after(hours=0.5))
        services.set_priority(self.case, "S1", actor=self.agent, at=self.after(hours=1))
        self.reply(hours=0.1, key="lowered")
        self.updates(min(self.now, self.t + timedelta(days=3)))
        self.resolve(self.rnd.uniform(2, 6))
