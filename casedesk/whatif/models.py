"""What-if runs: a draft policy replayed over a period's cases, and the cases whose outcome flips.

A run is written by its task (status, progress, summary, flips) and is kept as it ended: never edited after.
Nothing here points at a policy version or writes a case: the draft lives only in `source`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from casedesk.cases.models import Case
from casedesk.desks.models import Desk


class WhatIfRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="whatif_runs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    name = models.CharField(max_length=200)
    source = models.TextField(help_text="the draft policy: preset TOML")
    period_first = models.DateField()
    period_last = models.DateField()
    period_zone = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0, help_text="cases replayed so far")
    total = models.PositiveIntegerField(default=0, help_text="cases opened in the period")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateTimeField(null=True, blank=True, help_text="the instant the draft was replayed to")
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["desk", "-created_at"], name="whatif_run_desk")]

    def __str__(self) -> str:
        return f"{self.desk_id} {self.name} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class WhatIfFlip(models.Model):
    """One case metric whose outcome class under the draft differs from what happened."""

    run = models.ForeignKey(WhatIfRun, on_delete=models.CASCADE, related_name="flips")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(max_length=30)
    priority = models.CharField(max_length=50, blank=True)
    recorded = models.CharField(max_length=10, help_text="met | missed | pending | removed | '' (no commitment)")
    draft = models.CharField(max_length=10)
    recorded_due = models.DateTimeField(null=True, blank=True)
    draft_due = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "id"]
        indexes = [models.Index(fields=["run", "id"], name="whatif_flip_run")]

    def __str__(self) -> str:
        return f"{self.run_id} {self.case_id} {self.metric}: {self.recorded} -> {self.draft}"
