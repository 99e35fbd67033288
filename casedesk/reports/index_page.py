"""/console/reports/: the desks a viewer manages (superusers: every desk), each with its overview, its
compliance report and its what-if replays. Anyone who manages no desk gets the same 404 as a missing page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from casedesk.cases.access import staff_desk_ids
from casedesk.desks.models import Desk, Membership


def managed_desks(user: User | AnonymousUser) -> list[Desk]:
    """Desks whose support manager the user is (every desk for a superuser), by name."""
    desks = Desk.objects.order_by("name")
    if not isinstance(user, User):
        return []
    if staff_desk_ids(user) is None:
        return list(desks)
    role = Membership.Role.SUPPORT_MANAGER
    return list(desks.filter(members__user=user, members__role=role).distinct())


@login_required
def index(request: HttpRequest) -> HttpResponse:
    desks = managed_desks(request.user)
    if not desks:
        raise Http404("No desk to report on.")
    return render(request, "reports/index.html", {"desks": desks})
