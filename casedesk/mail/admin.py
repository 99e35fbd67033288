"""Inbound addresses are edited here (the console page comes later); messages are read-only records."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from casedesk.mail.models import InboundAddress, InboundMessage


@admin.register(InboundAddress)
class InboundAddressAdmin(admin.ModelAdmin[InboundAddress]):
    list_display = ["address", "desk", "queue", "note"]
    list_filter = ["desk"]
    search_fields = ["address"]


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin[InboundMessage]):
    list_display = ["received_at", "recipient", "sender", "subject", "outcome", "reason", "case"]
    list_filter = ["outcome", "source", "desk"]
    search_fields = ["message_id", "sender", "subject"]
    exclude = ["raw"]
    raw_id_fields = ["case", "event", "duplicate_of"]
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: InboundMessage | None = None) -> list[str]:
        return [f.name for f in InboundMessage._meta.fields if f.name != "raw"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
