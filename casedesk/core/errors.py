"""Error pages in casedesk's own frame: the portal's for requesters, the console's for staff.

A case that exists but is not the viewer's answers with this same page and
status as one that does not exist (casedesk.cases.access), so the page says
nothing about which it was.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import select_template


def _frame(request: HttpRequest, *prefixes: str) -> str:
    for prefix in prefixes:
        if request.path_info.startswith(f"/{prefix}/"):
            return f"{prefix}/base.html"
    return "core/base.html"


def _page(request: HttpRequest, name: str, frame: str, status: int) -> HttpResponse:
    template = select_template([f"errors/{name}.html"])
    return HttpResponse(template.render({"frame": frame}, request), status=status)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, "not_found", _frame(request, "portal", "console"), 404)


def forbidden(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Someone signed in where their role has no business (a requester in the console): no console frame."""
    return _page(request, "forbidden", _frame(request, "portal"), 403)
