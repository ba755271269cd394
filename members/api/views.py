"""Members API: the member's own profile (/me/) and the staff's member registry. Reads go through
members.selectors, writes through members.services; nothing here decides who is covered."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from members import services
from members.models import AffiliationPeriod, Beneficiary, ChangeRequest, Member, StudentPeriod
from members.selectors import beneficiary_eligibility, member_overview, member_search

from .permissions import ApiViewMixin, IsDeskStaff, IsMember, RegistryStaff, member_of
from .serializers import (
    AffiliationSerializer,
    AffiliationWriteSerializer,
    BeneficiaryUpdateSerializer,
    BeneficiaryWithEligibilitySerializer,
    BeneficiaryWriteSerializer,
    ChangeRequestCreateSerializer,
    ChangeRequestDecisionSerializer,
    ChangeRequestSerializer,
    MemberDetailSerializer,
    MemberSerializer,
    MemberUpdateSerializer,
    MemberWriteSerializer,
    StudentPeriodSerializer,
    StudentPeriodWriteSerializer,
    error_responses,
    member_detail_data,
)


@extend_schema(tags=["me"])
class MeView(ApiViewMixin, generics.GenericAPIView):
    permission_classes = [IsMember]
    serializer_class = MemberDetailSerializer

    @extend_schema(operation_id="me_retrieve", responses={200: MemberDetailSerializer, **error_responses(401, 403)},
                   description="The caller's own file: profile, bank account, coverage today, beneficiaries with "
                               "their eligibility today (and why), affiliation periods.")
    def get(self, request):
        overview = member_overview(member=member_of(request.user))
        return Response(member_detail_data(overview, self.get_serializer_context()))


@extend_schema(tags=["members"])
class MemberViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The member registry: every staff account reads it (a member may walk into any unit); administrators,
    unit managers and front-desk agents write it (liquidators read only)."""

    permission_classes = [RegistryStaff]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    serializer_class = MemberSerializer
    lookup_value_converter = "int"
    filterset_fields = {"membership_number": ["exact"], "cin": ["exact"], "mutual__code": ["exact"],
                        "home_unit__code": ["exact"]}

    def get_queryset(self):
        return (Member.objects.select_related("mutual", "home_unit")
                .prefetch_related(Prefetch("affiliations")).order_by("last_name", "first_name", "id"))

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="Search by membership number (prefix), CIN or name "
                                                           "(Latin or Arabic script); at most 20 hits.")],
        responses={200: MemberSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def list(self, request, *args, **kwargs):
        query = request.query_params.get("q", "").strip()
        if query:
            page = self.paginate_queryset(member_search(query=query))
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: MemberDetailSerializer, **error_responses(401, 403, 404)})
    def retrieve(self, request, *args, **kwargs):
        member = get_object_or_404(Member.objects.only("pk"), pk=kwargs["pk"])
        return Response(member_detail_data(member_overview(member=member), self.get_serializer_context()))

    def _detail(self, member: Member, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(member_detail_data(member_overview(member=member), self.get_serializer_context()),
                        status=status_code)

    def _member(self, pk) -> Member:
        return get_object_or_404(Member.objects.only("pk", "birth_date"), pk=pk)

    @extend_schema(request=MemberWriteSerializer, responses={201: MemberDetailSerializer},
                   description="Registers a member and his own beneficiary row. Refusals (400, on the field): "
                               "`cin`, `unique` (CIN or membership number taken), `membership_number`, `iban`, "
                               "`iban_country`, `phone`, `invalid` (email), `future_birth_date`.")
    def create(self, request):
        data = MemberWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.member_create(by=request.user, **data.validated_data)
        return self._detail(member, status.HTTP_201_CREATED)

    @extend_schema(request=MemberUpdateSerializer, responses={200: MemberDetailSerializer},
                   description="Changes the fields sent. A bank account never applies here: it becomes a pending "
                               "change request (replacing any earlier one) that a second staff account validates "
                               "(POST /api/v1/change-requests/{id}/decide/); the member is told by e-mail and "
                               "SMS. Refusals as on create.")
    def partial_update(self, request, pk=None):
        member = self._member(pk)
        data = MemberUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.member_update(by=request.user, member=member, **data.validated_data)
        return self._detail(member)

    def _beneficiary_data(self, beneficiary: Beneficiary) -> dict:
        beneficiary = Beneficiary.objects.prefetch_related("student_periods").get(pk=beneficiary.pk)
        context = {**self.get_serializer_context(),
                   "eligibility": {beneficiary.pk: beneficiary_eligibility(beneficiary=beneficiary)}}
        return BeneficiaryWithEligibilitySerializer(beneficiary, context=context).data

    def _beneficiary(self, pk, beneficiary_id) -> Beneficiary:
        return get_object_or_404(Beneficiary, member_id=self._member(pk).pk, pk=beneficiary_id)

    @extend_schema(operation_id="members_beneficiaries_create", request=BeneficiaryWriteSerializer,
                   responses={201: BeneficiaryWithEligibilitySerializer},
                   description="Adds a spouse or a child; the answer shows the eligibility today. Refusals (400): "
                               "`child_birth_date` (a child born less than 12 years after the member), "
                               "`future_birth_date`, `not_a_spouse` (marriage dates on a child), `not_a_child` "
                               "(disability on a spouse), `end_before_start`, `cin`.")
    @action(detail=True, methods=["post"], url_path="beneficiaries", url_name="beneficiaries")
    def beneficiary_add(self, request, pk=None):
        member = self._member(pk)
        data = BeneficiaryWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        beneficiary = services.beneficiary_add(by=request.user, member=member, **data.validated_data)
        return Response(self._beneficiary_data(beneficiary), status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="members_beneficiaries_partial_update", request=BeneficiaryUpdateSerializer,
                   responses={200: BeneficiaryWithEligibilitySerializer},
                   description="Changes a spouse's or a child's data (a marriage end, the disability flag...). "
                               "The member's own row follows the member (`self_beneficiary`). Refusals as on create.")
    @action(detail=True, methods=["patch"], url_path="beneficiaries/<int:beneficiary_id>",
            url_name="beneficiary")
    def beneficiary_update(self, request, pk=None, beneficiary_id=None):
        beneficiary = self._beneficiary(pk, beneficiary_id)
        data = BeneficiaryUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        beneficiary = services.beneficiary_update(by=request.user, beneficiary=beneficiary, **data.validated_data)
        return Response(self._beneficiary_data(beneficiary))

    @extend_schema(operation_id="members_student_periods_create", request=StudentPeriodWriteSerializer,
                   responses={201: StudentPeriodSerializer},
                   description="A child's student period. Refusals (400): `not_a_child`, `end_before_start`, "
                               "`before_birth`, `overlap`.")
    @action(detail=True, methods=["post"], url_path="beneficiaries/<int:beneficiary_id>/student-periods",
            url_name="student-periods")
    def student_period_add(self, request, pk=None, beneficiary_id=None):
        beneficiary = self._beneficiary(pk, beneficiary_id)
        data = StudentPeriodWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        period = services.student_period_add(by=request.user, beneficiary=beneficiary, **data.validated_data)
        return Response(StudentPeriodSerializer(period).data, status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="members_student_periods_destroy", request=None, responses={204: None})
    @action(detail=True, methods=["delete"],
            url_path="beneficiaries/<int:beneficiary_id>/student-periods/<int:period_id>",
            url_name="student-period")
    def student_period_remove(self, request, pk=None, beneficiary_id=None, period_id=None):
        beneficiary = self._beneficiary(pk, beneficiary_id)
        period = get_object_or_404(StudentPeriod, beneficiary=beneficiary, pk=period_id)
        services.student_period_remove(by=request.user, student_period=period)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(operation_id="members_affiliations_create", request=AffiliationWriteSerializer,
                   responses={201: AffiliationSerializer},
                   description="A span of cover (open when `end` is null) with the complementary flag. Refusals "
                               "(400): `end_before_start`, `overlap` (a member has one period at a time).")
    @action(detail=True, methods=["post"], url_path="affiliations", url_name="affiliations")
    def affiliation_add(self, request, pk=None):
        member = self._member(pk)
        data = AffiliationWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        period = services.affiliation_add(by=request.user, member=member, **data.validated_data)
        return Response(AffiliationSerializer(period).data, status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="members_affiliations_partial_update", request=AffiliationWriteSerializer,
                   responses={200: AffiliationSerializer},
                   description="Closes, suspends or changes a period (fields sent only). Refusals as on create.")
    @action(detail=True, methods=["patch"], url_path="affiliations/<int:affiliation_id>", url_name="affiliation")
    def affiliation_update(self, request, pk=None, affiliation_id=None):
        affiliation = get_object_or_404(AffiliationPeriod, member_id=self._member(pk).pk, pk=affiliation_id)
        data = AffiliationWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        period = services.affiliation_update(by=request.user, affiliation=affiliation, **data.validated_data)
        return Response(AffiliationSerializer(period).data)


@extend_schema(tags=["me"])
class MyChangeRequestViewSet(ApiViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's requests to change his address, phone, email or bank account."""

    permission_classes = [IsMember]
    serializer_class = ChangeRequestSerializer
    filterset_fields = ["status", "field"]

    def get_queryset(self):
        return ChangeRequest.objects.filter(member=member_of(self.request.user)).order_by("-requested_at", "-id")

    @extend_schema(operation_id="me_change_requests_create", request=ChangeRequestCreateSerializer,
                   responses={201: ChangeRequestSerializer},
                   description="Address, phone and email apply at once (`applied`); a bank account waits for a "
                               "staff member's validation (`pending`). Codes: `phone`, `address`, `invalid` "
                               "(IBAN or email), `unchanged`.")
    def create(self, request):
        data = ChangeRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.change_request_create(
            member=member_of(request.user), field=data.validated_data["field"],
            new_value=data.validated_data["new_value"], by=request.user)
        return Response(ChangeRequestSerializer(change).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["members"])
class ChangeRequestViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Members' change requests; staff approve or reject the pending ones (bank accounts)."""

    permission_classes = [IsDeskStaff]
    serializer_class = ChangeRequestSerializer
    lookup_value_converter = "int"
    filterset_fields = ["status", "field", "member"]

    def get_queryset(self):
        return ChangeRequest.objects.order_by("-requested_at", "-id")

    @extend_schema(request=ChangeRequestDecisionSerializer,
                   responses={200: ChangeRequestSerializer, **error_responses(409)},
                   description="Approving applies the new value to the member's file (recorded in its history). "
                               "403 when the account deciding is the one that asked (four eyes). "
                               "409 `not_pending` when the request was already decided.")
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        change = self.get_object()
        data = ChangeRequestDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decide = (services.change_request_approve if data.validated_data["decision"] == "approve"
                  else services.change_request_reject)
        try:
            change = decide(change_request=change, by=request.user, note=data.validated_data["note"])
        except PermissionError as error:
            raise PermissionDenied() from error
        return Response(ChangeRequestSerializer(change).data)
