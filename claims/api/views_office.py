"""Claims API, back office: reference data (every staff account reads, administrators write), prior agreements
and payment batches (liquidators and admins decide)."""

import django_filters
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, PermissionDenied, ValidationError
from rest_framework.response import Response

from claims.models import Act, ActVersion, Category, CategoryRate, PaymentBatch, PriorAgreement, Transfer
from claims.services import agreements, bank_file, payments, review
from members.api.permissions import ApiViewMixin, IsDeskStaff, IsMember, StaffReadAdminWrite, member_of
from members.api.serializers import error_responses

from .permissions import CanReview
from .serializers import (
    ActSerializer,
    ActVersionSerializer,
    AgreementDecisionSerializer,
    AgreementRequestSerializer,
    CategoryRateSerializer,
    CategorySerializer,
    PaymentBatchDetailSerializer,
    PaymentBatchSerializer,
    PriorAgreementSerializer,
)

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


class CategoryRateFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category__code", label="Category code")

    class Meta:
        model = CategoryRate
        fields = ["category", "effective_from"]


@extend_schema(tags=["reference"])
class CategoryRateViewSet(_ReferenceViewSet):
    """A category's rates from a care date on."""

    serializer_class = CategoryRateSerializer
    filterset_class = CategoryRateFilter
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
    """Prior agreements (prise en charge): every staff account reads and records requests; liquidators and
    admins grant or refuse them."""

    permission_classes = [IsDeskStaff]
    serializer_class = PriorAgreementSerializer
    lookup_value_converter = "int"
    filterset_fields = ["status", "beneficiary", "beneficiary__member"]

    def get_queryset(self):
        return PriorAgreement.objects.prefetch_related("acts").order_by("-requested_at", "-id")

    def list(self, request, *args, **kwargs):
        """Lists agreements; those of another unit's members are health data read from afar: logged."""
        from claims.models import AccessAction
        from claims.services.access_log import beneficiary_access_record, other_unit_beneficiaries

        response = super().list(request, *args, **kwargs)
        rows = response.data.get("results", response.data) if isinstance(response.data, dict) else response.data
        ids = [row["beneficiary"] for row in rows if isinstance(row.get("beneficiary"), int)]
        others = other_unit_beneficiaries(user=request.user, beneficiary_ids=ids)
        if others:
            beneficiary_access_record(request=request, beneficiary_ids=others, action=AccessAction.AGREEMENTS)
        return response

    @extend_schema(request=AgreementRequestSerializer, responses={201: PriorAgreementSerializer},
                   description="Records a request for a beneficiary, acts and validity window (status `requested`).")
    def create(self, request):
        data = AgreementRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if values["valid_to"] < values["valid_from"]:
            raise ValidationError({"valid_to": [ErrorDetail(_("The validity ends before it starts."),
                                                            code="window")]})
        agreement = agreements.prior_agreement_request(
            beneficiary=values["beneficiary"], act_codes=[act.code for act in values["acts"]],
            valid_from=values["valid_from"], valid_to=values["valid_to"], notes=values["notes"])
        return Response(PriorAgreementSerializer(agreement).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AgreementDecisionSerializer, responses={200: PriorAgreementSerializer,
                                                                   **error_responses(409)},
                   description="Grant or refuse (with a written reason) a requested agreement. Liquidators and "
                               "admins. 409 `already_decided` when it was decided before.")
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        if not review.user_can_review(request.user):
            raise PermissionDenied()
        agreement = self.get_object()
        data = AgreementDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision, notes = data.validated_data["decision"], data.validated_data["notes"]
        if decision == "grant":
            agreement = agreements.prior_agreement_grant(agreement=agreement, by=request.user, notes=notes)
        else:
            if not notes.strip():
                raise ValidationError({"notes": [ErrorDetail(_("Write the reason for the refusal."),
                                                             code="required")]})
            agreement = agreements.prior_agreement_refuse(agreement=agreement, by=request.user, notes=notes)
        return Response(PriorAgreementSerializer(agreement).data)


@extend_schema(tags=["payments"])
class PaymentBatchViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Payment batches: one transfer per member, each listing the files it pays. Liquidators and admins."""

    permission_classes = [CanReview]
    lookup_value_converter = "int"
    filterset_fields = ["status"]

    def get_serializer_class(self):
        return PaymentBatchDetailSerializer if self.action == "retrieve" else PaymentBatchSerializer

    @extend_schema(request=None, responses={(200, "text/csv"): OpenApiTypes.STR, **error_responses(409)},
                   description="The batch as a CSV report (see README \"Payment batches\"; the bank file is "
                               "`pain001`); the first export moves "
                               "the batch to `exported`, later ones give the same file. 409 `batch_state` once "
                               "confirmed.")
    @action(detail=True, methods=["post"])
    def export(self, request, pk=None):
        content = payments.payment_batch_export(batch=self.get_object())
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="batch.csv"'
        return response

    @extend_schema(request=None, responses={(200, "application/xml"): OpenApiTypes.STR, **error_responses(409)},
                   description="The bank file: an ISO 20022 credit-transfer initiation (`pain.001.001.03`, validated "
                               "against the official XSD before it is sent), one transfer per payee, debiting the "
                               "mutual's own account; the first export moves the batch to `exported`, like the CSV. "
                               "409 `batch_state` once confirmed; 409 `bank_file` when the file cannot be made "
                               "(the batch holds no transfer, or the mutual's own account is not configured).")
    @action(detail=True, methods=["post"])
    def pain001(self, request, pk=None):
        batch = self.get_object()
        content = bank_file.payment_batch_export_pain001(batch=batch)
        response = HttpResponse(content, content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{batch.reference}.pain.001.xml"'
        return response

    @extend_schema(request=None, responses={200: PaymentBatchSerializer, **error_responses(409)},
                   description="The bank confirmed the batch's transfers: its files become `paid` (once; a second "
                               "confirmation changes nothing). 409 `batch_state` before the batch is exported.")
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        batch = self.get_object()
        payments.payment_batch_confirm(batch=batch, by=request.user)
        batch.refresh_from_db()
        return Response(PaymentBatchSerializer(batch).data)

    def get_queryset(self):
        batches = PaymentBatch.objects.order_by("-created_at", "-id")
        if self.action == "retrieve":
            batches = batches.prefetch_related(
                Prefetch("transfers", queryset=Transfer.objects.order_by("id").prefetch_related("files")))
        return batches
