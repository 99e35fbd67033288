from django.contrib import admin

from casedesk.contracts.models import ProductVersion


@admin.register(ProductVersion)
class ProductVersionAdmin(admin.ModelAdmin):
    """The product-version catalogue the version windows at intake read (also kept in /console/versions/)."""

    list_display = ["product", "version", "released_on", "online_service"]
    list_filter = ["product", "online_service"]
    search_fields = ["product", "version"]
    ordering = ["product", "-released_on"]
