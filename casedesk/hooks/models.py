"""A desk's webhook subscriptions and one row per delivery (an event for one subscription), with its outcome.

A delivery row is written in the transaction of the change that caused it (casedesk.hooks.emit): a committed
change always has its deliveries, a rolled-back one none. casedesk.hooks.sending posts it and records the answer.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from casedesk.cases.models import Case
from casedesk.desks.models import Desk

EVENTS = ("case.opened", "case.updated", "case.resolved", "sla.warning", "sla.breached", "case.escalated")


def new_secret() -> str:
    """32 random bytes, URL-safe: shown to the manager, kept as given (signing needs it)."""
    return "whsec_" + secrets.token_urlsafe(32)


class Subscription(models.Model):
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="hook_subscriptions")
    url = models.URLField(max_length=2000, help_text="http(s) address the deliveries are POSTed to")
    secret = models.CharField(max_length=200, default=new_secret, help_text="HMAC-SHA256 key of the signature")
    events = models.JSONField(default=list, help_text="event names wanted, e.g. ['case.opened', 'sla.breached']")
    active = models.BooleanField(default=True, help_text="false once removed: its deliveries stay as a log")
    paused_at = models.DateTimeField(null=True, blank=True, help_text="set while paused (nothing is posted)")
    paused_reason = models.CharField(max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0, help_text="deliveries given up since a success")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["desk", "active"], name="hook_subscription_desk")]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.desk} → {self.url}"

    @property
    def live(self) -> bool:
        return self.active and self.paused_at is None


class Delivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending"  # waiting for its first attempt
        FAILED = "failed"  # an attempt failed: the next one at next_attempt_at
        DELIVERED = "delivered"  # the receiver answered 2xx
        GAVE_UP = "gave_up"  # the last attempt failed, or the subscription was removed while it waited

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=30)
    payload = models.JSONField(default=dict, help_text="the body's `data`: the case and the event")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="while pending or failed; during an attempt, when its lease ends"
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="HTTP status of the last answer")
    last_response = models.TextField(blank=True, help_text="the last answer's body, truncated")
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="hook_delivery_due"),
            models.Index(fields=["subscription", "id"], name="hook_delivery_subscription"),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk} ({self.state})"
