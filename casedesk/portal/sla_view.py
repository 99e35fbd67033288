"""/portal/sla/: the company's monthly SLA statement for its contacts, and their own choice of getting it by e-mail.

`?period=2026-11` (a month, or days "2026-11-03..2026-11-20", read in the desk's home zone); by default the last
whole month. Always the signed-in contact's own company: no other company can be named, so none is reachable.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from casedesk.accounts.models import Contact
from casedesk.core.localtime import duration
from casedesk.portal.gate import contact_required
from casedesk.reports.customer import home_zone, months_before, statement
from casedesk.reports.periods import parse_period


@contact_required
@require_http_methods(["GET", "HEAD", "POST"])
def sla(request: HttpRequest, contact: Contact) -> HttpResponse:
    if request.method == "POST":  # the contact's own choice: the monthly statement by e-mail, or not
        contact.sla_statements = request.POST.get("sla_statements") == "on"
        contact.save(update_fields=["sla_statements"])
        if contact.sla_statements:
            messages.success(request, gettext("You will receive the monthly SLA statement by e-mail."))
        else:
            messages.success(request, gettext("You will no longer receive the monthly SLA statement by e-mail."))
        return HttpResponseRedirect(reverse("portal:sla"))
    company = contact.company
    now = timezone.now()
    zone = home_zone(company.desk, now)
    months = months_before(now, zone)
    error, status = "", 200
    text = request.GET.get("period", "").strip()
    period = months[0]
    if text:
        try:
            period = parse_period(text, zone)
        except ValueError as exc:
            error, status = str(exc), 400
    figures = statement(company, period, reader=contact)
    lines = [
        {"line": ln, "median": duration(ln.figures.median_seconds), "p90": duration(ln.figures.p90_seconds)}
        for ln in figures.metrics
    ]
    context = {
        "contact": contact,
        "statement": figures,
        "lines": lines,
        "months": [str(p) for p in months],
        "chosen": str(period),
        "error": error,
    }
    return render(request, "portal/sla.html", context, status=status)
