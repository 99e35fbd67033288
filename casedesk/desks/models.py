"""Desks: support organisations, each running one policy (with versions), queues and staff."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Desk(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    preset = models.CharField(max_length=100, help_text="shipped preset this desk was loaded from")
    cc_can_view_in_portal = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class PolicyVersion(models.Model):
    """A version of the desk's policy; cases keep the version in force when they opened."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="policy_versions")
    version = models.CharField(max_length=50)
    source = models.TextField(help_text="the preset TOML this version was read from")
    digest = models.CharField(max_length=64, default="", help_text="sha256 of source: the parse cache key")
    announced_at = models.DateTimeField()
    effective_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["desk", "version"], name="uniq_desk_policy_version")]
        ordering = ["desk", "-effective_at"]

    def __str__(self) -> str:
        return f"{self.desk.slug} {self.version}"


class Queue(models.Model):
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="queues")
    key = models.CharField(max_length=50)
    name = models.CharField(max_length=200)
    calendar = models.CharField(max_length=50, blank=True)
    email = models.EmailField(blank=True)
    country = models.CharField(max_length=2, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["desk", "key"], name="uniq_desk_queue")]
        ordering = ["desk", "key"]

    def __str__(self) -> str:
        return f"{self.desk.slug}/{self.key}"


class Team(models.Model):
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200)
    queues = models.ManyToManyField(Queue, blank=True)

    def __str__(self) -> str:
        return f"{self.desk.slug}: {self.name}"


class Membership(models.Model):
    """A user's role on a desk: agents work cases, managers also see reports and get escalations."""

    class Role(models.TextChoices):
        AGENT = "agent"
        SUPPORT_MANAGER = "support_manager"

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.AGENT)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["desk", "user"], name="uniq_desk_member")]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) on {self.desk.slug}"
