"""Estimate pages: the engine's answer for a draft or for typed lines, explained line by line; nothing saved."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import ClaimFile, ClaimLine, ClaimStatus
from tests.claims import liquidation_builders as b
from tests.factories import UserFactory


@pytest.fixture
def member(db):
    b.reference()
    m = b.member()
    m.user = UserFactory(language="fr")
    m.save(update_fields=["user"])
    return m


def _post(client, member, **line):
    beneficiary = b.self_of(member)
    data = {"beneficiary": beneficiary.pk, "sector": "private", "line-TOTAL_FORMS": "3", "line-INITIAL_FORMS": "0",
            "line-MIN_NUM_FORMS": "0", "line-MAX_NUM_FORMS": "10"}
    data.update({f"line-0-{k}": v for k, v in line.items()})
    return client.post(reverse("claims:member_estimate"), data, HTTP_ACCEPT_LANGUAGE="fr")


def test_what_if_i_file_this_explains_each_line_and_saves_nothing(client, member):
    client.force_login(member.user)
    care = timezone.localdate() - timedelta(days=3)
    before = (ClaimFile.objects.count(), ClaimLine.objects.count())
    response = _post(client, member, act_code="CS", care_date=care.isoformat(), quantity="1", billed_amount="300")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="estimate"' in body
    assert "tarif de référence" in body and "Reste à votre charge" in body
    # CS, 2026 tariff 200.00: AMO 160.00 + complementary 20.00 = 180.00 reimbursed, 300.00 − 180.00 left to pay
    assert "180,00" in body and "120,00" in body
    assert (ClaimFile.objects.count(), ClaimLine.objects.count()) == before


def test_bad_lines_get_a_clear_error_not_a_500(client, member):
    client.force_login(member.user)
    tomorrow = timezone.localdate() + timedelta(days=2)
    response = _post(client, member, act_code="C", care_date=tomorrow.isoformat(), quantity="1", billed_amount="100")
    assert response.status_code == 400 and "invalid-feedback" in response.content.decode()
    response = _post(client, member, act_code="C", care_date="not a date", quantity="x", billed_amount="-3")
    assert response.status_code == 400


def test_a_draft_is_estimated_from_its_lines(client, member):
    beneficiary = b.self_of(member)
    care = timezone.localdate() - timedelta(days=5)
    draft = ClaimFile.objects.create(tracking_code="DRAFT00001", member=member, beneficiary=beneficiary,
                                     status=ClaimStatus.DRAFT, channel="online", sector="private")
    ClaimLine.objects.create(claim=draft, position=1, act_id="C", care_date=care, quantity=1, billed_amount="100.00")
    client.force_login(member.user)
    body = client.get(reverse("claims:member_draft_estimate", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE="fr"
                      ).content.decode()
    assert 'data-testid="estimate"' in body and "L&#x27;AMO rembourse 80" in body
    draft.refresh_from_db()
    assert draft.status == ClaimStatus.DRAFT and draft.total_reimbursed == 0
    other = b.member()
    other.user = UserFactory()
    other.save(update_fields=["user"])
    client.force_login(other.user)
    assert client.get(reverse("claims:member_draft_estimate", args=[draft.pk])).status_code == 404
    assert date.today()


@pytest.mark.parametrize(("amount", "message"), [
    ("-5", "Le montant doit être supérieur à 0."),
    ("0", "Le montant doit être supérieur à 0."),
    ("99999999999999", "Ce montant est trop élevé."),
])
def test_an_amount_a_filed_file_would_refuse_is_refused_next_to_its_field(client, member, amount, message):
    client.force_login(member.user)
    care = timezone.localdate() - timedelta(days=1)
    response = _post(client, member, act_code="C", care_date=care.isoformat(), quantity="1", billed_amount=amount)
    assert response.status_code == 400
    line = response.context["formset"].forms[0]
    assert line.errors["billed_amount"] == [message]
    assert 'data-testid="estimate"' not in response.content.decode()
    assert f'value="{amount}"' in response.content.decode()  # what was typed stays in the field


def test_a_care_date_in_the_future_is_refused_in_the_members_language_next_to_the_date(client, member):
    client.force_login(member.user)
    future = timezone.localdate() + timedelta(days=3)
    response = _post(client, member, act_code="C", care_date=future.isoformat(), quantity="1", billed_amount="100")
    assert response.status_code == 400
    assert response.context["formset"].forms[0].errors["care_date"] == [
        "La date des soins ne peut pas être dans le futur."]
    assert "receipt date" not in response.content.decode()  # the engine's message for developers stays inside
