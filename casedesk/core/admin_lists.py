"""Admin change lists that stay fast on millions of rows.

No full COUNT(*): the paginator counts at most CAP + 1 rows through a LIMIT
subquery and the page says "10,000+"; the list defers the columns it never
shows; facets (a COUNT per filter choice) are off.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most CAP + 1 rows (SELECT COUNT(*) FROM (SELECT id ... LIMIT 10001)); no page past CAP."""

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if isinstance(qs, QuerySet):
            return qs.order_by().values("pk")[: CAP + 1].count()
        return len(qs)


def count_label(n: int) -> str:
    return f"{CAP:,}+" if n > CAP else f"{n:,}"


class CappedChangeList(ChangeList):
    """A change list that defers the model admin's `list_defer` columns and labels a capped count."""

    result_count_label = ""

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet:
        qs = super().get_queryset(request, exclude_parameters)
        defer = getattr(self.model_admin, "list_defer", ())
        return qs.defer(*defer) if defer else qs

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        self.result_count_label = count_label(self.result_count)


class LargeTableAdmin(admin.ModelAdmin):
    """Read-only and fast at a million rows (cases, events, metrics are written by cases.services only)."""

    paginator = CappedPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    actions = None
    list_defer: tuple[str, ...] = ()

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return CappedChangeList

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
