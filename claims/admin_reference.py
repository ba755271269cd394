"""Admin of the liquidation side: reference data (dated rates, tariffs, parameters), payment batches.

Imported from claims/admin.py. Reference rows are edited through save(), so simple_history keeps every
version and the workers' reference cache sees the change within a second."""

from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from .models import (
    Act,
    ActVersion,
    Category,
    CategoryRate,
    PaidFile,
    PaymentBatch,
    RequiredDocument,
    RuleParameters,
    Transfer,
)
from .services.bank_file import BankFileError, payment_batch_export_pain001
from .services.payments import BatchStateError, payment_batch_confirm, payment_batch_export


@admin.register(RequiredDocument)
class RequiredDocumentAdmin(admin.ModelAdmin):
    """Documents before pricing: what each category's lines need, dated by care date."""

    list_display = ["category", "kind", "effective_from", "effective_to"]
    list_filter = ["category", "kind"]
    list_select_related = ["category"]


class CategoryRateInline(admin.TabularInline):
    model = CategoryRate
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_ar"]
    search_fields = ["code", "name_fr", "name_en"]
    inlines = [CategoryRateInline]


class ActVersionInline(admin.TabularInline):
    model = ActVersion
    extra = 0


@admin.register(Act)
class ActAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_ar"]
    search_fields = ["code", "name_fr", "name_en"]
    inlines = [ActVersionInline]


@admin.register(ActVersion)
class ActVersionAdmin(admin.ModelAdmin):
    list_display = ["act", "effective_from", "category", "tnr", "needs_prior_agreement", "frequency_limit",
                    "ceiling_group", "ceiling_amount"]
    list_filter = ["category", "needs_prior_agreement"]
    list_select_related = ["act", "category"]
    search_fields = ["act__code"]


@admin.register(CategoryRate)
class CategoryRateAdmin(admin.ModelAdmin):
    list_display = ["category", "effective_from", "amo_rate_public", "amo_rate_private", "complementary_rate"]
    list_select_related = ["category"]


@admin.register(RuleParameters)
class RuleParametersAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "late_filing_days", "frequency_window_days", "ceiling_window_days",
                    "child_age_limit", "student_age_limit", "review_threshold"]


class TransferInline(admin.TabularInline):
    model = Transfer
    extra = 0
    readonly_fields = ("reference", "payee_kind", "payee_name", "member", "iban", "amount")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PaymentBatch)
class PaymentBatchAdmin(admin.ModelAdmin):
    """Batches are made by the daily job; here they are exported and confirmed, never edited."""

    list_display = ["reference", "created_at", "status", "total", "confirmed_at"]
    list_filter = ["status"]
    readonly_fields = ["reference", "status", "created_at", "confirmed_at", "confirmed_by", "total"]
    inlines = [TransferInline]
    actions = ["export_pain001", "export_csv", "confirm"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Export the bank file (ISO 20022 pain.001)"))
    def export_pain001(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Export one batch at a time."), messages.ERROR)
            return None
        batch = queryset.get()
        try:
            content = payment_batch_export_pain001(batch=batch)
        except (BatchStateError, BankFileError) as error:
            self.message_user(request, f"{batch}: {error}", messages.ERROR)
            return None
        response = HttpResponse(content, content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{batch.reference}.pain.001.xml"'
        return response

    @admin.action(description=_("Export the report (CSV)"))
    def export_csv(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Export one batch at a time."), messages.ERROR)
            return None
        batch = queryset.get()
        try:
            content = payment_batch_export(batch=batch)
        except BatchStateError as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{batch.reference}.csv"'
        return response

    @admin.action(description=_("Confirm: the bank paid (files become paid)"))
    def confirm(self, request, queryset):
        for batch in queryset:
            try:
                count = payment_batch_confirm(batch=batch, by=request.user)
            except BatchStateError as error:
                self.message_user(request, f"{batch}: {error}", messages.ERROR)
            else:
                self.message_user(request, f"{batch}: {count}")


@admin.register(PaidFile)
class PaidFileAdmin(admin.ModelAdmin):
    list_display = ["claim", "transfer", "amount"]
    list_select_related = ["claim", "transfer"]
    search_fields = ["claim__tracking_code", "transfer__reference"]
    raw_id_fields = ["claim", "transfer"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

