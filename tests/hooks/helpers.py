"""PLM Group with its people (bob the agent, carol the support manager) and alice, a Swedish customer."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User

from casedesk.cases import services
from casedesk.cases.models import Case
from casedesk.desks.models import Desk, Membership
from casedesk.hooks import subscriptions
from casedesk.hooks.models import Subscription
from tests.cases.factories import customer, staff

STO = ZoneInfo("Europe/Stockholm")
INTAKE = {"phone": "+46 1234", "product_version": "2025", "service_pack": "SP2.0", "english_ok": "yes"}


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=STO)  # 30 Nov 2026 is a Monday


def member(d: Desk, name: str, role: str = Membership.Role.AGENT) -> User:
    user = staff(name)
    Membership.objects.create(desk=d, user=user, role=role)
    return user


def subscribe(d: Desk, url: str, *events: str) -> Subscription:
    return subscriptions.add(d, url, list(events), by=None)


def open_case(d: Desk, when: datetime | None = None, tier: str = "standard", priority: str = "critical") -> Case:
    alice, contract = customer(d, country="SE", zone="Europe/Stockholm", tier=tier)
    return services.open_case(
        d, requester=alice, contract=contract, subject="Crash", priority=priority, intake=INTAKE, at=when or at(30, 9)
    )


def body(raw: bytes) -> dict[str, Any]:
    data = json.loads(raw)
    assert isinstance(data, dict)
    return data
