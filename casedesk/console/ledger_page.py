"""A contract's ledger in the console, and the case page's "Time and billing" box.

/console/contracts/<id>/ledger/ lists the entries oldest first with the balances after each (hours of the blocks
not expired on that entry's day, prepaid credit); the desk's managers record purchases (an hour block, or
prepaid credit) and corrections there. Desk members only: another desk's contract is a 404, like a missing one.
The writes are casedesk.contracts.ledger's; a refusal is shown with the form as typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from casedesk.accounts.models import Contract
from casedesk.cases.access import staff_desk_ids
from casedesk.cases.models import Case
from casedesk.console.gate import agent, is_manager, member_required
from casedesk.contracts import ledger, ppi
from casedesk.contracts.models import LedgerEntry
from casedesk.sla.policy_schema import Policy

Kind = LedgerEntry.Kind
BILLING_WORDS = {
    ledger.HOURS: gettext_lazy("drawn from the hour blocks"),
    ledger.CREDIT: gettext_lazy("drawn from the prepaid credit at the rate card"),
    ledger.RATE_CARD: gettext_lazy("billed at the rate card"),
    ledger.CONTRACT: gettext_lazy("billed at the contract's own rates (else the rate card)"),
    ledger.INCLUDED: gettext_lazy("included support: recorded, not billed"),
}


# --- the case page's box -------------------------------------------------------------------------------------


def billing_box(case: Case, policy: Policy, now: datetime) -> dict[str, Any]:
    """What the "Time and billing" box shows: the balance, the rates time is logged at, the PPI and its offers."""
    contract = case.contract
    day = ledger.day_of(now, policy)
    billing = ledger.billing_of(contract, policy)
    rates = ledger.rates_for(case.desk, contract)
    ppi_rate = rates.get(ledger.PPI_SERVICE) if ppi.window(policy) is not None else None
    charged = ppi.ppi_of(case) if ppi_rate is not None or ppi.window(policy) is not None else None
    balance = ledger.balance(contract, day, policy) if contract is not None else None
    holds = balance is not None and (balance.hours_left is not None or balance.credit_left is not None)
    return {
        # Shown where there is something to bill or draw: rates, hours or credit held, a PPI, a desk with
        # levels (DYTRON); a desk with none of these (PLM Group, PTC, Mastercam) shows no empty box.
        "shown": bool(rates) or holds or charged is not None or bool(policy.section("levels")),
        "contract": contract,
        "billing": billing,
        "billing_words": str(BILLING_WORDS.get(billing, billing)),
        "balance": balance,
        "rates": [r for k, r in rates.items() if k != ledger.PPI_SERVICE],
        "ppi_rate": ppi_rate,
        "ppi": charged,
        "offers": ppi.offers(case.company, now, case=case) if charged is not None else [],
    }


# --- the ledger page ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    entry: LedgerEntry
    hours_after: Decimal | None  # hours left after it on its day (None: the contract holds no blocks)
    credit_after: Decimal | None  # credit left after it (None: no prepaid credit)
    expired: bool  # an hour block whose last day has passed (today)
    left: Decimal | None  # what is left of it to correct (None: not correctable)


def _counts_as_credit(e: LedgerEntry) -> bool:
    if e.kind in (Kind.PURCHASE, Kind.DRAWDOWN):
        return e.hours is None
    c = e.corrects
    return e.kind == Kind.CORRECTION and c is not None and c.kind in (Kind.PURCHASE, Kind.DRAWDOWN) and c.hours is None


def rows(contract: Contract, policy: Policy, today: date) -> list[Row]:
    """The contract's entries with the balances after each, as ledger.hours_left and credit_left count them."""
    entries = list(
        LedgerEntry.objects.filter(contract=contract)
        .select_related("case", "actor", "rate", "corrects", "block")
        .order_by("at", "id")
    )
    has_blocks = any(e.kind == Kind.PURCHASE and e.hours is not None for e in entries)
    has_credit = any(e.kind == Kind.PURCHASE and e.hours is None for e in entries)
    block_hours: dict[int | None, Decimal] = {}
    expiry: dict[int | None, date | None] = {None: None}
    corrected: dict[int, Decimal] = {}
    for e in entries:
        if e.kind == Kind.CORRECTION and e.corrects_id is not None:
            value = e.hours if e.hours is not None else e.amount
            corrected[e.corrects_id] = corrected.get(e.corrects_id, ledger.ZERO) + (value or ledger.ZERO)
    credit = ledger.ZERO
    out = []
    for e in entries:
        day = ledger.day_of(e.at, policy)
        if e.kind == Kind.PURCHASE and e.hours is not None:
            block_hours[e.pk], expiry[e.pk] = e.hours, e.expires_on
        elif e.hours is not None and (e.block_id is not None or e.kind in (Kind.DRAWDOWN, Kind.CORRECTION)):
            block_hours[e.block_id] = block_hours.get(e.block_id, ledger.ZERO) + e.hours
        if _counts_as_credit(e):
            credit += e.amount or ledger.ZERO
        hours = sum(
            (v for k, v in block_hours.items() if expiry.get(k) is None or expiry[k] >= day),  # type: ignore[operator]
            ledger.ZERO,
        )
        left = None
        if e.kind in ledger.CORRECTABLE:
            left = (e.hours if e.hours is not None else e.amount or ledger.ZERO) + corrected.get(e.pk, ledger.ZERO)
        out.append(
            Row(
                e,
                hours if has_blocks else None,
                credit if has_credit else None,
                bool(e.kind == Kind.PURCHASE and e.expires_on and e.expires_on < today),
                left,
            )
        )
    return out


class PurchaseForm(forms.Form):
    what = forms.ChoiceField(
        label=gettext_lazy("Purchase"),
        choices=[("hours", gettext_lazy("a block of hours")), ("credit", gettext_lazy("prepaid credit"))],
        widget=forms.RadioSelect,
        initial="hours",
    )
    hours = forms.DecimalField(label=gettext_lazy("Hours"), required=False, max_digits=8, decimal_places=2)
    price = forms.DecimalField(
        label=gettext_lazy("Price of the block"), required=False, max_digits=12, decimal_places=2
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Last day of use"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    amount = forms.DecimalField(label=gettext_lazy("Credit"), required=False, max_digits=12, decimal_places=2)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("what") == "hours" and data.get("hours") is None:
            self.add_error("hours", gettext("How many hours does the block hold?"))
        if data.get("what") == "credit" and data.get("amount") is None:
            self.add_error("amount", gettext("How much credit was bought?"))
        return data


class CorrectionForm(forms.Form):
    quantity = forms.DecimalField(
        label=pgettext_lazy("ledger correction", "How much"),
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text=gettext_lazy("hours or amount to take back; empty: all that is left of the entry"),
    )
    note = forms.CharField(label=gettext_lazy("Why"), max_length=500)


def _contract(user: User, contract_id: int) -> Contract:
    """The contract if it is on one of the member's desks; a 404 otherwise (another desk's is a missing one)."""
    desks = staff_desk_ids(user)
    contracts = Contract.objects.select_related("desk", "company")
    if desks is not None:
        contracts = contracts.filter(desk_id__in=desks)
    contract = contracts.filter(pk=contract_id).first()
    if contract is None:
        raise Http404("No such contract on your desks.")
    return contract


def _manager(user: User, contract: Contract) -> bool:
    return user.is_superuser or is_manager(user, contract.desk_id)


def _render(
    request: HttpRequest,
    user: User,
    contract: Contract,
    status: int = 200,
    failed_entry: LedgerEntry | None = None,
    **bound: forms.Form,
) -> HttpResponse:
    now = timezone.now()
    policy = ledger.policy_of(contract.desk, now)
    today = ledger.day_of(now, policy)
    context = {
        "contract": contract,
        "balance": ledger.balance(contract, today, policy),
        "billing_words": str(BILLING_WORDS.get(ledger.billing_of(contract, policy), "")),
        "rows": rows(contract, policy, today),
        "rates": list(ledger.rates_for(contract.desk, contract).values()),
        "is_manager": _manager(user, contract),
        "purchase": bound.get("purchase") or PurchaseForm(prefix="purchase"),
        "correction": bound.get("correction") or CorrectionForm(prefix="correction"),
        "failed_entry": failed_entry,
        "zone": policy.home_zone,
    }
    return render(request, "console/ledger.html", context, status=status)


@member_required
def ledger_page(request: HttpRequest, contract_id: int) -> HttpResponse:
    user = agent(request)
    return _render(request, user, _contract(user, contract_id))


def _for_manager(request: HttpRequest, contract_id: int) -> tuple[User, Contract]:
    user = agent(request)
    contract = _contract(user, contract_id)
    if not _manager(user, contract):
        raise PermissionDenied("Purchases and corrections are recorded by the desk's support managers.")
    return user, contract


@require_POST
@member_required
def purchase(request: HttpRequest, contract_id: int) -> HttpResponseBase:
    user, contract = _for_manager(request, contract_id)
    form = PurchaseForm(request.POST, prefix="purchase")
    if form.is_valid():
        d = form.cleaned_data
        try:
            if d["what"] == "hours":
                ledger.purchase_hours(
                    contract, d["hours"], price=d["price"], expires_on=d["expires_on"], actor=user, note=d["note"]
                )
                done = gettext("Block of %(hours)s h recorded.") % {"hours": d["hours"]}
            else:
                ledger.purchase_credit(contract, d["amount"], contract.currency, actor=user, note=d["note"])
                done = gettext("Credit of %(amount)s %(currency)s recorded.") % {
                    "amount": d["amount"],
                    "currency": contract.currency,
                }
        except ledger.LedgerError as exc:
            form.add_error(None, str(exc))
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
            return redirect("console:ledger", contract_id=contract.pk)
    else:
        messages.error(request, gettext("Please correct the form below."))
    return _render(request, user, contract, status=400, purchase=form)


@require_POST
@member_required
def correct(request: HttpRequest, contract_id: int, entry_id: int) -> HttpResponseBase:
    user, contract = _for_manager(request, contract_id)
    entry = LedgerEntry.objects.filter(contract=contract, pk=entry_id).first()
    if entry is None:
        raise Http404("No such entry in this contract's ledger.")
    form = CorrectionForm(request.POST, prefix="correction")
    if form.is_valid():
        q, note = form.cleaned_data["quantity"], form.cleaned_data["note"]
        try:
            ledger.correct(entry, hours=q, amount=q, actor=user, note=note)
        except ledger.LedgerError as exc:
            form.add_error(None, str(exc))
            messages.error(request, str(exc))
        else:
            messages.success(request, gettext("Correction of entry #%(id)s recorded.") % {"id": entry.pk})
            return redirect("console:ledger", contract_id=contract.pk)
    else:
        messages.error(request, gettext("Please correct the form below."))
    return _render(request, user, contract, status=400, correction=form, failed_entry=entry)
