"""/api/v1/membership-applications/ (desk staff: their units' applications; the central office: all) and
/api/v1/me/membership-requests/ (a member's own requests): list, read with documents and timeline, file, add
scans, and the unit's decision. The same services as the pages; another's object is not found (404)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from members.api.permissions import ApiViewMixin, IsDeskStaff, IsMember, member_of
from members.api.serializers import error_responses
from members.models import Beneficiary, Member
from units.models import ServiceUnit

from ..models import ApplicationChannel, MembershipApplication
from ..selectors import applications_for_member, applications_for_staff
from ..services import (
    ApplicantInput,
    PersonInput,
    application_approve,
    application_reject,
    application_submit,
    document_add,
    member_request_submit,
)
from .serializers import (
    ApplicationDocumentSerializer,
    DeskApplicationCreateSerializer,
    DeskMemberRequestCreateSerializer,
    DocumentUploadSerializer,
    MemberRequestCreateSerializer,
    MembershipApplicationDetailSerializer,
    MembershipApplicationSerializer,
    RejectSerializer,
)

STATE_REFUSALS = ("not_submitted", "conflict", "closed")  # the application's state, not the input: 409


def _refusal(error: ValidationError):
    from mutuelle.api import Conflict

    if not hasattr(error, "error_dict") and error.code in STATE_REFUSALS:
        return Conflict(error.messages[0], code=error.code)
    return error


def _member_request(request, *, member: Member, values: dict, channel: str, **extra) -> MembershipApplication:
    target = Beneficiary.objects.filter(pk=values["target"], member=member).first() if values["target"] else None
    if values["target"] and target is None:
        raise ValidationError({"target": [ValidationError(_("Choose one of the member's children."),
                                                          code="target")]})
    person = PersonInput(**values["person"]) if values.get("person") else None
    return member_request_submit(channel=channel, by=request.user, member=member, kind=values["kind"],
                                 person=person, target=target, period_start=values["period_start"],
                                 period_end=values["period_end"], disabled_from=values["disabled_from"], **extra)


class _Base(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = MembershipApplicationSerializer

    def scope(self):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no caller
            return MembershipApplication.objects.none()
        return self.scope().select_related("home_unit").order_by("-created_at", "-id")

    def _detail(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        app = MembershipApplication.objects.prefetch_related("people", "documents", "status_changes").get(pk=pk)
        return Response(MembershipApplicationDetailSerializer(app, context=self.get_serializer_context()).data,
                        status=code)

    @extend_schema(responses={200: MembershipApplicationDetailSerializer})
    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object().pk)

    @extend_schema(request={"multipart/form-data": DocumentUploadSerializer},
                   responses={201: ApplicationDocumentSerializer, **error_responses(409)},
                   description="Adds a scan (checked like a file's scans). The last missing one makes an incomplete "
                               "application `submitted` again. Code `closed` (409): already decided.")
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def documents(self, request, pk=None):
        app = self.get_object()
        data = DocumentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = app.people.filter(pk=data.validated_data["person"]).first() if data.validated_data["person"] \
            else None
        try:
            document_add(app=app, by=request.user, kind=data.validated_data["kind"],
                         upload=data.validated_data["scan"], person=person)
        except ValidationError as error:
            raise _refusal(error) from None
        return Response(ApplicationDocumentSerializer(app.documents.order_by("-pk").first()).data,
                        status=status.HTTP_201_CREATED)


@extend_schema(tags=["memberships"])
class MembershipApplicationViewSet(_Base):
    """Applications and members' requests of the caller's units (desk staff), or of every unit (liquidators and
    administrators read all; administrators and the home unit's agents and managers decide)."""

    permission_classes = [IsDeskStaff]

    def scope(self):
        return applications_for_staff(user=self.request.user)

    @extend_schema(request=DeskApplicationCreateSerializer,
                   responses={201: MembershipApplicationDetailSerializer},
                   description="Registers an application handed in at a desk; scans follow on `documents/`. "
                               "Refused at once, nothing stored (400): an invalid CIN or IBAN (`cin`, `iban`), an "
                               "applicant under 18 (`under_18`), a date of taking office or received in the future "
                               "(`future`), a CIN already a member's (`already_member`, without saying whose). "
                               "Errors of a person name the field `people[<position>]`.")
    def create(self, request):
        data = DeskApplicationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        unit = ServiceUnit.objects.filter(code=values.pop("home_unit")).first()
        if unit is None:
            raise ValidationError({"home_unit": [ValidationError(_("No service unit with this code."),
                                                                 code="does_not_exist")]})
        people = [PersonInput(**person) for person in values.pop("people", [])]
        received_on, language = values.pop("received_on"), values.pop("language")
        app = application_submit(channel=ApplicationChannel.FRONT_DESK, by=request.user, home_unit=unit,
                                 applicant=ApplicantInput(**values), people=people, received_on=received_on,
                                 language=language)
        return self._detail(app.pk, status.HTTP_201_CREATED)

    @extend_schema(request=DeskMemberRequestCreateSerializer,
                   responses={201: MembershipApplicationDetailSerializer},
                   description="Registers a member's request handed in at a desk (add a spouse or a child, a "
                               "child's study period or disability), dated by the day received.")
    @action(detail=False, methods=["post"], url_path="member-requests")
    def member_requests(self, request):
        data = DeskMemberRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        member = Member.objects.filter(pk=values["member"]).first()
        if member is None:
            raise ValidationError({"member": [ValidationError(_("No member with this id."), code="does_not_exist")]})
        app = _member_request(request, member=member, values=values, channel=ApplicationChannel.FRONT_DESK,
                              received_on=values["received_on"], language=values["language"])
        return self._detail(app.pk, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: MembershipApplicationDetailSerializer, **error_responses(409)},
                   description="Approves a complete application: in one transaction the member (new membership "
                               "number), his family and the affiliation dated by the 90-day rule, or the "
                               "requested spouse, child, study period or disability. Only the home unit's agents "
                               "and managers and administrators (403 for others). `not_submitted` (409): "
                               "incomplete or already decided.")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        app = self.get_object()
        try:
            application_approve(app=app, by=request.user)
        except ValidationError as error:
            raise _refusal(error) from None
        return self._detail(app.pk)

    @extend_schema(request=RejectSerializer, responses={200: MembershipApplicationDetailSerializer,
                                                        **error_responses(409)},
                   description="Rejects with a reason (told to the requester). `conflict` (409): already decided.")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        app = self.get_object()
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            application_reject(app=app, by=request.user, reason=data.validated_data["reason"])
        except ValidationError as error:
            raise _refusal(error) from None
        return self._detail(app.pk)


@extend_schema(tags=["memberships"])
class MyMembershipRequestViewSet(_Base):
    """The member's own requests: add a spouse or a child, declare a child's study period or disability."""

    permission_classes = [IsMember]

    def scope(self):
        return applications_for_member(member=member_of(self.request.user))

    @extend_schema(request=MemberRequestCreateSerializer, responses={201: MembershipApplicationDetailSerializer},
                   description="Files a request online (received today); scans follow on `documents/`. `target` "
                               "must be one of the member's children (`target`, 400).")
    def create(self, request):
        data = MemberRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        app = _member_request(request, member=member_of(request.user), values=data.validated_data,
                              channel=ApplicationChannel.ONLINE, language=(request.user.language or "ar"))
        return self._detail(app.pk, status.HTTP_201_CREATED)
