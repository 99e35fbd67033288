from django.contrib import admin
from django.http import HttpRequest

from casedesk.contracts.models import LedgerEntry, ProductVersion, RateCard


@admin.register(ProductVersion)
class ProductVersionAdmin(admin.ModelAdmin):
    """The product-version catalogue the version windows at intake read (also kept in /console/versions/)."""

    list_display = ["product", "version", "released_on", "online_service"]
    list_filter = ["product", "online_service"]
    search_fields = ["product", "version"]
    ordering = ["product", "-released_on"]


@admin.register(RateCard)
class RateCardAdmin(admin.ModelAdmin):
    """The desks' prices per service type (a row with a contract: that contract's own rate, DYTRON SLA level)."""

    list_display = ["desk", "service_type", "name", "tier", "contract", "unit", "price", "currency", "active"]
    list_filter = ["desk", "unit", "active", "currency"]
    search_fields = ["service_type", "name"]
    raw_id_fields = ["contract"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    """Read-only: entries are never edited or deleted; a correction is a new entry (the console's ledger page)."""

    list_display = ["id", "at", "company", "contract", "kind", "count", "hours", "amount", "currency", "case"]
    list_filter = ["kind", "currency"]
    search_fields = ["company__name", "case__number", "note"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
