"""The desk's member data form changes only the fields it carries: one left out is kept, never blanked."""

import pytest
from django.urls import reverse

from tests.factories import MemberFactory


@pytest.fixture
def member(taounate):
    return MemberFactory(home_unit=taounate, address="1 rue Ancienne, Taounate", email="ancien@example.ma",
                         employer="Ministère de la Santé", grade="Technicien", phone="+212600000099")


def test_a_request_carrying_only_the_phone_changes_the_phone_and_keeps_the_rest(client, agent_taounate, member):
    client.force_login(agent_taounate)
    response = client.post(reverse("units:member_data_update", args=[member.pk]), {"phone": "0612345678"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.phone == "+212612345678"
    assert (member.address, member.email, member.employer, member.grade) == (
        "1 rue Ancienne, Taounate", "ancien@example.ma", "Ministère de la Santé", "Technicien")


def test_a_request_carrying_no_field_of_the_form_changes_nothing(client, agent_taounate, member):
    client.force_login(agent_taounate)
    before = member.history.count()
    client.post(reverse("units:member_data_update", args=[member.pk]), {"field": "zz"})
    member.refresh_from_db()
    assert member.address == "1 rue Ancienne, Taounate" and member.employer == "Ministère de la Santé"
    assert member.history.count() == before


def test_a_field_sent_empty_is_still_emptied_on_purpose(client, agent_taounate, member):
    client.force_login(agent_taounate)
    client.post(reverse("units:member_data_update", args=[member.pk]), {
        "address": "1 rue Ancienne, Taounate", "phone": "+212600000099", "email": "ancien@example.ma",
        "employer": "Ministère de la Santé", "grade": "", "iban": ""})
    member.refresh_from_db()
    assert member.grade == "" and member.employer == "Ministère de la Santé"
