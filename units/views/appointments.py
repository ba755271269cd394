"""Appointments at the desk: booking for a member, the unit's list, the printable day sheet."""

from datetime import date

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.models import Beneficiary, Member
from members.selectors import RELATION_ORDER

from .. import services
from ..http import DeskRequest
from ..models import AppointmentStatus, Service
from ..selectors import (
    appointments_for,
    beneficiary_cover_on,
    day_sheet,
    free_slots,
    local_day_bounds,
    practitioners_of,
    slots_for,
)
from .common import cover_confirm, current_unit, id_param, role_permission_required


def _booking_context(unit, member: Member, service_code: str | None) -> dict:
    bookable = [s for s in unit.services.all() if s.bookable]
    service = next((s for s in bookable if s.code == service_code), None)
    beneficiaries = sorted(member.beneficiaries.all(), key=lambda b: (RELATION_ORDER[b.relation], b.birth_date))
    return {"unit": unit, "member": member, "beneficiaries": beneficiaries,
            "services": bookable, "service": service, "slots": list(free_slots(unit=unit, service=service))}


@role_permission_required("units.add_appointment")
def booking_panel(request: DeskRequest) -> HttpResponse:
    """The booking panel of the desk (htmx): the member's beneficiaries and the unit's free slots."""
    unit = current_unit(request)
    member = get_object_or_404(Member, pk=id_param(request.GET.get("member")))
    return render(request, "units/partials/booking_panel.html",
                  _booking_context(unit, member, request.GET.get("service")))


@require_POST
@role_permission_required("units.add_appointment")
def booking_create(request: DeskRequest) -> HttpResponse:
    unit = current_unit(request)
    beneficiary = get_object_or_404(Beneficiary.objects.select_related("member"),
                                    pk=id_param(request.POST.get("beneficiary")))
    slot = get_object_or_404(slots_for(request.user), pk=id_param(request.POST.get("slot")))
    cover = beneficiary_cover_on(beneficiary=beneficiary, on=timezone.localtime(slot.start).date())
    if not cover.eligible and not request.POST.get("confirm_uncovered"):
        return cover_confirm(request, cover=cover, action=request.get_full_path(), label=_("Book all the same"))
    try:
        appointment = services.appointment_book(slot=slot, beneficiary=beneficiary, by=request.user)
    except services.BookingError as error:
        context = _booking_context(unit, beneficiary.member, request.POST.get("service"))
        context["error"] = str(error)
        return render(request, "units/partials/booking_panel.html", context, status=200 if request.htmx else 409)
    if request.htmx:
        return render(request, "units/partials/booking_done.html", {"appointment": appointment})
    messages.success(request, _("Appointment booked."))
    return redirect("units:appointment", pk=appointment.pk)


@role_permission_required("units.view_appointment")
def appointment_list(request: DeskRequest) -> HttpResponse:
    unit = current_unit(request)
    start, _end = local_day_bounds(timezone.localdate())
    appointments = (appointments_for(request.user).filter(slot__unit=unit, slot__start__gte=start)
                    .order_by("slot__start", "id")[:200])
    return render(request, "units/appointment_list.html", {
        "unit": unit, "appointments": appointments, "desk_units": request.desk_units,
        "practitioners": practitioners_of(unit=unit)})


@role_permission_required("units.view_appointment")
def appointment_detail(request: DeskRequest, pk: int) -> HttpResponse:
    appointment = get_object_or_404(appointments_for(request.user), pk=pk)
    return render(request, "units/appointment_detail.html", {"appointment": appointment})


@require_POST
@role_permission_required("units.change_appointment")
def appointment_action(request: DeskRequest, pk: int, action: str) -> HttpResponse:
    appointment = get_object_or_404(appointments_for(request.user), pk=pk)
    try:
        if action == "cancel":
            services.appointment_cancel(appointment=appointment, by=request.user)
        elif action in (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW):
            services.appointment_mark(appointment=appointment, status=action, by=request.user)
    except services.BookingError as error:
        messages.error(request, str(error))
    return redirect("units:appointment", pk=appointment.pk)


@role_permission_required("units.view_appointment")
def appointment_day_sheet(request: DeskRequest) -> HttpResponse:
    """Printable: one practitioner's (or every practitioner's) slots and patients for a day."""
    unit = current_unit(request)
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    practitioner = request.GET.get("practitioner") or None
    slots = list(day_sheet(unit=unit, day=day, practitioner_name=practitioner))
    return render(request, "units/day_sheet.html", {
        "unit": unit, "day": day, "practitioner": practitioner, "slots": slots,
        "practitioners": practitioners_of(unit=unit), "desk_units": request.desk_units})


def bookable_services() -> list[Service]:
    return list(Service.objects.filter(bookable=True))
