"""/console/new/: register a phone call as a case in a few keystrokes, and the contacts type-ahead behind it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from casedesk.accounts.models import Contact
from casedesk.cases import services
from casedesk.cases.models import Case
from casedesk.console.gate import agent, desks_of, member_required
from casedesk.contracts.valid import contract_today
from casedesk.desks.models import Desk
from casedesk.desks.policies import preset_of, version_in_force
from casedesk.sla.policy_schema import Policy

CONTACTS_LIMIT = 20


def phone_channels(policy: Policy) -> list[tuple[str, str]]:
    """Mastercam's phone lines pick the calendar (POLICIES 0.1: phone US, phone UK); elsewhere just "phone"."""
    lines = [k for k in policy.calendar_map if k.startswith("phone")] if policy.calendar_by == "channel" else []
    return [(k, Case.Channel(k).label) for k in lines if k in Case.Channel.values] or [("phone", "phone")]


class CallForm(forms.Form):
    contact = forms.EmailField(
        label=gettext_lazy("Caller (contact e-mail)"),
        widget=forms.EmailInput(attrs={"list": "call-contacts", "autocomplete": "off", "autofocus": True}),
        help_text=gettext_lazy("type a name, company or e-mail: matching contacts of this desk are offered"),
    )
    channel = forms.ChoiceField(label=gettext_lazy("Line"))
    priority = forms.ChoiceField(label=gettext_lazy("Priority"), required=False, widget=forms.RadioSelect)
    subject = forms.CharField(max_length=300)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, desk: Desk, policy: Policy, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.desk, self.policy = desk, policy
        channel = self.fields["channel"]
        assert isinstance(channel, forms.ChoiceField)
        channel.choices = phone_channels(policy)
        priority = self.fields["priority"]
        assert isinstance(priority, forms.ChoiceField)
        priority.choices = [(p.key, p.name) for p in policy.priorities]
        priority.required = policy.priority_required
        for f in policy.intake:
            # Never required here: a phone case with missing intake is opened and flagged by the service.
            label = (
                gettext("%(field)s (required)") % {"field": f.label} if f.required and not f.when_priority else f.label
            )
            self.fields[f"intake_{f.key}"] = forms.CharField(label=label, required=False, help_text=f.help)

    def clean_contact(self) -> Contact:
        email = self.cleaned_data["contact"]
        contact = Contact.objects.filter(company__desk=self.desk, email__iexact=email).select_related("company").first()
        if contact is None:
            raise forms.ValidationError(
                gettext("no contact %(email)s among %(desk)s's customers") % {"email": email, "desk": self.desk.name}
            )
        return contact

    def intake(self) -> dict[str, str]:
        return {f.key: self.cleaned_data.get(f"intake_{f.key}", "") for f in self.policy.intake}

    def intake_fields(self) -> list[forms.BoundField]:
        return [self[f"intake_{f.key}"] for f in self.policy.intake]


def _desk(request: HttpRequest, slug: str | None) -> tuple[Desk | None, list[Desk]]:
    desks = list(desks_of(agent(request)))
    chosen = next((d for d in desks if d.slug == slug), desks[0] if len(desks) == 1 else None)
    return chosen, desks


@member_required
def new_call(request: HttpRequest) -> HttpResponse:
    desk, desks = _desk(request, request.POST.get("desk") or request.GET.get("desk"))
    if desk is None:
        return render(request, "console/new_call.html", {"desks": desks, "desk": None})
    policy = preset_of(version_in_force(desk, timezone.now())).policy
    form = CallForm(desk, policy, request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact: Contact = form.cleaned_data["contact"]
        try:
            case = services.open_case(
                desk,
                requester=contact,
                contract=contract_today(desk, contact, policy),
                channel=form.cleaned_data["channel"],
                subject=form.cleaned_data["subject"],
                description=form.cleaned_data["description"],
                priority=form.cleaned_data["priority"],
                intake=form.intake(),
                actor=agent(request),
            )
        except services.CaseError as exc:
            form.add_error(None, str(exc))
        else:
            if case.info_missing:
                done = gettext("Case %(number)s is opened. Information is missing: it is flagged on the case.")
            else:
                done = gettext("Case %(number)s is opened.")
            messages.success(request, done % {"number": case.number})
            return redirect("console:case", number=case.number)
    status = 400 if request.method == "POST" else 200
    context = {"desks": desks, "desk": desk, "policy": policy, "form": form}
    return render(request, "console/new_call.html", context, status=status)


@member_required
def contacts(request: HttpRequest) -> JsonResponse:
    """Up to 20 contacts of one of the viewer's desks matching a name, e-mail or company (the type-ahead)."""
    desk = desks_of(agent(request)).filter(slug=request.GET.get("desk", "")).first()
    if desk is None:
        raise Http404("No such desk.")
    q = request.GET.get("q", "").strip()[:100]
    found = Contact.objects.filter(company__desk=desk).select_related("company")
    if q:
        found = found.filter(Q(name__icontains=q) | Q(email__istartswith=q) | Q(company__name__icontains=q))
    rows = found.order_by("name", "pk")[:CONTACTS_LIMIT]
    return JsonResponse({"contacts": [{"email": c.email, "name": c.name, "company": c.company.name} for c in rows]})
