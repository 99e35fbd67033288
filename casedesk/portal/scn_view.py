"""/portal/scns/: PTC's SCN report for a contact with the Online Licensing privilege (POLICIES section 5): each
SCN, then each SCN's cases with their SLA outcome; a case links to its page only when this contact may open it."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from casedesk.accounts.models import Contact
from casedesk.contracts.scn_report import report
from casedesk.desks.policies import preset_of, version_in_force
from casedesk.portal.gate import contact_required


@contact_required
def scns(request: HttpRequest, contact: Contact) -> HttpResponse:
    if not contact.online_licensing:
        return render(request, "portal/scns.html", {"contact": contact, "refused": True}, status=403)
    policy = preset_of(version_in_force(contact.company.desk, timezone.now())).policy
    today = timezone.now().astimezone(ZoneInfo(policy.home_zone)).date()
    rows = report(contact.company, today, reader=contact)
    return render(request, "portal/scns.html", {"contact": contact, "rows": rows})
