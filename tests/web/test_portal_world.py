"""Fixtures for the portal tests (no tests here): alice the requester, her colleagues, a stranger, bob the agent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User

from casedesk.accounts.models import Contact
from casedesk.cases import services
from casedesk.cases.models import Case
from casedesk.desks.models import Desk, Membership
from tests.cases.factories import customer, desk, staff

CPH = ZoneInfo("Europe/Copenhagen")
NYC = ZoneInfo("America/New_York")
PLM_INTAKE = {"phone": "+45 1234", "product_version": "2025", "service_pack": "SP2.0", "english_ok": "yes"}
MC_INTAKE = {"site": "Plant", "product_version": "2026"}
PASSWORD = "portal-pass-4711"


def portal_user(contact: Contact) -> User:
    contact.user = User.objects.create_user(contact.email, contact.email, PASSWORD)
    contact.save()
    return contact.user


def colleague(of: Contact, name: str) -> Contact:
    return Contact.objects.create(
        company=of.company, site=of.site, name=name.title(), email=f"{name}@{of.company.pk}.test", zone=of.zone
    )


@dataclass
class World:
    desk: Desk
    case: Case
    alice: Contact
    users: dict[str, User]


def world(slug: str) -> World:
    """A case of alice's on a PLM (Monday 30 November 2026, 09:00 Copenhagen, High) or Mastercam desk."""
    d = desk(slug)
    if slug == "plm-group":
        alice, contract = customer(d, country="DK", zone="Europe/Copenhagen", tier="standard")
        intake, at, priority = PLM_INTAKE, datetime(2026, 11, 30, 9, tzinfo=CPH), "high"
    else:
        alice, contract = customer(d, country="US", zone="America/New_York")
        intake, at, priority = MC_INTAKE, datetime(2026, 11, 30, 9, tzinfo=NYC), "P2"
    case = services.open_case(
        d, requester=alice, subject="Crash on rebuild", description="It crashes.", contract=contract,
        intake=intake, priority=priority, at=at,
    )  # fmt: skip
    ccd, mate = colleague(alice, "cc"), colleague(alice, "colleague")
    services.add_cc(case, ccd, at=at)
    stranger, _ = customer(d, country="SE", zone="Europe/Stockholm")
    bob = staff("bob")
    Membership.objects.create(desk=d, user=bob, role=Membership.Role.AGENT)
    users = {
        "requester": portal_user(alice),
        "cc": portal_user(ccd),
        "colleague": portal_user(mate),
        "other company": portal_user(stranger),
        "agent": bob,
    }
    return World(d, case, alice, users)
