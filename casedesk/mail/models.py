"""Inbound e-mail: every message as received (raw bytes first), the addresses that receive it, and the
Message-IDs that thread replies back to their case.

A message is a row before anything reads it; processing only fills in its outcome.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from casedesk.accounts.models import Company
from casedesk.cases.models import Case, CaseEvent
from casedesk.desks.models import Desk, Queue


class InboundAddress(models.Model):
    """An address a desk receives mail at (the PLM queues carry theirs on the queue; other desks' live here)."""

    address = models.EmailField(unique=True, help_text="stored in lower case")
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="inbound_addresses")
    queue = models.ForeignKey(
        Queue, null=True, blank=True, on_delete=models.SET_NULL, help_text="routes unknown senders; blank: desk's own"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name_plural = "inbound addresses"
        ordering = ["address"]

    def __str__(self) -> str:
        return self.address

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.address = self.address.strip().lower()  # routing compares lower case, whoever saved it
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.address = self.address.strip().lower()
        if self.queue is not None and self.desk_id and self.queue.desk_id != self.desk_id:
            raise ValidationError({"queue": "the queue belongs to another desk"})


class InboundMessage(models.Model):
    """One message as delivered: its raw bytes, stored and committed before any parsing."""

    class Source(models.TextChoices):
        PIPE = "pipe"
        IMAP = "imap"
        SMTP = "smtp"
        FILE = "file"

    class Outcome(models.TextChoices):
        PENDING = "pending"  # stored, not processed yet: the next run finishes it
        CASE = "case"
        COMMENT = "comment"
        BOUNCE = "bounce", "delivery failure"
        QUARANTINED = "quarantined"
        DUPLICATE = "duplicate"
        IGNORED_AUTOMATIC = "ignored_automatic", "ignored (automatic)"
        DISCARDED = "discarded"  # a quarantined message an agent threw away (who and when kept)

    received_at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    recipient = models.CharField(max_length=320, help_text="envelope recipient, lower case")
    message_id = models.CharField(max_length=250, blank=True, db_index=True)
    sha256 = models.CharField(max_length=64, help_text="of the raw bytes as received")
    fingerprint = models.CharField(
        max_length=64, help_text="sha256 without trace headers and line-ending differences: one message, any route"
    )
    size = models.PositiveBigIntegerField()
    raw = models.BinaryField()
    truncated = models.BooleanField(default=False, help_text="over the size limit: only the headers were kept")

    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    reason = models.TextField(blank=True, help_text="why quarantined or ignored; what went wrong")
    processed_at = models.DateTimeField(null=True, blank=True)
    desk = models.ForeignKey(Desk, null=True, blank=True, on_delete=models.SET_NULL)
    sender = models.CharField(max_length=320, blank=True, help_text="From address, lower case")
    subject = models.CharField(max_length=300, blank=True)
    automatic = models.BooleanField(default=False, help_text="an automatic message: never answered")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="mails")
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="mails")
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
    text = models.TextField(blank=True, help_text="the full text, quotes and signature included")
    html = models.TextField(blank=True, help_text="the HTML part, sanitised")
    notices = models.JSONField(default=list, blank=True, help_text="what the sender should be told (size limits...)")
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="the agent who released or discarded it from quarantine",
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    release_priority = models.CharField(max_length=50, blank=True, help_text="the priority the releasing agent gave")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message_id", "fingerprint", "recipient"], name="uniq_inbound_delivery")
        ]
        indexes = [
            models.Index(fields=["outcome", "received_at"], name="inbound_outcome"),
            models.Index(fields=["sender", "received_at"], name="inbound_sender"),
        ]
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.recipient} {self.message_id or self.sha256[:12]} ({self.outcome})"


class ThreadRef(models.Model):
    """A Message-ID known to belong to a case: replies naming it in In-Reply-To or References thread there."""

    message_id = models.CharField(max_length=250, db_index=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="thread_refs")
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.SET_NULL)
    outgoing = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.message_id} -> {self.case_id}"


class UnverifiedSenders(models.Model):
    """The company a desk files unknown senders' contacts under (per country the address routes to), so their
    cases can open flagged; a contact here is never taken for a verified customer."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="unverified_senders")
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE)
    country = models.CharField(max_length=2, blank=True)

    class Meta:
        verbose_name_plural = "unverified senders"
        constraints = [models.UniqueConstraint(fields=["desk", "country"], name="uniq_unverified_per_country")]

    def __str__(self) -> str:
        return f"{self.desk_id} {self.country or '-'}"
