"""Claims API: the member's files, the staff's files, reference data, prior agreements, payment batches.

Every queryset starts from the caller (claims.selectors' scoping), so another member's or another unit's
file is simply not found (404)."""

import django_filters
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from claims.liquidation import REASON_MESSAGES, InvalidClaimInput
from claims.models import (
    Act,
    ActVersion,
    Attachment,
    Category,
    CategoryRate,
    ClaimFile,
    ClaimLine,
    ClaimStatus,
    PaymentBatch,
    PriorAgreement,
    Transfer,
)
from claims.selectors import claim_page, claims_for_member, claims_for_staff
from claims.services import agreements, intake, payments, review
from claims.services.access_log import health_access_logged
from claims.services.estimate import claim_estimate
from members.api.permissions import ApiViewMixin, IsDeskStaff, IsMember, StaffReadAdminWrite, member_of
from members.api.serializers import error_responses

from .permissions import CanReview
from .serializers import (
    ActSerializer,
    ActVersionSerializer,
    AgreementDecisionSerializer,
    AgreementRequestSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    CategoryRateSerializer,
    CategorySerializer,
    ClaimFileDetailSerializer,
    ClaimFileSerializer,
    DeskFileCreateSerializer,
    DraftCreateSerializer,
    EstimateRequestSerializer,
    EstimateSerializer,
    LineInputSerializer,
    MissingDocumentsSerializer,
    PaymentBatchDetailSerializer,
    PaymentBatchSerializer,
    PriorAgreementSerializer,
    ReviewDecisionSerializer,
)

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="Any string up to 80 characters. Retrying with the same key returns the file created by the "
                "first call (same id, 201) instead of a second file.")


def _idempotency_key(request) -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 80:
        raise ValidationError({"Idempotency-Key": [ErrorDetail(_("At most 80 characters."), code="max_length")]})
    return key


def _detail(claim: ClaimFile, files, context) -> dict:
    page = claim_page(files=files, pk=claim.pk)
    return ClaimFileDetailSerializer(page.claim, context=context).data


SCAN_RESPONSES = {(200, media): OpenApiTypes.BINARY for media in ("application/pdf", "image/jpeg", "image/png")}


def _download(view, attachment_id: int) -> FileResponse:
    """A scan of a file within the caller's reach, always as a download, never rendered inline."""
    attachment = Attachment.objects.filter(claim=view.get_object(), pk=attachment_id).first()
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _upload(view, request, files) -> Response:
    claim = view.get_object()
    data = AttachmentUploadSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    attachment = intake.attachment_add(claim=claim, upload=data.validated_data["file"],
                                       kind=data.validated_data["kind"], by=request.user)
    return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


def _estimate(request, data: dict) -> Response:
    try:
        result = claim_estimate(beneficiary=data["beneficiary"], sector=data["sector"],
                                received_on=data.get("received_on"),
                                lines=[{"act_code": line["act"], **{k: v for k, v in line.items() if k != "act"}}
                                       for line in data["lines"]])
    except InvalidClaimInput as error:
        raise ValidationError({"lines": [ErrorDetail(str(error), code="invalid_line")]}) from error
    return Response(EstimateSerializer({
        "status": result.status, "total_base": result.total_base, "total_amo": result.total_amo,
        "total_complementary": result.total_complementary, "total_reimbursed": result.total_reimbursed,
        "lines": [{"accepted": line.accepted, "quantity": line.accepted_quantity,
                   "billed_amount": line.accepted_billed_amount, "base_amount": line.base,
                   "amo_amount": line.amo_amount, "complementary_amount": line.complementary_amount,
                   "reasons": [{"code": code, "message": str(REASON_MESSAGES.get(code, code))}
                               for code in line.reasons]}
                  for line in result.lines],
    }).data)


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

    def get_object(self):
        claim = self.scope().filter(pk=self.kwargs["pk"]).first()
        if claim is None:
            raise Http404
        return claim

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

    @extend_schema(operation_id="me_files_create", request=DraftCreateSerializer, parameters=[IDEMPOTENCY_KEY],
                   responses={201: ClaimFileDetailSerializer},
                   description="Starts an online file (a draft) for one of the caller's beneficiaries. Add lines "
                               "and scans, then submit it.")
    def create(self, request):
        data = DraftCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        beneficiary = data.validated_data.pop("beneficiary")
        claim = intake.claim_draft_create(member=beneficiary.member, beneficiary=beneficiary, by=request.user,
                                          idempotency_key=_idempotency_key(request), **data.validated_data)
        return Response(_detail(claim, self.scope(), self.get_serializer_context()), status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="me_files_lines_create", request=LineInputSerializer,
                   responses={201: ClaimFileDetailSerializer, **error_responses(409)},
                   description="Adds a line of care to a draft. 409 `already_submitted` once the file is sent.")
    @action(detail=True, methods=["post"])
    def lines(self, request, pk=None):
        claim = self.get_object()
        data = LineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        intake.claim_line_add(claim=claim, line=data.to_line_data(data.validated_data))
        return Response(_detail(claim, self.scope(), self.get_serializer_context()), status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="me_files_attachments_create", request={"multipart/form-data":
                                                                        AttachmentUploadSerializer},
                   responses={201: AttachmentSerializer},
                   description="Attaches a scan (PDF, JPEG or PNG, checked by content) to a draft, an incomplete "
                               "or a received file. Codes: `bad_type`, `too_large`, `empty`, `name_mismatch`, "
                               "`bad_pdf`, `bad_image`, `encrypted`, `closed`.")
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        return _upload(self, request, self.scope())

    @extend_schema(operation_id="me_files_attachments_download", responses=SCAN_RESPONSES,
                   description="The scan as it was uploaded (PDF, JPEG or PNG), as a download.")
    @action(detail=True, methods=["get"], url_path="attachments/<int:attachment_id>",
            url_name="attachment-download")
    def attachment_download(self, request, pk=None, attachment_id=None):
        return _download(self, attachment_id)

    @extend_schema(operation_id="me_files_submit", request=None,
                   responses={200: ClaimFileDetailSerializer, **error_responses(409)},
                   description="Sends the draft: received today and queued for liquidation. Codes: `no_lines`, "
                               "`no_documents`; 409 `already_submitted` on a second submission.")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        claim = intake.claim_submit(claim=self.get_object(), by=request.user)
        return Response(_detail(claim, self.scope(), self.get_serializer_context()))

    @extend_schema(operation_id="me_files_complete", request=None,
                   responses={200: ClaimFileDetailSerializer, **error_responses(409)},
                   description="After adding the missing documents to an incomplete file: received again and "
                               "queued for liquidation. Code `no_new_documents`; 409 unless incomplete.")
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        claim = intake.claim_complete(claim=self.get_object(), by=request.user)
        return Response(_detail(claim, self.scope(), self.get_serializer_context()))


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
    @health_access_logged("api_detail")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(request=DeskFileCreateSerializer, parameters=[IDEMPOTENCY_KEY],
                   responses={201: ClaimFileDetailSerializer},
                   description="Registers a paper file handed in at one of the caller's units, received on "
                               "`received_on` (today or earlier), with its lines. It is queued for liquidation "
                               "(or forwarded, for a sister mutual's member; or `incomplete` with "
                               "`missing_documents`). Line errors name the field as `lines.<index>.<field>`.")
    def create(self, request):
        data = DeskFileCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        lines = [LineInputSerializer().to_line_data(line) for line in values.pop("lines")]
        claim = intake.claim_register_at_desk(by=request.user, lines=lines, idempotency_key=_idempotency_key(request),
                                              **values)
        return Response(_detail(claim, self.scope(), self.get_serializer_context()), status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": AttachmentUploadSerializer},
                   responses={201: AttachmentSerializer},
                   description="Attaches a scan (PDF, JPEG or PNG, checked by content). Codes: `bad_type`, "
                               "`too_large`, `empty`, `name_mismatch`, `bad_pdf`, `bad_image`, `encrypted`, `closed`.")
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        return _upload(self, request, self.scope())

    @extend_schema(responses=SCAN_RESPONSES, description="The scan as it was uploaded, as a download.")
    @action(detail=True, methods=["get"], url_path="attachments/<int:attachment_id>",
            url_name="attachment-download")
    @health_access_logged("api_attachment", attachment_kwarg="attachment_id")
    def attachment_download(self, request, pk=None, attachment_id=None):
        return _download(self, attachment_id)

    @extend_schema(request=MissingDocumentsSerializer, responses={200: ClaimFileDetailSerializer,
                                                                  **error_responses(409)},
                   description="Documents are missing: the member is told which; the file waits for them.")
    @action(detail=True, methods=["post"])
    def incomplete(self, request, pk=None):
        data = MissingDocumentsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = intake.claim_mark_incomplete(claim=self.get_object(), by=request.user, **data.validated_data)
        return Response(_detail(claim, self.scope(), self.get_serializer_context()))

    @extend_schema(request=None, responses={200: ClaimFileDetailSerializer, **error_responses(409)},
                   description="The missing papers were handed in: received again and queued for liquidation.")
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        claim = intake.claim_complete(claim=self.get_object(), by=request.user, require_new_documents=False)
        return Response(_detail(claim, self.scope(), self.get_serializer_context()))

    @extend_schema(request=ReviewDecisionSerializer, responses={200: ClaimFileDetailSerializer,
                                                                **error_responses(409)},
                   description="Liquidators and admins: approve a file in review (→ liquidated), or adjust lines' "
                               "AMO and complementary amounts with a written reason (→ liquidated, or rejected "
                               "when nothing is left). 409 `invalid_transition` unless the file is in review; "
                               "400 `review_invalid` for an adjustment the rules refuse.")
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        if not review.user_can_review(request.user):
            raise PermissionDenied()
        claim = self.get_object()
        data = ReviewDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = data.validated_data
        try:
            if decision["decision"] == "approve":
                claim = review.review_approve(claim=claim, by=request.user, reason=decision["reason"])
            else:
                line_ids = dict(ClaimLine.objects.filter(claim=claim).values_list("position", "pk"))
                adjustments = {}
                for index, item in enumerate(decision["adjustments"]):
                    if item["line"] not in line_ids:
                        raise ValidationError({f"adjustments.{index}.line": [ErrorDetail(
                            _("This file has no line at this position."), code="does_not_exist")]})
                    adjustments[line_ids[item["line"]]] = (item["amo_amount"], item["complementary_amount"])
                claim = review.review_adjust(claim=claim, by=request.user, adjustments=adjustments,
                                             reason=decision["reason"])
        except review.ReviewError as error:
            raise ValidationError({"reason" if not decision["reason"].strip() else "adjustments": [
                ErrorDetail(str(error), code="review_invalid")]}) from error
        return Response(_detail(claim, self.scope(), self.get_serializer_context()))


@extend_schema(tags=["me"])
class MyEstimateView(ApiViewMixin, GenericAPIView):
    permission_classes = [IsMember]
    serializer_class = EstimateRequestSerializer

    @extend_schema(operation_id="me_estimate", request=EstimateRequestSerializer,
                   responses={200: EstimateSerializer},
                   description="What liquidation would pay for these lines, for one of the caller's beneficiaries, "
                               "against his real history. Nothing is saved.")
    def post(self, request):
        data = EstimateRequestSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return _estimate(request, data.validated_data)


@extend_schema(tags=["files"])
class EstimateView(MyEstimateView):
    permission_classes = [IsDeskStaff]

    @extend_schema(operation_id="estimate", request=EstimateRequestSerializer, responses={200: EstimateSerializer},
                   description="What liquidation would pay for these lines, for any beneficiary, against his real "
                               "history. Nothing is saved.")
    def post(self, request):
        return super().post(request)


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
                   description="The bank transfer file (CSV, see README \"Payment batches\"); the first export moves "
                               "the batch to `exported`, later ones give the same file. 409 `batch_state` once "
                               "confirmed.")
    @action(detail=True, methods=["post"])
    def export(self, request, pk=None):
        content = payments.payment_batch_export(batch=self.get_object())
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="batch.csv"'
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
