from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Appointment, LabOrder, OpeningHours, Service, ServiceUnit, Slot, StaffAssignment, Visit


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_ar", "bookable"]
    list_filter = ["bookable"]
    search_fields = ["code", "name_fr", "name_ar", "name_en"]


class StaffAssignmentInline(admin.TabularInline):
    model = StaffAssignment
    extra = 0
    raw_id_fields = ["user"]


class OpeningHoursInline(admin.TabularInline):
    """The unit manager edits them in the hours page (units:opening_hours); the admin may too, here."""

    model = OpeningHours
    extra = 0


@admin.register(ServiceUnit)
class ServiceUnitAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_fr", "city", "region", "opened_on", "phone"]
    search_fields = ["code", "name_fr", "name_ar", "city"]
    filter_horizontal = ["services"]
    inlines = [OpeningHoursInline, StaffAssignmentInline]


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role", "unit"]
    list_select_related = ["user", "unit"]
    search_fields = ["user__username", "user__last_name"]
    raw_id_fields = ["user"]


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["start", "end", "unit", "service", "practitioner_name", "capacity"]
    list_filter = ["unit", "service"]
    list_select_related = ["unit", "service"]
    date_hierarchy = "start"
    search_fields = ["practitioner_name"]


@admin.register(Appointment)
class AppointmentAdmin(SimpleHistoryAdmin):
    list_display = ["slot", "beneficiary", "member", "status", "booked_by", "created_at", "reminded_at"]
    list_filter = ["status", "slot__unit"]
    list_select_related = ["slot", "slot__service", "beneficiary", "member", "booked_by"]
    raw_id_fields = ["slot", "member", "beneficiary", "rescheduled_from"]
    search_fields = ["member__membership_number", "member__last_name", "beneficiary__last_name"]


@admin.register(Visit)
class VisitAdmin(SimpleHistoryAdmin):
    list_display = ["arrived_at", "unit", "member", "visitor_name", "oriented_to", "status", "staff", "served_at",
                    "closed_at"]
    list_filter = ["status", "unit", "oriented_to"]
    list_select_related = ["unit", "member", "oriented_to", "staff"]
    raw_id_fields = ["member", "beneficiary"]
    date_hierarchy = "arrived_at"
    search_fields = ["member__membership_number", "member__last_name", "visitor_name", "visitor_cin"]


@admin.register(LabOrder)
class LabOrderAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "unit", "beneficiary", "practitioner_name", "stage", "impression_on", "delivered_on",
                    "claim"]
    list_filter = ["stage", "unit"]
    list_select_related = ["unit", "beneficiary", "claim"]
    raw_id_fields = ["member", "beneficiary", "prior_agreement", "claim"]
    search_fields = ["member__membership_number", "beneficiary__last_name", "practitioner_name"]


def _administrators_only(request) -> bool:
    """The admin site is the administrators' tool (role group "admin" or superuser); other staff do their work in
    the pages, so their role permissions do not open it."""
    from .roles import ADMIN, roles_of

    user = request.user
    return user.is_active and user.is_staff and ADMIN in roles_of(user)


admin.site.has_permission = _administrators_only  # type: ignore[method-assign]  # the one site, narrowed
