"""Appointments: no double booking (constraint and capacity, under real concurrency), cancel, reschedule,
reminders the day before, and the member's own pages."""

import threading
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from tests.factories import BeneficiaryFactory, MemberFactory
from units import services
from units.models import Appointment, AppointmentStatus, Slot

from .factories import AppointmentFactory, SlotFactory


def test_a_beneficiary_cannot_hold_two_places_in_one_slot_even_past_the_service(taounate):
    slot = SlotFactory(unit=taounate, capacity=3)
    appointment = AppointmentFactory(slot=slot)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(slot=slot, beneficiary=appointment.beneficiary, member=appointment.member)


def test_a_cancelled_appointment_frees_the_beneficiarys_place_in_the_slot(taounate, agent_taounate):
    slot = SlotFactory(unit=taounate, capacity=1)
    first = AppointmentFactory(slot=slot)
    services.appointment_cancel(appointment=first, by=agent_taounate)
    again = services.appointment_book(slot=slot, beneficiary=first.beneficiary, by=agent_taounate)
    assert again.status == AppointmentStatus.BOOKED


def test_booking_the_same_beneficiary_twice_is_refused(taounate, agent_taounate):
    slot = SlotFactory(unit=taounate, capacity=2)
    beneficiary = BeneficiaryFactory()
    services.appointment_book(slot=slot, beneficiary=beneficiary, by=agent_taounate)
    with pytest.raises(services.BookingError):
        services.appointment_book(slot=slot, beneficiary=beneficiary, by=agent_taounate)
    assert slot.appointments.count() == 1


def test_a_full_slot_refuses_another_booking(taounate, agent_taounate):
    slot = SlotFactory(unit=taounate, capacity=2)
    services.appointment_book(slot=slot, beneficiary=BeneficiaryFactory(), by=agent_taounate)
    services.appointment_book(slot=slot, beneficiary=BeneficiaryFactory(), by=agent_taounate)
    with pytest.raises(services.BookingError, match="full"):
        services.appointment_book(slot=slot, beneficiary=BeneficiaryFactory(), by=agent_taounate)
    assert slot.appointments.count() == 2


def test_a_slot_that_has_started_cannot_be_booked(taounate, agent_taounate):
    slot = SlotFactory(unit=taounate, start=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.BookingError):
        services.appointment_book(slot=slot, beneficiary=BeneficiaryFactory(), by=agent_taounate)


@pytest.mark.django_db(transaction=True)
def test_two_desks_booking_the_last_place_at_the_same_moment_get_one_place(taounate):
    slot = SlotFactory(unit=taounate, capacity=1)
    people = [BeneficiaryFactory(), BeneficiaryFactory(), BeneficiaryFactory(), BeneficiaryFactory()]
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def book(beneficiary) -> None:
        try:
            barrier.wait()
            services.appointment_book(slot=Slot(pk=slot.pk), beneficiary=beneficiary, by=None)
            outcomes.append("booked")
        except services.BookingError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked", "refused", "refused", "refused"]
    assert Appointment.objects.filter(slot=slot, status="booked").count() == 1


def test_rescheduling_books_the_new_slot_and_frees_the_old_one(taounate, agent_taounate):
    old = AppointmentFactory(slot=SlotFactory(unit=taounate))
    new_slot = SlotFactory(unit=taounate, start=old.slot.start + timedelta(days=1))
    new = services.appointment_reschedule(appointment=old, slot=new_slot, by=agent_taounate)
    old.refresh_from_db()
    assert (old.status, new.slot, new.rescheduled_from) == (AppointmentStatus.CANCELLED, new_slot, old)


def test_rescheduling_to_a_full_slot_keeps_the_old_appointment(taounate, agent_taounate):
    old = AppointmentFactory(slot=SlotFactory(unit=taounate))
    full = SlotFactory(unit=taounate, start=old.slot.start + timedelta(days=1))
    AppointmentFactory(slot=full)
    with pytest.raises(services.BookingError):
        services.appointment_reschedule(appointment=old, slot=full, by=agent_taounate)
    old.refresh_from_db()
    assert old.status == AppointmentStatus.BOOKED


def _tomorrow_at(hour: int) -> datetime:
    tomorrow = timezone.localdate() + timedelta(days=1)
    return datetime.combine(tomorrow, datetime.min.time(), tzinfo=timezone.get_current_timezone()).replace(hour=hour)


def test_reminders_go_once_to_tomorrows_booked_appointments(taounate):
    due = AppointmentFactory(slot=SlotFactory(unit=taounate, start=_tomorrow_at(10)))
    AppointmentFactory(slot=SlotFactory(unit=taounate, start=_tomorrow_at(11)), status=AppointmentStatus.CANCELLED)
    AppointmentFactory(slot=SlotFactory(unit=taounate, start=_tomorrow_at(10) + timedelta(days=1)))
    assert services.appointment_send_reminders() == 1
    assert services.appointment_send_reminders() == 0
    assert [message.to for message in mail.outbox] == [[due.member.email]]
    assert "10:00" in mail.outbox[0].body
    due.refresh_from_db()
    assert due.reminded_at is not None


def test_the_periodic_task_sends_the_reminders(taounate):
    from units.tasks import periodic_send_appointment_reminders

    AppointmentFactory(slot=SlotFactory(unit=taounate, start=_tomorrow_at(9)))
    assert periodic_send_appointment_reminders.apply().get() == 1
    assert len(mail.outbox) == 1


def test_the_reminder_is_scheduled_daily_with_the_beat_scheduler(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["appointment-reminders"]
    assert entry["task"] == "units.tasks.periodic_send_appointment_reminders"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({17}, {0})


# --- the desk books ---------------------------------------------------------------------------------------------

def test_the_desk_books_a_place_and_answers_with_a_partial(client, agent_taounate, taounate):
    slot = SlotFactory(unit=taounate)
    member = MemberFactory()
    client.force_login(agent_taounate)
    response = client.post(reverse("units:booking_create"), {"slot": slot.pk,
                                                             "beneficiary": member.beneficiaries.get().pk},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert slot.appointments.get().booked_by == agent_taounate


def test_the_desk_says_why_a_full_slot_was_refused(client, agent_taounate, taounate):
    slot = SlotFactory(unit=taounate)
    AppointmentFactory(slot=slot)
    member = MemberFactory()
    client.force_login(agent_taounate)
    response = client.post(reverse("units:booking_create"), {"slot": slot.pk,
                                                             "beneficiary": member.beneficiaries.get().pk})
    assert response.status_code == 409
    assert "full" in response.content.decode()


def test_the_booking_panel_lists_only_free_future_slots(client, agent_taounate, taounate):
    free = SlotFactory(unit=taounate, practitioner_name="Dr Free")
    AppointmentFactory(slot=SlotFactory(unit=taounate, practitioner_name="Dr Full"))
    SlotFactory(unit=taounate, practitioner_name="Dr Past", start=timezone.now() - timedelta(hours=2))
    member = MemberFactory()
    client.force_login(agent_taounate)
    page = client.get(reverse("units:booking_panel"), {"member": member.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert f'value="{free.pk}"' in page
    assert "Dr Full" not in page and "Dr Past" not in page


def test_the_day_sheet_lists_a_practitioners_patients(client, agent_taounate, taounate):
    slot = SlotFactory(unit=taounate, practitioner_name="Dr Amal Bennis")
    appointment = AppointmentFactory(slot=slot)
    SlotFactory(unit=taounate, practitioner_name="Dr Other", start=slot.start)
    client.force_login(agent_taounate)
    page = client.get(reverse("units:day_sheet"), {"day": timezone.localtime(slot.start).date().isoformat(),
                                                   "practitioner": "Dr Amal Bennis"}).content.decode()
    assert appointment.beneficiary.first_name in page
    assert "Dr Other" not in page.split("<h1")[1]


# --- the member books online ------------------------------------------------------------------------------------

def test_a_member_books_cancels_and_sees_his_appointments(client, member, taounate):
    slot = SlotFactory(unit=taounate)
    client.force_login(member.user)
    beneficiary = member.beneficiaries.get()
    response = client.post(reverse("units:my_booking"), {"unit": "taounate", "service": "dental_care",
                                                         "slot": slot.pk, "beneficiary": beneficiary.pk})
    assert response.status_code == 302
    appointment = member.appointments.get()
    assert "Dr Amal Bennis" in client.get(reverse("units:my_appointments")).content.decode()
    client.post(reverse("units:my_appointment_cancel", args=[appointment.pk]))
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_a_member_cannot_book_for_another_members_beneficiary(client, member, taounate):
    slot = SlotFactory(unit=taounate)
    stranger = BeneficiaryFactory()
    client.force_login(member.user)
    response = client.post(reverse("units:my_booking"), {"unit": "taounate", "service": "dental_care",
                                                         "slot": slot.pk, "beneficiary": stranger.pk})
    assert response.status_code == 404
    assert not slot.appointments.exists()


def test_a_member_cannot_cancel_another_members_appointment(client, member, taounate):
    other = AppointmentFactory(slot=SlotFactory(unit=taounate))
    client.force_login(member.user)
    assert client.post(reverse("units:my_appointment_cancel", args=[other.pk])).status_code == 404
    assert client.get(reverse("units:my_appointment_reschedule", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.status == AppointmentStatus.BOOKED


def test_a_member_moves_his_appointment_to_a_free_slot(client, member, taounate):
    appointment = AppointmentFactory(slot=SlotFactory(unit=taounate), beneficiary=member.beneficiaries.get())
    later = SlotFactory(unit=taounate, start=appointment.slot.start + timedelta(days=3))
    client.force_login(member.user)
    assert client.post(reverse("units:my_appointment_reschedule", args=[appointment.pk]),
                       {"slot": later.pk}).status_code == 302
    assert member.appointments.get(status="booked").slot == later


def test_my_appointments_page_queries_do_not_grow_with_appointments(client, member, taounate,
                                                                    django_assert_max_num_queries):
    client.force_login(member.user)
    beneficiary = member.beneficiaries.get()
    AppointmentFactory(slot=SlotFactory(unit=taounate), beneficiary=beneficiary)
    with django_assert_max_num_queries(8) as one:
        client.get(reverse("units:my_appointments"))
    for days in range(3, 33):
        AppointmentFactory(slot=SlotFactory(unit=taounate, start=timezone.now() + timedelta(days=days)),
                           beneficiary=beneficiary)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("units:my_appointments"))
    assert response.content.decode().count("list-group-item d-flex") == 31
