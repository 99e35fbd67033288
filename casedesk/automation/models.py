"""What the health endpoint reads: when each worker last finished a sweep, and what it did."""

from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    worker = models.CharField(max_length=100, unique=True, help_text="host:pid of the worker process")
    swept_at = models.DateTimeField(help_text="the instant the last sweep was run as of")
    finished_at = models.DateTimeField(help_text="wall clock when it finished")
    cases = models.PositiveIntegerField(default=0, help_text="cases brought to their time by the last sweep")
    seconds = models.FloatField(default=0.0, help_text="how long the last sweep took")

    class Meta:
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.worker} at {self.finished_at:%Y-%m-%d %H:%M:%S}"
