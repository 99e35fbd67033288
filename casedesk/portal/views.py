"""Portal pages: thin views over casedesk.cases.access (reads) and casedesk.cases.services (writes)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/placeholder.html", {"title": "Requester portal", "area": "portal"})
