"""Who may use the console: signed-in desk members (agents, support managers) and superusers.

Anonymous visitors go to the sign-in page (302); anyone else signed in, a
requester for example, gets 403. Which cases a member sees is decided per
case by casedesk.cases.access (another desk's case is a 404).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase

from casedesk.cases.access import staff_desk_ids
from casedesk.desks.models import Desk, Membership, Team

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponseBase]


def member_required(view: View[P]) -> View[P]:
    @functools.wraps(view)
    def gated(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        desks = staff_desk_ids(request.user)
        if desks is not None and not desks:
            raise PermissionDenied("The console is for the desks' agents and managers.")
        return view(request, *args, **kwargs)

    return login_required(gated)


def agent(request: HttpRequest) -> User:
    """The signed-in member behind a console write (member_required let only them through)."""
    assert isinstance(request.user, User)
    return request.user


def desks_of(user: User) -> QuerySet[Desk]:
    ids = staff_desk_ids(user)
    desks = Desk.objects.order_by("name")
    return desks if ids is None else desks.filter(pk__in=ids)


def is_manager(user: User, desk_id: int) -> bool:
    """A support manager of the desk: the same test services.mark_critical makes."""
    role = Membership.Role.SUPPORT_MANAGER
    return Membership.objects.filter(desk_id=desk_id, user=user, role=role).exists()


def my_teams(user: User) -> list[Team]:
    """The teams the member belongs to (one per desk at most), for the navigation's team queues."""
    memberships = Membership.objects.filter(user=user, team__isnull=False).select_related("team__desk")
    return [m.team for m in memberships if m.team is not None]
