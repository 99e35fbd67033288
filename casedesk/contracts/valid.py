"""Which contract a new case runs under: the company's contract on the desk valid today."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.utils import timezone

from casedesk.accounts.models import Contact, Contract
from casedesk.desks.models import Desk
from casedesk.sla.policy_schema import Policy


def contract_today(desk: Desk, contact: Contact, policy: Policy) -> Contract | None:
    """The contact's company's contract on this desk valid today (in the desk's home zone), if any; the
    latest-ending one when several are."""
    today = timezone.now().astimezone(ZoneInfo(policy.home_zone)).date()
    valid = Contract.objects.filter(desk=desk, company=contact.company, starts_on__lte=today, ends_on__gte=today)
    return valid.order_by("-ends_on", "-id").first()
