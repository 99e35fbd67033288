"""A draft policy as the console takes it: preset TOML typed or uploaded, checked before a run is queued."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from casedesk.desks.models import Desk
from casedesk.desks.policies import PolicyError, version_in_force
from casedesk.reports.periods import Period, last_whole_month, parse_period
from casedesk.sla.presets import Preset, PresetError, preset_from_text

MAX_SOURCE = 1_000_000  # characters: a preset is a few kilobytes


class DraftForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=40,
        help_text=gettext_lazy("a month (2026-11) or two days (2026-11-03..2026-11-20), in the desk's home zone"),
    )
    source = forms.CharField(
        label=gettext_lazy("Draft policy (preset TOML)"),
        required=False,
        max_length=MAX_SOURCE,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100, "spellcheck": "false", "class": "mono"}),
    )
    upload = forms.FileField(label=gettext_lazy("or upload a .toml file"), required=False)


@dataclass(frozen=True)
class Checked:
    preset: Preset
    period: Period
    source: str


def home_zone(desk: Desk) -> str:
    return current_preset(desk).policy.home_zone or "UTC"


def current_source(desk: Desk) -> str:
    """The source of the desk's policy version in force now: where a draft starts from."""
    from casedesk.desks.models import PolicyVersion

    version = version_in_force(desk, timezone.now())
    return PolicyVersion.objects.values_list("source", flat=True).get(pk=version.pk)


def current_preset(desk: Desk) -> Preset:
    from casedesk.desks.policies import preset_of

    return preset_of(version_in_force(desk, timezone.now()))


def initial(desk: Desk) -> dict[str, str]:
    try:
        source, zone = current_source(desk), home_zone(desk)
    except PolicyError:
        source, zone = "", "UTC"
    period = last_whole_month(timezone.now(), zone)
    return {
        "source": source,
        "period": str(period),
        "name": gettext("Draft of %(day)s") % {"day": f"{timezone.now():%Y-%m-%d}"},
    }


def read_upload(form: DraftForm) -> None:
    """An uploaded file replaces the typed text (and is shown in the text area from then on)."""
    upload = form.cleaned_data.get("upload")
    if upload is None:
        return
    raw = upload.read(MAX_SOURCE + 1)
    if len(raw) > MAX_SOURCE:
        form.add_error("upload", gettext("The file is larger than a policy can be (1 MB)."))
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        form.add_error("upload", gettext("The file is not UTF-8 text."))
        return
    form.cleaned_data["source"] = text
    data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict; shown again if anything else is wrong
    data["source"] = text
    form.data = data


def check(desk: Desk, form: DraftForm) -> Checked | None:
    """The draft parsed and the period read; the form carries every problem (the line of a TOML error)."""
    from casedesk.whatif.runs import missing

    read_upload(form)
    if form.errors:
        return None
    source = form.cleaned_data["source"]
    if not source.strip():
        form.add_error("source", gettext("Give the draft policy: type or paste it, or upload a .toml file."))
        return None
    period = None
    try:
        period = parse_period(form.cleaned_data["period"], home_zone(desk))
    except ValueError as exc:
        form.add_error("period", str(exc))
    try:
        preset = preset_from_text(source, "draft")
    except PresetError as exc:
        if exc.line:
            message = gettext("line %(line)d: %(message)s") % {"line": exc.line, "message": exc.message}
        else:
            message = exc.message
        form.add_error("source", message)
        return None
    if period is None:
        return None
    lacking = missing(preset, desk, period)
    if lacking:
        named = "; ".join(
            gettext("%(calendar)s (%(count)d cases)") % {"calendar": cal, "count": n}
            for cal, n in sorted(lacking.items())
        )
        form.add_error(
            "source",
            gettext("The draft has no calendar for cases of this period: %(names)s. Keep these calendars in the draft.")
            % {"names": named},
        )
        return None
    return Checked(preset, period, source)
