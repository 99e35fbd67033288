"""/console/whatif/: a desk's what-if runs (support managers of the desk, superusers), and one case's what-if
(anyone who may open the case in the console). Anyone else gets the 404 a desk or case that does not exist gets.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy

from casedesk.cases.access import case_for_console
from casedesk.console.charts import Series, stacked_bars
from casedesk.console.gate import agent, member_required
from casedesk.console.overview_page import _managed
from casedesk.contracts.statement_files import csv_chunks
from casedesk.whatif import drafts, per_case, runs
from casedesk.whatif.models import WhatIfFlip, WhatIfRun

COLOURS = {"met": "#2e7d32", "missed": "#c62828", "pending": "#1565c0", "removed": "#9e9e9e"}
FLIPS_PER_PAGE = 50


def _words() -> dict[str, str]:
    return {
        "met": gettext("met"),
        "missed": gettext("missed"),
        "pending": gettext("pending"),
        "removed": gettext("removed (bug/defect or out of scope)"),
        "": gettext("no commitment"),
    }


@login_required
def desk_runs(request: HttpRequest, slug: str) -> HttpResponse:
    desk = _managed(request, slug)
    if request.method == "POST":
        form = drafts.DraftForm(request.POST, request.FILES)
        if form.is_valid() and (checked := drafts.check(desk, form)) is not None:
            user = request.user if request.user.is_authenticated else None
            run = runs.create(
                desk,
                user,
                name=form.cleaned_data["name"],
                source=checked.source,
                period=checked.period,
            )
            return redirect("whatif:run", pk=run.pk)
        status = 400
    else:
        form = drafts.DraftForm(initial=drafts.initial(desk))
        status = 200
    context = {"desk": desk, "form": form, "runs": WhatIfRun.objects.filter(desk=desk).defer("source", "summary")[:100]}
    return render(request, "whatif/desk.html", context, status=status)


def _run(request: HttpRequest, pk: int) -> WhatIfRun:
    run = WhatIfRun.objects.select_related("desk", "created_by").filter(pk=pk).first()
    if run is None:
        raise Http404("No such run.")
    _managed(request, run.desk.slug)
    return run


def _chart(run: WhatIfRun) -> str:
    words = _words()
    labels: list[str] = []
    values: dict[str, list[int]] = {c: [] for c in runs.CLASSES}
    for row in run.summary.get("rows", []):
        if row["priority"]:
            continue
        for side, word in (("recorded", gettext("recorded")), ("draft", gettext("draft"))):
            labels.append(f"{row['metric_name']}: {word}")
            for c in runs.CLASSES:
                values[c].append(row[side][c])
    return stacked_bars(labels, [Series(words[c], COLOURS[c], values[c]) for c in runs.CLASSES])


@login_required
def run_page(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    flips = WhatIfFlip.objects.filter(run=run).select_related("case").order_by("id")
    page = Paginator(flips, FLIPS_PER_PAGE).get_page(request.GET.get("page"))
    words = _words()
    names = {row["metric"]: row["metric_name"] for row in run.summary.get("rows", [])}
    context = {
        "run": run,
        "period": runs.period_of(run),
        "rows": run.summary.get("rows", []),
        "chart": mark_safe(_chart(run)) if run.status == WhatIfRun.Status.DONE else "",  # numbers, escaped labels
        "page": page,
        # Each flip's metric named as the draft names it (the summary's rows), not by its key.
        "flips": [(f, names.get(f.metric, f.metric), words[f.recorded], words[f.draft]) for f in page.object_list],
    }
    return render(request, "whatif/run.html", context)


@login_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The small fragment the run page polls while the run is queued or running."""
    return render(request, "whatif/_progress.html", {"run": _run(request, pk)})


def _iso(t: datetime | None) -> str:
    return t.isoformat() if t else ""


@login_required
def run_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    run = _run(request, pk)
    header = ["case", "metric", "priority", "recorded", "draft", "recorded_due", "draft_due"]

    def rows() -> Iterator[list[str]]:
        yield header
        cols = ("case__number", "metric", "priority", "recorded", "draft", "recorded_due", "draft_due")
        for number, metric, priority, rec, dra, rdue, ddue in (
            WhatIfFlip.objects.filter(run=run).order_by("id").values_list(*cols).iterator(chunk_size=2000)
        ):
            yield [number, metric, priority, rec or "-", dra or "-", _iso(rdue), _iso(ddue)]

    response = StreamingHttpResponse(csv_chunks(rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="whatif-{run.desk.slug}-{run.pk}-flips.csv"'
    return response


class CaseWhatIfForm(forms.Form):
    opened_at = forms.DateTimeField(
        label=gettext_lazy("Opened at (your zone)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    calendar = forms.ChoiceField(label=gettext_lazy("Calendar"))
    zone = forms.CharField(
        label=gettext_lazy("Zone"),
        required=False,
        max_length=64,
        help_text=gettext_lazy("only for a calendar that follows the user's zone; empty: the calendar's own"),
    )

    def __init__(self, *args: object, calendars: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["calendar"].choices = [(c, c) for c in calendars]  # type: ignore[attr-defined]

    def clean_zone(self) -> str:
        from casedesk.sla.zones import valid_zone

        zone = self.cleaned_data["zone"].strip()
        if zone and not valid_zone(zone):
            raise forms.ValidationError(gettext("%(zone)s is not a time zone (e.g. Europe/Oslo).") % {"zone": zone})
        return zone


@member_required
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    case = case_for_console(agent(request), number)
    calendars = per_case.calendars(case)
    answer = None
    if "opened_at" in request.GET:
        form = CaseWhatIfForm(request.GET, calendars=calendars)
        if form.is_valid():
            answer = per_case.what_if(
                case,
                opened_at=form.cleaned_data["opened_at"],
                calendar=form.cleaned_data["calendar"],
                zone=form.cleaned_data["zone"],
                now=timezone.now(),
            )
    else:
        opened = timezone.localtime(case.opened_at)
        form = CaseWhatIfForm(
            initial={"opened_at": opened.replace(tzinfo=None), "calendar": case.calendar, "zone": case.calendar_zone},
            calendars=calendars,
        )
    return render(request, "whatif/case.html", {"case": case, "form": form, "answer": answer, "now": timezone.now()})
