"""Personal access tokens for the JSON API: stored hashed, shown once, with a scope and an optional expiry.

A token is 32 random bytes (`cd_` + URL-safe base64); only its SHA-256 is kept, the way GitHub and GitLab keep
theirs: with that much entropy a slow hash adds nothing, and a lookup by digest stays one indexed query.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

PREFIX = "cd_"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccessToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read"
        WRITE = "write"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False, help_text="the token's first characters, to recognise it")
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.hint}... ({self.scope}) of {self.user_id}"

    @classmethod
    def issue(cls, user: models.Model, *, scope: str = "read", days: int | None = None, name: str = "") -> str:
        """Create a token and return it in clear: the only time anyone sees it."""
        if scope not in cls.Scope.values:
            raise ValueError(f"scope must be read or write, not {scope!r}")
        if days is not None and days <= 0:
            raise ValueError("--expires must be a positive number of days")
        token = PREFIX + secrets.token_urlsafe(32)
        expires = timezone.now() + timedelta(days=days) if days else None
        cls.objects.create(
            user=user, name=name[:100], digest=digest(token), hint=token[:10], scope=scope, expires_at=expires
        )
        return token

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


class IdempotentRequest(models.Model):
    """A POST made with an `Idempotency-Key`: the first answer, returned again to a retry with the same key.

    Keys are per caller (a token's digest, or the session's user): two callers never share one. A row is
    written before the request runs (`status` 0: in progress), so a concurrent retry is told to wait instead
    of running twice; a server error removes it, so the retry runs."""

    caller = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body")
    status = models.PositiveSmallIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="idempotency_caller_key")]

    def __str__(self) -> str:
        return f"{self.key} of {self.caller}: {self.status}"


class RateWindow(models.Model):
    """Requests of one caller in one minute, counted by an atomic upsert (see casedesk.api.ratelimit)."""

    caller = models.CharField(max_length=80)
    minute = models.BigIntegerField(help_text="Unix time // 60")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["caller", "minute"], name="rate_caller_minute")]

    def __str__(self) -> str:
        return f"{self.caller} at minute {self.minute}: {self.count}"
