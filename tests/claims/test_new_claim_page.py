"""Step 1 of filing online: a care date the page cannot use is said next to the date, never silently replaced."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MemberFactory, UserFactory

from .factories import reference


@pytest.fixture
def member(db):
    reference()
    return MemberFactory(user=UserFactory())


def test_a_care_date_in_the_future_is_refused_next_to_the_date(client, member):
    client.force_login(member.user)
    future = timezone.localdate() + timedelta(days=5)
    response = client.get(reverse("claims:member_new"), {"care_on": future.isoformat()}, HTTP_ACCEPT_LANGUAGE="fr")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="care-on-error" role="alert">La date des soins ne peut pas être dans le futur.</div>' in body
    assert 'aria-invalid="true"' in body
    assert response.context["care_on"] == timezone.localdate()  # the people listed are those covered today


def test_a_date_that_is_not_a_date_is_refused_next_to_the_date(client, member):
    client.force_login(member.user)
    response = client.get(reverse("claims:member_new"), {"care_on": "31/02/2026"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert 'id="care-on-error" role="alert">Saisissez une date valide.</div>' in response.content.decode()


def test_a_past_date_or_no_date_shows_no_error(client, member):
    client.force_login(member.user)
    yesterday = timezone.localdate() - timedelta(days=1)
    for query in ({"care_on": yesterday.isoformat()}, {}):
        response = client.get(reverse("claims:member_new"), query, HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 200 and "care-on-error" not in response.content.decode()
