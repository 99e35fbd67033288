"""Cases, their event log and their SLA metric rows.

Cases are written only by casedesk.cases.services; every change is a CaseEvent
row, and SlaMetric rows are recomputed from the events.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from casedesk.accounts.models import Company, Contact, Contract, Site
from casedesk.desks.models import Desk, PolicyVersion, Queue


class CaseQuerySet(models.QuerySet["Case"]):
    def by_nearest_due(self) -> CaseQuerySet:
        """Cases with a pending due, nearest (so overdue) first: an agent's queue, on the due indexes.

        Only open cases have a due (resolution stops every clock), so no status filter is needed."""
        return self.filter(next_due_at__isnull=False).order_by("next_due_at")


class Case(models.Model):
    class Status(models.TextChoices):
        # Labels in the agent's language (the console); the portal words them for requesters.
        NEW = "new", gettext_lazy("New")
        OPEN = "open", gettext_lazy("Open")
        WAITING_ON_CUSTOMER = "waiting_on_customer", gettext_lazy("waiting on customer")
        ON_HOLD_VENDOR = "on_hold_vendor", gettext_lazy("on hold with vendor")
        RESOLVED = "resolved", gettext_lazy("Resolved")
        CLOSED = "closed", gettext_lazy("Closed")

    class Channel(models.TextChoices):
        PORTAL = "portal"
        EMAIL = "email"
        PHONE = "phone"
        PHONE_UK = "phone_uk", "phone (UK)"
        PHONE_US = "phone_us", "phone (US)"
        API = "api"

    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="cases")
    number = models.CharField(max_length=30)
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="cases")
    queue = models.ForeignKey(Queue, null=True, blank=True, on_delete=models.SET_NULL)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.PORTAL)
    calendar = models.CharField(max_length=50, help_text="calendar of the policy this case runs on")
    calendar_zone = models.CharField(max_length=64, blank=True, help_text="zone replacing the calendar's own")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="cases")
    requester = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="cases")
    contract = models.ForeignKey(Contract, null=True, blank=True, on_delete=models.SET_NULL)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL)
    subject = models.CharField(max_length=300)
    product = models.CharField(
        max_length=200, blank=True, help_text="product and version as the requester gave them (queue filter)"
    )
    description = models.TextField(blank=True)
    tier = models.CharField(max_length=50, blank=True)
    priority = models.CharField(max_length=50, blank=True)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.NEW, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_cases"
    )
    classification = models.CharField(max_length=30, blank=True, help_text="bug or defect removes targets")
    resolution = models.CharField(max_length=50, blank=True)
    confidential = models.BooleanField(default=False)
    critical = models.BooleanField(default=False, help_text="marked critical by a manager (Mastercam's critical route)")
    round_the_clock = models.BooleanField(default=True, help_text="S0: 24x7 work needed (evaluation)")
    escalation_level = models.PositiveSmallIntegerField(default=0)
    intake = models.JSONField(default=dict, blank=True)
    info_missing = models.BooleanField(default=False, help_text="opened with intake fields missing (e-mail, phone)")
    needs_triage = models.BooleanField(default=False, help_text="in the fallback queue: no queue for its country")
    no_contract_sla = models.BooleanField(default=False, help_text="no contract on a desk whose targets need one")
    opened_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()
    # Kept by cases.sla_state from the metrics: the nearest pending due (overdue ones first when sorted),
    # whether a commitment was ever breached, and the folded clock state the next event continues from.
    next_due_at = models.DateTimeField(null=True, blank=True)
    no_clock = models.BooleanField(default=False, help_text="open with no clock running (nothing is due)")
    sla_breached = models.BooleanField(default=False)
    # The next instant a sweep must look at the case: the earliest warning point or due of its live metrics.
    attention_at = models.DateTimeField(null=True, blank=True, editable=False)
    clock = models.JSONField(default=dict, blank=True, editable=False)
    clock_key = models.CharField(max_length=64, blank=True, editable=False)

    OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING_ON_CUSTOMER, Status.ON_HOLD_VENDOR)

    objects = CaseQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["desk", "number"], name="uniq_case_number")]
        indexes = [
            models.Index(fields=["desk", "status", "-opened_at"], name="case_desk_status"),
            models.Index(fields=["desk", "-opened_at"], name="case_desk_opened"),
            models.Index(fields=["number"], name="case_number"),  # a URL names the case by number alone
            # An agent's queue: cases of a desk or queue by nearest due time. next_due_at is set only
            # while a clock runs, and resolution stops every clock, so these index exactly the open
            # cases with a due (plain indexes: SQLite cannot match a partial one to bound parameters).
            models.Index(fields=["desk", "next_due_at"], name="case_desk_due"),
            models.Index(fields=["queue", "next_due_at"], name="case_queue_due"),
            # Across desks: overdue or due later by due time; open cases without a clock, newest first.
            models.Index(fields=["next_due_at"], name="case_due"),
            models.Index(fields=["no_clock", "-opened_at"], name="case_no_clock"),
            models.Index(fields=["sla_breached", "-opened_at"], name="case_breached"),
            # The sweep: cases needing attention by then (`attention_at <= now` implies the condition).
            models.Index(
                fields=["attention_at"], name="case_attention", condition=models.Q(attention_at__isnull=False)
            ),
        ]
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class CaseCC(models.Model):
    """A contact copied on a case: gets its e-mails; sees it in the portal only where the desk allows (POLICIES 0.6)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ccs")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="cc_cases")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "contact"], name="uniq_case_cc")]

    def __str__(self) -> str:
        return f"{self.case_id} cc {self.contact_id}"


class CaseCounter(models.Model):
    """The last sequence number given on a desk (each desk numbers its own cases)."""

    desk = models.OneToOneField(Desk, on_delete=models.CASCADE, primary_key=True)
    last = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.desk_id}: {self.last}"


class CaseEvent(models.Model):
    """One change to a case: who, when, what, with before/after in data."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=40)
    data = models.JSONField(default=dict, blank=True)
    body = models.TextField(blank=True, help_text="message text (replies, notes): never read by the clocks")

    class Meta:
        indexes = [models.Index(fields=["case", "at"], name="event_case_at")]
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} @ {self.at:%Y-%m-%d %H:%M}"


class SlaMetric(models.Model):
    """One SLA metric of a case (response, resolution, update, review), as last recomputed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="metrics")
    metric = models.CharField(max_length=30)
    name = models.CharField(max_length=100)
    # live: waiting | running | paused | overdue; finished: met | missed | cancelled | no_target | skipped
    status = models.CharField(max_length=20, db_index=True)
    live = models.BooleanField(default=True)
    goal = models.BooleanField(default=False, help_text="the desk's internal goal, not a commitment")
    target = models.CharField(max_length=20, blank=True)
    calendar = models.CharField(max_length=50, blank=True)
    priority = models.CharField(max_length=50, blank=True, help_text="the priority its target comes from")
    priority_assumed = models.BooleanField(default=False, help_text="the desk's default: no priority set yet")
    started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    remaining_seconds = models.BigIntegerField(null=True, blank=True)
    next_change_at = models.DateTimeField(null=True, blank=True, help_text="next warning or due, while running")
    breached = models.BooleanField(default=False, help_text="a commitment was missed (kept once recorded)")
    breached_at = models.DateTimeField(null=True, blank=True)
    missed = models.PositiveIntegerField(default=0)
    history = models.JSONField(default=list, blank=True, help_text="every breach recorded: never shrinks")
    warned = models.JSONField(null=True, blank=True, help_text="warning points recorded (UTC ISO instants)")
    as_of = models.DateTimeField(null=True, blank=True, help_text="the instant this row was computed for")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "metric"], name="uniq_case_metric")]
        indexes = [
            # A sweep finds what changes next without replaying anything (set only on running clocks).
            models.Index(fields=["next_change_at"], name="metric_next_change"),
            # The manager's overview: missed, settled and removed by time, and what falls due today.
            models.Index(fields=["breached_at"], name="metric_breached_at"),
            models.Index(fields=["stopped_at"], name="metric_stopped_at"),
            models.Index(fields=["cancelled_at"], name="metric_cancelled_at"),
            models.Index(fields=["due_at"], name="metric_due_at"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.metric} {self.status}"


class Attachment(models.Model):
    """A file that came with an event (a screenshot on opening, a log with a reply); served only via the getter."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(CaseEvent, null=True, on_delete=models.SET_NULL, related_name="attachments")
    name = models.CharField(max_length=160)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to="attachments/", max_length=300)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.case_id}: {self.name}"
