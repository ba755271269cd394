"""Units, slots, appointments, visits and lab orders through the API, each calling units.services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from units.models import Slot

from .conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_member_books_a_free_slot_for_his_child_and_cancels_it(cast):
    from tests.factories import BeneficiaryFactory

    child = BeneficiaryFactory(member=cast.x.member)
    client = client_for(cast.x.member.user)
    free = client.get("/api/v1/free-slots/?unit=y").json()
    assert [slot["id"] for slot in free] == [cast.y.slot.pk] and free[0]["places_left"] == 2
    booked = client.post("/api/v1/me/appointments/", {"slot": cast.y.slot.pk, "beneficiary": child.pk},
                         format="json")
    assert booked.status_code == 201, booked.json()
    twice = client.post("/api/v1/me/appointments/", {"slot": cast.y.slot.pk, "beneficiary": child.pk},
                        format="json")
    assert twice.status_code == 409 and twice.json()["code"] == "booking_refused"
    cancelled = client.post(f"/api/v1/me/appointments/{booked.json()['id']}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_a_member_cannot_book_for_another_members_beneficiary(cast):
    other = cast.y.member.beneficiaries.get(relation="member")
    response = client_for(cast.x.member.user).post("/api/v1/me/appointments/",
                                                   {"slot": cast.x.slot.pk, "beneficiary": other.pk}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "beneficiary"


def test_an_agent_reschedules_an_appointment_to_another_slot_of_his_unit_only(cast):
    start = timezone.now() + timedelta(days=5)
    later = Slot.objects.create(unit=cast.x.unit, service=cast.x.slot.service, practitioner_name="Dr B",
                                start=start, end=start + timedelta(minutes=30))
    client = client_for(cast.x.agent)
    url = f"/api/v1/appointments/{cast.x.appointment.pk}/reschedule/"
    elsewhere = client.post(url, {"slot": cast.y.slot.pk}, format="json")
    assert elsewhere.status_code == 400 and elsewhere.json()["field"] == "slot"
    moved = client.post(url, {"slot": later.pk}, format="json")
    assert moved.status_code == 201 and moved.json()["slot"]["id"] == later.pk
    assert moved.json()["rescheduled_from"] == cast.x.appointment.pk


def test_the_desk_path_of_a_visit_reception_orientation_serve_close(cast):
    client = client_for(cast.x.agent)
    created = client.post("/api/v1/visits/", {"unit": "x", "visitor_name": "Fatima Z.",
                                              "request_types": ["information"]}, format="json")
    assert created.status_code == 201, created.json()
    url = f"/api/v1/visits/{created.json()['id']}/"
    assert client.patch(url, {"oriented_to": "dental_care"}, format="json").json()["oriented_to"] == "dental_care"
    assert client.post(url + "serve/").json()["status"] == "in_progress"
    closed = client.post(url + "close/", {"outcome": "Appointment booked"}, format="json").json()
    assert (closed["status"], closed["outcome"]) == ("closed", "Appointment booked")


def test_a_visit_with_neither_member_nor_name_is_refused(cast):
    response = client_for(cast.x.agent).post("/api/v1/visits/", {"unit": "x"}, format="json")
    assert response.status_code == 400 and response.json()["code"]


def test_a_lab_order_delivered_files_its_pad_claim(cast):
    client = client_for(cast.x.agent)
    url = f"/api/v1/lab-orders/{cast.x.lab_order.pk}/advance/"
    assert client.post(url, {}, format="json").json()["stage"] == "try_in"
    delivered = client.post(url, {}, format="json").json()
    assert delivered["stage"] == "delivered" and delivered["claim"]
    again = client.post(url, {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "lab_order_refused"
    pad = client.get(f"/api/v1/files/{delivered['claim']}/").json()
    assert [line["act"] for line in pad["lines"]] == ["PAD"]


def test_a_time_filter_with_an_offset_postgresql_refuses_is_compared_in_utc(cast):
    # Found by schemathesis: ISO 8601 allows -23:00, PostgreSQL only ±15:59.
    response = client_for(cast.x.agent).get("/api/v1/appointments/?starts_before=2099-08-17T07%3A01%3A46-23%3A00")
    assert response.status_code == 200 and response.json()["count"] == 1
