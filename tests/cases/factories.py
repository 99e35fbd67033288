"""Named people and customers for case tests (alice the requester, bob the agent, carol the manager)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User

from casedesk.accounts.models import Company, Contact, Contract, Site
from casedesk.desks.loading import load_desk
from casedesk.desks.models import Desk


def desk(slug: str) -> Desk:
    return load_desk(slug)[0]


def customer(
    d: Desk, *, country: str, zone: str, tier: str = "", scn: str = "", targets: dict | None = None
) -> tuple[Contact, Contract]:
    company = Company.objects.create(desk=d, name=f"Customer {country}", country=country)
    site = Site.objects.create(company=company, name="Plant", country=country, zone=zone)
    alice = Contact.objects.create(
        company=company, site=site, name="Alice", email=f"alice@{country.lower()}.test", zone=zone
    )
    contract = Contract.objects.create(
        desk=d,
        company=company,
        site=site,
        tier=tier,
        starts_on=date(2025, 1, 1),
        ends_on=date(2027, 12, 31),
        service_number=scn,
        targets=targets or {},
    )
    return alice, contract


def staff(name: str) -> User:
    return User.objects.create_user(name, f"{name}@desk.test", is_staff=True)
