"""Outgoing e-mail: one row per message, written in the transaction of the case event it tells about.

A committed event always has its rows and a rolled-back one has none; casedesk.notify.sending sends a row
(a task per row, and `casedesk notify-send` for what is due) and records what happened to it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from casedesk.cases.models import Case, CaseEvent


class OutgoingMail(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued"  # waiting for its first attempt, or for the next one at next_attempt_at
        SENDING = "sending"  # claimed: an SMTP transaction is (or was) under way
        SENT = "sent"
        FAILED = "failed"  # refused for good, or the last retry failed: a delivery_failed event is on the case
        UNCERTAIN = "uncertain"  # found "sending" after a crash: perhaps delivered, never sent again

    class Audience(models.TextChoices):
        REQUESTER = "requester"  # the requester and the contacts copied: threaded, replies come back to the case
        STAFF = "staff"  # the desk's people (SLA warnings, breaches): never threaded into the case
        CUSTOMERS = "customers"  # a desk's customers about no case (a policy change announced)

    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="outgoing_mails")
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.REQUESTER)
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="outgoing_mails")
    # What an announcement tells about (no case): the policy version; its row and recipient make it once only.
    policy_version = models.ForeignKey(
        "desks.PolicyVersion", null=True, blank=True, on_delete=models.CASCADE, related_name="announcements"
    )
    kind = models.CharField(max_length=40, help_text="what it tells: opened, agent_reply, status, resolved...")
    recipients = models.JSONField(default=list)
    from_email = models.CharField(max_length=320)
    subject = models.CharField(max_length=998)
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True, help_text="extra headers, threading ones set when sent")
    message_id = models.CharField(max_length=250, unique=True)
    language = models.CharField(max_length=10)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="set while queued")
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="when the latest attempt began")
    sent_at = models.DateTimeField(null=True, blank=True)
    # An agent's "send again" of a failed or uncertain message is a new row; the old one stays as it ended.
    resend_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="resends", help_text="sent again from"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="the agent who asked to send it again",
    )

    class Meta:
        indexes = [
            # `notify-send`: queued rows by due time, and rows left "sending" by a process that died.
            models.Index(fields=["state", "next_attempt_at"], name="outgoing_due"),
            models.Index(fields=["case", "id"], name="outgoing_case"),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.message_id} to {', '.join(self.recipients)} ({self.state})"
