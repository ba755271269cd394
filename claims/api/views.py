"""Claims API, files: the member's files (online filing), the staff's files (desk registration, review), estimates.

Every queryset starts from the caller (claims.selectors' scoping), so another member's or another unit's
file is simply not found (404)."""

import django_filters
from django.http import FileResponse, Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from claims.liquidation import InvalidClaimInput
from claims.models import (
    AccessAction,
    Attachment,
    ClaimFile,
    ClaimLine,
    ClaimStatus,
)
from claims.reason_messages import REASON_MESSAGES
from claims.selectors import claim_page, claims_for_member, claims_for_staff
from claims.services import intake, review
from claims.services.access_log import health_access_logged
from claims.services.estimate import claim_estimate
from members.api.permissions import ApiViewMixin, IsDeskStaff, IsMember, member_of
from members.api.serializers import error_responses

from .serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    ClaimFileDetailSerializer,
    ClaimFileSerializer,
    DeskFileCreateSerializer,
    DraftCreateSerializer,
    EstimateRequestSerializer,
    EstimateSerializer,
    LineInputSerializer,
    MissingDocumentsSerializer,
    RegularisationSerializer,
    ReviewDecisionSerializer,
)

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="Any string up to 80 characters. Retrying with the same key returns the file created by the "
                "first call (same id, 201) instead of a second file.")


def _idempotency_key(request) -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 80:
        raise ValidationError({"Idempotency-Key": [ErrorDetail(gettext("At most 80 characters."), code="max_length")]})
    return key


def _detail(claim: ClaimFile, files, context) -> dict:
    page = claim_page(files=files, pk=claim.pk)
    if page is None:  # the file left the caller's reach meanwhile
        raise Http404
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


def _upload(view, request) -> Response:
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
        return _upload(self, request)

    @extend_schema(operation_id="me_files_attachments_download", responses=SCAN_RESPONSES,
                   description="The scan as it was uploaded (PDF, JPEG or PNG), as a download.")
    @action(detail=True, methods=["get"], url_path="attachments/<int:attachment_id>",
            url_name="attachment-download")
    def attachment_download(self, request, pk=None, attachment_id=None):
        return _download(self, attachment_id)

    @extend_schema(operation_id="me_files_submit", request=None,
                   responses={200: ClaimFileDetailSerializer, **error_responses(409)},
                   description="Sends the draft: received today and queued for liquidation, or `incomplete` with "
                               "`missing_kinds` when a required document is missing. Code `no_lines`; 409 "
                               "`already_submitted` on a second submission.")
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
        return _upload(self, request)

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

    @extend_schema(request=RegularisationSerializer, responses={201: RegularisationSerializer},
                   description="Liquidators and admins: correct a decided (liquidated, rejected, paid) file without "
                               "rewriting it: a dated regularisation with a written reason, paid (amount > 0) or "
                               "recovered (< 0) on the member's transfer of the next payment batch. 400 "
                               "`not_decided` for a file not decided yet.")
    @action(detail=True, methods=["post"])
    def regularisations(self, request, pk=None):
        from claims.services.regularisation import regularisation_create

        if not review.user_can_review(request.user):
            raise PermissionDenied()
        claim = self.get_object()
        data = RegularisationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        made = regularisation_create(claim=claim, by=request.user, **data.validated_data)
        return Response(RegularisationSerializer(made).data, status=status.HTTP_201_CREATED)


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
                               "history. Nothing is saved; the read is logged in the member's access log (an "
                               "estimate reveals past care).")
    def post(self, request):
        from claims.services.access_log import beneficiary_access_record

        response = super().post(request)
        if response.status_code == 200:
            beneficiary = request.data.get("beneficiary")
            if str(beneficiary).isdigit():
                beneficiary_access_record(request=request, beneficiary_ids=[int(beneficiary)],
                                          action=AccessAction.ESTIMATE)
        return response
