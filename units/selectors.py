"""Reads of the units app: public unit pages, the desk queue, slots, and the manager dashboard figures.

Every staff read takes the units the caller may see (`units_for(user)`) so scoping lives in one place."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone, translation

from members.models import Member
from members.selectors import (
    MemberOverview,
    beneficiaries_cover,
    eligibility_reference,
    member_coverage,
    member_search,
    members_with_overview_data,
)

from .models import (
    ACTIVE_APPOINTMENT_STATUSES,
    Appointment,
    AppointmentStatus,
    LabOrder,
    Service,
    ServiceUnit,
    Slot,
    Visit,
    VisitStatus,
)
from .scoping import units_for

# --- Public pages ------------------------------------------------------------------------------------------------


def localized_name(obj, language: str | None = None) -> str:
    """`name_ar` in Arabic, `name_en` in English when the object has one, else `name_fr`."""
    language = (language or translation.get_language() or "fr")[:2]
    name_ar: str = getattr(obj, "name_ar", None) or ""
    name_en: str = getattr(obj, "name_en", None) or ""
    if language == "ar" and name_ar:
        return name_ar
    if language == "en" and name_en:
        return name_en
    return obj.name_fr


def unit_list() -> QuerySet[ServiceUnit]:
    return ServiceUnit.objects.prefetch_related(Prefetch("services", queryset=Service.objects.order_by("id")),
                                                "opening_hours")


def unit_get_public(*, code: str) -> ServiceUnit:
    return unit_list().get(code=code)


# --- Scoped querysets --------------------------------------------------------------------------------------------


def visits_for(user) -> QuerySet[Visit]:
    return Visit.objects.filter(unit__in=units_for(user)).select_related(
        "unit", "member", "beneficiary", "oriented_to", "staff", "visitor_mutual")


def slots_for(user) -> QuerySet[Slot]:
    return Slot.objects.filter(unit__in=units_for(user)).select_related("unit", "service")


def appointments_for(user) -> QuerySet[Appointment]:
    return Appointment.objects.filter(slot__unit__in=units_for(user)).select_related(
        "slot", "slot__unit", "slot__service", "member", "beneficiary", "booked_by")


def lab_orders_for(user) -> QuerySet[LabOrder]:
    return LabOrder.objects.filter(unit__in=units_for(user)).select_related(
        "unit", "member", "beneficiary", "prior_agreement", "claim")


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, start + timedelta(days=1)


def visit_queue(*, unit: ServiceUnit, day: date | None = None) -> QuerySet[Visit]:
    """Today's visits of a unit: waiting and being served first (by arrival), then the closed ones."""
    start, end = local_day_bounds(day or timezone.localdate())
    return (Visit.objects.filter(unit=unit, arrived_at__gte=start, arrived_at__lt=end)
            .select_related("member", "beneficiary", "oriented_to", "staff", "visitor_mutual")
            .order_by(F("closed_at").asc(nulls_first=True), "arrived_at", "id"))


# --- Member search at the desk -----------------------------------------------------------------------------------


def desk_member_search(*, query: str, limit: int = 8) -> list[MemberOverview]:
    """Members by membership number, CIN or name, each with coverage and beneficiaries' eligibility today,
    in a constant number of queries whatever the number of hits."""
    query = " ".join(query.split())
    if len(query) < 2:
        return []
    ids = [member.pk for member in member_search(query=query, limit=limit)]
    if not ids:
        return []
    found = {member.pk: member for member in members_with_overview_data().filter(pk__in=ids)}
    reference = eligibility_reference()
    on = timezone.localdate()
    overviews = []
    for pk in ids:
        member = found[pk]
        coverage = member_coverage(member=member, on=on)
        overviews.append(MemberOverview(member=member, coverage=coverage, beneficiaries=beneficiaries_cover(
            member=member, coverage=coverage, on=on, reference=reference)))
    return overviews


# --- Appointments ------------------------------------------------------------------------------------------------


def free_slots(*, unit: ServiceUnit, service: Service | None = None, after: datetime | None = None,
               limit: int = 40) -> QuerySet[Slot]:
    """Future slots with at least one place left, each annotated with `taken`."""
    slots = (Slot.objects.filter(unit=unit, start__gte=after or timezone.now(), service__bookable=True)
             .select_related("unit", "service")
             .annotate(taken=Count("appointments", filter=Q(appointments__status__in=ACTIVE_APPOINTMENT_STATUSES)))
             .filter(taken__lt=F("capacity")).order_by("start", "id"))
    if service is not None:
        slots = slots.filter(service=service)
    return slots[:limit]


def member_appointments(*, member: Member) -> QuerySet[Appointment]:
    return (Appointment.objects.filter(member=member)
            .select_related("slot", "slot__unit", "slot__service", "beneficiary").order_by("-slot__start", "-id"))


def member_upcoming_appointments(*, member: Member, limit: int = 5) -> QuerySet[Appointment]:
    """The member's booked appointments still to come, soonest first (the dashboard's short list)."""
    return (Appointment.objects.filter(member=member, status=AppointmentStatus.BOOKED, slot__start__gte=timezone.now())
            .select_related("slot", "slot__unit", "slot__service", "beneficiary").order_by("slot__start", "id")[:limit])


def day_sheet(*, unit: ServiceUnit, day: date, practitioner_name: str | None = None) -> QuerySet[Slot]:
    """A unit's slots on `day` with their live appointments, for the printable sheet per practitioner."""
    start, end = local_day_bounds(day)
    slots = Slot.objects.filter(unit=unit, start__gte=start, start__lt=end).select_related("service").prefetch_related(
        Prefetch("appointments", to_attr="sheet_appointments",
                 queryset=Appointment.objects.filter(status__in=ACTIVE_APPOINTMENT_STATUSES)
                 .select_related("beneficiary", "member").order_by("created_at", "id")))
    if practitioner_name:
        slots = slots.filter(practitioner_name=practitioner_name)
    return slots.order_by("practitioner_name", "start", "id")


def practitioners_of(*, unit: ServiceUnit) -> list[str]:
    return list(Slot.objects.filter(unit=unit).order_by("practitioner_name")
                .values_list("practitioner_name", flat=True).distinct())


# --- Manager dashboard -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardFigures:
    first_day: date
    last_day: date
    visits_per_day: list[tuple[date, int]]
    visits_per_service: list[tuple[str, int]]
    visits_total: int
    average_wait_minutes: float | None
    files_received: int
    files_liquidated: int
    files_rejected: int
    slot_capacity: int
    appointments_taken: int

    @property
    def fill_rate(self) -> float | None:
        if not self.slot_capacity:
            return None
        return round(100 * self.appointments_taken / self.slot_capacity, 1)


def unit_dashboard(*, units: QuerySet[ServiceUnit], last_day: date | None = None, days: int = 30) -> DashboardFigures:
    """The last `days` days up to `last_day` (inclusive), in a fixed number of aggregate queries."""
    from claims.models import ClaimFile, ClaimStatus

    last_day = last_day or timezone.localdate()
    first_day = last_day - timedelta(days=days - 1)
    start, _ = local_day_bounds(first_day)
    _, end = local_day_bounds(last_day)
    visits = Visit.objects.filter(unit__in=units, arrived_at__gte=start, arrived_at__lt=end)

    per_day = dict(visits.annotate(day=TruncDate("arrived_at", tzinfo=timezone.get_current_timezone()))
                   .values_list("day").annotate(n=Count("id")).values_list("day", "n"))
    series = [(first_day + timedelta(days=i), per_day.get(first_day + timedelta(days=i), 0)) for i in range(days)]

    per_service_rows = (visits.values("oriented_to__code", "oriented_to__name_fr", "oriented_to__name_ar",
                                      "oriented_to__name_en").annotate(n=Count("id")).order_by("-n",
                                                                                               "oriented_to__code"))
    per_service = []
    for row in per_service_rows:
        if row["oriented_to__code"] is None:
            from django.utils.translation import gettext

            label = gettext("Not oriented")
        else:
            label = localized_name(_Names(row["oriented_to__name_fr"], row["oriented_to__name_ar"],
                                          row["oriented_to__name_en"]))
        per_service.append((label, row["n"]))

    wait = visits.filter(served_at__isnull=False).aggregate(
        avg=Avg(ExpressionWrapper(F("served_at") - F("arrived_at"), output_field=DurationField())))["avg"]
    average_wait = None if wait is None else round(_as_timedelta(wait).total_seconds() / 60, 1)

    files = ClaimFile.objects.filter(unit__in=units, received_on__gte=first_day, received_on__lte=last_day).aggregate(
        received=Count("id"),
        liquidated=Count("id", filter=Q(status__in=[ClaimStatus.LIQUIDATED, ClaimStatus.PAID])),
        rejected=Count("id", filter=Q(status=ClaimStatus.REJECTED)),
    )
    slots = Slot.objects.filter(unit__in=units, start__gte=start, start__lt=end)
    capacity = slots.aggregate(total=Sum("capacity"))["total"] or 0
    taken = Appointment.objects.filter(slot__in=slots, status__in=ACTIVE_APPOINTMENT_STATUSES).count()
    return DashboardFigures(
        first_day=first_day, last_day=last_day, visits_per_day=series, visits_per_service=per_service,
        visits_total=sum(n for _, n in series), average_wait_minutes=average_wait,
        files_received=files["received"], files_liquidated=files["liquidated"], files_rejected=files["rejected"],
        slot_capacity=capacity, appointments_taken=taken,
    )


@dataclass(frozen=True)
class _Names:
    name_fr: str
    name_ar: str
    name_en: str


def _as_timedelta(value) -> timedelta:
    # PostgreSQL returns a timedelta; SQLite (make run) returns microseconds as a number.
    if isinstance(value, timedelta):
        return value
    return timedelta(microseconds=float(value))


def open_visits_count(*, unit: ServiceUnit) -> int:
    return visit_queue(unit=unit).exclude(status=VisitStatus.CLOSED).count()


def appointment_is_active(appointment: Appointment) -> bool:
    return appointment.status == AppointmentStatus.BOOKED


def beneficiary_cover_on(*, beneficiary, on: date):
    """Whether `beneficiary` is covered on `on`, the same answer as the member's pages (members.selectors)."""
    member = members_with_overview_data().get(pk=beneficiary.member_id)
    coverage = member_coverage(member=member, on=on)
    items = beneficiaries_cover(member=member, coverage=coverage, on=on)
    return next(item for item in items if item.beneficiary.pk == beneficiary.pk)
