"""A company's monthly SLA statement: what its support contacts read in the portal (/portal/sla/) and by e-mail.

Built from the desk's compliance report narrowed to the company (`compliance(..., company_id=...)`): per metric
the commitments met, missed, pending and removed, the rate met, and the median and 90th percentile of business
time; the company's cases opened in the period with each commitment's outcome; the commitments a bug/defect
classification (or an out-of-scope finding) removed, with when (POLICIES 0.2, 0.17). Internal goals are the
desk's own (POLICIES 0.21): they are never shown to customers, and nor is who on the desk classified a case.

Labels (metric, priority, status, outcome) are in the active language: build the statement inside the reader's
`translation.override`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext, gettext_lazy

from casedesk.accounts.models import Company, Contact
from casedesk.cases.access import portal_cases
from casedesk.cases.models import Case
from casedesk.desks.models import Desk
from casedesk.desks.policies import preset_of, version_in_force
from casedesk.portal.policy_words import policy_text
from casedesk.portal.timeline import status_label
from casedesk.reports.compliance import Figures, compliance, drill
from casedesk.reports.periods import Period, month
from casedesk.sla.policy_schema import Policy

OUTCOME_LABELS = {
    "met": gettext_lazy("met"),
    "missed": gettext_lazy("missed"),
    "pending": gettext_lazy("pending"),
    "removed": gettext_lazy("removed"),
}


def home_zone(desk: Desk, now: datetime) -> str:
    """The zone the desk counts its days in (its policy's home zone): a month of the statement is read there."""
    return preset_of(version_in_force(desk, now)).policy.home_zone


def months_before(now: datetime, zone: str, count: int = 12) -> list[Period]:
    """The `count` whole months before the one `now` falls in (read in `zone`), newest first: the page's picker."""
    local = now.astimezone(ZoneInfo(zone))
    y, m = local.year, local.month
    out = []
    for _ in range(count):
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        out.append(month(y, m, zone))
    return out


@dataclass(frozen=True)
class MetricLine:
    metric: str
    name: str
    figures: Figures

    @property
    def percent(self) -> int | None:
        """The rate met among settled commitments, in whole percent (None: none settled)."""
        rate = self.figures.rate
        return None if rate is None else round(rate * 100)


@dataclass(frozen=True)
class Outcome:
    metric: str
    name: str
    outcome: str  # met | missed | pending | removed

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])


@dataclass(frozen=True)
class CaseLine:
    number: str
    subject: str
    opened_at: datetime
    status: str  # the status as the portal words it
    priority: str
    outcomes: list[Outcome]
    readable: bool  # the reader may open it in the portal: its subject is shown and its number links to it


@dataclass(frozen=True)
class RemovalLine:
    case_number: str
    name: str  # the metric's name
    reason: str  # as the customer reads it: a bug, a defect, out of scope
    at: datetime


@dataclass
class Statement:
    company: Company
    period: Period
    metrics: list[MetricLine] = field(default_factory=list)
    cases: list[CaseLine] = field(default_factory=list)
    removals: list[RemovalLine] = field(default_factory=list)


def reason_text(reason: str) -> str:
    if reason == "bug":
        return gettext("classified as a software bug")
    if reason == "defect":
        return gettext("classified as a software defect")
    if reason.startswith("out of scope"):
        item = reason.partition(":")[2].strip()
        return gettext("out of scope: %(item)s") % {"item": policy_text(item)} if item else gettext("out of scope")
    return reason


def readable_ids(reader: Contact, case_ids: Iterable[int]) -> set[int]:
    """The cases the reader may open in the portal (casedesk.cases.access): their own, and those they are copied
    on where the desk lets CC'd contacts see them. A colleague's case is only counted and numbered, never described
    (PLM Group: a case can only be accessed by its requester, even within one company)."""
    qs = portal_cases(reader.user) if reader.user is not None else Case.objects.filter(requester=reader)
    return set(qs.filter(pk__in=list(case_ids)).values_list("pk", flat=True))


def statement(company: Company, period: Period, reader: Contact | None = None) -> Statement:
    """The company's statement for the period (commitments only; labels in the active language). Subjects only of
    the cases the reader may open (none without a reader)."""
    desk = company.desk
    report = compliance(desk, period, by="metric", company_id=company.pk)
    rank = {ln.metric: i for i, ln in enumerate(report.totals)}  # the policy's order: response, resolution...
    commitments = sorted(report.commitments, key=lambda ln: rank.get(ln.metric, len(rank)))
    metrics = [MetricLine(ln.metric, policy_text(ln.metric_name), ln.figures) for ln in commitments]
    cases = list(
        Case.objects.filter(desk=desk, company=company, opened_at__gte=period.start, opened_at__lt=period.end)
        .select_related("policy_version")
        .defer("policy_version__source")
        .order_by("opened_at", "number")
    )
    numbers = {c.number for c in cases}
    readable = readable_ids(reader, [c.pk for c in cases]) if reader is not None else set()
    outcomes: dict[int, list[Outcome]] = {}
    rows = drill(desk, period, by="metric", key="", metric="", outcome="", goal=False, company_id=company.pk)
    for row in rows:
        if row.goal:  # drill(goal=False) gives none; a goal is never a customer's figure (POLICIES 0.21)
            continue
        outcome = str(row.outcome)  # type: ignore[attr-defined]  # annotated by the compliance query
        outcomes.setdefault(row.case_id, []).append(Outcome(row.metric, policy_text(row.name), outcome))
    policies: dict[int, Policy] = {}
    lines = []
    for case in cases:
        if case.policy_version_id not in policies:
            policies[case.policy_version_id] = preset_of(case.policy_version).policy
        policy = policies[case.policy_version_id]
        choice = policy.priority(case.priority) if case.priority else None
        lines.append(
            CaseLine(
                number=case.number,
                subject=case.subject if case.pk in readable else "",
                opened_at=case.opened_at,
                status=status_label(case.status),
                priority=policy_text(choice.name) if choice else "",
                outcomes=sorted(outcomes.get(case.pk, []), key=lambda o: rank.get(o.metric, len(rank))),
                readable=case.pk in readable,
            )
        )
    removals = [
        RemovalLine(r.case_number, policy_text(r.metric_name), reason_text(r.reason), r.at)
        for r in sorted(report.removals, key=lambda r: (r.at, r.case_number, rank.get(r.metric, len(rank))))
        if r.case_number in numbers  # the company's own cases only, whatever the report gives
    ]
    return Statement(company=company, period=period, metrics=metrics, cases=lines, removals=removals)
