from django.contrib import admin

from .models import DeliveryChoice, Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("user", "code", "created_at", "read_at", "delivered_at")
    list_filter = ("code",)
    readonly_fields = ("user", "code", "params", "link", "created_at", "read_at", "deliver", "delivered_at")


@admin.register(DeliveryChoice)
class DeliveryChoiceAdmin(admin.ModelAdmin):
    list_display = ("user", "email", "sms", "updated_at")
