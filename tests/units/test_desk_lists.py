"""The desk's list pages (appointments, lab orders, day sheet) keep a constant number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from .factories import AppointmentFactory, LabOrderFactory, SlotFactory


def _appointments(unit, count: int) -> None:
    start = timezone.now() + timedelta(hours=2)
    for n in range(count):
        AppointmentFactory(slot=SlotFactory(unit=unit, start=start + timedelta(minutes=n)))


@pytest.mark.parametrize("url_name,make", [
    ("units:appointments", _appointments),
    ("units:lab_orders", lambda unit, count: [LabOrderFactory(unit=unit) for _ in range(count)]),
    ("units:day_sheet", _appointments),
])
def test_desk_lists_take_the_same_queries_for_1_or_30_rows(client, agent_taounate, taounate, url_name, make,
                                                           django_assert_max_num_queries):
    client.force_login(agent_taounate)
    make(taounate, 1)
    url = reverse(url_name)
    if url_name == "units:day_sheet":
        url += "?day=" + timezone.localtime(timezone.now() + timedelta(hours=2)).date().isoformat()
    client.get(url)
    with django_assert_max_num_queries(20) as one:
        client.get(url)
    make(taounate, 29)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_receiving_a_member_from_the_search_answers_with_the_message_only(client, agent_taounate, taounate):
    from tests.factories import MemberFactory

    client.force_login(agent_taounate)
    response = client.post(reverse("units:visit_receive"), {"member": MemberFactory().pk}, HTTP_HX_REQUEST="true")
    assert b"is in the queue" in response.content
    assert b'name="visitor_name"' not in response.content
