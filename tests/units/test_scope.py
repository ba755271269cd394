"""Front-desk agents act for their own unit only; liquidators and admins across units."""

import pytest
from django.urls import reverse

from units.scoping import managed_units_for, units_for

from .factories import AppointmentFactory, LabOrderFactory, SlotFactory, VisitFactory


def test_an_agent_works_for_his_own_unit_only(agent_sefrou, taounate, sefrou):
    assert list(units_for(agent_sefrou)) == [sefrou]


def test_a_liquidator_works_across_every_unit(liquidator, taounate, sefrou):
    assert set(units_for(liquidator)) == {taounate, sefrou}


def test_a_superuser_works_across_every_unit(superuser, taounate, sefrou):
    assert set(units_for(superuser)) == {taounate, sefrou}


def test_a_member_has_no_unit(member, taounate):
    assert not units_for(member.user).exists()
    assert not managed_units_for(member.user).exists()


def test_an_agent_reads_no_dashboard_but_a_manager_reads_his_units(agent_taounate, manager_taounate, sefrou,
                                                                    taounate):
    assert not managed_units_for(agent_taounate).exists()
    assert list(managed_units_for(manager_taounate)) == [taounate]


@pytest.fixture
def taounate_objects(taounate):
    return {
        "visit": VisitFactory(unit=taounate),
        "appointment": AppointmentFactory(slot=SlotFactory(unit=taounate)),
        "lab_order": LabOrderFactory(unit=taounate),
    }


@pytest.mark.parametrize("name", ["units:visit", "units:appointment", "units:lab_order"])
def test_an_agent_of_sefrou_cannot_open_a_taounate_object(client, agent_sefrou, taounate_objects, name):
    obj = taounate_objects[name.split(":")[1]]
    client.force_login(agent_sefrou)
    assert client.get(reverse(name, args=[obj.pk])).status_code == 404


@pytest.mark.parametrize("url_name,action", [
    ("units:visit_action", "close"), ("units:appointment_action", "cancel")])
def test_an_agent_of_sefrou_cannot_act_on_a_taounate_object(client, agent_sefrou, taounate_objects, url_name,
                                                            action):
    obj = taounate_objects["visit" if "visit" in url_name else "appointment"]
    client.force_login(agent_sefrou)
    assert client.post(reverse(url_name, args=[obj.pk, action])).status_code == 404
    obj.refresh_from_db()
    assert obj.status in ("open", "booked")


def test_an_agent_of_sefrou_cannot_advance_a_taounate_lab_order(client, agent_sefrou, taounate_objects):
    order = taounate_objects["lab_order"]
    client.force_login(agent_sefrou)
    assert client.post(reverse("units:lab_order_advance", args=[order.pk])).status_code == 404
    order.refresh_from_db()
    assert order.stage == "impression"


@pytest.mark.parametrize("name", ["units:visit", "units:appointment", "units:lab_order"])
def test_an_agent_of_taounate_opens_his_units_objects(client, agent_taounate, taounate_objects, name):
    obj = taounate_objects[name.split(":")[1]]
    client.force_login(agent_taounate)
    assert client.get(reverse(name, args=[obj.pk])).status_code == 200


@pytest.mark.parametrize("name", ["units:visit", "units:appointment", "units:lab_order"])
def test_an_administrator_opens_any_units_objects_without_an_assignment(client, taounate_objects, name):
    from tests.factories import StaffUserFactory
    from units.services_staff import staff_role_grant

    administrator = StaffUserFactory(username="chief")
    staff_role_grant(user=administrator, role="admin")  # the role's group only: no unit assignment
    obj = taounate_objects[name.split(":")[1]]
    client.force_login(administrator)
    assert client.get(reverse(name, args=[obj.pk])).status_code == 200


@pytest.mark.parametrize("name", ["units:visit", "units:appointment", "units:lab_order"])
def test_a_liquidator_is_refused_the_front_desks_own_objects(client, liquidator, taounate_objects, name):
    obj = taounate_objects[name.split(":")[1]]
    client.force_login(liquidator)
    assert client.get(reverse(name, args=[obj.pk])).status_code == 403  # by role, before any lookup


def test_the_desk_queue_shows_only_the_agents_unit(client, agent_sefrou, taounate, sefrou):
    VisitFactory(unit=taounate, member=None, visitor_name="Taounate Visitor")
    VisitFactory(unit=sefrou, member=None, visitor_name="Sefrou Visitor")
    client.force_login(agent_sefrou)
    page = client.get(reverse("units:desk_queue") + "?unit=taounate").content.decode()
    assert "Sefrou Visitor" in page
    assert "Taounate Visitor" not in page


def test_a_member_is_refused_the_desk(client, member, taounate):
    client.force_login(member.user)
    assert client.get(reverse("units:desk")).status_code == 403


def test_an_anonymous_visitor_is_sent_to_login_from_the_desk(client, taounate):
    response = client.get(reverse("units:desk"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_an_agent_cannot_book_in_another_units_slot(client, agent_sefrou, taounate):
    from tests.factories import MemberFactory

    slot = SlotFactory(unit=taounate)
    member = MemberFactory()
    client.force_login(agent_sefrou)
    response = client.post(reverse("units:booking_create"), {
        "slot": slot.pk, "beneficiary": member.beneficiaries.get().pk})
    assert response.status_code == 404
    assert not slot.appointments.exists()

