"""Provident reference data is edited here (dated versions); requests are read here, decided on /review/."""

from django.contrib import admin

from .models import (
    BenefitVersion,
    Heir,
    PaidShare,
    ProvidentDocument,
    ProvidentRequest,
    ProvidentShare,
    ProvidentStatusChange,
    RequiredDocument,
    SeniorityRate,
)


@admin.register(BenefitVersion)
class BenefitVersionAdmin(admin.ModelAdmin):
    list_display = ["code", "effective_from", "amount", "late_days", "review_threshold", "always_review"]
    list_filter = ["code"]


@admin.register(SeniorityRate)
class SeniorityRateAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "min_years", "rate"]


@admin.register(RequiredDocument)
class RequiredDocumentAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "effective_from", "effective_to"]
    list_filter = ["code"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class HeirInline(ReadOnlyInline):
    model = Heir
    fields = ["position", "first_name", "last_name", "cin", "relation", "iban", "share_numerator",
              "share_denominator"]


class ShareInline(ReadOnlyInline):
    model = ProvidentShare
    fields = ["heir", "amount"]


class StatusInline(ReadOnlyInline):
    model = ProvidentStatusChange
    fields = ["changed_at", "from_status", "to_status", "changed_by", "reason"]
    readonly_fields = ["changed_at"]


class DocumentInline(ReadOnlyInline):
    model = ProvidentDocument
    fields = ["kind", "heir", "original_name", "uploaded_at"]
    readonly_fields = ["uploaded_at"]


@admin.register(ProvidentRequest)
class ProvidentRequestAdmin(admin.ModelAdmin):
    """Read only: requests are registered at the desk or online and decided by the worker and a liquidator."""

    list_display = ["tracking_code", "benefit", "member", "event_date", "received_on", "status", "amount"]
    list_filter = ["status", "benefit", "channel"]
    list_select_related = ["member"]
    search_fields = ["tracking_code", "member__membership_number", "member__cin", "member__last_name"]
    inlines = [HeirInline, DocumentInline, ShareInline, StatusInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PaidShare)
class PaidShareAdmin(admin.ModelAdmin):
    list_display = ["share", "transfer", "amount"]
    list_select_related = ["share", "transfer"]
    raw_id_fields = ["share", "transfer"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False
