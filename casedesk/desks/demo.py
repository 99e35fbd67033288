"""Demo data for a desk, relative to now: customers, contracts and cases in every SLA state.

Cases are written through cases.services with past `at` times, exactly as if
they had happened, so their clocks are real.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from casedesk.accounts.models import Company, Contact, Contract, Site
from casedesk.cases import services, sla_state
from casedesk.cases.models import Case
from casedesk.desks.models import Desk, Membership
from casedesk.desks.policies import preset_of, version_in_force
from casedesk.sla.policy_schema import Policy


@dataclass(frozen=True)
class Customer:
    name: str
    country: str
    zone: str
    currency: str
    person: str
    language: str


CUSTOMERS: dict[str, list[Customer]] = {
    "plm-group": [
        Customer("Nordvik Marine AS", "NO", "Europe/Oslo", "NOK", "Ingrid Berg", "no"),
        Customer("Hekla Verk ehf", "IS", "Atlantic/Reykjavik", "ISK", "Jón Sigurðsson", "is"),
        Customer("Fynsk Maskin A/S", "DK", "Europe/Copenhagen", "DKK", "Mette Larsen", "da"),
        Customer("Göta Konstruktion AB", "SE", "Europe/Stockholm", "SEK", "Erik Lind", "sv"),
        Customer("Saimaa Tekniikka Oy", "FI", "Europe/Helsinki", "EUR", "Aino Virtanen", "fi"),
        Customer("Tallinna Insener OÜ", "EE", "Europe/Tallinn", "EUR", "Kadri Tamm", "et"),
        Customer("Daugava Projekts SIA", "LV", "Europe/Riga", "EUR", "Jānis Ozols", "lv"),
    ],
    "mastercam": [
        Customer("Precision Parts Inc", "US", "America/Chicago", "USD", "Dana Miller", "en"),
        Customer("Midlands Tooling Ltd", "GB", "Europe/London", "GBP", "Oliver Hughes", "en"),
        Customer("Västkust CNC AB", "SE", "Europe/Stockholm", "SEK", "Sara Holm", "sv"),
        Customer("Pacific Mold Co", "US", "America/Los_Angeles", "USD", "Kevin Ng", "en"),
    ],
    "dytron": [
        Customer("Strojírny Brno a.s.", "CZ", "Europe/Prague", "CZK", "Petr Novák", "cs"),
        Customer("Vltava Design s.r.o.", "CZ", "Europe/Prague", "CZK", "Jana Svobodová", "cs"),
        Customer("Ostrava Steel a.s.", "CZ", "Europe/Prague", "CZK", "Tomáš Dvořák", "cs"),
    ],
    "solidxperts": [
        Customer("Usinage Laurentides inc.", "CA", "America/Toronto", "CAD", "Marie Tremblay", "fr"),
        Customer("Conception Beauce ltée", "CA", "America/Toronto", "CAD", "Luc Gagnon", "fr"),
        Customer("Ottawa Robotics Inc.", "CA", "America/Toronto", "CAD", "Emma Wilson", "en"),
    ],
    "ptc": [
        Customer("Rhône Aéro SAS", "FR", "Europe/Paris", "EUR", "Claire Martin", "fr"),
        Customer("Bayern Antriebe GmbH", "DE", "Europe/Berlin", "EUR", "Lukas Weber", "de"),
        Customer("Osaka Seimitsu KK", "JP", "Asia/Tokyo", "EUR", "Haruto Sato", "ja"),
    ],
}

SUBJECTS = [
    "Assembly crashes when opening a drawing",
    "Licence does not activate after reinstall",
    "Toolpath simulation shows wrong stock",
    "Slow rebuild on large assemblies",
    "Error message unclear when saving",
    "How do I set up a custom template?",
    "Post processor outputs wrong feed rate",
    "PDM vault login fails for one user",
]

# What happens to each demo case after it opens, cycling: covers every SLA state.
SCENARIOS = ["fresh", "answered", "overdue", "resolved", "bug", "waiting_info", "escalated", "review"]


def _user(username: str, first: str, last: str, staff: bool) -> User:
    users = get_user_model()
    user, created = users.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "is_staff": staff}
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def _contract_tier(desk: Desk, i: int) -> str:
    tiers = [t.key for t in preset_of(version_in_force(desk, timezone.now())).policy.tiers]
    return tiers[i % len(tiers)] if tiers else ""


@transaction.atomic
def load_demo(desk: Desk, seed: int = 7, now: datetime | None = None) -> int:
    """Demo customers and cases; does nothing when the desk already has customers."""
    if desk.companies.exists():
        return 0
    rnd = random.Random(seed)
    now = now or timezone.now()
    agent = _user(f"{desk.slug}-bob", "Bob", "Agent", True)
    manager = _user(f"{desk.slug}-carol", "Carol", "Manager", True)
    Membership.objects.get_or_create(desk=desk, user=agent, defaults={"role": Membership.Role.AGENT})
    Membership.objects.get_or_create(desk=desk, user=manager, defaults={"role": Membership.Role.SUPPORT_MANAGER})
    policy = preset_of(version_in_force(desk, now)).policy
    contacts: list[tuple[Contact, Contract]] = []
    for i, c in enumerate(CUSTOMERS.get(desk.slug, [])):
        company = Company.objects.create(desk=desk, name=c.name, country=c.country, nda_signed=(i % 3 == 2))
        site = Site.objects.create(company=company, name="Head office", country=c.country, zone=c.zone)
        first = c.person.split()[0].lower()
        contact = Contact.objects.create(
            company=company,
            site=site,
            name=c.person,
            email=f"{first}@example.{c.country.lower()}",
            phone=f"+00 555 01{i:02d}",
            language=c.language,
            zone=c.zone,
            is_technical_contact=True,
        )
        today = now.date()
        contract = Contract.objects.create(
            desk=desk,
            company=company,
            site=site,
            tier=_contract_tier(desk, i),
            starts_on=date(today.year - 1, 1, 1),
            ends_on=date(today.year + 1, 12, 31),
            agreement_on=date(today.year - 1, 1, 1),
            seats=[3, 8, 20][i % 3],
            english_ok=(i % 2 == 0),
            service_number=f"{4000000 + i * 17}" if desk.slug == "ptc" else f"{desk.slug[:3].upper()}-{100 + i}",
            products=[{"product": "SOLIDWORKS Premium", "version": str(today.year)}],
            currency=c.currency,
            targets={"urgent": {"response": "2h"}} if desk.slug == "dytron" and i == 0 else {},
        )
        contacts.append((contact, contract))
    count = 0
    for n in range(32):
        contact, contract = contacts[n % len(contacts)]
        scenario = SCENARIOS[n % len(SCENARIOS)]
        # Overdue cases opened 2-4 weeks ago: past any target of the five policies, whatever day it is.
        hours = rnd.randint(336, 672) if scenario == "overdue" else rnd.randint(1, 240)
        opened = now - timedelta(hours=hours, minutes=rnd.randint(0, 59))
        priority = policy.priorities[n % len(policy.priorities)].key if policy.priorities else ""
        if scenario == "review" and desk.slug == "ptc":
            priority = "S0"
        intake = _intake_for(policy, contract, n)
        case = services.open_case(
            desk,
            requester=contact,
            subject=SUBJECTS[n % len(SUBJECTS)],
            description="Demo case.",
            channel=rnd.choice(["portal", "email", "phone"]),
            priority="" if scenario == "waiting_info" else priority,
            contract=contract,
            intake=intake,
            info_complete=scenario != "waiting_info",
            at=opened,
        )
        _play(case, scenario, agent, manager, opened, now, priority)
        sla_state.recompute(case, now=now)  # show the clocks as they stand now (overdue ones breached)
        count += 1
    return count


def _intake_for(policy: Policy, contract: Contract, n: int) -> dict[str, str]:
    keys = {f.key for f in policy.intake}
    values = {
        "phone": "+00 555 0100",
        "product_version": "2025",
        "service_pack": "SP2.0",
        "english_ok": "yes",
        "scn": contract.service_number if contract.service_number.isdigit() else "4000000",
        "product": "Creo Parametric",
        "category": "Modeling",
        "problem_type": "break-fix",
        "phone_24x7": "+33 1 55 55 01 00",
        "site": "Head office",
    }
    return {k: v for k, v in values.items() if k in keys}


def _play(
    case: Case,
    scenario: str,
    agent: User,
    manager: User,
    opened: datetime,
    now: datetime,
    priority: str,
) -> None:
    step = (now - opened) / 4
    if scenario == "fresh":
        return
    services.assign(case, agent, actor=manager, at=opened + step / 4)
    if scenario == "overdue":
        return
    services.agent_reply(case, agent, "Thanks, we are looking into it.", at=opened + step / 2)
    if scenario == "resolved":
        services.resolve(case, "fixed", actor=agent, at=opened + step * 2)
    elif scenario == "bug":
        services.classify(case, "bug", actor=agent, at=opened + step)
    elif scenario == "waiting_info":
        services.set_priority(case, priority, actor=agent, at=opened + step)
        services.info_received(case, actor=agent, at=opened + step * 2)
    elif scenario == "escalated" and (preset_of(case.policy_version).policy.section("escalation") or []):
        services.escalate(case, 1, "Customer asked for escalation", actor=manager, at=opened + step * 3)
    elif scenario == "review" and case.priority == "S0":
        services.record_review(case, "Management review: R&D engaged", actor=manager, at=opened + step)
