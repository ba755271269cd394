"""Partners API: providers and conventions as reference data (staff read, administrators write), and a
provider account's own space under /api/v1/provider/ (its requests and invoices; another's are 404)."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.models import ClaimLine
from members.api.permissions import ApiViewMixin, StaffReadAdminWrite

from ..models import Convention, Provider
from ..selectors import agreements_of, invoices_of, provider_of
from ..services import coverage_check
from .serializers import (
    ConventionSerializer,
    CoverageAnswerSerializer,
    CoverageCheckSerializer,
    InvoiceDetailSerializer,
    InvoiceSerializer,
    ProviderAgreementSerializer,
    ProviderSerializer,
)


class IsProviderStaff(BasePermission):
    def has_permission(self, request, view) -> bool:
        return provider_of(request.user) is not None


@extend_schema(tags=["partners"])
class ProviderViewSet(ApiViewMixin, viewsets.ModelViewSet):
    permission_classes = [StaffReadAdminWrite]
    serializer_class = ProviderSerializer
    queryset = Provider.objects.order_by("name")
    lookup_value_converter = "int"
    http_method_names = ["get", "post", "patch", "head", "options"]


@extend_schema(tags=["partners"])
class ConventionViewSet(ApiViewMixin, viewsets.ModelViewSet):
    permission_classes = [StaffReadAdminWrite]
    serializer_class = ConventionSerializer
    queryset = Convention.objects.prefetch_related("acts").order_by("provider_id", "-valid_from")
    lookup_value_converter = "int"
    filterset_fields = ["provider"]
    http_method_names = ["get", "post", "patch", "head", "options"]


@extend_schema(tags=["provider"])
class MyAgreementViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's provider's prior agreement requests, with their decision and its due time."""

    permission_classes = [IsProviderStaff]
    serializer_class = ProviderAgreementSerializer
    lookup_value_converter = "int"

    def get_queryset(self):
        return agreements_of(provider=provider_of(self.request.user))


@extend_schema(tags=["provider"])
class MyInvoiceViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's provider's invoices; one invoice shows each line's decision (base, AMO, complementary, the
    member's share, reason codes)."""

    permission_classes = [IsProviderStaff]
    lookup_value_converter = "int"

    def get_serializer_class(self):
        return InvoiceDetailSerializer if self.action == "retrieve" else InvoiceSerializer

    def get_queryset(self):
        queryset = invoices_of(provider=provider_of(self.request.user))
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("claim__lines", queryset=ClaimLine.objects.order_by("position")))
        return queryset


@extend_schema(tags=["provider"])
class CoverageCheckView(ApiViewMixin, APIView):
    """Covered on a date? From a membership number and the beneficiary's birth date; nothing else is told."""

    permission_classes = [IsProviderStaff]

    @extend_schema(request=CoverageCheckSerializer, responses={200: CoverageAnswerSerializer})
    def post(self, request):
        data = CoverageCheckSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(CoverageAnswerSerializer(coverage_check(**data.validated_data)).data)
