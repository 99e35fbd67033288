"""Commercial services on a case: grace calls, time logged and pay per incident (the contract's ledger), scope,
and vendor forwarding (POLICIES 0.8, 0.14). Each is a write of `casedesk.cases.services`: the case row locked
and re-read (`_writes`), then the contract row where a balance is read, the event recorded by `_change`;
`services` names each of them, so callers keep one way to write a case.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext

from casedesk.accounts.models import Contract
from casedesk.cases.models import Case, CaseEvent
from casedesk.cases.services import (
    CONFIDENTIAL,
    FORWARDED,
    GRACE_CALL,
    VENDOR_REFERENCE,
    VENDOR_REFERENCE_KINDS,
    Actor,
    CaseError,
    _change,
    _now,
    _policy,
    _writes,
)
from casedesk.sla import clock


@_writes
def use_grace_call(case: Case, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """Record a grace call on the case (Solidxperts): one of the contract year's allowance, the contract row
    locked so that two agents taking the last one at the same instant cannot both succeed. The customer is
    e-mailed and the account manager told (the policy's `notify`), with the balance left."""
    from casedesk.contracts import grace
    from casedesk.contracts.models import LedgerEntry

    t = _now(at)
    policy = _policy(case)
    contract = Contract.objects.select_for_update().filter(pk=case.contract_id).first() if case.contract_id else None
    allowed = grace.allowance(contract, policy, t.astimezone(ZoneInfo(policy.home_zone)).date())
    if allowed.refusal:
        raise CaseError(allowed.refusal)
    if allowed.left <= 0:
        raise CaseError(
            gettext("no grace call left: %(used)s of %(total)s used this contract year; the next comes on %(reset)s")
            % {"used": allowed.used, "total": allowed.per_year, "reset": allowed.next_reset}
        )
    assert contract is not None  # no contract is a refusal above
    reset = str(allowed.next_reset)
    _change(case, GRACE_CALL, t, actor, {}, left=allowed.left - 1, per_year=allowed.per_year, resets_on=reset)
    event = CaseEvent.objects.filter(case=case, kind=GRACE_CALL).order_by("-id").first()
    LedgerEntry.objects.create(
        company_id=case.company_id,
        contract=contract,
        kind=LedgerEntry.Kind.GRACE_CALL,
        count=1,
        case=case,
        event=event,
        at=t,
        actor=actor,
    )
    return case


TIME_LOGGED = "time_logged"  # data: hours, service_type, billing, rate, amount; its ledger entries name the event
PPI_CHARGED = "ppi_charged"  # data: amount; the case's `ppi` ledger entry names the event
PPI_DEDUCTED = "ppi_deducted"  # data: amount, block; the `ppi_deduction` entry names the event


def _event(case: Case, kind: str) -> CaseEvent | None:
    return CaseEvent.objects.filter(case=case, kind=kind).order_by("-id").first()


@_writes
def log_time(
    case: Case, hours: Any, service_type: str, *, actor: Actor = None, at: datetime | None = None, note: str = ""
) -> Case:
    """Time worked on the case by service type, billed as the contract's level or holdings say
    (casedesk.contracts.ledger): drawn from hour blocks, drawn from prepaid credit at the rate, charged at the
    rate card, or included (an event only). The contract row is locked: concurrent drawdowns never overspend."""
    from casedesk.contracts import ledger

    t = _now(at)
    policy = _policy(case)
    contract = ledger.lock(case.contract_id) if case.contract_id else None
    plan = ledger.plan_time(case.desk, policy, contract, hours, service_type, ledger.day_of(t, policy))
    note = note.strip()[:500]
    _change(case, TIME_LOGGED, t, actor, {}, note=note, **plan.data())
    links = {"case": case, "event": _event(case, TIME_LOGGED), "at": t, "actor": actor, "note": note}
    ledger.write(plan, company_id=case.company_id, contract=contract, **links)
    return case


@_writes
def charge_incident(case: Case, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """Charge the case as pay per incident (Solidxperts): the desk's flat `ppi` rate, once per case."""
    from casedesk.contracts import ledger, ppi

    t = _now(at)
    contract = ledger.lock(case.contract_id) if case.contract_id else None
    entry = ppi.plan_charge(case, contract)
    _change(case, PPI_CHARGED, t, actor, {}, amount=f"{entry.amount} {entry.currency}")
    entry.event, entry.at, entry.actor = _event(case, PPI_CHARGED), t, actor
    entry.save()
    return case


@_writes
def _deduct_ppi(case: Case, ppi_id: int, block_id: int, actor: Actor, at: datetime | None) -> Case:
    from casedesk.contracts import ledger, ppi
    from casedesk.contracts.models import LedgerEntry

    t = _now(at)
    block = LedgerEntry.objects.select_related("contract").get(pk=block_id)
    if block.contract_id:
        ledger.lock(block.contract_id)
    entry = ppi.plan_deduction(LedgerEntry.objects.select_related("case").get(pk=ppi_id), block, t)
    _change(case, PPI_DEDUCTED, t, actor, {}, amount=f"{-(entry.amount or 0)} {entry.currency}", block=block_id)
    entry.event, entry.at, entry.actor = _event(case, PPI_DEDUCTED), t, actor
    entry.save()
    return case


def apply_ppi_deduction(ppi_entry: Any, block_entry: Any, *, actor: Actor = None, at: datetime | None = None) -> Any:
    """Deduct a PPI's price from an hour block bought within 30 days after it, on the agent's or the customer's
    confirmation (POLICIES 0.14): never after day 30, never twice. The new `ppi_deduction` ledger entry."""
    from casedesk.contracts.ledger import LedgerError
    from casedesk.contracts.models import LedgerEntry

    if ppi_entry.case_id is None or ppi_entry.kind != LedgerEntry.Kind.PPI:
        raise LedgerError(gettext("only a pay-per-incident charge is deducted from a block"))
    _deduct_ppi(ppi_entry.case, ppi_entry.pk, block_entry.pk, actor, at)
    return LedgerEntry.objects.filter(corrects_id=ppi_entry.pk, kind=LedgerEntry.Kind.PPI_DEDUCTION).latest("id")


@_writes
def mark_confidential(case: Case, confidential: bool, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """Mark the case confidential (or no longer): while it is, its data is never forwarded to the vendor (0.8)."""
    if confidential == case.confidential:
        return case
    return _change(case, CONFIDENTIAL, at, actor, {"confidential": confidential}, confidential=confidential)


@_writes
def forward_to_vendor(case: Case, note: str, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """Forward the case's information to the software vendor (PLM Group: Dassault Systemes), a logged action;
    refused while the company has a signed NDA on file or the case is marked confidential (POLICIES 0.8)."""
    blocks = []
    if case.company.nda_signed:
        blocks.append(gettext("%(company)s has a signed NDA on file") % {"company": case.company.name})
    if case.contract is not None and case.contract.nda:
        blocks.append(gettext("the contract carries an NDA"))
    if case.confidential:
        blocks.append(gettext("the case is marked confidential"))
    if blocks:
        raise CaseError(gettext("not forwarded to the vendor: %(why)s") % {"why": "; ".join(blocks)})
    return _change(case, FORWARDED, at, actor, {}, note=note.strip()[:2000])


@_writes
def link_vendor_reference(
    case: Case, kind: str, reference: str, *, actor: Actor = None, at: datetime | None = None
) -> Case:
    """An enhancement request logged with the vendor, or a PTC SPR, linked on the case with its reference."""
    if kind not in VENDOR_REFERENCE_KINDS:
        raise CaseError(gettext("unknown kind of vendor reference %(kind)s") % {"kind": repr(kind)})
    reference = " ".join(reference.split())
    if not reference or len(reference) > 100:
        raise CaseError(gettext("the vendor's reference is required (at most 100 characters)"))
    return _change(case, VENDOR_REFERENCE, at, actor, {}, reference_kind=kind, reference=reference)


@_writes
def classify_scope(case: Case, item: str, *, actor: Actor = None, at: datetime | None = None) -> Case:
    """Classify the request by an item of the policy's scope lists (contracts/scope.py), or '' for back in
    scope. Out of scope (an excluded item or a paid service) offers the paid route instead of the SLA: the
    event records {item, in_scope, offer}, and the clocks remove every pending target until it is cleared."""
    from casedesk.contracts import scope

    policy = _policy(case)
    item = item.strip()
    chosen = scope.find(policy, item) if item else None
    if item and chosen is None:
        if not scope.items(policy):
            raise CaseError(gettext("this desk's policy declares no scope lists to classify a request by"))
        raise CaseError(
            gettext("unknown scope item %(item)s: choose one of the items the desk's policy lists")
            % {"item": repr(item)}
        )
    current = CaseEvent.objects.filter(case=case, kind=clock.SCOPE).order_by("-at", "-id").first()
    if (current.data.get("item", "") if current else "") == item:
        return case  # nothing changes: no event
    in_scope = chosen is None or chosen.in_scope
    return _change(case, clock.SCOPE, at, actor, {}, item=item, in_scope=in_scope, offer=chosen.offer if chosen else "")
