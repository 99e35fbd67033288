"""Cases in the admin: read-only (every change goes through cases.services) and fast at a million cases.

The list reads only case columns and the rows it joins (desk, queue, assignee):
the SLA column and filter use Case.next_due_at and Case.sla_breached, served by
the partial indexes over open cases; no filter scans the table for its choices.
The change page shows the metrics as of now (sla_state.as_of), never a stale row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from casedesk.cases import sla_state
from casedesk.cases.models import Case, CaseEvent, SlaMetric
from casedesk.cases.services import CLASSIFICATIONS
from casedesk.core.admin_lists import LargeTableAdmin
from casedesk.core.localtime import duration, local
from casedesk.desks.models import Desk, Membership, PolicyVersion, Queue
from casedesk.desks.policies import preset_of
from casedesk.sla.clock import CLASSIFIED, FINISHED, LIVE, SCOPE, MetricState

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

NOT_SET = "priority not set"


class SlaFilter(admin.SimpleListFilter):
    """From the case columns only: each choice is served by an index (partial over open cases, or sla_breached)."""

    title = "SLA"
    parameter_name = "sla"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("overdue", "overdue now"),
            ("due_later", "due later"),
            ("missed", "commitment missed"),
            ("no_clock", "no clock running"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Case]) -> QuerySet[Case]:
        # Only open cases have a due (resolution stops every clock): no status test where a due is asked for.
        now = timezone.now()
        match self.value():
            case "overdue":
                return queryset.filter(next_due_at__lt=now)
            case "due_later":
                return queryset.filter(next_due_at__gte=now)
            # `__in=[True]`: Django writes a bare boolean column for `=True`, which SQLite cannot
            # look up in an index (it scans it whole); `IN (1)` is an index search on both databases.
            case "missed":
                return queryset.filter(sla_breached__in=[True])
            case "no_clock":
                return queryset.filter(no_clock__in=[True])
        return queryset


class PriorityFilter(admin.SimpleListFilter):
    """The priorities the desks' policies declare (one small query on policy versions), never a DISTINCT on cases."""

    title = "priority"
    parameter_name = "priority"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        keys: dict[str, None] = {}
        for version in PolicyVersion.objects.defer("source").order_by("desk_id", "-effective_at"):
            for choice in preset_of(version).policy.priorities:
                keys.setdefault(choice.key)
        return [(k, k) for k in keys] + [("-", NOT_SET)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Case]) -> QuerySet[Case]:
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(priority="" if value == "-" else value)


class ClassificationFilter(admin.SimpleListFilter):
    title = "classification"
    parameter_name = "classification"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(c, c) for c in sorted(CLASSIFICATIONS) if c] + [("-", "not classified")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Case]) -> QuerySet[Case]:
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(classification="" if value == "-" else value)


class QueueFilter(admin.RelatedFieldListFilter):
    """Every desk's queues, labelled desk/queue in one query."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> list[tuple[str, str | StrPromise]]:
        return [
            (str(q.pk), f"{q.desk.slug}/{q.key}") for q in Queue.objects.select_related("desk").order_by("desk", "key")
        ]


class AssigneeFilter(admin.RelatedFieldListFilter):
    """Only users with a desk membership (agents and managers), not every account."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> list[tuple[str, str | StrPromise]]:
        users = get_user_model().objects.filter(pk__in=Membership.objects.values("user_id")).order_by("username")
        return [(str(u.pk), str(u)) for u in users]


class DeskFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> list[tuple[str, str | StrPromise]]:
        return [(str(d.pk), d.name) for d in Desk.objects.order_by("name")]


@dataclass(frozen=True)
class MetricRow:
    """One metric as the case page shows it."""

    name: str
    status: str
    live: bool
    target: str
    kind: str
    calendar: str
    priority: str
    started: str
    due: str
    remaining: str
    breaches: list[str]
    note: str


def metric_rows(case: Case, states: list[MetricState], events: list[CaseEvent]) -> list[MetricRow]:
    """The page's view of each metric: zone-named times, "priority not set", breaches, why it was removed."""
    classified = [e for e in events if e.kind == CLASSIFIED]
    out_of_scope = _out_of_scope(events, classified)
    rows = []
    for st in states:
        note = ""
        if st.status == "cancelled":
            note = out_of_scope or _removed_by(classified, st.cancelled_at)
        elif st.status == "overdue":
            note = "overdue"
        priority = (
            gettext("priority not set (runs on %(priority)s)") % {"priority": st.priority}
            if st.priority_assumed
            else st.priority
        )
        rows.append(
            MetricRow(
                name=st.name,
                status=st.status,
                live=st.live,
                target=st.target or gettext("no target"),
                kind=gettext("internal goal") if st.goal else (gettext("commitment") if st.target else ""),
                calendar=st.calendar,
                priority=priority,
                started=local(st.started_at),
                due=local(st.due_at),
                remaining=_remaining(st),
                breaches=[
                    (
                        gettext("missed at %(at)s (target %(target)s, internal goal)")
                        if b.goal
                        else gettext("missed at %(at)s (target %(target)s)")
                    )
                    % {"at": local(b.at), "target": b.target}
                    for b in st.breaches
                ],
                note=note,
            )
        )
    return rows


def _remaining(st: MetricState) -> str:
    if not st.live or st.remaining_seconds is None:
        return ""
    if st.remaining_seconds < 0:
        return gettext("overdue by %(time)s") % {"time": duration(-st.remaining_seconds)}
    return duration(st.remaining_seconds)


def _out_of_scope(events: list[CaseEvent], classified: list[CaseEvent]) -> str:
    """The note "removed: out of scope (item), by X at T" while the request is out of scope and that, not a
    bug/defect classification set before it, is what removed the targets; "" otherwise."""
    scope = next((e for e in reversed(events) if e.kind == SCOPE), None)
    if scope is None or scope.data.get("in_scope", True):
        return ""
    bug = classified[-1] if classified and classified[-1].data.get("classification") in {"bug", "defect"} else None
    if bug is not None and bug.at < scope.at:
        return ""
    who = scope.actor.get_username() if scope.actor else gettext("the system")
    return gettext("removed: out of scope (%(item)s), by %(who)s at %(at)s") % {
        "item": scope.data.get("item", ""),
        "who": who,
        "at": local(scope.at),
    }


def _removed_by(classified: list[CaseEvent], at: datetime | None) -> str:
    before = [e for e in classified if at is None or e.at <= at]
    if not (before or classified):
        return gettext("removed")
    event = (before or classified)[-1]
    kind = event.data.get("classification")
    who = event.actor.get_username() if event.actor else gettext("the system")
    if not kind:
        return gettext("removed by classification, by %(who)s at %(at)s") % {"who": who, "at": local(event.at)}
    return gettext("removed by %(kind)s classification, by %(who)s at %(at)s") % {
        "kind": kind,
        "who": who,
        "at": local(event.at),
    }


def flags(case: Case) -> list[str]:
    return [
        label
        for on, label in [
            (case.info_missing, "information missing"),
            (case.needs_triage, "needs triage"),
            (case.no_contract_sla, "no contract: no SLA"),
            (case.critical, "critical"),
            (case.sla_breached, "commitment missed"),
        ]
        if on
    ]


@admin.register(Case)
class CaseAdmin(LargeTableAdmin):
    list_display = ["number", "subject", "desk", "queue_name", "priority_shown", "status", "sla", "assignee", "opened"]
    list_filter = [
        ("desk", DeskFilter),
        SlaFilter,
        "status",
        PriorityFilter,
        ("queue", QueueFilter),
        "channel",
        ClassificationFilter,
        ("assignee", AssigneeFilter),
    ]
    list_select_related = ["desk", "queue", "assignee"]
    list_defer = ("clock", "description", "intake")
    # Exact matches only: a case number or the requester's e-mail (indexed); no LIKE over a million subjects.
    search_fields = ["=number", "=requester__email"]
    search_help_text = "a case number (PLM-000123) or the requester's e-mail address"
    change_form_template = "admin/cases/case/change_form.html"
    fieldsets = [
        (None, {"fields": ["number", "subject", "desk", "queue", "status", "priority_shown", "tier", "channel"]}),
        ("Customer", {"fields": ["company", "requester", "contract", "site"]}),
        ("Work", {"fields": ["assignee", "classification", "resolution", "escalation_level", "round_the_clock"]}),
        ("Times", {"fields": ["opened", "updated", "next_due", "calendar", "calendar_zone"]}),
        ("Details", {"fields": ["description", "intake_fields", "confidential"]}),
    ]
    readonly_fields = ["priority_shown", "opened", "updated", "next_due", "intake_fields"]

    @admin.display(description="intake")
    def intake_fields(self, case: Case) -> str:
        """Each field the policy asks for at intake, with its label and help; missing ones said so."""
        policy = preset_of(case.policy_version).policy
        known = {f.key for f in policy.intake}
        rows = [
            format_html(
                "<li><b>{}</b>{}: {}</li>",
                f.label,
                format_html(' <small title="{}">(?)</small>', f.help) if f.help else "",
                case.intake.get(f.key) or ("missing" if f.required else "-"),
            )
            for f in policy.intake
        ]
        rows += [format_html("<li><b>{}</b>: {}</li>", k, v) for k, v in case.intake.items() if k not in known]
        return format_html('<ul class="intake">{}</ul>', format_html_join("", "{}", ((r,) for r in rows)))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        """The 24x7 evaluation only where the policy has a round-the-clock priority (PTC S0)."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or preset_of(obj.policy_version).policy.priority_calendars:
            return fieldsets
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f != "round_the_clock"]})
            for name, opts in fieldsets
        ]

    def get_ordering(self, request: HttpRequest) -> Any:
        """Overdue and due-later lists read best nearest due first, and that order is on an index."""
        if request.GET.get(SlaFilter.parameter_name) in {"overdue", "due_later"}:
            return ["next_due_at"]
        return super().get_ordering(request)

    @admin.display(description="queue", ordering="queue__key")
    def queue_name(self, case: Case) -> str:
        return case.queue.name if case.queue else ""

    @admin.display(description="priority", ordering="priority")
    def priority_shown(self, case: Case) -> str:
        return case.priority or NOT_SET

    @admin.display(description="SLA", ordering="next_due_at")
    def sla(self, case: Case) -> str:
        """From next_due_at against now: no metric rows read."""
        missed = " (commitment missed)" if case.sla_breached else ""
        if not case.is_open:
            return f"closed{missed}"
        if case.next_due_at is None:
            return f"no clock running{missed}"
        if case.next_due_at < timezone.now():
            return f"overdue since {local(case.next_due_at)}{missed}"
        return f"running, due {local(case.next_due_at)}{missed}"

    @admin.display(description="opened", ordering="opened_at")
    def opened(self, case: Case) -> str:
        return local(case.opened_at)

    @admin.display(description="updated")
    def updated(self, case: Case) -> str:
        return local(case.updated_at)

    @admin.display(description="nearest due")
    def next_due(self, case: Case) -> str:
        return local(case.next_due_at) or "none"

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        case = (
            Case.objects.select_related("policy_version", "contract")
            .defer("policy_version__source")
            .filter(pk=object_id)
            .first()
            if object_id.isdigit()
            else None
        )
        context = dict(extra_context or {})
        if case is not None:
            now = timezone.now()
            events = list(CaseEvent.objects.filter(case=case).select_related("actor").order_by("at", "id"))
            context["sla_now"] = local(now)
            context["sla_metrics"] = metric_rows(case, sla_state.as_of(case, now), events)
            context["case_flags"] = flags(case)
            context["case_events"] = [
                {
                    "at": local(e.at),
                    "kind": e.kind.replace("_", " "),
                    "actor": e.actor.get_username() if e.actor else "",
                    "data": ", ".join(f"{k}: {v}" for k, v in e.data.items()),
                    "body": e.body,
                }
                for e in events
            ]
        return super().change_view(request, object_id, form_url, context)


class MetricStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(s, s) for s in sorted(LIVE)] + [(s, s) for s in sorted(FINISHED)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[SlaMetric]) -> QuerySet[SlaMetric]:
        # A row is stored as of its case's last write: running past its due is overdue now.
        now = timezone.now()
        match self.value():
            case None:
                return queryset
            case "overdue":
                return queryset.filter(status__in=["running", "overdue"], due_at__lt=now)
            case "running":
                return queryset.filter(status="running", due_at__gte=now)
        return queryset.filter(status=self.value())


@admin.register(SlaMetric)
class SlaMetricAdmin(LargeTableAdmin):
    list_display = ["case", "name", "status_now", "target", "due", "breached"]
    list_filter = [MetricStatusFilter, "breached", ("case__desk", DeskFilter)]
    list_select_related = ["case"]
    list_defer = ("history", "case__clock", "case__description", "case__intake")
    search_fields = ["=case__number"]

    @admin.display(description="due", ordering="due_at")
    def due(self, metric: SlaMetric) -> str:
        return local(metric.due_at)

    @admin.display(description="status (now)", ordering="status")
    def status_now(self, metric: SlaMetric) -> str:
        if metric.status == "running" and metric.due_at and metric.due_at < timezone.now():
            return "overdue"
        return metric.status
