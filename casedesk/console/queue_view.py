"""/console/: the queue page (filters from the query string, rows from console.queue)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from casedesk.cases.models import Case
from casedesk.cases.services import CLASSIFICATIONS
from casedesk.console import bulk
from casedesk.console.gate import agent, desks_of, member_required, my_teams
from casedesk.console.queue import SLA_STATES, Filters, queue_page
from casedesk.console.saved_views import clean_query
from casedesk.desks.models import Desk, Membership
from casedesk.desks.policies import preset_of, version_in_force

TYPE_AHEAD = 300  # suggestions offered in a filter's list; any other value can still be typed


def _filters(request: HttpRequest, user: User) -> tuple[Filters, list[Desk]]:
    """The filters the query string asks for; unknown values are ignored, never an error page."""
    get = request.GET
    desks = list(desks_of(user))
    desk = next((d for d in desks if d.slug == get.get("desk")), desks[0] if len(desks) == 1 else None)
    queue = desk.queues.filter(key=get.get("queue", "")).first() if desk and get.get("queue") else None
    team_id = get.get("team", "")
    team = desk.teams.filter(pk=int(team_id)).first() if desk and team_id.isdigit() else None
    status = get.get("status", "")
    classification = get.get("classification", "")
    return (
        Filters(
            desk=desk,
            queue=queue,
            team=team,
            mine=get.get("mine") == "1",
            status=status if status in Case.OPEN_STATUSES else "",
            priority=get.get("priority", "")[:50],
            assignee=get.get("assignee", "")[:12],
            sla=get.get("sla", "") if get.get("sla") in SLA_STATES else "",
            classification=classification if classification in CLASSIFICATIONS | {"-"} else "",
            company=" ".join(get.get("company", "").split())[:200],
            product=get.get("product", "").strip()[:200],
            text=get.get("q", "").strip()[:200],
        ),
        desks,
    )


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return max(1, min(int(raw), 10_000)) if raw.isdigit() else 1


@member_required
def queue(request: HttpRequest) -> HttpResponse:
    user = agent(request)
    now = timezone.now()
    f, desks = _filters(request, user)
    page = queue_page(user, f, _page_number(request), now)
    priorities, members, queues, teams, companies, products = [], [], [], [], [], []
    if f.desk is not None:
        priorities = list(preset_of(version_in_force(f.desk, now)).policy.priorities)
        members = [
            m.user for m in Membership.objects.filter(desk=f.desk).select_related("user").order_by("user__username")
        ]
        queues = list(f.desk.queues.order_by("key"))
        teams = list(f.desk.teams.order_by("name"))
        companies = list(f.desk.companies.order_by("name").values_list("name", flat=True)[:TYPE_AHEAD])
        open_cases = Case.objects.filter(desk=f.desk, status__in=Case.OPEN_STATUSES).exclude(product="")
        products = list(open_cases.order_by("product").values_list("product", flat=True).distinct()[:TYPE_AHEAD])
    args = request.GET.copy()
    args.pop("page", None)
    context = {
        "f": f,
        "desks": desks,
        "queues": queues,
        "priorities": priorities,
        "members": members,
        "teams": teams,
        "companies": companies,
        "products": products,
        "saved_views": list(user.saved_views.all()),
        "my_teams": my_teams(user),
        "bulk_statuses": bulk.STATUSES.items(),
        "statuses": [(s, Case.Status(s).label) for s in Case.OPEN_STATUSES],
        "sla_states": SLA_STATES.items(),
        "classifications": sorted(c for c in CLASSIFICATIONS if c),
        "page": page,
        "query": args.urlencode(),
        "filters_query": clean_query(args.urlencode()),
        "now": now,
    }
    return render(request, "console/queue.html", context)
