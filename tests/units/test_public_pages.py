"""The public list of units and each unit's page, in Arabic and French."""

import pytest
from django.urls import reverse

from .factories import ServiceFactory


@pytest.mark.parametrize("language,name", [("fr", "Unité de Taounate"), ("ar", "وحدة taounate")])
def test_the_units_list_speaks_the_visitors_language(client, taounate, language, name):
    response = client.get(reverse("units:list"), HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert name in page
    assert ("AR dental_care" if language == "ar" else "FR dental_care") in page
    assert "08:30" in page


def test_the_units_list_takes_the_same_queries_for_one_or_many_units(client, taounate, django_assert_num_queries):
    from .factories import ServiceUnitFactory

    with django_assert_num_queries(3):  # units, their services, their opening hours
        client.get(reverse("units:list"))
    for code in ("sefrou", "essaouira", "fes", "meknes"):
        ServiceUnitFactory(code=code, services=[ServiceFactory(code="optics")])
    with django_assert_num_queries(3):  # units, their services, their opening hours
        page = client.get(reverse("units:list")).content.decode()
    assert page.count("<article") == 5


def test_a_unit_has_its_own_page_and_an_unknown_one_is_404(client, taounate):
    assert client.get(reverse("units:detail", args=["taounate"])).status_code == 200
    assert client.get(reverse("units:detail", args=["nowhere"])).status_code == 404
