"""The member's own appointments and denture lab orders (member space, /me/…). Everything starts from the
member of the logged-in account, so another member's appointment is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.selectors import member_for_user

from .. import services
from ..models import AppointmentStatus, LabOrder, ServiceUnit, Slot
from ..selectors import free_slots, member_appointments
from .common import id_param


def _member(request: HttpRequest):
    member = member_for_user(user=request.user)
    if member is None:
        raise Http404
    return member


@login_required
def my_appointments(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    return render(request, "units/my_appointments.html", {
        "member": member, "appointments": member_appointments(member=member)[:100]})


@login_required
def my_booking(request: HttpRequest) -> HttpResponse:
    """Book online: choose a unit and a service, then a free slot and the beneficiary."""
    member = _member(request)
    units = ServiceUnit.objects.order_by("code")
    unit = units.filter(code=request.GET.get("unit") or request.POST.get("unit") or "").first() or (
        member.home_unit or units.first())
    services_offered = list(unit.services.filter(bookable=True)) if unit else []
    service = next((s for s in services_offered if s.code == (request.GET.get("service") or request.POST.get(
        "service"))), services_offered[0] if services_offered else None)
    if request.method == "POST":
        beneficiary = get_object_or_404(member.beneficiaries, pk=id_param(request.POST.get("beneficiary")))
        slot = get_object_or_404(Slot.objects.filter(unit=unit, service=service), pk=id_param(request.POST.get("slot")))
        try:
            services.appointment_book(slot=slot, beneficiary=beneficiary, by=request.user)
        except services.BookingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your appointment is booked. A reminder will be e-mailed the day before."))
            return redirect("units:my_appointments")
    return render(request, "units/my_booking.html", {
        "member": member, "units": units, "unit": unit, "services": services_offered, "service": service,
        "slots": free_slots(unit=unit, service=service) if unit and service else [],
        "beneficiaries": member.beneficiaries.all()})


@require_POST
@login_required
def my_appointment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    appointment = get_object_or_404(member.appointments, pk=pk)
    try:
        services.appointment_cancel(appointment=appointment, by=request.user)
    except services.BookingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your appointment is cancelled."))
    return redirect("units:my_appointments")


@login_required
def my_appointment_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    appointment = get_object_or_404(member.appointments.select_related("slot", "slot__unit", "slot__service",
                                                                       "beneficiary"),
                                    pk=pk, status=AppointmentStatus.BOOKED)
    unit, service = appointment.slot.unit, appointment.slot.service
    if request.method == "POST":
        slot = get_object_or_404(unit.slots.filter(service=service), pk=id_param(request.POST.get("slot")))
        try:
            services.appointment_reschedule(appointment=appointment, slot=slot, by=request.user)
        except services.BookingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your appointment has been moved."))
            return redirect("units:my_appointments")
    slots = [s for s in free_slots(unit=unit, service=service) if s.pk != appointment.slot_id]
    return render(request, "units/my_reschedule.html", {"appointment": appointment, "slots": slots})


@login_required
def my_lab_orders(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    orders = LabOrder.objects.filter(member=member).select_related("unit", "beneficiary", "claim")
    return render(request, "units/my_lab_orders.html", {"orders": orders, "member": member})
