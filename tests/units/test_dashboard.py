"""The unit dashboard's figures, on a known data set."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import ClaimFile
from tests.factories import MemberFactory
from units.selectors import unit_dashboard

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

