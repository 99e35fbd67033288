"""What a requester sees of their company's prepaid support: hours or credit left on the contract valid today,
and a pending pay-per-incident deduction (POLICIES 0.14) they may confirm as the customer.

Only PPIs of cases the requester sees in the portal are offered (the same visibility as the tracker's rows).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from casedesk.accounts.models import Contact
from casedesk.cases import services
from casedesk.cases.access import portal_cases
from casedesk.contracts import ledger, ppi
from casedesk.contracts.models import LedgerEntry
from casedesk.portal.gate import contact_required


def billing(contact: Contact, user: Any, now: datetime) -> dict[str, Any] | None:
    """The balance line and the PPI offers for the tracker; None when there is nothing to show."""
    from casedesk.contracts.valid import contract_today

    desk = contact.company.desk
    policy = ledger.policy_of(desk, now)
    contract = contract_today(desk, contact, policy)
    balance = ledger.balance(contract, ledger.day_of(now, policy), policy) if contract is not None else None
    offers = []
    if ppi.window(policy) is not None:
        visible = set(portal_cases(user).values_list("pk", flat=True))
        offers = [o for o in ppi.offers(contact.company, now) if o.ppi.case_id in visible]
    shown = balance is not None and (balance.hours_left is not None or balance.credit_left is not None)
    if not shown and not offers:
        return None
    return {"balance": balance if shown else None, "offers": offers}


@require_POST
@contact_required
def deduct_ppi(request: HttpRequest, contact: Contact, ppi_id: int) -> HttpResponse:
    """The customer confirms an offered deduction of a PPI's price from a block (actor: the portal user)."""
    assert isinstance(request.user, User)
    visible = portal_cases(request.user)
    charged = LedgerEntry.objects.filter(pk=ppi_id, kind=LedgerEntry.Kind.PPI, case__in=visible).first()
    if charged is None:
        raise Http404("No such pay-per-incident charge.")
    block_id = request.POST.get("block", "")
    block = LedgerEntry.objects.filter(
        pk=int(block_id) if block_id.isdigit() else 0, company_id=contact.company_id, kind=LedgerEntry.Kind.PURCHASE
    ).first()
    try:
        if block is None:
            raise services.CaseError(gettext("no such block of hours for your company"))
        services.apply_ppi_deduction(charged, block, actor=request.user, at=timezone.now())
    except services.CaseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("Confirmed: the incident's price is deducted from your block of hours."))
    return redirect("portal:home")
