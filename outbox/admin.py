from django.contrib import admin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "task", "args", "created_at", "published_at", "attempts"]
    list_filter = ["task"]
    readonly_fields = ["task", "args", "kwargs", "created_at", "published_at", "attempts", "last_error"]

    def has_add_permission(self, request) -> bool:
        return False
