"""Portal forms. The open-case form is built from the desk's policy: exactly its intake fields."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext, gettext_lazy

from casedesk.portal.policy_words import policy_text
from casedesk.sla.policy_schema import IntakeField, Policy

INTAKE_PREFIX = "intake_"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks type and size (and names each refusal)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(d, initial) for d in items]


def pattern_hint(pattern: str) -> str:
    """The pattern as a requester can read it: without anchors."""
    return pattern.removeprefix("^").removesuffix("$")


def _intake_field(spec: IntakeField) -> forms.Field:
    # A field required only at one priority (PTC S0's 24/7 phone) is checked in clean(), with the priority known.
    required = spec.required and not spec.when_priority
    label = policy_text(spec.label)
    help_text = policy_text(spec.help)
    if spec.when_priority:
        when = gettext("Required for %(priority)s.") % {"priority": spec.when_priority}
        help_text = f"{help_text} {when}".strip()
    if spec.choices:
        choices = [("", gettext("— choose —")), *((c, policy_text(c)) for c in spec.choices)]
        return forms.ChoiceField(label=label, required=required, choices=choices, help_text=help_text)
    widget = forms.Textarea(attrs={"rows": 4}) if spec.key in {"reproduction", "apps_3dx"} else None
    field = forms.CharField(label=label, required=required, help_text=help_text, max_length=2000, widget=widget)
    if spec.pattern:
        field.validators.append(_PatternValidator(spec))
    return field


class _PatternValidator:
    def __init__(self, spec: IntakeField) -> None:
        self.spec = spec

    def __call__(self, value: str) -> None:
        if value.strip() and not re.fullmatch(self.spec.pattern, value.strip()):
            hint = policy_text(self.spec.help) or gettext("expected form: %(pattern)s") % {
                "pattern": pattern_hint(self.spec.pattern)
            }
            message = gettext("%(field)s: %(value)s is not in the expected form (%(hint)s)")
            raise ValidationError(
                message % {"field": policy_text(self.spec.label), "value": repr(value.strip()), "hint": hint}
            )


class OpenCaseForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=300)
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    priority = forms.ChoiceField(required=False)
    uploads = MultipleFileField(label=gettext_lazy("Files (screenshots, logs, models)"))

    def __init__(self, policy: Policy, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.policy = policy
        word = gettext("Severity") if policy.priority_required else gettext("Priority")
        prio = self.fields["priority"]
        assert isinstance(prio, forms.ChoiceField)
        prio.label = word
        prio.required = policy.priority_required
        blank = gettext("— choose —") if policy.priority_required else gettext("Not sure: support sets it")
        prio.choices = [("", blank), *((p.key, policy_text(p.name)) for p in policy.priorities)]
        for spec in policy.intake:
            self.fields[INTAKE_PREFIX + spec.key] = _intake_field(spec)
        self.order_fields(["subject", "priority", *(INTAKE_PREFIX + s.key for s in policy.intake), "description"])
        self.intake_specs = {INTAKE_PREFIX + s.key: s for s in policy.intake}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        priority = data.get("priority", "")
        for name, spec in self.intake_specs.items():
            if spec.when_priority and spec.when_priority == priority and not str(data.get(name) or "").strip():
                message = gettext("%(field)s is required for %(priority)s")
                self.add_error(name, message % {"field": policy_text(spec.label), "priority": priority})
        return data

    def intake(self) -> dict[str, str]:
        return {s.key: str(self.cleaned_data.get(n) or "") for n, s in self.intake_specs.items()}

    def field_for_problem(self, problem: str) -> str | None:
        """The form field a service refusal ("<label> is required", "<label>: ...") is about."""
        for name, spec in self.intake_specs.items():
            if problem.startswith(spec.label):
                return name
        if "severity" in problem or "priority" in problem:
            return "priority"
        if "subject" in problem:
            return "subject"
        if "not accepted" in problem or "over the limit" in problem:
            return "uploads"
        return None

    def priority_definitions(self) -> list[tuple[str, str]]:
        return [(policy_text(p.name), p.definition) for p in self.policy.priorities]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your comment"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000
    )
    uploads = MultipleFileField(label=gettext_lazy("Files"))


class EscalationForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why should this case be escalated?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
