"""Serializers of the units API: units, slots, appointments, visits at the desk, denture lab orders.

Input serializers only parse and scope the objects a caller may name; units.services decides."""

from decimal import Decimal

from rest_framework import serializers

from claims.models import ClaimFile, PriorAgreement
from members.models import Beneficiary, Member, Mutual
from units.models import (
    Appointment,
    AppointmentStatus,
    LabOrder,
    OpeningHours,
    RequestType,
    Service,
    ServiceUnit,
    Slot,
    Visit,
)
from units.scoping import units_for


class ServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["code", "name_en", "name_fr", "name_ar", "bookable"]


class OpeningHoursSerializer(serializers.ModelSerializer):
    """One period a unit is open: weekday 0 is Monday; times as HH:MM in local time."""

    opens = serializers.TimeField(format="%H:%M")
    closes = serializers.TimeField(format="%H:%M")

    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]


class UnitSerializer(serializers.ModelSerializer):
    services = ServiceSerializer(many=True, read_only=True)
    opening_hours = OpeningHoursSerializer(many=True, read_only=True)

    class Meta:
        model = ServiceUnit
        fields = ["id", "code", "name_fr", "name_ar", "city", "region", "address", "address_ar", "latitude",
                  "longitude", "opened_on", "built_area_m2", "staff_count", "phone", "opening_hours", "services"]


class SlotSerializer(serializers.ModelSerializer):
    unit: "serializers.SlugRelatedField[ServiceUnit]" = serializers.SlugRelatedField(slug_field="code", read_only=True)
    service: "serializers.SlugRelatedField[Service]" = serializers.SlugRelatedField(slug_field="code", read_only=True)
    places_left = serializers.SerializerMethodField()

    class Meta:
        model = Slot
        fields = ["id", "unit", "service", "practitioner_name", "start", "end", "capacity", "places_left"]

    def get_places_left(self, slot) -> int | None:
        taken = getattr(slot, "taken", None)
        return None if taken is None else max(slot.capacity - taken, 0)


class AppointmentSerializer(serializers.ModelSerializer):
    slot = SlotSerializer(read_only=True)

    class Meta:
        model = Appointment
        fields = ["id", "slot", "member", "beneficiary", "status", "created_at", "cancelled_at", "rescheduled_from"]


class _ScopedMixin:
    """Sets each related field's queryset from the caller (context["request"].user)."""

    def scoped(self, user) -> dict:
        return {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            for name, queryset in self.scoped(request.user).items():
                self.fields[name].queryset = queryset


class AppointmentBookSerializer(_ScopedMixin, serializers.Serializer):
    slot = serializers.PrimaryKeyRelatedField(queryset=Slot.objects.none())
    beneficiary = serializers.PrimaryKeyRelatedField(queryset=Beneficiary.objects.none())

    def scoped(self, user) -> dict:
        return {"slot": Slot.objects.filter(unit__in=units_for(user)), "beneficiary": Beneficiary.objects.all()}


class MyAppointmentBookSerializer(AppointmentBookSerializer):
    """A member books any unit's slot, for one of his own beneficiaries."""

    def scoped(self, user) -> dict:
        return {"slot": Slot.objects.all(), "beneficiary": Beneficiary.objects.filter(member__user=user)}


class AppointmentRescheduleSerializer(serializers.Serializer):
    slot = serializers.PrimaryKeyRelatedField(queryset=Slot.objects.none(), help_text="The new slot.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slots" in self.context:  # the slots the caller may book (his units', or any for a member)
            self.fields["slot"].queryset = self.context["slots"]


class AppointmentMarkSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW])


class VisitSerializer(serializers.ModelSerializer):
    unit: "serializers.SlugRelatedField[ServiceUnit]" = serializers.SlugRelatedField(slug_field="code", read_only=True)
    oriented_to: "serializers.SlugRelatedField[Service]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True)
    visitor_mutual: "serializers.SlugRelatedField[Mutual]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True)
    request_types = serializers.ListField(child=serializers.ChoiceField(choices=RequestType.choices))

    class Meta:
        model = Visit
        fields = ["id", "unit", "member", "beneficiary", "visitor_name", "visitor_cin", "visitor_mutual",
                  "request_types", "oriented_to", "staff", "status", "arrived_at", "served_at", "closed_at",
                  "outcome", "follow_up_notes"]


class VisitCreateSerializer(_ScopedMixin, serializers.Serializer):
    unit = serializers.SlugRelatedField(slug_field="code", queryset=ServiceUnit.objects.none())
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all(), required=False, allow_null=True)
    beneficiary = serializers.PrimaryKeyRelatedField(queryset=Beneficiary.objects.all(), required=False,
                                                     allow_null=True)
    visitor_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    visitor_cin = serializers.CharField(max_length=8, required=False, allow_blank=True, default="")
    visitor_mutual = serializers.SlugRelatedField(slug_field="code", queryset=Mutual.objects.all(), required=False,
                                                  allow_null=True)
    request_types = serializers.ListField(child=serializers.ChoiceField(choices=RequestType.choices),
                                          required=False, default=list)
    oriented_to = serializers.SlugRelatedField(slug_field="code", queryset=Service.objects.all(), required=False,
                                               allow_null=True)

    def scoped(self, user) -> dict:
        return {"unit": units_for(user)}


class VisitUpdateSerializer(serializers.Serializer):
    request_types = serializers.ListField(child=serializers.ChoiceField(choices=RequestType.choices),
                                          required=False)
    oriented_to = serializers.SlugRelatedField(slug_field="code", queryset=Service.objects.all(), required=False)
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    follow_up_notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class VisitCloseSerializer(serializers.Serializer):
    outcome = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class VisitReopenSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class LabOrderSerializer(serializers.ModelSerializer):
    unit: "serializers.SlugRelatedField[ServiceUnit]" = serializers.SlugRelatedField(slug_field="code", read_only=True)
    prior_agreement: "serializers.SlugRelatedField[PriorAgreement]" = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, allow_null=True)
    claim: "serializers.PrimaryKeyRelatedField[ClaimFile]" = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The PAD claim file created on delivery.")

    class Meta:
        model = LabOrder
        fields = ["id", "unit", "member", "beneficiary", "practitioner_name", "prior_agreement", "price", "stage",
                  "impression_on", "try_in_on", "delivered_on", "claim", "notes", "created_at"]


class LabOrderCreateSerializer(_ScopedMixin, serializers.Serializer):
    unit = serializers.SlugRelatedField(slug_field="code", queryset=ServiceUnit.objects.none())
    beneficiary = serializers.PrimaryKeyRelatedField(queryset=Beneficiary.objects.all())
    practitioner_name = serializers.CharField(max_length=200)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    impression_on = serializers.DateField(required=False)
    prior_agreement = serializers.SlugRelatedField(slug_field="reference", queryset=PriorAgreement.objects.all(),
                                                   required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)

    def scoped(self, user) -> dict:
        return {"unit": units_for(user)}


class LabOrderAdvanceSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text="Date of the new stage (today by default).")
