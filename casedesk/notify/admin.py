"""Outgoing messages are read-only records: what was sent, to whom, and what went wrong."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from casedesk.notify.models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin[OutgoingMail]):
    list_display = ["created_at", "case", "kind", "subject", "state", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["message_id", "subject"]
    raw_id_fields = ["case", "event"]
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: OutgoingMail | None = None) -> list[str]:
        return [f.name for f in OutgoingMail._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
