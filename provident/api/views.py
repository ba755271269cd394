"""/api/v1/provident-requests/ (desk staff and liquidators) and /api/v1/me/provident-requests/ (the member's
own): list, read line by line, create, add and download scans, and the second liquidator's decision."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from members.api.permissions import ApiViewMixin, IsDeskStaff, IsMember, member_of
from members.models import Beneficiary, Member
from units.scoping import units_for

from ..access import provident_scan_download
from ..models import ProvidentDocument, RequestChannel
from ..selectors import request_page, requests_for_member, requests_for_staff
from ..services.intake import HeirInput, document_add, request_create
from ..services.review import provident_approve, provident_reject, user_can_decide
from ..status import InvalidTransition
from .serializers import (
    DeskRequestCreateSerializer,
    ProvidentDecisionSerializer,
    ProvidentDocumentSerializer,
    ProvidentDocumentUploadSerializer,
    ProvidentRequestDetailSerializer,
    ProvidentRequestSerializer,
    RequestCreateSerializer,
)

SCAN_RESPONSES = {(200, media): OpenApiTypes.BINARY for media in ("application/pdf", "image/jpeg", "image/png")}


class CanReview(BasePermission):
    def has_permission(self, request, view) -> bool:
        return user_can_decide(request.user)


def _conflict():
    from mutuelle.api import Conflict

    return Conflict()


class _Base(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,  # type: ignore[misc]
            viewsets.GenericViewSet):  # the mixin narrows APIView's attributes
    serializer_class = ProvidentRequestSerializer

    def scope(self):
        raise NotImplementedError

    def get_queryset(self):
        return self.scope().order_by("-created_at", "-id")

    def _detail(self, pk: int, code=status.HTTP_200_OK) -> Response:
        found = request_page(requests=self.scope(), pk=pk)
        return Response(ProvidentRequestDetailSerializer(found, context=self.get_serializer_context()).data,
                        status=code)

    @extend_schema(responses={200: ProvidentRequestDetailSerializer})
    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object().pk)

    def _deceased(self, member: Member, pk):
        return Beneficiary.objects.filter(pk=pk, member=member).first() if pk else None

    @extend_schema(request={"multipart/form-data": ProvidentDocumentUploadSerializer},
                   responses={201: ProvidentDocumentSerializer},
                   description="Adds a scan (checked like a file's scans). A request that becomes complete is "
                               "queued for liquidation.")
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def documents(self, request, pk=None):
        found = self.get_object()
        data = ProvidentDocumentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        heir = found.heirs.filter(pk=data.validated_data.get("heir")).first() if data.validated_data.get("heir") \
            else None
        document = document_add(request=found, by=request.user, kind=data.validated_data["kind"],
                                upload=data.validated_data["scan"], heir=heir)
        return Response(ProvidentDocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=SCAN_RESPONSES,
                   description="A scan of the request (its id in `documents`), as uploaded, as a download. The "
                               "same readers as the pages: a staff read is written to the health-data access log "
                               "(a member reading his own is not); 404 for anyone else.")
    @action(detail=True, methods=["get"], url_path="documents/<int:document_id>", url_name="document-download")
    def document_download(self, request, pk=None, document_id=None):
        found = self.get_object()
        return provident_scan_download(request=request, pk=document_id,
                                       documents=ProvidentDocument.objects.filter(request_id=found.pk))


@extend_schema(tags=["provident"])
class ProvidentRequestViewSet(_Base):
    """Requests of the caller's units (desk staff) or every request (liquidators, admins)."""

    permission_classes = [IsDeskStaff]  # type: ignore[list-item]  # the mixin types it as IsAuthenticated

    def scope(self):
        return requests_for_staff(user=self.request.user)

    @extend_schema(request=DeskRequestCreateSerializer, responses={201: ProvidentRequestDetailSerializer},
                   description="Registers a request handed in at a desk (any benefit; `MEMBER_DEATH` with the heirs "
                               "of the heirs certificate: shares as fractions, each heir's IBAN). Errors of an heir "
                               "name the field `heirs[<position>]`.")
    def create(self, request):
        data = DeskRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        member = Member.objects.filter(pk=values["member"]).first()
        if member is None:
            raise ValidationError({"member": [_("No member with this id.")]})
        units = list(units_for(request.user).order_by("code")[:1])
        created = request_create(
            by=request.user, member=member, benefit=values["benefit"], event_date=values["event_date"],
            received_on=values["received_on"], channel=RequestChannel.FRONT_DESK,
            deceased=self._deceased(member, values.get("deceased")),
            heirs=[HeirInput(**heir) for heir in values.get("heirs", [])], unit=units[0] if units else None,
            contact_name=values["contact_name"], contact_phone=values["contact_phone"], language=values["language"])
        return self._detail(created.pk, status.HTTP_201_CREATED)

    @extend_schema(request=ProvidentDecisionSerializer, responses={200: ProvidentRequestDetailSerializer},
                   description="A second liquidator approves a request in review (never the one who registered it).")
    @action(detail=True, methods=["post"], permission_classes=[CanReview])
    def approve(self, request, pk=None):
        return self._decide(provident_approve, request)

    @extend_schema(request=ProvidentDecisionSerializer, responses={200: ProvidentRequestDetailSerializer},
                   description="A second liquidator rejects a request in review, with a reason (`note`).")
    @action(detail=True, methods=["post"], permission_classes=[CanReview])
    def reject(self, request, pk=None):
        return self._decide(provident_reject, request)

    def _decide(self, decide, request):
        found = self.get_object()
        data = ProvidentDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            decide(request=found, by=request.user, note=data.validated_data["note"])
        except InvalidTransition:
            raise _conflict() from None
        return self._detail(found.pk)


@extend_schema(tags=["provident"])
class MyProvidentRequestViewSet(_Base):
    """The member's own requests; online he asks for his retirement or declares a spouse's or child's death."""

    permission_classes = [IsMember]  # type: ignore[list-item]

    def scope(self):
        return requests_for_member(member=member_of(self.request.user))

    @extend_schema(request=RequestCreateSerializer, responses={201: ProvidentRequestDetailSerializer})
    def create(self, request):
        data = RequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = member_of(request.user)
        values = data.validated_data
        created = request_create(by=request.user, member=member, benefit=values["benefit"],
                                 event_date=values["event_date"], channel=RequestChannel.ONLINE,
                                 deceased=self._deceased(member, values.get("deceased")),
                                 language=(request.user.language or "ar"))
        return self._detail(created.pk, status.HTTP_201_CREATED)


