"""/portal/statement/: the signed-in contact's company's statement for a period, on the page, as CSV and PDF.

The same request as the console's page (?from=&to=&contract=&format=csv|pdf), for the contact's own company
only: there is no company in the URL, and a contract of another company is a 404, like one that does not exist.
The ledger's notes are billing text written for the customer, so they are shown; who wrote an entry is not.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase

from casedesk.accounts.models import Contact
from casedesk.contracts import statement_files
from casedesk.portal.gate import contact_required


@contact_required
def statement(request: HttpRequest, contact: Contact) -> HttpResponseBase:
    company = contact.company
    return statement_files.page(request, company, "portal/statement.html", case_links=False)
