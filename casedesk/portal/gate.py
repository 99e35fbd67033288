"""Who may use the portal: signed-in customer contacts only.

Anonymous visitors go to the portal's sign-in page; a signed-in user who is
not a contact (an agent, a manager, an admin) gets a page pointing to the console.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render

from casedesk.accounts.models import Contact
from casedesk.cases.access import contact_of

P = ParamSpec("P")
PortalView = Callable[Concatenate[HttpRequest, Contact, P], HttpResponseBase]


def contact_required(view: PortalView[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Call the view with the signed-in contact; sign-in page for anonymous, console hint for staff."""

    @functools.wraps(view)
    def gated(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "portal:login")
        contact = contact_of(request.user)
        if contact is None:
            return render(request, "portal/not_a_contact.html", status=403)
        return view(request, contact, *args, **kwargs)

    return gated
