"""The case page's POST actions: each validates its form and calls one service, then redirects back.

A CaseError (the service's own words, written for users) is shown as an error
and the page is rendered again with the form as typed: nothing is lost.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from casedesk.accounts.models import Contact
from casedesk.cases import attachments, merge, services
from casedesk.cases.access import CaseNotFound, case_for_console
from casedesk.cases.models import Case, CaseCC
from casedesk.console.case_page import FORMS, page_context
from casedesk.console.forms import CaseForm
from casedesk.console.gate import agent, member_required

Done = str  # the success message
Action = Callable[[User, Case, dict], Done]


def _member(case: Case, user_id: str) -> User | None:
    if not user_id:
        return None
    user = User.objects.filter(pk=int(user_id), desk_memberships__desk_id=case.desk_id).first()
    if user is None:
        raise services.CaseError(gettext("choose a member of this desk"))
    return user


def _contact(case: Case, email: str) -> Contact:
    contact = (
        Contact.objects.filter(company__desk_id=case.desk_id, email__iexact=email).select_related("company").first()
    )
    if contact is None:
        raise services.CaseError(gettext("no contact %(email)s among this desk's customers") % {"email": email})
    return contact


def _copied(case: Case, contact_id: int) -> Contact:
    cc = CaseCC.objects.filter(case=case, contact_id=contact_id).select_related("contact").first()
    if cc is None:
        raise services.CaseError(gettext("that contact is not copied on this case"))
    return cc.contact


def _merge(user: User, case: Case, d: dict) -> Done:
    number = d["into"].strip()
    try:
        survivor = case_for_console(user, number)
    except CaseNotFound:
        raise services.CaseError(gettext("no case %(number)s on your desks") % {"number": number}) from None
    merge.merge(case, survivor, actor=user)
    return gettext("Merged into %(number)s.") % {"number": survivor.number}


def _reply(u: User, c: Case, d: dict) -> Done:
    services.agent_reply(c, u, d["body"])
    return gettext("Reply sent.")


def _note(u: User, c: Case, d: dict) -> Done:
    services.add_note(c, u, d["body"])
    return gettext("Note added.")


def _assign(u: User, c: Case, d: dict) -> Done:
    services.assign(c, _member(c, d["assignee"]), actor=u)
    if c.assignee:
        return gettext("Assigned to %(user)s.") % {"user": c.assignee.get_username()}
    return gettext("Unassigned.")


def _priority(u: User, c: Case, d: dict) -> Done:
    services.set_priority(c, d["priority"], actor=u)
    return gettext("Priority set to %(priority)s.") % {"priority": d["priority"]}


def _classify(u: User, c: Case, d: dict) -> Done:
    services.classify(c, d["classification"], actor=u)
    if d["classification"]:
        return gettext("Classified as %(classification)s.") % {"classification": d["classification"]}
    return gettext("Classification cleared.")


def _scope(u: User, c: Case, d: dict) -> Done:
    services.classify_scope(c, d["item"], actor=u)
    if d["item"]:
        return gettext("Scope classified: %(item)s.") % {"item": d["item"]}
    return gettext("Back in scope.")


def _status(u: User, c: Case, d: dict) -> Done:
    services.set_status(c, d["status"], actor=u)
    return gettext("Status: %(status)s.") % {"status": c.get_status_display()}


def _resolve(u: User, c: Case, d: dict) -> Done:
    services.resolve(c, d["resolution"], actor=u)
    return gettext("Resolved: %(resolution)s.") % {"resolution": d["resolution"]}


def _reopen(u: User, c: Case, d: dict) -> Done:
    services.reopen(c, actor=u)
    return gettext("Case reopened.")


def _close(u: User, c: Case, d: dict) -> Done:
    services.close(c, actor=u)
    return gettext("Case closed.")


def _cc_add(u: User, c: Case, d: dict) -> Done:
    services.add_cc(c, _contact(c, d["email"]), actor=u)
    return gettext("%(email)s is copied on the case.") % {"email": d["email"]}


def _cc_remove(u: User, c: Case, d: dict) -> Done:
    contact = _copied(c, d["contact"])
    services.remove_cc(c, contact, actor=u)
    return gettext("%(email)s is no longer copied.") % {"email": contact.email}


def _escalate(u: User, c: Case, d: dict) -> Done:
    services.escalate(c, d["level"], d["reason"], actor=u)
    return gettext("Escalated to level %(level)s.") % {"level": d["level"]}


def _critical(u: User, c: Case, d: dict) -> Done:
    services.mark_critical(c, d["critical"], actor=u)
    return gettext("Marked critical.") if d["critical"] else gettext("No longer marked critical.")


def _review(u: User, c: Case, d: dict) -> Done:
    services.record_review(c, d["note"], actor=u)
    return gettext("Management review recorded.")


def _confidential(u: User, c: Case, d: dict) -> Done:
    services.mark_confidential(c, d["confidential"], actor=u)
    return gettext("Marked confidential.") if d["confidential"] else gettext("No longer confidential.")


def _forward(u: User, c: Case, d: dict) -> Done:
    services.forward_to_vendor(c, d["note"], actor=u)
    return gettext("Forwarding to the vendor recorded.")


def _vendor_reference(u: User, c: Case, d: dict) -> Done:
    services.link_vendor_reference(c, d["kind"], d["reference"], actor=u)
    return gettext("Vendor reference %(reference)s linked.") % {"reference": d["reference"]}


def _grace_call(u: User, c: Case, d: dict) -> Done:
    services.use_grace_call(c, actor=u)
    return gettext("Grace call recorded; the customer and the account manager are told.")


def _log_time(u: User, c: Case, d: dict) -> Done:
    services.log_time(c, d["hours"], d["service_type"], actor=u, note=d["note"])
    return gettext("%(hours)s h of %(type)s logged.") % {"hours": d["hours"], "type": d["service_type"]}


def _ppi_charge(u: User, c: Case, d: dict) -> Done:
    services.charge_incident(c, actor=u)
    return gettext("Charged as pay per incident.")


def _ppi_deduct(u: User, c: Case, d: dict) -> Done:
    from casedesk.contracts.models import LedgerEntry

    charged = LedgerEntry.objects.filter(pk=d["ppi"], case=c, kind=LedgerEntry.Kind.PPI).first()
    block = LedgerEntry.objects.filter(pk=d["block"], company_id=c.company_id, kind=LedgerEntry.Kind.PURCHASE).first()
    if charged is None or block is None:
        raise services.CaseError(gettext("no such PPI deduction offer on this case"))
    services.apply_ppi_deduction(charged, block, actor=u)
    return gettext("The PPI's price is deducted from the block.")


def _rnd(u: User, c: Case, d: dict) -> Done:
    services.engage_rnd(c, d["note"], actor=u)
    return gettext("R&D engagement recorded.")


def _round_the_clock(u: User, c: Case, d: dict) -> Done:
    services.set_round_the_clock(c, d["needed"], actor=u)
    return (
        gettext("24x7 evaluation recorded: needed.")
        if d["needed"]
        else gettext("24x7 evaluation recorded: not needed.")
    )


def _schedule(u: User, c: Case, d: dict) -> Done:
    services.agree_schedule(c, d["metric"], d["target"].strip(), actor=u)
    return gettext("Update schedule agreed: every %(target)s.") % {"target": d["target"].strip()}


ACTIONS: dict[str, Action] = {
    "reply": _reply,
    "note": _note,
    "assign": _assign,
    "priority": _priority,
    "classify": _classify,
    "scope": _scope,
    "status": _status,
    "resolve": _resolve,
    "reopen": _reopen,
    "close": _close,
    "cc_add": _cc_add,
    "cc_remove": _cc_remove,
    "escalate": _escalate,
    "critical": _critical,
    "review": _review,
    "rnd": _rnd,
    "grace_call": _grace_call,
    "log_time": _log_time,
    "ppi_charge": _ppi_charge,
    "ppi_deduct": _ppi_deduct,
    "confidential": _confidential,
    "forward": _forward,
    "vendor_reference": _vendor_reference,
    "round_the_clock": _round_the_clock,
    "schedule": _schedule,
    "merge": _merge,
}


@require_POST
@member_required
def act(request: HttpRequest, number: str, action: str) -> HttpResponseBase:
    user = agent(request)
    case = case_for_console(user, number)  # another desk's case: the same 404 as a missing one
    if action not in ACTIONS:
        raise Http404("No such action.")
    form: CaseForm = FORMS[action](case, request.POST, prefix=action)
    if form.is_valid():
        try:
            done = ACTIONS[action](user, case, form.cleaned_data)
        except services.CaseError as exc:
            form.add_error(None, str(exc))
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
            target = case.number
            if action == "merge":
                target = form.cleaned_data["into"].strip()
            return redirect("console:case", number=target)
    else:
        messages.error(request, gettext("Please correct the form below."))
    return _render(request, user, case, {action: form}, status=400)


def _render(request: HttpRequest, user: User, case: Case, bound: dict, status: int = 200) -> HttpResponse:
    context = page_context(user, case, timezone.now(), bound)
    return render(request, "console/case.html", context, status=status)


@member_required
def case(request: HttpRequest, number: str) -> HttpResponse:
    user = agent(request)
    return _render(request, user, case_for_console(user, number), {})


@member_required
def download(request: HttpRequest, number: str, attachment_id: int) -> HttpResponseBase:
    """A file of a case on the agent's desks (notes' files included); 404 otherwise, like the case itself."""
    case = case_for_console(agent(request), number)
    return attachments.download(case, attachment_id, public_only=False)
