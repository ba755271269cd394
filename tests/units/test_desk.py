"""The front desk: reception → diagnosis → orientation → follow-up, the live queue and the member search."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import BeneficiaryFactory, MemberFactory
from units import services
from units.models import Visit, VisitStatus

from .factories import VisitFactory


def test_the_desk_home_polls_the_queue_and_searches_as_you_type(client, agent_taounate):
    client.force_login(agent_taounate)
    page = client.get(reverse("units:desk")).content.decode()
    assert 'hx-trigger="every 5s' in page
    assert "keyup changed delay:250ms" in page
    assert reverse("units:desk_queue") in page and reverse("units:desk_search") in page


def test_the_queue_endpoint_returns_a_partial_with_todays_visits(client, agent_taounate, taounate):
    VisitFactory(unit=taounate, member=None, visitor_name="Today Visitor")
    VisitFactory(unit=taounate, member=None, visitor_name="Yesterday Visitor",
                 arrived_at=timezone.now() - timedelta(days=1))
    client.force_login(agent_taounate)
    response = client.get(reverse("units:desk_queue"), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert "Today Visitor" in page and "Yesterday Visitor" not in page


def test_the_search_finds_a_member_by_number_cin_or_name_with_coverage_and_beneficiaries(client, agent_taounate):
    member = MemberFactory(last_name="Berrada", cin="ZT654321")
    BeneficiaryFactory(member=member, first_name="Yasmine")
    client.force_login(agent_taounate)
    for query in (member.membership_number[:6], "ZT654321", "berrada"):
        response = client.get(reverse("units:desk_search"), {"q": query}, HTTP_HX_REQUEST="true")
        page = response.content.decode()
        assert "<html" not in page
        assert member.membership_number in page, query
        assert "Yasmine" in page
    assert "Register a paper file" in page or "claims" not in page


def test_the_search_answers_nothing_for_a_single_letter(client, agent_taounate):
    MemberFactory(last_name="Alaoui")
    client.force_login(agent_taounate)
    page = client.get(reverse("units:desk_search"), {"q": "a"}).content.decode()
    assert "Alaoui" not in page


def test_search_queries_do_not_grow_with_the_number_of_hits(client, agent_taounate, django_assert_max_num_queries):
    client.force_login(agent_taounate)
    MemberFactory(last_name="Tazi")
    with django_assert_max_num_queries(20) as one:
        client.get(reverse("units:desk_search"), {"q": "tazi"})
    for _ in range(7):
        member = MemberFactory(last_name="Tazi")
        BeneficiaryFactory(member=member)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("units:desk_search"), {"q": "tazi"}).content.decode()
    assert page.count("<article") == 8


def test_a_member_found_by_the_search_joins_the_queue_in_one_click(client, agent_taounate, taounate):
    member = MemberFactory()
    client.force_login(agent_taounate)
    response = client.post(reverse("units:visit_receive"), {"member": member.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "queueChanged"
    visit = Visit.objects.get()
    assert (visit.unit, visit.member, visit.status, visit.visitor_mutual) == (taounate, member, "open",
                                                                              member.mutual)


def test_an_unidentified_visitor_is_received_by_name(client, agent_taounate, taounate):
    client.force_login(agent_taounate)
    client.post(reverse("units:visit_receive"), {"visitor_name": "Abdelilah Mansouri", "visitor_cin": "cd123456",
                                                 "request_types": ["information", "membership"]})
    visit = Visit.objects.get()
    assert (visit.member, visit.visitor_name, visit.visitor_cin, visit.request_types) == (
        None, "Abdelilah Mansouri", "CD123456", ["information", "membership"])


def test_a_visitor_with_neither_member_nor_name_is_refused(client, agent_taounate, taounate):
    client.force_login(agent_taounate)
    client.post(reverse("units:visit_receive"), {"visitor_name": "  "})
    assert not Visit.objects.exists()


def test_a_visit_goes_from_reception_to_closed_with_its_waiting_time(client, agent_taounate, taounate):
    visit = VisitFactory(unit=taounate, arrived_at=timezone.now() - timedelta(minutes=12))
    client.force_login(agent_taounate)
    client.post(reverse("units:visit_action", args=[visit.pk, "serve"]), HTTP_HX_REQUEST="true")
    visit.refresh_from_db()
    assert (visit.status, visit.staff) == (VisitStatus.IN_PROGRESS, agent_taounate)
    assert visit.served_at - visit.arrived_at >= timedelta(minutes=12)
    dental = taounate.services.get(code="dental_care")
    client.post(reverse("units:visit", args=[visit.pk]), {
        "request_types": ["care"], "oriented_to": dental.pk, "outcome": "Rendez-vous pris",
        "follow_up_notes": "Rappeler jeudi", "close": "1"})
    visit.refresh_from_db()
    assert (visit.status, visit.oriented_to, visit.outcome, visit.request_types) == (
        VisitStatus.CLOSED, dental, "Rendez-vous pris", ["care"])
    assert visit.closed_at is not None
    assert visit.history.count() >= 3


def test_a_closed_visit_is_reopened_for_follow_up_with_a_note(agent_taounate, taounate):
    visit = services.visit_close(visit=VisitFactory(unit=taounate), by=agent_taounate)
    services.visit_reopen(visit=visit, by=agent_taounate, note="Pièce manquante apportée")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.IN_PROGRESS and "Pièce manquante apportée" in visit.follow_up_notes


def test_orienting_to_a_service_the_unit_does_not_offer_is_refused(client, agent_taounate, taounate):
    from .factories import ServiceFactory

    optics = ServiceFactory(code="optics")  # not offered by this unit
    visit = VisitFactory(unit=taounate)
    client.force_login(agent_taounate)
    client.post(reverse("units:visit", args=[visit.pk]), {"oriented_to": optics.pk})
    visit.refresh_from_db()
    assert visit.oriented_to is None


@pytest.mark.parametrize("count", [1, 30])
def test_the_desk_queue_takes_the_same_queries_for_1_or_30_visits(client, agent_taounate, taounate, count,
                                                                   django_assert_num_queries):
    arrived = timezone.now() - timedelta(minutes=10)
    for n in range(count):
        VisitFactory(unit=taounate, beneficiary=None, staff=agent_taounate, arrived_at=arrived,
                     served_at=arrived + timedelta(minutes=5),
                     oriented_to=taounate.services.first(), status="in_progress" if n % 2 else "open")
    client.force_login(agent_taounate)
    client.get(reverse("units:desk_queue"))  # warms the session
    # session, user, the role's permissions (the account's own, its groups'), roles, units, queue
    with django_assert_num_queries(7):
        response = client.get(reverse("units:desk_queue"))
    assert response.content.decode().count("list-group-item d-flex") == count


def test_a_booking_from_the_desk_screen_stays_on_the_desk(client, agent_taounate, taounate):
    from .factories import SlotFactory

    slot = SlotFactory(unit=taounate)
    member = MemberFactory()
    client.force_login(agent_taounate)
    panel = client.get(reverse("units:booking_panel"), {"member": member.pk}, HTTP_HX_REQUEST="true")
    assert panel.status_code == 200 and b"<html" not in panel.content
    done = client.post(reverse("units:booking_create"), {"slot": slot.pk,
                                                         "beneficiary": member.beneficiaries.get().pk},
                       HTTP_HX_REQUEST="true")
    assert b"Appointment booked" in done.content
