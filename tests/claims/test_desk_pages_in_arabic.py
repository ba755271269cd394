"""The front desk in Arabic: a sister mutual and a unit are named in Arabic, not in French."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.services import intake
from tests.factories import MemberFactory, SisterMutualFactory

from .factories import reference, staff, unit


@pytest.fixture
def agent(db):
    reference()
    return staff(unit("taounate"))


@pytest.fixture
def sister_member(db):
    return MemberFactory(mutual=SisterMutualFactory(), last_name="Ouazzani")


def test_registering_a_sister_mutual_members_file_names_that_mutual_in_arabic(client, agent, sister_member):
    client.force_login(agent)
    page = client.get(reverse("claims:desk_register"), {"member": sister_member.pk}, HTTP_ACCEPT_LANGUAGE="ar")
    text = page.content.decode()
    assert page.status_code == 200
    assert "(تعاضدية شقيقة)" in text and "Mutuelle sœur" not in text
    french = client.get(reverse("claims:desk_register"), {"member": sister_member.pk}, HTTP_ACCEPT_LANGUAGE="fr")
    assert "(Mutuelle sœur)" in french.content.decode()


def test_the_desk_search_and_a_files_page_name_the_mutual_and_the_unit_in_arabic(client, agent, sister_member):
    today = timezone.localdate()
    claim = intake.claim_register_at_desk(
        member=sister_member, beneficiary=sister_member.beneficiaries.get(), unit=unit(), by=agent,
        received_on=today, lines=[intake.LineData("C", today - timedelta(days=1), 1, Decimal("100.00"))])
    client.force_login(agent)
    search = client.get(reverse("claims:desk_claims"), {"q": "Ouazzani"}, HTTP_ACCEPT_LANGUAGE="ar")
    assert '<span class="badge text-bg-warning">تعاضدية شقيقة</span>' in search.content.decode()
    page = client.get(reverse("claims:desk_claim", args=[claim.pk]), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "تعاضدية شقيقة" in page and "Mutuelle sœur" not in page
    assert "وحدة taounate" in page and "Unité de Taounate" not in page


@pytest.mark.parametrize(("lang", "sentence"), [
    ("ar", "أنت منخرط في تعاضدية شقيقة: أحيل ملفك على تعاضدية شقيقة لمعالجته."),
    ("fr", "Vous relevez d’une mutuelle sœur : votre dossier a été transmis à Mutuelle sœur pour traitement."),
])
def test_tracking_a_forwarded_file_names_the_mutual_it_went_to(client, agent, sister_member, lang, sentence):
    today = timezone.localdate()
    claim = intake.claim_register_at_desk(
        member=sister_member, beneficiary=sister_member.beneficiaries.get(), unit=unit(), by=agent,
        received_on=today, lines=[intake.LineData("C", today - timedelta(days=1), 1, Decimal("100.00"))])
    assert claim.status == "forwarded"
    response = client.post(reverse("claims:track"), {
        "code": claim.tracking_code, "birth_date": sister_member.birth_date.isoformat()}, HTTP_ACCEPT_LANGUAGE=lang)
    assert sentence in response.content.decode()
