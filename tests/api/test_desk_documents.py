"""Documents before pricing at the desk: the agent ticks the documents handed in; a file lacking a required
one is registered `incomplete` with the list, which the member then reads, translated, on his file's page."""

from datetime import timedelta

import pytest

from claims.models import ClaimFile
from claims.services.intake import today

from .conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_desk_file_lacking_a_prescription_is_incomplete_and_the_member_sees_what_and_why(cast, client):
    member = cast.x.member
    body = {"unit": cast.x.unit.code, "member": member.pk, "beneficiary": member.beneficiaries.get().pk,
            "received_on": str(today()), "documents": ["care_sheet"], "lines": [
                {"act": "MED", "care_date": str(today() - timedelta(days=2)), "quantity": 1,
                 "billed_amount": "120.00"}]}

    response = client_for(cast.x.agent).post("/api/v1/files/", body, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["status"] == "incomplete"
    assert response.json()["missing_kinds"] == [{"kind": "prescription", "category": "MEDICINE"}]
    claim = ClaimFile.objects.get(pk=response.json()["id"])
    member.user.language = "fr"
    member.user.save(update_fields=["language"])
    client.force_login(member.user)
    page = client.get(f"/me/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200
    assert "Ordonnance (exigée pour Médicaments)" in page.content.decode()
