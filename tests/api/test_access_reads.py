"""Health-data reads without a file leave a trace too: a staff estimate for a beneficiary (it reveals past
care) and a list of another unit's prior agreements are in the member's access log."""

from datetime import timedelta

import pytest

from claims.models import HealthDataAccess, PriorAgreement
from claims.services.access_log import health_accesses_for_member
from claims.services.intake import today
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_staff_estimate_for_a_beneficiary_is_logged_for_the_member(cast):
    beneficiary = cast.x.member.beneficiaries.get(relation="member")
    body = {"beneficiary": beneficiary.pk, "lines": [
        {"act": "C", "care_date": str(today() - timedelta(days=3)), "quantity": 1, "billed_amount": "100.00"}]}

    response = client_for(cast.y.agent).post("/api/v1/estimate/", body, format="json")

    assert response.status_code == 200, response.content
    access = health_accesses_for_member(member=cast.x.member).get(action="estimate")
    assert (access.user, access.beneficiary, access.claim) == (cast.y.agent, beneficiary, None)
    assert client_for(cast.x.member.user).post("/api/v1/me/estimate/", body, format="json").status_code == 200
    assert HealthDataAccess.objects.filter(action="estimate").count() == 1  # the member's own estimate: no row


def test_listing_another_units_prior_agreements_is_logged_but_not_ones_own(cast):
    beneficiary = cast.x.member.beneficiaries.get(relation="member")
    PriorAgreement.objects.create(reference="PA-LOG-1", beneficiary=beneficiary, valid_from=today(),
                                  valid_to=today() + timedelta(days=30))

    assert client_for(cast.x.agent).get("/api/v1/prior-agreements/").status_code == 200
    assert not HealthDataAccess.objects.filter(action="agreements", beneficiary=beneficiary).exists()

    assert client_for(cast.y.agent).get("/api/v1/prior-agreements/").status_code == 200
    access = HealthDataAccess.objects.get(action="agreements", beneficiary=beneficiary)
    assert access.user == cast.y.agent
    assert access in health_accesses_for_member(member=cast.x.member)


def test_the_member_access_log_page_shows_a_read_without_a_file(cast, client):
    beneficiary = cast.x.member.beneficiaries.get(relation="member")
    HealthDataAccess.objects.create(user=cast.y.agent, beneficiary=beneficiary, action="estimate")
    client.force_login(cast.x.member.user)
    page = client.get("/me/access-log/")
    assert page.status_code == 200 and beneficiary.first_name.encode() in page.content
