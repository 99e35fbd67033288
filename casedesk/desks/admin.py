from django.contrib import admin

from casedesk.desks.models import Desk, Membership, PolicyVersion, Queue, Team


class QueueInline(admin.TabularInline):
    model = Queue
    extra = 0


@admin.register(Desk)
class DeskAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "preset", "cc_can_view_in_portal"]
    inlines = [QueueInline]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["desk", "version", "announced_at", "effective_at"]
    list_filter = ["desk"]
    # Versions are published through desks.policies.publish_version (notice period checked there);
    # a version's text and digest never change (cases keep the version they opened under).
    readonly_fields = ["desk", "version", "source", "digest", "announced_at", "effective_at"]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "desk", "role", "team"]
    list_filter = ["desk", "role"]


admin.site.register(Team)
