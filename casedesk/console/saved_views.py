"""Save the queue's current filters under a name, or delete a saved view (each agent sees only their own)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from casedesk.console.gate import agent, member_required
from casedesk.console.models import SavedView

# The queue's filter names: anything else in a saved query string is dropped, never replayed.
FILTER_KEYS = (
    "desk", "queue", "team", "mine", "status", "priority", "assignee",
    "sla", "classification", "company", "product", "q",
)  # fmt: skip
MAX_VIEWS = 50  # an internal limit of the desk, against a runaway script


def clean_query(raw: str) -> str:
    """The filters of a query string, in a fixed order, without the page number or unknown keys."""
    pairs = [(k, v) for k, v in parse_qsl(raw[:1000], keep_blank_values=False) if k in FILTER_KEYS]
    return urlencode(sorted(pairs, key=lambda kv: FILTER_KEYS.index(kv[0])))


def _back(query: str) -> HttpResponseBase:
    return redirect(reverse("console:home") + (f"?{query}" if query else ""))


@require_POST
@member_required
def save(request: HttpRequest) -> HttpResponseBase:
    user = agent(request)
    name = " ".join(request.POST.get("name", "").split())
    query = clean_query(request.POST.get("query", ""))
    if not name:
        messages.error(request, gettext("Give the view a name to save it."))
    elif len(name) > 80:
        messages.error(request, gettext("A view's name can have at most 80 characters."))
    elif not SavedView.objects.filter(user=user, name=name).exists() and user.saved_views.count() >= MAX_VIEWS:
        messages.error(
            request, gettext("You have %(count)d saved views: delete one before saving another.") % {"count": MAX_VIEWS}
        )
    else:
        _view, created = SavedView.objects.update_or_create(user=user, name=name, defaults={"query": query})
        done = gettext("View “%(name)s” saved.") if created else gettext("View “%(name)s” updated.")
        messages.success(request, done % {"name": name})
    return _back(query)


@require_POST
@member_required
def delete(request: HttpRequest, view_id: int) -> HttpResponseBase:
    view = get_object_or_404(SavedView, pk=view_id, user=agent(request))  # another agent's view: 404
    view.delete()
    messages.success(request, gettext("View “%(name)s” deleted.") % {"name": view.name})
    return _back(clean_query(request.POST.get("query", "")))
