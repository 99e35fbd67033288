"""Cases in the admin are read-only: every change goes through cases.services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from casedesk.cases.models import Case, CaseEvent, SlaMetric


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MetricInline(ReadOnlyInline):
    model = SlaMetric
    fields = ["name", "status", "target", "calendar", "started_at", "due_at", "stopped_at", "breached", "missed"]


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["at", "kind", "actor", "data"]


class BreachedFilter(admin.SimpleListFilter):
    title = "SLA"
    parameter_name = "sla"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("breached", "breached"), ("running", "running"), ("waiting", "clock not started")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value():
            return queryset.filter(metrics__status=self.value()).distinct()
        return queryset


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["number", "subject", "desk", "queue", "priority", "status", "assignee", "opened_at"]
    list_filter = ["desk", BreachedFilter, "status", "priority", "queue", "channel", "classification", "assignee"]
    search_fields = ["number", "subject", "company__name", "requester__email"]
    date_hierarchy = "opened_at"
    list_select_related = ["desk", "queue", "assignee"]
    inlines = [MetricInline, EventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SlaMetric)
class SlaMetricAdmin(admin.ModelAdmin):
    list_display = ["case", "name", "status", "target", "due_at", "breached"]
    list_filter = ["status", "metric", "breached", "case__desk"]
    list_select_related = ["case"]
    search_fields = ["case__number"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
