"""An agent's queue: open cases by nearest pending due (overdue first), then open cases without a clock.

Two indexed reads instead of one sort with NULLS LAST (which SQLite cannot
serve from an index): the cases with a due on (desk|queue, next_due_at), then
those without a clock on (no_clock, opened_at). A page is LIMIT 26 on the
first and, only once it runs out, on the second; nothing counts the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy

from casedesk.cases.access import console_cases
from casedesk.cases.models import Case, CaseQuerySet, SlaMetric
from casedesk.cases.search import search
from casedesk.console.remaining import Remaining, age, remaining
from casedesk.desks.models import Desk, Queue, Team

PAGE = 25
SLA_STATES = {
    "overdue": gettext_lazy("overdue"),
    "due_later": gettext_lazy("due later"),
    "no_clock": gettext_lazy("no clock"),
}


@dataclass(frozen=True)
class Filters:
    desk: Desk | None = None
    queue: Queue | None = None
    team: Team | None = None  # the cases in the team's queues
    mine: bool = False
    status: str = ""
    priority: str = ""  # a key, or "-" for not set
    assignee: str = ""  # a user id, or "-" for unassigned
    sla: str = ""
    classification: str = ""  # a classification, or "-" for none
    company: str = ""  # a company's name, exactly (the type-ahead offers the desk's)
    product: str = ""  # the start of the product and version ("Creo", "2025")
    text: str = ""


@dataclass(frozen=True)
class Row:
    case: Case
    remaining: Remaining | None
    age: str


@dataclass
class Page:
    rows: list[Row] = field(default_factory=list)
    number: int = 1
    has_next: bool = False


def _narrowed(user: User, f: Filters) -> QuerySet[Case]:
    qs = console_cases(user)
    if f.desk is not None:
        qs = qs.filter(desk=f.desk)
    if f.queue is not None:
        qs = qs.filter(queue=f.queue)
    if f.team is not None:
        qs = qs.filter(queue__in=f.team.queues.all())
    if f.mine:
        qs = qs.filter(assignee=user)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.priority:
        qs = qs.filter(priority="" if f.priority == "-" else f.priority)
    if f.assignee == "-":
        qs = qs.filter(assignee__isnull=True)
    elif f.assignee.isdigit():
        qs = qs.filter(assignee_id=int(f.assignee))
    if f.classification:
        qs = qs.filter(classification="" if f.classification == "-" else f.classification)
    if f.company:
        qs = qs.filter(company__name__iexact=f.company)
    if f.product:
        qs = qs.filter(product__istartswith=f.product)
    if f.text:
        qs = search(qs, f.text)  # the case number, or words of the subject or a message (indexed)
    return qs


def _light(qs: QuerySet[Case]) -> QuerySet[Case]:
    """One query for the rows and everything a row shows, one more for the calendars of their pending dues."""
    pending = Prefetch(
        "metrics",
        SlaMetric.objects.filter(live=True, due_at__isnull=False).only(
            "case_id", "due_at", "calendar", "started_at", "warned"
        ),
        to_attr="pending_metrics",
    )
    return (
        qs.select_related("desk", "queue", "requester", "company", "assignee", "policy_version")
        .defer("policy_version__source", "clock", "description", "intake")
        .prefetch_related(pending)
    )


def queue_page(user: User, f: Filters, number: int, now: datetime) -> Page:
    """Page `number` of the due cases followed by the clockless ones (two queries at most, three past the due ones)."""
    qs = _narrowed(user, f)
    start = (number - 1) * PAGE
    want = PAGE + 1  # one more tells whether a next page exists
    cases: list[Case] = []
    clockless_from = start
    if f.sla != "no_clock":
        due = cast(CaseQuerySet, qs).by_nearest_due()  # console_cases is a Case queryset
        if f.sla == "overdue":
            due = due.filter(next_due_at__lt=now)
        elif f.sla == "due_later":
            due = due.filter(next_due_at__gte=now)
        cases = list(_light(due)[start : start + want])
        if cases:
            clockless_from = 0  # the due cases end on this page (if at all): the clockless ones follow
        elif start:
            clockless_from = start - due.count()  # a page past the due cases: skip as many as there are
    if f.sla in {"", "no_clock"} and len(cases) < want:
        clockless = qs.filter(no_clock__in=[True]).order_by("-opened_at", "-id")  # IN: an index search on SQLite
        cases += list(_light(clockless)[clockless_from : clockless_from + want - len(cases)])
    rows = [Row(c, remaining(c, now), age(c.opened_at, now)) for c in cases[:PAGE]]
    return Page(rows, number, len(cases) > PAGE)
