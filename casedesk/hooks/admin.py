"""Read-only here: subscriptions are managed on /console/hooks/ (their secrets shown there only); deliveries are
records of what was posted and answered."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from casedesk.hooks.models import Delivery, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin[Subscription]):
    list_display = ["desk", "url", "active", "paused_at", "consecutive_failures", "created_at"]
    list_filter = ["active", "desk"]
    exclude = ["secret"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Subscription | None = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    list_display = ["created_at", "subscription", "event", "case", "state", "attempts", "last_status"]
    list_filter = ["state", "event"]
    raw_id_fields = ["subscription", "case"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Delivery | None = None) -> bool:
        return False
