"""Admin of claim files, lines, attachments and prior agreements.

Statuses are read-only here: a status moves only through claims.status.claim_set_status (with its history row).
Reference data (acts, tariffs, rates, parameters) and payments are administered from the liquidation side."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Attachment, ClaimFile, ClaimLine, ClaimStatus, PriorAgreement, Regularisation, StatusChange
from .services.access_log import HealthAccessAdminMixin

# Decided files are immutable: their lines and totals never change here. A correction is a reasoned, dated
# regularisation by a liquidator (claims.services.regularisation), paid or recovered in the next batch.
# Files still waiting (draft, received, incomplete) keep their lines editable for typing errors.
EDITABLE_STATUSES = frozenset({ClaimStatus.DRAFT, ClaimStatus.RECEIVED, ClaimStatus.INCOMPLETE})


def claim_is_frozen(claim: ClaimFile | None) -> bool:
    return claim is not None and claim.status not in EDITABLE_STATUSES


class ClaimLineInline(admin.TabularInline):
    model = ClaimLine
    extra = 0
    fields = ["position", "act", "care_date", "quantity", "billed_amount", "ald", "prior_agreement_ref", "accepted",
              "base_amount", "amo_amount", "complementary_amount", "reason_codes"]
    readonly_fields = ["accepted", "base_amount", "amo_amount", "complementary_amount", "reason_codes"]
    raw_id_fields = ["act"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields if claim_is_frozen(obj) else self.readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return not claim_is_frozen(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not claim_is_frozen(obj) and super().has_delete_permission(request, obj)


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ("kind", "download", "content_type", "size", "uploaded_by", "uploaded_at")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # scans are checked on the way in; they come through the member or desk pages

    @admin.display(description=_("scan"))
    def download(self, obj: Attachment) -> str:
        return format_html('<a href="{}">{}</a>', reverse("claims:attachment", args=[obj.pk]), obj.original_name)


class RegularisationInline(admin.TabularInline):
    """Corrections of the decided file, recorded by liquidators through claims.services.regularisation."""

    model = Regularisation
    extra = 0
    readonly_fields = ("decided_on", "amount", "reason", "decided_by", "transfer", "created_at")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ("from_status", "to_status", "changed_by", "changed_at", "reason", "notified_at")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ClaimFile)
class ClaimFileAdmin(HealthAccessAdminMixin, admin.ModelAdmin):
    list_display = ["tracking_code", "member", "beneficiary", "status", "channel", "unit", "received_on",
                    "total_billed", "total_reimbursed"]
    list_filter = ["status", "channel", "unit", "sector", "received_on"]
    search_fields = ["tracking_code", "member__membership_number", "member__cin", "member__last_name",
                     "beneficiary__last_name"]
    list_select_related = ["member", "beneficiary", "unit"]
    date_hierarchy = "received_on"
    raw_id_fields = ["member", "beneficiary", "created_by"]
    readonly_fields = ["tracking_code", "status", "created_by", "created_at", "updated_at", "idempotency_key",
                       "total_billed", "total_base", "total_amo", "total_complementary", "total_reimbursed",
                       "liquidated_at", "lease_until", "liquidation_attempts"]
    inlines = [ClaimLineInline, AttachmentInline, RegularisationInline, StatusChangeInline]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        from .models.files import tracking_code_normalize

        normalized = tracking_code_normalize(search_term)
        if normalized:
            return queryset.filter(tracking_code=normalized), False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request) -> bool:
        return False  # files are filed online or registered at a desk, where every rule is checked

    def get_readonly_fields(self, request, obj=None):
        if claim_is_frozen(obj):
            return [field.name for field in ClaimFile._meta.fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return not claim_is_frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(ClaimLine)
class ClaimLineAdmin(admin.ModelAdmin):
    list_display = ["claim", "position", "act", "care_date", "quantity", "billed_amount", "accepted", "amo_amount",
                    "complementary_amount"]
    list_filter = ["accepted", "ald", "act"]
    search_fields = ["claim__tracking_code", "act__code"]
    list_select_related = ["claim", "act"]
    raw_id_fields = ["claim", "act"]
    readonly_fields = ["accepted", "accepted_quantity", "accepted_billed_amount", "base_amount", "amo_amount",
                       "complementary_amount", "reason_codes"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and claim_is_frozen(obj.claim):
            return [field.name for field in ClaimLine._meta.fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return not (obj is not None and claim_is_frozen(obj.claim)) and super().has_delete_permission(request, obj)


@admin.register(Attachment)
class AttachmentAdmin(HealthAccessAdminMixin, admin.ModelAdmin):
    list_display = ["original_name", "claim", "kind", "content_type", "size", "uploaded_at"]
    list_filter = ["kind", "content_type"]
    search_fields = ["claim__tracking_code", "original_name", "sha256"]
    list_select_related = ["claim"]
    fields = ["claim", "kind", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = ["claim", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(PriorAgreement)
class PriorAgreementAdmin(admin.ModelAdmin):
    list_display = ["reference", "beneficiary", "status", "valid_from", "valid_to", "decided_at"]
    list_filter = ["status"]
    search_fields = ["reference", "beneficiary__last_name", "beneficiary__member__membership_number"]
    list_select_related = ["beneficiary"]
    raw_id_fields = ["beneficiary", "decided_by"]
    filter_horizontal = ["acts"]

from . import admin_access, admin_reference  # noqa: E402,F401
