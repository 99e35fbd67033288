"""/console/companies/<id>/statement/: a customer's statement for a period, on the page, as CSV and as PDF.

?from=YYYY-MM-DD&to=YYYY-MM-DD (days in the desk's home zone, both included; the previous calendar month when
both are missing), &contract=<id> for one of the company's contracts, &format=csv|pdf for the files. For the
members of the company's desk (a superuser: every desk); another desk's company is a 404, like one that does not
exist. A malformed request is a 400 with the reason and nothing else. casedesk.contracts.statements reads the
ledger; this view only checks and renders.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponseBase

from casedesk.accounts.models import Company
from casedesk.cases.access import staff_desk_ids
from casedesk.console.gate import member_required
from casedesk.contracts import statement_files


def company_for(user: User, company_id: int) -> Company:
    """A company of one of the member's desks (Http404 otherwise)."""
    desks = staff_desk_ids(user)
    companies = Company.objects.select_related("desk")
    company = companies.filter(pk=company_id).first()
    if company is None or (desks is not None and company.desk_id not in desks):
        raise Http404("No such company.")
    return company


@member_required
def statement(request: HttpRequest, company_id: int) -> HttpResponseBase:
    assert isinstance(request.user, User)
    company = company_for(request.user, company_id)
    return statement_files.page(request, company, "console/statement.html", case_links=True)
