"""The case page's action forms: one per service call, choices from the case's own policy."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext, gettext_lazy, pgettext, pgettext_lazy

from casedesk.cases.models import Case
from casedesk.cases.services import CLASSIFICATIONS, WORK_STATUSES
from casedesk.desks.models import Membership
from casedesk.desks.policies import preset_of
from casedesk.sla.policy_schema import EscalationLevel, Policy


def policy_of(case: Case) -> Policy:
    return preset_of(case.policy_version).policy


class CaseForm(forms.Form):
    """A form about one case (its choices come from the case's policy version)."""

    def __init__(self, case: Case, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.policy = policy_of(case)
        self.setup()

    def setup(self) -> None:
        pass


class ReplyForm(CaseForm):
    body = forms.CharField(
        label=gettext_lazy("Public reply"), widget=forms.Textarea(attrs={"id": "reply-body", "rows": 5})
    )


class NoteForm(CaseForm):
    body = forms.CharField(
        label=gettext_lazy("Internal note"), widget=forms.Textarea(attrs={"id": "note-body", "rows": 4})
    )


class AssignForm(CaseForm):
    assignee = forms.ChoiceField(
        label=gettext_lazy("Assign to"), required=False, widget=forms.Select(attrs={"id": "assign-user"})
    )

    def setup(self) -> None:
        members = Membership.objects.filter(desk_id=self.case.desk_id).select_related("user")
        choices = [("", pgettext("assignee", "nobody"))]
        choices += [(str(m.user_id), m.user.get_username()) for m in members.order_by("user__username")]
        field = self.fields["assignee"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        self.initial.setdefault("assignee", str(self.case.assignee_id or ""))


def _choices(form: forms.Form, name: str, choices: list[tuple[str, str]], initial: str) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices
    form.initial.setdefault(name, initial)


class PriorityForm(CaseForm):
    priority = forms.ChoiceField(label=gettext_lazy("Priority"), widget=forms.RadioSelect)

    def setup(self) -> None:
        _choices(self, "priority", [(p.key, p.name) for p in self.policy.priorities], self.case.priority)


class ClassifyForm(CaseForm):
    classification = forms.ChoiceField(label=gettext_lazy("Classification"), required=False)

    def setup(self) -> None:
        choices = [("", gettext("not classified"))] + [(c, c) for c in sorted(CLASSIFICATIONS) if c]
        _choices(self, "classification", choices, self.case.classification)


class ClassifyScopeForm(CaseForm):
    """The policy's scope lists as a grouped select (covered, not covered, paid services); '' is in scope."""

    item = forms.ChoiceField(label=gettext_lazy("Scope"), required=False)

    def setup(self) -> None:
        from casedesk.contracts import scope

        choices: list[Any] = [("", gettext("in scope (not classified)"))]
        choices += [(group, [(i.name, i.name) for i in items]) for group, items in scope.grouped(self.policy)]
        current = None if self.is_bound else scope.classified(self.case, self.policy)
        _choices(self, "item", choices, current.item if current else "")


class StatusForm(CaseForm):
    status = forms.ChoiceField(label=gettext_lazy("Status"))

    def setup(self) -> None:
        _choices(self, "status", [(s, str(Case.Status(s).label)) for s in WORK_STATUSES], self.case.status)


class ResolveForm(CaseForm):
    resolution = forms.CharField(label=gettext_lazy("Resolution"), max_length=50)

    def setup(self) -> None:
        kinds = self.policy.resolution_kinds
        if kinds:  # the policy names its kinds: choose one; otherwise say it in a few words
            self.fields["resolution"] = forms.ChoiceField(label=gettext("Resolution"), choices=[(k, k) for k in kinds])


class CcAddForm(CaseForm):
    email = forms.EmailField(
        label=gettext_lazy("Copy a contact"),
        widget=forms.EmailInput(attrs={"list": "cc-contacts", "autocomplete": "off"}),
    )


class CcRemoveForm(CaseForm):
    contact = forms.IntegerField(widget=forms.HiddenInput)


def escalation_levels(case: Case, policy: Policy) -> tuple[list[EscalationLevel], EscalationLevel | None]:
    """The levels this case may take now (the next ordinary one; the critical route when it applies) and the next."""
    levels = list(policy.escalation)
    ordinary = [lv for lv in levels if not lv.critical_only and lv.level > case.escalation_level]
    critical = [
        lv
        for lv in levels
        if lv.critical_only
        and lv.level > case.escalation_level
        and (case.priority in lv.when_priority or case.critical)
    ]
    allowed = ordinary[:1] + critical
    return allowed, (ordinary[0] if ordinary else (critical[0] if critical else None))


class EscalateForm(CaseForm):
    level = forms.TypedChoiceField(label=gettext_lazy("Escalate to"), coerce=int)
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def setup(self) -> None:
        allowed, nxt = escalation_levels(self.case, self.policy)
        _choices(
            self, "level", [(str(lv.level), f"{lv.level}: {lv.name}") for lv in allowed], str(nxt.level if nxt else "")
        )


class CriticalForm(CaseForm):
    critical = forms.TypedChoiceField(
        choices=[("1", gettext_lazy("critical")), ("0", gettext_lazy("not critical"))], coerce=lambda v: v == "1"
    )


class ReviewForm(CaseForm):
    note = forms.CharField(label=gettext_lazy("Review note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RndForm(CaseForm):
    note = forms.CharField(
        label=gettext_lazy("How R&D is engaged"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConfidentialForm(CaseForm):
    confidential = forms.TypedChoiceField(
        label=gettext_lazy("Confidential"),
        choices=[("1", gettext_lazy("confidential: never forwarded")), ("0", gettext_lazy("not confidential"))],
        coerce=lambda v: v == "1",
    )

    def setup(self) -> None:
        self.initial.setdefault("confidential", "1" if self.case.confidential else "0")


class ForwardForm(CaseForm):
    note = forms.CharField(
        label=gettext_lazy("What is sent to the vendor"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class VendorReferenceForm(CaseForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[
            ("enhancement_request", gettext_lazy("enhancement request")),
            ("spr", gettext_lazy("SPR (software performance report)")),
            ("vendor_case", gettext_lazy("vendor's case")),
        ],
    )
    reference = forms.CharField(label=gettext_lazy("Vendor's reference"), max_length=100)


class RoundTheClockForm(CaseForm):
    needed = forms.TypedChoiceField(
        label=gettext_lazy("24x7 work"),
        choices=[("1", pgettext_lazy("24x7 work", "needed")), ("0", pgettext_lazy("24x7 work", "not needed"))],
        coerce=lambda v: v == "1",
    )

    def setup(self) -> None:
        self.initial.setdefault("needed", "1" if self.case.round_the_clock else "0")


def schedulable(policy: Policy) -> list[tuple[str, str]]:
    """Metrics a schedule can be agreed for: the recurring updates (PTC S3's, Mastercam's status updates)."""
    return [(k, m.name) for k, m in policy.metrics.items() if m.kind == "cadence"]


class ScheduleForm(CaseForm):
    metric = forms.ChoiceField(label=gettext_lazy("Metric"))
    target = forms.CharField(
        label=gettext_lazy("Agreed every"), max_length=20, help_text=gettext_lazy("for example 2bd, 8h, 1w")
    )

    def setup(self) -> None:
        metrics = schedulable(self.policy)
        _choices(self, "metric", metrics, metrics[0][0] if metrics else "")


class MergeForm(CaseForm):
    into = forms.CharField(
        label=gettext_lazy("Merge this case into"), max_length=30, help_text=gettext_lazy("the case number that stays")
    )


class EmptyForm(CaseForm):
    """Reopen and close: nothing to type."""


class LogTimeForm(CaseForm):
    """Time worked on the case, by service type: the types of the rate cards that apply to its contract."""

    hours = forms.DecimalField(label=gettext_lazy("Hours"), max_digits=8, decimal_places=2)
    service_type = forms.ChoiceField(label=gettext_lazy("Service type"))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)

    def setup(self) -> None:
        from casedesk.contracts import ledger

        contract = self.case.contract
        rates = ledger.rates_for(self.case.desk, contract)
        choices = [
            (key, f"{rate.name} ({rate.price} {rate.currency}/{rate.unit})")
            for key, rate in rates.items()
            if key != ledger.PPI_SERVICE
        ]
        if ledger.billing_of(contract, self.policy) == ledger.INCLUDED:
            choices.insert(0, (ledger.INCLUDED, gettext("included support (not billed)")))
        _choices(self, "service_type", choices, choices[0][0] if choices else "")


class PpiDeductForm(CaseForm):
    """Confirm an offered PPI deduction: the PPI and the block it is deducted from."""

    ppi = forms.IntegerField(widget=forms.HiddenInput)
    block = forms.IntegerField(widget=forms.HiddenInput)
