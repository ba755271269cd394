"""Claims API: the member's files, the staff's files, reference data, prior agreements, payment batches.

Every queryset starts from the caller (claims.selectors' scoping), so another member's or another unit's
file is simply not found (404)."""

import django_filters
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.response import Response

from claims.models import (
    Act,
    ActVersion,
    Category,
    CategoryRate,
    ClaimFile,
    ClaimStatus,
    PaymentBatch,
    PriorAgreement,
    Transfer,
)
from claims.selectors import claim_page, claims_for_member, claims_for_staff
from members.api.permissions import ApiViewMixin, IsDeskStaff, IsMember, IsNetworkStaff, StaffReadAdminWrite, member_of

from .serializers import (
    ActSerializer,
    ActVersionSerializer,
    CategoryRateSerializer,
    CategorySerializer,
    ClaimFileDetailSerializer,
    ClaimFileSerializer,
    PaymentBatchDetailSerializer,
    PaymentBatchSerializer,
    PriorAgreementSerializer,
)


def _page_data(page) -> ClaimFile:
    """The file of a claims.selectors.ClaimPage with its prefetched lines, attachments and history."""
    return page.claim


class ClaimFileFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ClaimStatus.choices)
    received_after = django_filters.DateFilter(field_name="received_on", lookup_expr="gte",
                                               label="Received on or after")
    received_before = django_filters.DateFilter(field_name="received_on", lookup_expr="lte",
                                                label="Received on or before")
    unit = django_filters.CharFilter(field_name="unit__code", label="Receiving unit code")
    tracking_code = django_filters.CharFilter(method="filter_tracking_code", label="Tracking code")

    class Meta:
        model = ClaimFile
        fields = ["status", "channel", "sector", "member", "beneficiary", "unit", "tracking_code"]

    def filter_tracking_code(self, queryset, name, value):
        from claims.models.files import tracking_code_normalize

        return queryset.filter(tracking_code=tracking_code_normalize(value) or "")


class MemberClaimFilter(ClaimFileFilter):
    class Meta(ClaimFileFilter.Meta):
        fields = ["status", "channel", "beneficiary", "tracking_code"]


class _ClaimReadMixin:
    lookup_value_converter = "int"

    def retrieve(self, request, *args, **kwargs):
        page = claim_page(files=self.scope(), pk=kwargs["pk"])
        if page is None:
            raise Http404
        return Response(ClaimFileDetailSerializer(page.claim, context=self.get_serializer_context()).data)


@extend_schema(tags=["me"])
class MyClaimFileViewSet(ApiViewMixin, _ClaimReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         viewsets.GenericViewSet):
    """The caller's own sickness-claim files."""

    permission_classes = [IsMember]
    serializer_class = ClaimFileSerializer
    filterset_class = MemberClaimFilter

    def scope(self):
        return claims_for_member(member=member_of(self.request.user))

    def get_queryset(self):
        return self.scope().select_related("unit")

    @extend_schema(operation_id="me_files_retrieve", responses={200: ClaimFileDetailSerializer})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


@extend_schema(tags=["files"])
class ClaimFileViewSet(ApiViewMixin, _ClaimReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    """Files received at the caller's units (front desk, managers) or every file (liquidators, admins)."""

    permission_classes = [IsDeskStaff]
    serializer_class = ClaimFileSerializer
    filterset_class = ClaimFileFilter

    def scope(self):
        return claims_for_staff(user=self.request.user)

    def get_queryset(self):
        return self.scope().select_related("unit").order_by("-created_at", "-id")

    @extend_schema(responses={200: ClaimFileDetailSerializer})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


# --- reference data: every staff account reads, administrators write ----------------------------------------


class _ReferenceViewSet(ApiViewMixin, viewsets.ModelViewSet):
    permission_classes = [StaffReadAdminWrite]
    lookup_value_converter = "int"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]  # no delete: history needs the rows


@extend_schema(tags=["reference"])
class CategoryViewSet(_ReferenceViewSet):
    """Act categories with their dated AMO and complementary rates."""

    serializer_class = CategorySerializer
    filterset_fields = ["code"]

    def get_queryset(self):
        return Category.objects.prefetch_related(
            Prefetch("rates", queryset=CategoryRate.objects.order_by("effective_from"))).order_by("code")


@extend_schema(tags=["reference"])
class CategoryRateViewSet(_ReferenceViewSet):
    """A category's rates from a care date on."""

    serializer_class = CategoryRateSerializer
    filterset_fields = ["category", "effective_from"]
    queryset = CategoryRate.objects.order_by("category_id", "effective_from")


@extend_schema(tags=["reference"])
class ActViewSet(_ReferenceViewSet):
    """The nomenclature of acts."""

    serializer_class = ActSerializer
    filterset_fields = ["code"]
    queryset = Act.objects.order_by("code")


class ActVersionFilter(django_filters.FilterSet):
    act = django_filters.CharFilter(field_name="act__code", label="Act code")
    category = django_filters.CharFilter(field_name="category__code", label="Category code")
    in_force_on = django_filters.DateFilter(field_name="effective_from", lookup_expr="lte",
                                            label="Versions effective on or before this care date")

    class Meta:
        model = ActVersion
        fields = ["act", "category", "in_force_on"]


@extend_schema(tags=["reference"])
class ActVersionViewSet(_ReferenceViewSet):
    """Tariff versions: an act's TNR, prior-agreement flag, frequency limit and ceiling from a care date on."""

    serializer_class = ActVersionSerializer
    filterset_class = ActVersionFilter
    queryset = ActVersion.objects.select_related("act", "category").order_by("act__code", "effective_from")


# --- prior agreements, payment batches ------------------------------------------------------------------------


@extend_schema(tags=["me"])
class MyPriorAgreementViewSet(ApiViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Prior agreements (granted, refused or requested) of the caller's beneficiaries."""

    permission_classes = [IsMember]
    serializer_class = PriorAgreementSerializer

    def get_queryset(self):
        return (PriorAgreement.objects.filter(beneficiary__member=member_of(self.request.user))
                .prefetch_related("acts").order_by("-valid_from", "-id"))


@extend_schema(tags=["prior agreements"])
class PriorAgreementViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Prior agreements (prise en charge), for every staff account."""

    permission_classes = [IsDeskStaff]
    serializer_class = PriorAgreementSerializer
    lookup_value_converter = "int"
    filterset_fields = ["status", "beneficiary", "beneficiary__member"]

    def get_queryset(self):
        return PriorAgreement.objects.prefetch_related("acts").order_by("-requested_at", "-id")


@extend_schema(tags=["payments"])
class PaymentBatchViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Payment batches: one transfer per member, each listing the files it pays. Liquidators and admins."""

    permission_classes = [IsNetworkStaff]
    lookup_value_converter = "int"
    filterset_fields = ["status"]

    def get_serializer_class(self):
        return PaymentBatchDetailSerializer if self.action == "retrieve" else PaymentBatchSerializer

    def get_queryset(self):
        batches = PaymentBatch.objects.order_by("-created_at", "-id")
        if self.action == "retrieve":
            batches = batches.prefetch_related(
                Prefetch("transfers", queryset=Transfer.objects.order_by("id").prefetch_related("files")))
        return batches
