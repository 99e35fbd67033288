"""Who may see which case: the one permission-checked getter for portal, console, downloads and API.

A requester sees their own cases, and those they are CC'd on where the desk's
"CC can view in portal" is on (off for PLM Group, POLICIES 0.6); colleagues at
the same company see nothing. Agents and managers see their own desks' cases;
a superuser sees every desk. A case that exists but is not yours is answered
exactly like one that does not exist.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import Q, QuerySet
from django.http import Http404

from casedesk.accounts.models import Contact
from casedesk.cases.models import Case
from casedesk.desks.models import Membership

User = AuthUser | AnonymousUser


class CaseNotFound(Http404):
    """No such case for this viewer (whether it exists or not)."""


def contact_of(user: User) -> Contact | None:
    """The customer contact a signed-in user is, or None (staff, anonymous)."""
    if not user.is_authenticated:
        return None
    return Contact.objects.select_related("company__desk").filter(user=user).first()


def staff_desk_ids(user: User) -> set[int] | None:
    """Desks a user works on; None means every desk (superuser); empty for anyone else."""
    if not user.is_authenticated or not getattr(user, "is_active", False):
        return set()
    if getattr(user, "is_superuser", False):
        return None
    return set(Membership.objects.filter(user=user).values_list("desk_id", flat=True))


def console_cases(user: User) -> QuerySet[Case]:
    desks = staff_desk_ids(user)
    if desks is None:
        return Case.objects.all()
    return Case.objects.filter(desk_id__in=desks)


def portal_cases(user: User) -> QuerySet[Case]:
    contact = contact_of(user)
    if contact is None:
        return Case.objects.none()
    visible = Q(requester=contact) | Q(ccs__contact=contact, desk__cc_can_view_in_portal=True)
    return Case.objects.filter(visible).distinct()


def _one(qs: QuerySet[Case], number: str) -> Case:
    case = qs.filter(number=number).select_related("desk", "policy_version", "contract").order_by("desk_id").first()
    if case is None:
        raise CaseNotFound("No case with this number.")
    return case


def case_for_console(user: User, number: str) -> Case:
    return _one(console_cases(user), number)


def case_for_portal(user: User, number: str) -> Case:
    return _one(portal_cases(user), number)
