"""Members API: the member's own profile (/me/) and the staff's member registry. Reads go through
members.selectors; nothing here decides who is covered."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from members import services
from members.models import ChangeRequest, Member
from members.selectors import member_overview, member_search

from .permissions import ApiViewMixin, IsDeskStaff, IsMember, member_of
from .serializers import (
    ChangeRequestCreateSerializer,
    ChangeRequestDecisionSerializer,
    ChangeRequestSerializer,
    MemberDetailSerializer,
    MemberSerializer,
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
    """The member registry, for every staff account (a member may walk into any unit)."""

    permission_classes = [IsDeskStaff]
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
