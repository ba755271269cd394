"""Units API: units and their services, free slots, appointments (staff and the member's own), visits at the
desk and denture lab orders. Staff querysets start from units.selectors' `*_for(user)`, so another unit's
object is not found (404); writes call units.services."""

from datetime import UTC

import django_filters
from django.shortcuts import get_object_or_404
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from members.api.permissions import ApiViewMixin, IsDeskStaff, IsMember, member_of
from members.api.serializers import error_responses
from units import services
from units.models import (
    Appointment,
    AppointmentStatus,
    LabOrder,
    LabStage,
    Service,
    ServiceUnit,
    Slot,
    Visit,
    VisitStatus,
)
from units.selectors import (
    appointments_for,
    free_slots,
    lab_orders_for,
    member_appointments,
    slots_for,
    unit_list,
    visits_for,
)

from .serializers import (
    AppointmentBookSerializer,
    AppointmentMarkSerializer,
    AppointmentRescheduleSerializer,
    AppointmentSerializer,
    LabOrderAdvanceSerializer,
    LabOrderCreateSerializer,
    LabOrderSerializer,
    MyAppointmentBookSerializer,
    SlotSerializer,
    UnitSerializer,
    VisitCloseSerializer,
    VisitCreateSerializer,
    VisitReopenSerializer,
    VisitSerializer,
    VisitUpdateSerializer,
)


@extend_schema(tags=["units"])
class UnitViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The service units and the services each offers (any signed-in caller)."""

    serializer_class = UnitSerializer
    lookup_value_converter = "int"
    filterset_fields = ["code", "city", "region"]

    def get_queryset(self):
        return unit_list().order_by("code")


@extend_schema(tags=["units"])
class FreeSlotViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """Future slots of a unit with a place left (at most 40), for booking."""

    serializer_class = SlotSerializer
    filter_backends: list = []
    pagination_class = None

    @extend_schema(
        operation_id="free_slots_list",
        parameters=[OpenApiParameter("unit", str, required=True, description="Unit code."),
                    OpenApiParameter("service", str, description="Service code (bookable services only).")],
        responses={200: SlotSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def list(self, request):
        unit = get_object_or_404(ServiceUnit, code=request.query_params.get("unit", ""))
        service = None
        if request.query_params.get("service"):
            service = get_object_or_404(Service, code=request.query_params["service"])
        return Response(SlotSerializer(free_slots(unit=unit, service=service), many=True).data)


class UtcDateTimeField(IsoDateTimeField):
    def clean(self, value):
        # PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows: compare in UTC.
        value = super().clean(value)
        return value.astimezone(UTC) if value is not None else None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class SlotFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", label="Unit code")
    service = django_filters.CharFilter(field_name="service__code", label="Service code")
    starts_after = UtcDateTimeFilter(field_name="start", lookup_expr="gte")
    starts_before = UtcDateTimeFilter(field_name="start", lookup_expr="lt")

    class Meta:
        model = Slot
        fields = ["unit", "service", "practitioner_name", "starts_after", "starts_before"]


@extend_schema(tags=["units"])
class SlotViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The slots of the caller's units."""

    permission_classes = [IsDeskStaff]
    serializer_class = SlotSerializer
    lookup_value_converter = "int"
    filterset_class = SlotFilter

    def get_queryset(self):
        return slots_for(self.request.user).order_by("start", "id")


class AppointmentFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="slot__unit__code", label="Unit code")
    status = django_filters.ChoiceFilter(choices=AppointmentStatus.choices)
    starts_after = UtcDateTimeFilter(field_name="slot__start", lookup_expr="gte")
    starts_before = UtcDateTimeFilter(field_name="slot__start", lookup_expr="lt")

    class Meta:
        model = Appointment
        fields = ["unit", "status", "member", "beneficiary", "starts_after", "starts_before"]


class _AppointmentViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AppointmentSerializer
    lookup_value_converter = "int"
    book_serializer = AppointmentBookSerializer

    @extend_schema(request=AppointmentBookSerializer,
                   responses={201: AppointmentSerializer, **error_responses(409)},
                   description="Books a place. 409 `booking_refused` when the slot is full, started, or the "
                               "person already holds a place in it.")
    def create(self, request):
        data = self.book_serializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        appointment = services.appointment_book(by=request.user, **data.validated_data)
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AppointmentRescheduleSerializer, responses={201: AppointmentSerializer,
                                                                       **error_responses(409)},
                   description="Books the new slot first, then frees the old place; returns the new appointment. "
                               "409 `booking_refused` when the new slot is full or started, or the appointment "
                               "is not booked.")
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        appointment = self.get_object()
        slots = self.book_serializer(context=self.get_serializer_context()).fields["slot"].queryset
        data = AppointmentRescheduleSerializer(data=request.data, context={"slots": slots})
        data.is_valid(raise_exception=True)
        new = services.appointment_reschedule(appointment=appointment, slot=data.validated_data["slot"],
                                              by=request.user)
        return Response(AppointmentSerializer(new).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: AppointmentSerializer, **error_responses(409)},
                   description="Frees the place. 409 `booking_refused` unless the appointment is booked.")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        appointment = self.get_object()
        appointment = services.appointment_cancel(appointment=appointment, by=request.user)
        return Response(AppointmentSerializer(appointment).data)


@extend_schema(tags=["appointments"])
class AppointmentViewSet(_AppointmentViewSet):
    """Appointments in the caller's units: book, cancel, mark attended or not come."""

    permission_classes = [IsDeskStaff]
    filterset_class = AppointmentFilter

    def get_queryset(self):
        return appointments_for(self.request.user).order_by("slot__start", "id")

    @extend_schema(request=AppointmentMarkSerializer, responses={200: AppointmentSerializer, **error_responses(409)})
    @action(detail=True, methods=["post"])
    def mark(self, request, pk=None):
        appointment = self.get_object()
        data = AppointmentMarkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appointment = services.appointment_mark(appointment=appointment, by=request.user, **data.validated_data)
        return Response(AppointmentSerializer(appointment).data)


@extend_schema(tags=["me"])
class MyAppointmentViewSet(_AppointmentViewSet):
    """The caller's own appointments (every beneficiary): book at any unit, cancel."""

    permission_classes = [IsMember]
    filterset_fields = ["status", "beneficiary"]
    book_serializer = MyAppointmentBookSerializer

    def get_queryset(self):
        return member_appointments(member=member_of(self.request.user))

    @extend_schema(request=MyAppointmentBookSerializer,
                   responses={201: AppointmentSerializer, **error_responses(409)},
                   description="Books a place for one of the caller's beneficiaries. 409 `booking_refused` when "
                               "the slot is full, started, or the person already holds a place in it.")
    def create(self, request):
        return super().create(request)


class VisitFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", label="Unit code")
    status = django_filters.ChoiceFilter(choices=VisitStatus.choices)
    arrived_after = UtcDateTimeFilter(field_name="arrived_at", lookup_expr="gte")
    arrived_before = UtcDateTimeFilter(field_name="arrived_at", lookup_expr="lt")

    class Meta:
        model = Visit
        fields = ["unit", "status", "member", "arrived_after", "arrived_before"]


@extend_schema(tags=["visits"])
class VisitViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The desk's path: reception (create) → diagnosis and orientation (update) → serve → close → follow-up
    (reopen)."""

    permission_classes = [IsDeskStaff]
    serializer_class = VisitSerializer
    lookup_value_converter = "int"
    filterset_class = VisitFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return visits_for(self.request.user).order_by("-arrived_at", "-id")

    @extend_schema(request=VisitCreateSerializer, responses={201: VisitSerializer})
    def create(self, request):
        data = VisitCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        visit = services.visit_create(by=request.user, **data.validated_data)
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VisitUpdateSerializer, responses={200: VisitSerializer})
    def partial_update(self, request, pk=None):
        visit = self.get_object()
        data = VisitUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visit = services.visit_update(visit=visit, by=request.user, **data.validated_data)
        return Response(VisitSerializer(visit).data)

    @extend_schema(request=None, responses={200: VisitSerializer})
    @action(detail=True, methods=["post"])
    def serve(self, request, pk=None):
        return Response(VisitSerializer(services.visit_serve(visit=self.get_object(), by=request.user)).data)

    @extend_schema(request=VisitCloseSerializer, responses={200: VisitSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = VisitCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visit = services.visit_close(visit=self.get_object(), by=request.user, **data.validated_data)
        return Response(VisitSerializer(visit).data)

    @extend_schema(request=VisitReopenSerializer, responses={200: VisitSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        data = VisitReopenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visit = services.visit_reopen(visit=self.get_object(), by=request.user, **data.validated_data)
        return Response(VisitSerializer(visit).data)


class LabOrderFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", label="Unit code")
    stage = django_filters.ChoiceFilter(choices=LabStage.choices)

    class Meta:
        model = LabOrder
        fields = ["unit", "stage", "member", "beneficiary"]


@extend_schema(tags=["lab orders"])
class LabOrderViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Removable dentures made at a unit's lab: impression → try-in → delivered (which files a PAD claim)."""

    permission_classes = [IsDeskStaff]
    serializer_class = LabOrderSerializer
    lookup_value_converter = "int"
    filterset_class = LabOrderFilter

    def get_queryset(self):
        return lab_orders_for(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=LabOrderCreateSerializer, responses={201: LabOrderSerializer, **error_responses(409)})
    def create(self, request):
        data = LabOrderCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        lab_order = services.lab_order_create(by=request.user, **data.validated_data)
        return Response(LabOrderSerializer(lab_order).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LabOrderAdvanceSerializer, responses={200: LabOrderSerializer, **error_responses(409)},
                   description="Next stage. On delivery the PAD claim file is created and queued for liquidation. "
                               "409 `lab_order_refused` when already delivered or dated before the previous stage.")
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        lab_order = self.get_object()
        data = LabOrderAdvanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lab_order = services.lab_order_advance(lab_order=lab_order, by=request.user, **data.validated_data)
        return Response(LabOrderSerializer(lab_order).data)
