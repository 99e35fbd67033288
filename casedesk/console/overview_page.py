"""The manager's overview page (support managers of the desk, and superusers)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from casedesk.cases.access import staff_desk_ids
from casedesk.console.charts import Series, stacked_bars
from casedesk.console.overview import overview
from casedesk.desks.models import Desk, Membership


def _managed(request: HttpRequest, slug: str) -> Desk:
    desk = Desk.objects.filter(slug=slug).first()
    user = request.user
    if desk is None:
        raise Http404("No such desk.")
    if staff_desk_ids(user) is None:  # superuser
        return desk
    role = Membership.Role.SUPPORT_MANAGER
    if not user.is_authenticated or not Membership.objects.filter(desk=desk, user=user, role=role).exists():
        raise Http404("No such desk.")
    return desk


@login_required
def overview_page(request: HttpRequest, slug: str) -> HttpResponse:
    view = overview(_managed(request, slug))
    labels = [date_format(w.start, "d M") for w in view.weeks]
    chart = stacked_bars(
        labels,
        [
            Series(gettext("met"), "#2e7d32", [w.met for w in view.weeks]),
            Series(gettext("missed"), "#c62828", [w.missed for w in view.weeks]),
            Series(gettext("removed (bug/defect or out of scope)"), "#9e9e9e", [w.removed for w in view.weeks]),
        ],
    )
    rows = sorted(set(view.missed_today) | set(view.missed_week) | set(view.due_today))
    table = [(q, a, view.missed_today[(q, a)], view.missed_week[(q, a)], view.due_today[(q, a)]) for q, a in rows]
    # The chart is built from numbers and escaped labels only (charts.stacked_bars).
    return render(request, "console/overview.html", {"view": view, "chart": mark_safe(chart), "table": table})
