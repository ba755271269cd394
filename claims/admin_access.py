"""Admin of the health-data access log: read-only, nothing added, changed or deleted from here."""

from django.contrib import admin

from .models import HealthDataAccess


@admin.register(HealthDataAccess)
class HealthDataAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "claim", "beneficiary", "attachment", "unit", "ip"]
    list_filter = ["action", "unit"]
    search_fields = ["claim__tracking_code", "user__username", "ip"]
    list_select_related = ["user", "claim", "beneficiary", "attachment", "unit"]
    date_hierarchy = "at"
    show_full_result_count = False
    readonly_fields = ("at", "user", "action", "view_name", "claim", "beneficiary", "attachment", "unit", "ip")
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
