"""A signed-in person's own settings: the zone times are shown in (a staff user's profile setting)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from casedesk.sla.zones import valid_zone


def validate_zone(value: str) -> None:
    if value and not valid_zone(value):
        raise ValidationError(f"unknown time zone {value!r}: use an IANA name like Europe/Oslo")


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    zone = models.CharField(
        max_length=64, blank=True, validators=[validate_zone], help_text="blank: the browser's zone"
    )
    language = models.CharField(
        max_length=10, blank=True, choices=settings.LANGUAGES, help_text="the console's language; blank: the browser's"
    )

    def __str__(self) -> str:
        return f"{self.user_id}: {self.zone or 'browser zone'}"
