"""Names in the page's script and gendered relation labels are not only on member pages: the desk's and the
liquidator's pages and the members' e-mails use the same filters (members/templatetags/people.py)."""

import pytest
from django.core import mail
from django.urls import reverse

from claims.notifications import notify_claim_status
from claims.status import claim_set_status
from tests.claims.factories import ClaimFileFactory
from tests.factories import MemberFactory, UserFactory
from tests.units.conftest import agent_taounate, taounate  # noqa: F401 - fixtures


@pytest.fixture
def amina(taounate):  # noqa: F811
    member = MemberFactory(first_name="Amina", last_name="Alaoui", first_name_ar="أمينة", last_name_ar="العلوي",
                           sex="F", email="amina@example.ma", user=UserFactory(language="fr"))
    member.beneficiaries.filter(relation="member").update(first_name="Amina", last_name="Alaoui", sex="F",
                                                          first_name_ar="أمينة", last_name_ar="العلوي")
    return member


@pytest.mark.parametrize(("lang", "first", "label"), [("ar", "أمينة العلوي", "المنخرطة نفسها"),
                                                       ("fr", "Amina Alaoui", "L’adhérente elle-même")])
def test_the_desk_file_page_names_her_in_its_script_and_gender(client, agent_taounate, taounate, amina,  # noqa: F811
                                                               lang, first, label):
    claim = ClaimFileFactory(member=amina, beneficiary=amina.beneficiaries.get(relation="member"), unit=taounate,
                             channel="front_desk")
    agent_taounate.language = lang
    agent_taounate.save(update_fields=["language"])
    client.force_login(agent_taounate)
    page = client.get(reverse("claims:desk_claim", args=[claim.pk])).content.decode()
    main = page[page.index("<main"):]
    assert first in main and label in main
    if lang == "ar":  # the Arabic name comes before the Latin one
        assert "Amina Alaoui" not in main or main.index(first) < main.index("Amina Alaoui")
    assert "Member herself" not in main and "Member himself" not in main


@pytest.mark.parametrize(("lang", "greeting"), [("fr", "Madame Amina Alaoui,"), ("ar", "السيدة أمينة العلوي،")])
def test_the_status_email_greets_her_in_her_language_script_and_gender(amina, lang, greeting):
    amina.user.language = lang
    amina.user.save(update_fields=["language"])
    claim = ClaimFileFactory(member=amina, beneficiary=amina.beneficiaries.get(relation="member"), status="draft")
    claim_set_status(claim=claim, to_status="received")
    assert notify_claim_status(claim_id=claim.pk) is True
    body = mail.outbox[-1].body
    assert body.startswith(greeting), body
    name = "أمينة العلوي" if lang == "ar" else "Amina Alaoui"
    assert f"({name})" in body or name in body.split("\n")[2], body
