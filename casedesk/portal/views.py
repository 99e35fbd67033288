"""Portal pages: thin views over casedesk.cases.access (reads) and casedesk.cases.services (writes).

Every case page and action finds the case through `case_for_portal`: a case
that is not the requester's is the same 404 as one that does not exist.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from casedesk.accounts.models import Contact
from casedesk.cases import attachments, services
from casedesk.cases.access import case_for_portal, portal_cases
from casedesk.cases.models import Case
from casedesk.contracts import grace, scope
from casedesk.contracts.valid import contract_today
from casedesk.desks.policies import preset_of, version_in_force
from casedesk.portal import held_files
from casedesk.portal.billing import billing as prepaid
from casedesk.portal.expected import next_expected
from casedesk.portal.forms import CommentForm, EscalationForm, OpenCaseForm
from casedesk.portal.gate import contact_required
from casedesk.portal.policy_words import policy_text
from casedesk.portal.timeline import public_timeline, status_label
from casedesk.sla.policy_schema import EscalationLevel, Policy


def _actor(request: HttpRequest) -> User:
    """The signed-in user behind a portal write (contact_required let only signed-in users through)."""
    assert isinstance(request.user, User)
    return request.user


def _policy(case: Case) -> Policy:
    return preset_of(case.policy_version).policy


def _priority_name(policy: Policy, key: str) -> str:
    choice = policy.priority(key) if key else None
    return policy_text(choice.name) if choice else gettext("not set yet")


@contact_required
def tracker(request: HttpRequest, contact: Contact) -> HttpResponse:
    """The requester's cases (own, and CC'd where the desk allows), newest first."""
    now = timezone.now()
    cases = (
        portal_cases(request.user)
        .select_related("policy_version", "contract", "requester")
        .defer("policy_version__source")
        .order_by("-opened_at", "-id")
    )
    rows, open_count = [], 0
    for case in cases:
        policy = _policy(case)
        open_count += case.is_open
        rows.append(
            {
                "case": case,
                "priority": _priority_name(policy, case.priority),
                "status": status_label(case.status),
                "expected": next_expected(case, contact, now),
                "cc": case.requester_id != contact.pk,
            }
        )
    context = {"rows": rows, "contact": contact, "open_count": open_count, "grace": _grace(contact, now)}
    context["billing"] = prepaid(contact, request.user, now)
    return render(request, "portal/tracker.html", context)


def _grace(contact: Contact, now: datetime) -> grace.Allowance | None:
    """The company's grace calls this contract year, where the desk's policy has them (Solidxperts)."""
    desk = contact.company.desk
    policy = preset_of(version_in_force(desk, now)).policy
    if not policy.section("grace_calls"):
        return None
    today = now.astimezone(ZoneInfo(policy.home_zone)).date()
    return grace.allowance(contract_today(desk, contact, policy), policy, today)


@contact_required
def new_case(request: HttpRequest, contact: Contact) -> HttpResponse:
    desk = contact.company.desk
    policy = preset_of(version_in_force(desk, timezone.now())).policy
    form = OpenCaseForm(policy, request.POST or None, request.FILES or None)
    if request.method != "POST":
        held_files.release(request.session)  # a fresh form starts without files from an abandoned one
    elif form.is_valid():
        kept = held_files.take(request.session, request.POST.getlist("held"))
        try:
            case = services.open_case(
                desk,
                requester=contact,
                contract=contract_today(desk, contact, policy),
                channel=Case.Channel.PORTAL,
                subject=form.cleaned_data["subject"],
                description=form.cleaned_data["description"],
                priority=form.cleaned_data["priority"],
                intake=form.intake(),
                actor=_actor(request),
                files=[*kept, *form.cleaned_data["uploads"]],
            )
        except services.CaseError as exc:
            for problem in str(exc).split("; "):
                form.add_error(form.field_for_problem(problem), problem)
        else:
            held_files.release(request.session)
            messages.success(request, gettext("Case %(number)s is opened.") % {"number": case.number})
            return redirect("portal:case", number=case.number)
    if request.method == "POST":  # refused: keep what was uploaded so nobody picks their files again
        shown = {str(e) for errors in form.errors.values() for e in errors}
        for problem in held_files.hold(request.session, request.FILES.getlist("uploads")):
            for part in problem.split("; "):
                if part not in shown:  # the service may have named it already
                    form.add_error("uploads", part)
    context = {"form": form, "desk": desk, "policy": policy, "held": held_files.held(request.session)}
    return render(request, "portal/new_case.html", context)


def _next_escalation(policy: Policy, case: Case) -> EscalationLevel | None:
    """The next ordinary level (POLICIES 0.11); the critical route is the desk's to take, never offered here."""
    if not case.is_open:
        return None
    return next((lv for lv in policy.escalation if not lv.critical_only and lv.level > case.escalation_level), None)


def _out_of_scope(case: Case, policy: Policy) -> dict[str, str] | None:
    """The request classified out of scope, and the paid route offered, in the requester's words."""
    current = scope.classified(case, policy)
    if current is None or current.in_scope:
        return None
    return {"item": policy_text(current.item), "offer": policy_text(current.offer)}


def _case_page(request: HttpRequest, contact: Contact, case: Case, **forms: object) -> HttpResponse:
    policy = _policy(case)
    next_escalation = _next_escalation(policy, case)
    context = {
        "case": case,
        "status": status_label(case.status),
        "priority": _priority_name(policy, case.priority),
        "expected": next_expected(case, contact, timezone.now()),
        "timeline": public_timeline(case, contact),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "escalation_form": forms.get("escalation_form") or EscalationForm(),
        "next_escalation": next_escalation,
        "next_escalation_name": policy_text(next_escalation.name) if next_escalation else "",
        "resolved": case.status == Case.Status.RESOLVED,
        "scope": _out_of_scope(case, policy),
    }
    return render(request, "portal/case.html", context, status=400 if forms else 200)


@contact_required
def case_page(request: HttpRequest, contact: Contact, number: str) -> HttpResponse:
    return _case_page(request, contact, case_for_portal(request.user, number))


@require_POST
@contact_required
def comment(request: HttpRequest, contact: Contact, number: str) -> HttpResponse:
    case = case_for_portal(request.user, number)
    form = CommentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.customer_reply(
                case,
                form.cleaned_data["body"],
                actor=_actor(request),
                files=form.cleaned_data["uploads"],
            )
        except services.CaseError as exc:
            form.add_error("uploads" if "accepted" in str(exc) or "limit" in str(exc) else "body", str(exc))
        else:
            messages.success(request, gettext("Your comment is added."))
            return redirect("portal:case", number=case.number)
    return _case_page(request, contact, case, comment_form=form)


def _act(request: HttpRequest, case: Case, done: str, action: str) -> HttpResponse:
    try:
        if action == "close":
            services.close(case, actor=_actor(request))
        else:
            services.reopen(case, actor=_actor(request))
    except services.CaseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("portal:case", number=case.number)


@require_POST
@contact_required
def accept(request: HttpRequest, contact: Contact, number: str) -> HttpResponse:
    return _act(request, case_for_portal(request.user, number), gettext("Thank you: the case is closed."), "close")


@require_POST
@contact_required
def reopen(request: HttpRequest, contact: Contact, number: str) -> HttpResponse:
    return _act(request, case_for_portal(request.user, number), gettext("The case is reopened."), "reopen")


@require_POST
@contact_required
def escalate(request: HttpRequest, contact: Contact, number: str) -> HttpResponse:
    case = case_for_portal(request.user, number)
    form = EscalationForm(request.POST)
    level = _next_escalation(_policy(case), case)
    if level is None:
        messages.error(request, gettext("This case cannot be escalated further from the portal."))
        return redirect("portal:case", number=case.number)
    if form.is_valid():
        try:
            services.escalate(case, level.level, form.cleaned_data["reason"], actor=_actor(request))
        except services.CaseError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, gettext("Escalation requested: %(level)s.") % {"level": policy_text(level.name)})
        return redirect("portal:case", number=case.number)
    return _case_page(request, contact, case, escalation_form=form)


@contact_required
def download(request: HttpRequest, contact: Contact, number: str, attachment_id: int) -> HttpResponseBase:
    """A file of a public event on a case the requester may see; 404 otherwise."""
    case = case_for_portal(request.user, number)
    return attachments.download(case, attachment_id, public_only=True)
