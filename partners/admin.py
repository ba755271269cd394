from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AgreementDocument, AgreementRequest, Convention, Invoice, Provider, ProviderAccount


class ConventionInline(admin.TabularInline):
    model = Convention
    extra = 0
    filter_horizontal = ["acts"]


class AccountInline(admin.TabularInline):
    model = ProviderAccount
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_ar", "sector", "city", "inpe", "active"]
    list_filter = ["sector", "active"]
    search_fields = ["name", "name_ar", "inpe", "code"]
    inlines = [ConventionInline, AccountInline]


@admin.register(Convention)
class ConventionAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "provider", "valid_from", "valid_to", "decision_hours"]
    list_select_related = ["provider"]
    filter_horizontal = ["acts"]


@admin.register(AgreementRequest)
class AgreementRequestAdmin(admin.ModelAdmin):
    list_display = ["agreement", "provider", "act", "planned_from", "planned_to", "decision_due_at"]
    list_select_related = ["agreement", "provider", "act"]
    raw_id_fields = ["agreement", "requested_by"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # what a provider asked for is never rewritten


@admin.register(AgreementDocument)
class AgreementDocumentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "agreement", "content_type", "size", "uploaded_at"]
    list_select_related = ["agreement"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "provider", "claim", "agreement", "created_at"]
    list_select_related = ["provider", "claim", "agreement"]
    search_fields = ["number", "claim__tracking_code"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # an invoice and its decided amounts are never rewritten
