from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from . import services
from .models import (
    AffiliationPeriod,
    Attestation,
    Beneficiary,
    ChangeRequest,
    ChangeStatus,
    Member,
    Mutual,
    StudentPeriod,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (_("Preferences"), {"fields": ("language",)}))
    list_display = ("username", "first_name", "last_name", "email", "is_staff", "is_active", "language")
    list_filter = ("is_staff", "is_superuser", "is_active", "language", "groups")


@admin.register(Mutual)
class MutualAdmin(admin.ModelAdmin):
    list_display = ("code", "name_fr", "name_ar", "is_ours")
    search_fields = ("code", "name_fr", "name_ar")


class AffiliationInline(admin.TabularInline):
    model = AffiliationPeriod
    extra = 0


class BeneficiaryInline(admin.TabularInline):
    model = Beneficiary
    extra = 0
    fields = ("relation", "first_name", "last_name", "first_name_ar", "last_name_ar", "birth_date", "sex", "cin",
              "marriage_start", "marriage_end", "disabled_from", "covered_from")
    show_change_link = True


class AffiliationStatusFilter(admin.SimpleListFilter):
    title = _("affiliation status")
    parameter_name = "affiliation_status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> "list[tuple[str, StrOrPromise]]":
        from .models import AffiliationStatus

        return list(AffiliationStatus.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Member]) -> QuerySet[Member]:
        if self.value():
            ids = AffiliationPeriod.objects.filter(status=self.value()).values("member_id")
            return queryset.filter(pk__in=ids)
        return queryset


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ("membership_number", "last_name", "first_name", "cin", "mutual", "home_unit", "has_account")
    list_select_related = ("mutual", "home_unit")
    list_filter = ("mutual", AffiliationStatusFilter, "home_unit")
    # "=" for identifiers (iexact), "^" for names (prefix, case-insensitive).
    search_fields = ("=membership_number", "=cin", "^last_name", "^first_name", "^last_name_ar", "^first_name_ar")
    autocomplete_fields = ("user",)
    inlines = [AffiliationInline, BeneficiaryInline]
    history_list_display = ("iban", "phone", "address")
    # The member's page of history also lists his beneficiaries', periods' and requests' (memberships.selectors).
    object_history_template = "admin/members/member/registry_history.html"
    # A bank account changes only through a change request validated by a second staff account.
    readonly_fields = ("created_at", "iban")
    show_full_result_count = False

    @admin.display(boolean=True, description=_("web account"))
    def has_account(self, member: Member) -> bool:
        return member.user_id is not None

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None):
        from memberships.selectors import member_history

        member = Member.objects.filter(pk=unquote(object_id)).first() if str(object_id).isdigit() else None
        history = member_history(member=member) if member is not None else []
        return super().history_view(request, object_id, {**(extra_context or {}), "registry_history": history})


class StudentPeriodInline(admin.TabularInline):
    model = StudentPeriod
    extra = 0


@admin.register(Beneficiary)
class BeneficiaryAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "member", "relation", "birth_date", "disabled_from")
    list_select_related = ("member",)
    list_filter = ("relation", ("disabled_from", admin.EmptyFieldListFilter))
    search_fields = ("=member__membership_number", "^last_name", "^first_name", "=cin")
    raw_id_fields = ("member",)
    inlines = [StudentPeriodInline]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(SimpleHistoryAdmin):
    list_display = ("requested_at", "member", "field", "new_value", "status", "decided_by", "decided_at")
    list_select_related = ("member", "decided_by")
    list_filter = ("status", "field")
    search_fields = ("=member__membership_number", "=member__cin", "^member__last_name")
    raw_id_fields = ("member",)
    readonly_fields = ("member", "field", "old_value", "new_value", "status", "requested_by", "requested_at",
                       "decided_by", "decided_at")
    actions = ["approve", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def _decide(self, request: HttpRequest, queryset: QuerySet[ChangeRequest], decide, done: "StrOrPromise") -> None:
        count = 0
        for change in queryset.filter(status=ChangeStatus.PENDING):
            try:
                decide(change_request=change, by=request.user)
            except services.ChangeRequestNotPending:
                continue
            count += 1
        self.message_user(request, ngettext("%(count)d request %(done)s.", "%(count)d requests %(done)s.", count)
                          % {"count": count, "done": done}, messages.SUCCESS)

    @admin.action(description=_("Approve and apply the selected requests"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[ChangeRequest]) -> None:
        self._decide(request, queryset, services.change_request_approve, _("approved"))

    @admin.action(description=_("Reject the selected requests"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[ChangeRequest]) -> None:
        self._decide(request, queryset, services.change_request_reject, _("rejected"))


@admin.register(Attestation)
class AttestationAdmin(admin.ModelAdmin):
    list_display = ("code", "member", "issued_on", "covered", "issued_by")
    list_select_related = ("member", "issued_by")
    search_fields = ("=code", "=member__membership_number")
    readonly_fields = [f.name for f in Attestation._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
