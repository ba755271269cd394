"""The member's profile names the mutual and the home unit in the reader's language."""

import pytest
from django.urls import reverse

from tests.claims.factories import unit
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MemberFactory(user=UserFactory(), home_unit=unit("sefrou"))


def test_the_profile_names_the_mutual_and_the_home_unit_in_arabic(client, member):
    client.force_login(member.user)
    page = client.get(reverse("profile"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<dd class="col-sm-7">التعاضدية العامة</dd>' in page
    assert '<dd class="col-sm-7">وحدة sefrou</dd>' in page
    assert "Mutuelle Générale" not in page and "Unité de Sefrou" not in page


def test_the_profile_names_them_in_french_in_french(client, member):
    client.force_login(member.user)
    page = client.get(reverse("profile"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<dd class="col-sm-7">Mutuelle Générale</dd>' in page
    assert '<dd class="col-sm-7">Unité de Sefrou</dd>' in page


def test_a_member_without_a_home_unit_reads_a_dash(client):
    member = MemberFactory(user=UserFactory(), home_unit=None)
    client.force_login(member.user)
    page = client.get(reverse("profile"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<dd class="col-sm-7">—</dd>' in page
