from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from casedesk.sla import list_presets, load_preset


def landing(request: HttpRequest) -> HttpResponse:
    presets = [load_preset(slug) for slug in list_presets()]
    return render(request, "core/landing.html", {"presets": presets})

