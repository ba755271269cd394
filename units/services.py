"""Writes of the units app: visits at the desk, appointments, denture lab orders, reminders."""

import logging
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.models import Beneficiary, Member, Mutual
from notices import messages as notices_messages
from notices.services import notice_create

if TYPE_CHECKING:
    from claims.models import ClaimFile

from .models import (
    ACTIVE_APPOINTMENT_STATUSES,
    LAB_STAGE_ORDER,
    Appointment,
    AppointmentStatus,
    LabOrder,
    LabStage,
    RequestType,
    Service,
    ServiceUnit,
    Slot,
    Visit,
    VisitStatus,
)

logger = logging.getLogger(__name__)

# --- Visits ------------------------------------------------------------------------------------------------------


def visit_create(*, unit: ServiceUnit, by, member: Member | None = None, beneficiary: Beneficiary | None = None,
                 visitor_name: str = "", visitor_cin: str = "", visitor_mutual: Mutual | None = None,
                 request_types: list[str] | None = None, oriented_to: Service | None = None) -> Visit:
    """Reception: a visitor arrives. Either an identified member (and beneficiary) or a name to call them by."""
    if beneficiary is not None and member is None:
        member = beneficiary.member
    if beneficiary is not None and member is not None and beneficiary.member_id != member.pk:
        raise ValidationError(_("This beneficiary does not belong to this member."))
    if member is None and not visitor_name.strip():
        raise ValidationError(_("Identify the member or write the visitor's name."))
    unknown = set(request_types or []) - set(RequestType.values)
    if unknown:
        raise ValidationError(_("Unknown request type."))
    return Visit.objects.create(
        unit=unit, member=member, beneficiary=beneficiary, visitor_name=visitor_name.strip(),
        visitor_cin=visitor_cin.strip().upper(), visitor_mutual=visitor_mutual or (member.mutual if member else None),
        request_types=list(dict.fromkeys(request_types or [])), oriented_to=oriented_to, arrived_at=timezone.now(),
    )


def visit_update(*, visit: Visit, by, request_types: list[str] | None = None, oriented_to: Service | None = None,
                 outcome: str | None = None, follow_up_notes: str | None = None) -> Visit:
    """Diagnosis and orientation: what the visitor needs and which service takes it."""
    if request_types is not None:
        if set(request_types) - set(RequestType.values):
            raise ValidationError(_("Unknown request type."))
        visit.request_types = list(dict.fromkeys(request_types))
    if oriented_to is not None:
        visit.oriented_to = oriented_to
    if outcome is not None:
        visit.outcome = outcome.strip()
    if follow_up_notes is not None:
        visit.follow_up_notes = follow_up_notes.strip()
    visit.save()
    return visit


def visit_serve(*, visit: Visit, by) -> Visit:
    """The visitor is called to a counter: the waiting time ends here."""
    if visit.status != VisitStatus.OPEN:
        return visit
    visit.status = VisitStatus.IN_PROGRESS
    visit.served_at = timezone.now()
    visit.staff = by
    visit.save(update_fields=["status", "served_at", "staff"])
    return visit


def visit_close(*, visit: Visit, by, outcome: str = "") -> Visit:
    if visit.status == VisitStatus.CLOSED:
        return visit
    now = timezone.now()
    if visit.served_at is None:
        visit.served_at = now
    visit.staff = visit.staff or by
    visit.status = VisitStatus.CLOSED
    visit.closed_at = now
    if outcome.strip():
        visit.outcome = outcome.strip()
    visit.save(update_fields=["status", "served_at", "closed_at", "staff", "outcome"])
    return visit


def visit_reopen(*, visit: Visit, by, note: str = "") -> Visit:
    """Follow-up: a closed request comes back (missing document brought, answer from the head office)."""
    visit.status = VisitStatus.IN_PROGRESS
    visit.closed_at = None
    if note.strip():
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        visit.follow_up_notes = f"{visit.follow_up_notes}\n{stamp} — {note.strip()}".strip()
    visit.save(update_fields=["status", "closed_at", "follow_up_notes"])
    return visit


# --- Appointments ------------------------------------------------------------------------------------------------


class BookingError(Exception):
    """A booking the rules refuse; the message is for the person booking."""


@transaction.atomic
def appointment_book(*, slot: Slot, beneficiary: Beneficiary, by, rescheduled_from: Appointment | None = None
                     ) -> Appointment:
    """Books a place in `slot` for `beneficiary`.

    Capacity: the slot's row is locked (SELECT … FOR UPDATE) before counting its places, so two desks or a desk
    and the member online cannot both take the last place. Double booking of one beneficiary in one slot is also
    refused by a partial unique constraint, whatever the path."""
    slot = Slot.objects.select_for_update().select_related("service").get(pk=slot.pk)
    if not slot.service.bookable:
        raise BookingError(gettext("This service is not booked by appointment."))
    if slot.start <= timezone.now():
        raise BookingError(gettext("This slot has already started."))
    taken = slot.appointments.filter(status__in=ACTIVE_APPOINTMENT_STATUSES)
    if taken.filter(beneficiary=beneficiary).exists():
        raise BookingError(gettext("This person already has an appointment in this slot."))
    if taken.count() >= slot.capacity:
        raise BookingError(gettext("This slot is full."))
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(slot=slot, member_id=beneficiary.member_id,
                                                     beneficiary=beneficiary, booked_by=by,
                                                     rescheduled_from=rescheduled_from)
    except IntegrityError as error:
        raise BookingError(gettext("This person already has an appointment in this slot.")) from error
    _appointment_notice(appointment, notices_messages.APPOINTMENT_BOOKED)
    return appointment


def _appointment_notice(appointment: Appointment, code: str) -> None:
    """The member's notification centre (and e-mail/SMS as chosen), in the transaction of the booking."""
    slot = Slot.objects.select_related("unit").get(pk=appointment.slot_id)
    start = timezone.localtime(slot.start)
    user_id = Member.objects.filter(pk=appointment.member_id).values_list("user_id", flat=True).first()
    notice_create(user_id=user_id, code=code, link=reverse("units:my_appointments"), deliver=True, params={
        "unit": {"fr": slot.unit.name_fr, "ar": slot.unit.name_ar, "en": slot.unit.name_fr},
        "date": start.date(), "time": start.strftime("%H:%M")})


def appointment_cancel(*, appointment: Appointment, by) -> Appointment:
    """Frees the place. A conditional update, so a cancel racing an 'attended' mark cannot undo it."""
    now = timezone.now()
    moved = Appointment.objects.filter(pk=appointment.pk, status=AppointmentStatus.BOOKED).update(
        status=AppointmentStatus.CANCELLED, cancelled_at=now)
    if moved != 1:
        appointment.refresh_from_db()
        raise BookingError(gettext("Only a booked appointment can be cancelled."))
    appointment.refresh_from_db()
    appointment.save(update_fields=["status"])  # writes the history row with the request's user
    if by is None or by.pk != getattr(Member.objects.filter(pk=appointment.member_id).first(), "user_id", None):
        _appointment_notice(appointment, notices_messages.APPOINTMENT_CANCELLED)
    return appointment


@transaction.atomic
def appointment_reschedule(*, appointment: Appointment, slot: Slot, by) -> Appointment:
    """Moves an appointment to another slot: the new place is booked first, then the old one freed."""
    if appointment.status != AppointmentStatus.BOOKED:
        raise BookingError(gettext("Only a booked appointment can be moved."))
    if slot.pk == appointment.slot_id:
        raise BookingError(gettext("Choose another slot."))
    new = appointment_book(slot=slot, beneficiary=appointment.beneficiary, by=by, rescheduled_from=appointment)
    appointment_cancel(appointment=appointment, by=by)
    return new


def appointment_mark(*, appointment: Appointment, status: str, by) -> Appointment:
    if status not in (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW):
        raise BookingError(gettext("Unknown status."))
    moved = Appointment.objects.filter(pk=appointment.pk, status=AppointmentStatus.BOOKED).update(status=status)
    appointment.refresh_from_db()
    if moved != 1:
        raise BookingError(gettext("Only a booked appointment can be marked."))
    appointment.save(update_fields=["status"])
    return appointment


def appointment_send_reminders(*, today: date | None = None) -> int:
    """E-mails every member with an appointment tomorrow, once: each reminder is claimed by a conditional update
    of `reminded_at`, so a second run (or two workers) sends nothing twice. Returns the number sent."""
    from .selectors import local_day_bounds

    today = today or timezone.localdate()
    start, end = local_day_bounds(today + timedelta(days=1))
    due = (Appointment.objects.filter(status=AppointmentStatus.BOOKED, reminded_at__isnull=True,
                                      slot__start__gte=start, slot__start__lt=end)
           .select_related("slot", "slot__unit", "slot__service", "member", "member__user", "beneficiary"))
    sent = 0
    for appointment in due:
        if not Appointment.objects.filter(pk=appointment.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()):
            continue
        member = appointment.member
        if not member.email:
            continue
        language = (member.user.language if member.user is not None and member.user.language else "fr")
        with translation.override(language):
            from .selectors import localized_name

            slot = appointment.slot
            subject = gettext("Reminder: your appointment tomorrow")
            body = gettext(
                "Hello,\n\nThis is a reminder of the appointment of %(person)s tomorrow at %(time)s: %(service)s "
                "with %(practitioner)s at the %(unit)s (%(address)s).\n\nIf you cannot come, please cancel it from "
                "your member space or call %(phone)s so the place goes to someone else.\n"
            ) % {
                "person": appointment.beneficiary.full_name,
                "time": timezone.localtime(slot.start).strftime("%H:%M"),
                "service": localized_name(slot.service), "practitioner": slot.practitioner_name,
                "unit": localized_name(slot.unit),
                "address": slot.unit.address_ar if language == "ar" and slot.unit.address_ar else slot.unit.address,
                "phone": slot.unit.phone,
            }
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [member.email])
        except Exception:  # the claim stays: a failed send is logged, not retried into a duplicate
            logger.exception("appointment reminder %s could not be sent", appointment.pk)
            continue
        sent += 1
    return sent


# --- Denture lab -------------------------------------------------------------------------------------------------


class LabOrderError(Exception):
    pass


def lab_order_create(*, unit: ServiceUnit, beneficiary: Beneficiary, practitioner_name: str, price: Decimal,
                     by, impression_on: date | None = None, prior_agreement=None, notes: str = "") -> LabOrder:
    if prior_agreement is not None and prior_agreement.beneficiary_id != beneficiary.pk:
        raise LabOrderError(gettext("This prior agreement is for another beneficiary."))
    return LabOrder.objects.create(
        unit=unit, member_id=beneficiary.member_id, beneficiary=beneficiary, practitioner_name=practitioner_name,
        price=Decimal(price).quantize(Decimal("0.01")), impression_on=impression_on or timezone.localdate(),
        prior_agreement=prior_agreement, notes=notes, created_by=by,
    )


@transaction.atomic
def lab_order_advance(*, lab_order: LabOrder, by, on: date | None = None) -> LabOrder:
    """Moves the order to its next stage (impression → try-in → delivered) with the date.

    On delivery the claim file for the act PAD is created, received at the unit, and queued for liquidation."""
    lab_order = LabOrder.objects.select_for_update().get(pk=lab_order.pk)
    index = LAB_STAGE_ORDER.index(LabStage(lab_order.stage))
    if index + 1 >= len(LAB_STAGE_ORDER):
        raise LabOrderError(gettext("This order has already been delivered."))
    on = on or timezone.localdate()
    next_stage = LAB_STAGE_ORDER[index + 1]
    previous_date = lab_order.try_in_on if lab_order.stage == LabStage.TRY_IN else lab_order.impression_on
    if previous_date is not None and on < previous_date:
        raise LabOrderError(gettext("A stage cannot be dated before the previous one."))
    lab_order.stage = next_stage
    if next_stage == LabStage.TRY_IN:
        lab_order.try_in_on = on
    else:
        lab_order.delivered_on = on
        lab_order.claim = _pad_claim_create(lab_order=lab_order, by=by)
    lab_order.save()
    return lab_order


def _pad_claim_create(*, lab_order: LabOrder, by) -> "ClaimFile":
    """The claim file of a delivered denture: one PAD line at the price billed, received at the unit on the
    delivery date. Goes through the intake service (eligibility checks, forwarding of a sister mutual's file,
    liquidation queued on commit); the idempotency key makes a replay return the same file."""
    from claims.services.intake import LineData, claim_register_at_desk

    delivered_on = lab_order.delivered_on
    assert delivered_on is not None  # set by lab_order_advance before the file is made
    agreement = lab_order.prior_agreement
    line = LineData(act_code="PAD", care_date=delivered_on, quantity=1, billed_amount=lab_order.price,
                    prior_agreement_ref=agreement.reference if agreement is not None else "")
    try:
        return claim_register_at_desk(
            member=lab_order.member, beneficiary=lab_order.beneficiary, unit=lab_order.unit, by=by,
            received_on=delivered_on, lines=[line], sector="public",
            provider_name=lab_order.practitioner_name, idempotency_key=f"lab-order-{lab_order.pk}")
    except ValidationError as error:
        raise LabOrderError(" ".join(error.messages)) from error
