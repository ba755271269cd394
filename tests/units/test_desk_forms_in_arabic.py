"""The desk's forms in Arabic: a visitor's mutual and a lab order's beneficiary are named in Arabic."""

import pytest
from django.urls import reverse

from tests.factories import BeneficiaryFactory, MemberFactory, SisterMutualFactory


@pytest.fixture
def sister(db):
    return SisterMutualFactory()


def test_the_visitor_form_lists_the_mutuals_by_their_arabic_name(client, agent_taounate, sister):
    client.force_login(agent_taounate)
    page = client.get(reverse("units:desk") + "?unit=taounate", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert f'<option value="{sister.pk}">تعاضدية شقيقة</option>' in page
    french = client.get(reverse("units:desk") + "?unit=taounate", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f'<option value="{sister.pk}">Mutuelle sœur</option>' in french


def test_the_lab_order_form_names_the_beneficiaries_in_arabic_with_their_relation(client, agent_taounate, taounate):
    member = MemberFactory()
    child = BeneficiaryFactory(member=member, relation="child", sex="F", first_name="Salma", first_name_ar="سلمى",
                               last_name="Idrissi", last_name_ar="الإدريسي")
    client.force_login(agent_taounate)
    page = client.get(reverse("units:lab_order_new") + f"?unit=taounate&member={member.pk}",
                      HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert f'<option value="{child.pk}">سلمى الإدريسي (ابنة)</option>' in page
    assert "Salma Idrissi" not in page
