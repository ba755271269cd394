"""Reads of the unit manager's home (the dashboard's top): the unit's work as it stands now, in a fixed number of
queries whatever the unit's size: files by status, membership and provident requests waiting, today's visits and
appointments, the staff."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import ACTIVE_APPOINTMENT_STATUSES, Appointment, ServiceUnit, StaffAssignment, Visit, VisitStatus
from .selectors import local_day_bounds


@dataclass(frozen=True)
class UnitNow:
    files_by_status: list[tuple[str, str, int]]  # (status, its label, files), pipeline order, drafts left out
    memberships_waiting: int
    provident_waiting: int
    visits_waiting: int
    visits_today: int
    appointments_today: int
    staff: list[StaffAssignment]


def unit_now(*, units: QuerySet[ServiceUnit]) -> UnitNow:
    from claims.models import ClaimFile, ClaimStatus
    from memberships.models import ApplicationStatus, MembershipApplication
    from provident.models import ProvidentRequest, RequestStatus

    # The unit's files: received at its desk, and online files of members whose home unit it is (as the desk lists)
    files = ClaimFile.objects.filter(Q(unit__in=units) | Q(unit__isnull=True, member__home_unit__in=units))
    counts = dict(files.exclude(status=ClaimStatus.DRAFT).values_list("status").annotate(n=Count("id"))
                  .values_list("status", "n"))
    by_status = [(status, str(label), counts.get(status, 0)) for status, label in ClaimStatus.choices
                 if status != ClaimStatus.DRAFT]
    memberships = MembershipApplication.objects.filter(
        home_unit__in=units, status__in=(ApplicationStatus.SUBMITTED, ApplicationStatus.INCOMPLETE)).count()
    provident = ProvidentRequest.objects.filter(
        Q(unit__in=units) | Q(unit__isnull=True, member__home_unit__in=units),
        status__in=(RequestStatus.RECEIVED, RequestStatus.INCOMPLETE, RequestStatus.IN_REVIEW)).count()
    start, end = local_day_bounds(timezone.localdate())
    visits = Visit.objects.filter(unit__in=units, arrived_at__gte=start, arrived_at__lt=end).aggregate(
        today=Count("id"), waiting=Count("id", filter=Q(status=VisitStatus.OPEN)))
    appointments = Appointment.objects.filter(slot__unit__in=units, slot__start__gte=start, slot__start__lt=end,
                                              status__in=ACTIVE_APPOINTMENT_STATUSES).count()
    staff = list(StaffAssignment.objects.filter(unit__in=units).select_related("user", "unit")
                 .order_by("unit__code", "role", "user__last_name", "user__username"))
    return UnitNow(files_by_status=by_status, memberships_waiting=memberships, provident_waiting=provident,
                   visits_waiting=visits["waiting"], visits_today=visits["today"],
                   appointments_today=appointments, staff=staff)
