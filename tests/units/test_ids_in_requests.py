"""An id that is not a number ("?member=abc", a tampered form) is a 404 on the desk and the member's pages, never
a 500."""

import pytest
from django.urls import reverse

from tests.factories import MemberFactory

from .factories import AppointmentFactory, SlotFactory


@pytest.mark.parametrize(("method", "name", "data"), [
    ("get", "units:booking_panel", {"member": "abc"}),
    ("get", "units:lab_order_new", {"member": "x"}),
    ("post", "units:booking_create", {"beneficiary": "abc", "slot": "1"}),
    ("post", "units:booking_create", {"beneficiary": "١٢", "slot": "1"}),  # Arabic-Indic digits are not an id
    ("post", "units:visit_receive", {"member": "12abc"}),
])
def test_the_desk_answers_404_to_an_id_that_is_not_a_number(client, agent_taounate, method, name, data):
    client.force_login(agent_taounate)
    response = getattr(client, method)(reverse(name), data)
    assert response.status_code == 404


def test_the_desk_answers_404_to_a_slot_that_is_not_a_number(client, agent_taounate, taounate):
    member = MemberFactory()
    client.force_login(agent_taounate)
    response = client.post(reverse("units:booking_create"),
                           {"beneficiary": member.beneficiaries.get().pk, "slot": "1 OR 1=1"})
    assert response.status_code == 404


def test_a_member_booking_or_moving_an_appointment_with_a_tampered_id_gets_404(client, member, taounate):
    slot = SlotFactory(unit=taounate)
    appointment = AppointmentFactory(slot=slot, member=member, beneficiary=member.beneficiaries.get())
    client.force_login(member.user)
    booking = client.post(reverse("units:my_booking") + f"?unit={taounate.code}&service={slot.service.code}",
                          {"beneficiary": "abc", "slot": str(slot.pk)})
    assert booking.status_code == 404
    moving = client.post(reverse("units:my_appointment_reschedule", args=[appointment.pk]), {"slot": "x"})
    assert moving.status_code == 404
