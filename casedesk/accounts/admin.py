from django.contrib import admin

from casedesk.accounts.models import Company, Contact, Contract, Site


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "desk", "country", "nda_signed"]
    list_filter = ["desk", "country", "nda_signed"]
    search_fields = ["name"]
    inlines = [SiteInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "company", "language", "zone"]
    list_filter = ["company__desk", "language"]
    search_fields = ["name", "email", "company__name"]


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["company", "desk", "tier", "starts_on", "ends_on", "seats", "rental", "service_number"]
    list_filter = ["desk", "tier", "rental", "nda", "ends_on"]
    search_fields = ["company__name", "service_number"]
