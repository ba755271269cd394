"""The unit dashboard's figures, on a known data set."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import ClaimFile
from tests.factories import MemberFactory, StaffUserFactory
from units.selectors import unit_dashboard
from units.services_staff import staff_assign

from .factories import AppointmentFactory, ServiceFactory, SlotFactory, VisitFactory

LAST_DAY = date(2026, 11, 20)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone()).replace(
        hour=hour, minute=minute)


@pytest.fixture
def known_data(taounate, sefrou, ours_reference):
    dental = ServiceFactory(code="dental_care")
    reception = ServiceFactory(code="claim_reception", bookable=False)
    day1, day2 = LAST_DAY - timedelta(days=1), LAST_DAY
    # Taounate: 3 visits on day1 (waits 10, 20 min; one not served), 1 on day2 (wait 30 min).
    VisitFactory(unit=taounate, arrived_at=at(day1, 9), served_at=at(day1, 9, 10), oriented_to=dental)
    VisitFactory(unit=taounate, arrived_at=at(day1, 10), served_at=at(day1, 10, 20), oriented_to=reception)
    VisitFactory(unit=taounate, arrived_at=at(day1, 11), oriented_to=reception)
    VisitFactory(unit=taounate, arrived_at=at(day2, 23, 30), served_at=at(day2 + timedelta(days=1), 0, 0))
    # Outside the window or the unit: not counted.
    VisitFactory(unit=taounate, arrived_at=at(LAST_DAY - timedelta(days=30), 9), served_at=at(LAST_DAY - timedelta(
        days=30), 12))
    VisitFactory(unit=taounate, arrived_at=at(LAST_DAY + timedelta(days=1), 0, 5))
    VisitFactory(unit=sefrou, arrived_at=at(day1, 9), served_at=at(day1, 11))
    # Files received at Taounate in the window: 2 liquidated (one paid), 1 rejected, 1 received.
    member = MemberFactory()
    beneficiary = member.beneficiaries.get()
    for index, status in enumerate(["liquidated", "paid", "rejected", "received"]):
        ClaimFile.objects.create(tracking_code=f"T{index}", member=member, beneficiary=beneficiary, status=status,
                                 channel="front_desk", unit=taounate, received_on=day1)
    ClaimFile.objects.create(tracking_code="OLD", member=member, beneficiary=beneficiary, status="rejected",
                             channel="front_desk", unit=taounate, received_on=LAST_DAY - timedelta(days=30))
    ClaimFile.objects.create(tracking_code="SEF", member=member, beneficiary=beneficiary, status="received",
                             channel="front_desk", unit=sefrou, received_on=day1)
    # Slots: capacity 2 + 2 = 4; 3 places taken (booked, attended, no-show), one cancelled does not count.
    first = SlotFactory(unit=taounate, start=at(day1, 9), capacity=2)
    second = SlotFactory(unit=taounate, start=at(day2, 9), capacity=2)
    AppointmentFactory(slot=first, status="attended")
    AppointmentFactory(slot=first, status="no_show")
    AppointmentFactory(slot=second, status="booked")
    AppointmentFactory(slot=second, status="cancelled")
    SlotFactory(unit=sefrou, start=at(day1, 9), capacity=5)
    return taounate


def test_the_dashboard_figures_of_a_unit(known_data, taounate):
    from units.models import ServiceUnit

    figures = unit_dashboard(units=ServiceUnit.objects.filter(pk=taounate.pk), last_day=LAST_DAY)
    per_day = dict(figures.visits_per_day)
    assert len(figures.visits_per_day) == 30
    assert (per_day[LAST_DAY - timedelta(days=1)], per_day[LAST_DAY], figures.visits_total) == (3, 1, 4)
    assert dict(figures.visits_per_service) == {"Claim Reception": 2, "Dental Care": 1, "Not oriented": 1}
    assert figures.average_wait_minutes == 20.0  # (10 + 20 + 30) / 3
    assert (figures.files_received, figures.files_liquidated, figures.files_rejected) == (4, 2, 1)
    assert (figures.slot_capacity, figures.appointments_taken, figures.fill_rate) == (4, 3, 75.0)


def test_the_dashboard_takes_a_fixed_number_of_queries(known_data, taounate, django_assert_num_queries):
    from units.models import ServiceUnit

    with django_assert_num_queries(6):
        unit_dashboard(units=ServiceUnit.objects.filter(pk=taounate.pk), last_day=LAST_DAY)


def test_an_empty_unit_has_no_fill_rate_nor_waiting_time(taounate):
    from units.models import ServiceUnit

    figures = unit_dashboard(units=ServiceUnit.objects.filter(pk=taounate.pk), last_day=LAST_DAY)
    assert (figures.visits_total, figures.average_wait_minutes, figures.fill_rate) == (0, None, None)


def test_the_manager_downloads_the_figures_as_csv(client, known_data, manager_taounate, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: LAST_DAY)
    client.force_login(manager_taounate)
    response = client.get(reverse("units:dashboard_csv"))
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "summary,files_received,4" in body
    assert "summary,fill_rate_percent,75.0" in body
    assert f"visits_per_day,{LAST_DAY.isoformat()},1" in body


def test_the_manager_sees_the_charts_page(client, known_data, manager_taounate):
    client.force_login(manager_taounate)
    response = client.get(reverse("units:dashboard"))
    assert response.status_code == 200
    assert b"vendor/chartjs/chart.umd.min.js" in response.content
    assert b'id="chart-data"' in response.content


def test_a_front_desk_agent_cannot_read_the_dashboard(client, agent_taounate):
    client.force_login(agent_taounate)
    assert client.get(reverse("units:dashboard")).status_code == 403
    assert client.get(reverse("units:dashboard_csv")).status_code == 403


def test_a_manager_cannot_ask_for_another_units_figures(client, known_data, manager_taounate, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: LAST_DAY)
    client.force_login(manager_taounate)
    body = client.get(reverse("units:dashboard_csv") + "?unit=sefrou").content.decode("utf-8-sig")
    assert "summary,files_received,4" in body  # still his own unit's figures



def test_the_managers_home_shows_the_unit_now_its_staff_and_its_hours(client, taounate, sefrou, manager_taounate,
                                                                       agent_taounate, agent_sefrou, ours_reference):
    from memberships.models import MembershipApplication

    member = MemberFactory(home_unit=taounate)
    beneficiary = member.beneficiaries.get()
    for index, status in enumerate(["received", "received", "in_review", "paid", "draft"]):
        ClaimFile.objects.create(tracking_code=f"N{index}", member=member, beneficiary=beneficiary, status=status,
                                 channel="front_desk", unit=taounate, received_on=timezone.localdate())
    ClaimFile.objects.create(tracking_code="NS", member=member, beneficiary=beneficiary, status="received",
                             channel="front_desk", unit=sefrou, received_on=timezone.localdate())
    VisitFactory(unit=taounate, arrived_at=timezone.now())
    VisitFactory(unit=taounate, arrived_at=timezone.now(), served_at=timezone.now(), status="in_progress")
    VisitFactory(unit=sefrou, arrived_at=timezone.now())
    today_slot = SlotFactory(unit=taounate, start=timezone.localtime().replace(hour=12, minute=0))
    AppointmentFactory(slot=today_slot)
    client.force_login(manager_taounate)
    response = client.get(reverse("units:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    now = response.context["now"]
    files = {status: count for status, _label, count in now.files_by_status}
    assert (files["received"], files["in_review"], files["paid"], "draft" in files) == (2, 1, 1, False)
    assert (now.visits_today, now.visits_waiting, now.appointments_today) == (2, 1, 1)
    assert (now.memberships_waiting, now.provident_waiting) == (MembershipApplication.objects.filter(
        home_unit=taounate, status__in=["submitted", "incomplete"]).count(), 0)
    assert {a.user.username for a in now.staff} == {"manager.t", "agent.t"}  # not Sefrou's agent
    page = response.content.decode()
    assert 'id="edit-hours"' in page and f'{reverse("units:opening_hours")}?unit=taounate' in page
    assert "Monday – Friday" in page and "8:30 a.m.–4:30 p.m." in page
    assert f'{reverse("claims:desk_claims")}?status=in_review' in page


def test_the_managers_home_takes_a_fixed_number_of_queries(client, taounate, manager_taounate,
                                                           django_assert_max_num_queries):
    client.force_login(manager_taounate)
    client.get(reverse("units:dashboard"))
    with django_assert_max_num_queries(40) as one:
        client.get(reverse("units:dashboard"))
    for index in range(5):
        VisitFactory(unit=taounate, arrived_at=timezone.now())
        staff_user = StaffUserFactory(username=f"agent{index}")
        staff_assign(user=staff_user, unit=taounate, role="front_desk")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("units:dashboard"))
