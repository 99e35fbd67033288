"""`/api/v1/contracts/{id}/...`: a contract's balance and its ledger, for the ERP and the CRM.

Staff of the contract's desk read and write (purchases and corrections are the desk's support managers');
a contact of the company may read its balance, as the portal shows it. Any other caller gets 404, the
same answer as for a contract that does not exist.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from casedesk.accounts.models import Contract
from casedesk.api.auth import AUTH, caller, writer
from casedesk.api.directory_routes import In  # request bodies: a NUL character is a 400 naming the field
from casedesk.api.problems import READ, WRITE
from casedesk.cases import access, services
from casedesk.console.gate import is_manager
from casedesk.contracts import grace, ledger
from casedesk.desks.policies import preset_of, version_in_force

router = Router(auth=AUTH, tags=["contracts"])


class BalanceOut(Schema):
    contract: int
    grace_calls_left: int | None  # where the desk's policy has grace calls (Solidxperts)
    hours_left: Decimal | None  # where the contract holds hour blocks
    credit_left: Decimal | None  # where it holds prepaid credit
    currency: str


class LedgerIn(In):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"kind": "drawdown", "hours": "6.0", "service_type": "training", "case": "SX-000012"}]
        }
    )

    kind: Literal["purchase", "drawdown"]
    hours: Decimal | None = Field(None, gt=0, max_digits=10, decimal_places=2)
    amount: Decimal | None = Field(None, gt=0, max_digits=12, decimal_places=2)  # prepaid credit bought
    currency: str | None = None
    price: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)  # an hour block's price
    expires_on: date | None = None  # an hour block's last day
    service_type: str = ""
    case: str | None = None  # the case number time is logged on
    note: str = Field("", max_length=500)


class LedgerOut(BalanceOut):
    entries: list[int]  # the ledger entries written


def _contract(request: HttpRequest, contract_id: int, *, staff_only: bool) -> Contract:
    user = caller(request)
    contract = Contract.objects.select_related("desk", "company").filter(pk=contract_id).first()
    if contract is not None:
        contact = access.contact_of(user)
        if contact is not None:
            if not staff_only and contact.company_id == contract.company_id:
                return contract
        else:
            desks = access.staff_desk_ids(user)
            if desks is None or contract.desk_id in desks:
                return contract
    raise HttpError(404, "No contract with this id.")


def _balance(contract: Contract) -> BalanceOut:
    now = timezone.now()
    policy = preset_of(version_in_force(contract.desk, now)).policy
    day = now.astimezone(ZoneInfo(policy.home_zone)).date()
    held = ledger.balance(contract, day, policy)
    left = grace.allowance(contract, policy, day).left if policy.section("grace_calls") else None
    return BalanceOut(
        contract=contract.pk,
        grace_calls_left=left,
        hours_left=held.hours_left,
        credit_left=held.credit_left,
        currency=contract.currency,
    )


@router.get("/{contract_id}/balance", response={200: BalanceOut, **READ})
def balance(request: HttpRequest, contract_id: int) -> BalanceOut:
    return _balance(_contract(request, contract_id, staff_only=False))


def _manager(user: User, contract: Contract) -> None:
    if not (user.is_superuser or is_manager(user, contract.desk_id)):
        raise HttpError(403, "purchases are recorded by the desk's support managers")


@router.post("/{contract_id}/ledger", response={201: LedgerOut, **WRITE})
def add_entry(request: HttpRequest, contract_id: int, body: LedgerIn) -> Status:
    """A purchase (an hour block: `hours`, optional `price` and `expires_on`; or prepaid credit: `amount` and
    `currency`) or a drawdown of `hours` by `service_type`, on a `case` of this contract or on the contract
    alone. 201 with the balance after it; 409 when it would overdraw, or the contract, the block, the
    currency or the service type does not allow it; nothing is written then."""
    user = writer(request)
    contract = _contract(request, contract_id, staff_only=True)
    if body.kind == "purchase":
        _manager(user, contract)
        if (body.hours is None) == (body.amount is None):
            raise HttpError(400, "a purchase gives either hours (an hour block) or amount (prepaid credit)")
        if body.hours is not None:
            entry = ledger.purchase_hours(
                contract, body.hours, price=body.price, expires_on=body.expires_on, actor=user, note=body.note
            )
        else:
            currency = body.currency or contract.currency
            entry = ledger.purchase_credit(contract, body.amount, currency, actor=user, note=body.note)
        written = [entry.pk]
    else:
        if body.hours is None or not body.service_type:
            raise HttpError(400, "a drawdown gives hours and service_type")
        if body.case:
            case = access.case_for_console(user, body.case)
            if case.contract_id != contract.pk:
                raise HttpError(400, f"case {case.number} is not on contract {contract.pk}")
            before = set(case.ledger_entries.values_list("pk", flat=True))
            services.log_time(case, body.hours, body.service_type, actor=user, note=body.note)
            written = sorted(set(case.ledger_entries.values_list("pk", flat=True)) - before)
        else:
            written = [
                e.pk for e in ledger.drawdown(contract, body.hours, body.service_type, actor=user, note=body.note)
            ]
    out = _balance(contract)
    return Status(201, LedgerOut(**out.dict(), entries=written))
