from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "client", "token_key", "created", "expiry", "last_used", "second_factor"]
    search_fields = ["user__username", "client", "token_key"]
    readonly_fields = ["digest", "token_key", "user", "client", "created", "expiry", "last_used", "second_factor"]

    def has_add_permission(self, request) -> bool:
        return False  # a token is issued through the API (its secret is shown once); here it can only be revoked
