"""The manager's overview of one desk: where the clocks stand now, what was missed, and the weekly record.

Every figure is an indexed count (open cases by next due, metrics by breach or
stop time), so the page costs the same at a million cases. Internal goals never
count as missed commitments (POLICIES 0.21); targets removed by a bug/defect
classification are counted apart (0.2).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext

from casedesk.cases.models import Case, SlaMetric
from casedesk.desks.models import Desk

WEEKS = 12


@dataclass(frozen=True)
class Week:
    start: date
    met: int
    missed: int
    removed: int


@dataclass
class Overview:
    desk: Desk
    now: datetime
    open_by_state: dict[str, int]
    missed_today: Counter[tuple[str, str]] = field(default_factory=Counter)  # (queue, agent) -> n
    missed_week: Counter[tuple[str, str]] = field(default_factory=Counter)
    due_today: Counter[tuple[str, str]] = field(default_factory=Counter)  # still running, due before midnight
    escalations: list[Case] = field(default_factory=list)
    reviews: list[SlaMetric] = field(default_factory=list)
    weeks: list[Week] = field(default_factory=list)


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _by_queue_and_agent(qs: QuerySet[SlaMetric]) -> Counter[tuple[str, str]]:
    rows = qs.values_list("case__queue__name", "case__assignee__username").annotate(n=Count("id"))
    return Counter({(q or "-", a or gettext("unassigned")): n for q, a, n in rows})


def overview(desk: Desk, now: datetime | None = None) -> Overview:
    """Figures for one desk as of `now`, days and weeks in the active (viewer's) zone."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    week_start = today - timedelta(days=today.weekday())
    open_cases = Case.objects.filter(desk=desk, status__in=Case.OPEN_STATUSES)
    counts = open_cases.aggregate(
        overdue=Count("id", filter=Q(next_due_at__lt=now)),
        running=Count("id", filter=Q(next_due_at__gte=now)),
        no_clock=Count("id", filter=Q(next_due_at__isnull=True)),
    )
    commitments = SlaMetric.objects.filter(case__desk=desk, goal=False)
    missed = commitments.filter(breached=True)
    view = Overview(desk=desk, now=now, open_by_state=counts)
    view.missed_today = _by_queue_and_agent(missed.filter(breached_at__gte=_midnight(today), breached_at__lte=now))
    view.missed_week = _by_queue_and_agent(missed.filter(breached_at__gte=_midnight(week_start), breached_at__lte=now))
    view.due_today = _by_queue_and_agent(
        commitments.filter(live=True, due_at__gt=now, due_at__lt=_midnight(today + timedelta(days=1)))
    )
    view.escalations = list(
        open_cases.filter(escalation_level__gt=0).select_related("assignee", "queue").order_by("-escalation_level")[:50]
    )
    view.reviews = list(
        SlaMetric.objects.filter(case__desk=desk, metric="review", live=True)
        .select_related("case", "case__assignee")
        .order_by("due_at")[:50]
    )
    view.weeks = weekly(desk, week_start)
    return view


def weekly(desk: Desk, this_week: date) -> list[Week]:
    """Commitments settled per week (met, missed) and targets removed by classification, the last WEEKS weeks,
    counted by the database (weeks start on Monday in the viewer's zone)."""
    first = _midnight(this_week - timedelta(weeks=WEEKS - 1))
    mine = SlaMetric.objects.filter(case__desk=desk, goal=False)
    settled = (
        mine.filter(stopped_at__gte=first, status__in=["met", "missed"])
        .annotate(week=TruncWeek("stopped_at"))
        .values_list("week", "status")
        .annotate(n=Count("id"))
    )
    removed = (
        mine.filter(cancelled_at__gte=first, status="cancelled")
        .annotate(week=TruncWeek("cancelled_at"))
        .values_list("week", "status")
        .annotate(n=Count("id"))
    )
    tally: dict[date, Counter[str]] = {first.date() + timedelta(weeks=i): Counter() for i in range(WEEKS)}
    for week, status, n in [*settled, *removed]:
        day = week.date() if isinstance(week, datetime) else week
        tally.setdefault(day, Counter())[status] += n
    return [Week(w, c["met"], c["missed"], c["cancelled"]) for w, c in sorted(tally.items())]
