from django.contrib import admin

from .models import (
    ApplicationDocument,
    ApplicationPerson,
    ApplicationStatusChange,
    MembershipApplication,
    RequiredDocument,
)


class PersonInline(admin.TabularInline):
    model = ApplicationPerson
    extra = 0
    can_delete = False
    readonly_fields = ["beneficiary"]


class DocumentInline(admin.TabularInline):
    model = ApplicationDocument
    extra = 0
    can_delete = False
    fields = ("kind", "person", "original_name", "uploaded_at")
    readonly_fields = fields


class StatusInline(admin.TabularInline):
    model = ApplicationStatusChange
    extra = 0
    can_delete = False
    fields = ("changed_at", "from_status", "to_status", "changed_by", "reason")
    readonly_fields = fields


@admin.register(MembershipApplication)
class MembershipApplicationAdmin(admin.ModelAdmin):
    """Read here; decided on the desk page (the registry writes go through members.services)."""

    list_display = ["tracking_code", "kind", "last_name", "first_name", "home_unit", "received_on", "status"]
    list_filter = ["status", "kind", "home_unit"]
    search_fields = ["tracking_code", "cin", "last_name", "member__membership_number"]
    list_select_related = ["home_unit"]
    inlines = [PersonInline, DocumentInline, StatusInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RequiredDocument)
class RequiredDocumentAdmin(admin.ModelAdmin):
    """Reference data: a change takes effect by a new dated row (close the old one with `valid_to`), so
    applications received earlier keep the list they were checked against."""

    list_display = ["document", "applies_to", "valid_from", "valid_to"]
    list_filter = ["applies_to", "document"]
    ordering = ["applies_to", "document", "valid_from"]
