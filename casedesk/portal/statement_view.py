"""/portal/statement/: the signed-in contact's company's statement for a period, on the page, as CSV and PDF.

The same request as the console's page (?from=&to=&contract=&format=csv|pdf), for the contact's own company
only: there is no company in the URL, and a contract of another company is a 404, like one that does not exist.
The ledger's notes are billing text written for the customer, so they are shown; who wrote an entry is not.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render

from casedesk.accounts.models import Contact, Contract
from casedesk.contracts import statement_files, statements
from casedesk.portal.gate import contact_required


@contact_required
def statement(request: HttpRequest, contact: Contact) -> HttpResponseBase:
    company = contact.company
    zone = statements.home_zone(company)
    contracts = Contract.objects.filter(company=company).order_by("-ends_on", "-id")
    context: dict[str, object] = {"company": company, "contracts": contracts, "zone": zone, "params": request.GET}
    try:
        asked = statement_files.asked(company, request.GET, zone)
    except statement_files.BadRequest as error:
        return render(request, "portal/statement.html", {**context, "error": str(error)}, status=400)
    st = statements.statement(company, asked.start, asked.end, contract=asked.contract)
    if asked.format:
        return statement_files.answer(st, asked.format)
    lines, more = statement_files.first_lines(st)
    context.update(
        statement=st,
        asked=asked,
        lines=lines,
        more=more,
        csv_query=asked.query(format="csv"),
        pdf_query=asked.query(format="pdf"),
        case_links=False,
    )
    return render(request, "portal/statement.html", context)
