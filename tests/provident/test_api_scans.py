"""A provident scan downloaded through the API: the same readers as the page (the member whose request it is, the
staff who reach the request), each staff read in the health-data access log as on the page, 404 for anyone else."""

from datetime import date

import pytest
from django.urls import reverse

from claims.models import HealthDataAccess
from provident.services.intake import DocumentInput, request_create
from tests.api.conftest import client_for
from tests.factories import UserFactory

from . import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reference(db):
    b.reference()


def _child_death(member, agent):
    request = request_create(by=agent, member=member, benefit="CHILD_DEATH", event_date=date(2025, 3, 1),
                             received_on=date(2025, 3, 20), channel="front_desk", unit=b.unit("taounate"),
                             deceased=b.child(member),
                             documents=[DocumentInput("death_certificate", b.upload("deces.pdf"))])
    return request, request.documents.get()


def test_staff_download_a_scan_through_the_api_and_the_read_is_logged_as_on_the_page():
    agent = b.desk_agent("taounate")
    request, document = _child_death(b.member(user=UserFactory()), agent)

    response = client_for(agent).get(f"/api/v1/provident-requests/{request.pk}/documents/{document.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == document.file.open("rb").read()
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    access = HealthDataAccess.objects.get()
    assert (access.user, access.provident_document, access.action, access.unit.code) == (
        agent, document, "provident_scan", "taounate")
    assert access.view_name.endswith("provident-request-document-download")


def test_the_member_downloads_his_own_scan_unlogged_and_another_member_gets_404():
    user = UserFactory()
    request, document = _child_death(b.member(user=user), b.desk_agent("taounate"))
    url = f"/api/v1/me/provident-requests/{request.pk}/documents/{document.pk}/"

    assert client_for(user).get(url).status_code == 200
    assert client_for(b.member(user=UserFactory()).user).get(url).status_code == 404
    assert not HealthDataAccess.objects.exists()


def test_another_units_agent_and_a_scan_of_another_request_get_404_and_nothing_is_logged():
    agent = b.desk_agent("taounate")
    request, document = _child_death(b.member(user=UserFactory()), agent)
    other, other_document = _child_death(b.member(user=UserFactory()), agent)

    outsider = client_for(b.desk_agent("sefrou"))
    assert outsider.get(f"/api/v1/provident-requests/{request.pk}/documents/{document.pk}/").status_code == 404
    mismatched = client_for(agent).get(f"/api/v1/provident-requests/{request.pk}/documents/{other_document.pk}/")
    assert mismatched.status_code == 404
    assert not HealthDataAccess.objects.exists()


def test_a_liquidator_reads_every_units_scan_and_the_page_and_the_api_log_alike(client):
    liquidator = b.liquidator()
    request, document = _child_death(b.member(user=UserFactory()), b.desk_agent("taounate"))

    assert client_for(liquidator).get(
        f"/api/v1/provident-requests/{request.pk}/documents/{document.pk}/").status_code == 200
    client.force_login(liquidator)
    assert client.get(reverse("provident:document", args=[document.pk])).status_code == 200
    rows = list(HealthDataAccess.objects.order_by("pk").values_list("user", "provident_document", "action"))
    assert rows == [(liquidator.pk, document.pk, "provident_scan")] * 2


def test_a_scan_missing_from_storage_is_404_not_500():
    agent = b.desk_agent("taounate")
    request, document = _child_death(b.member(user=UserFactory()), agent)
    document.file.storage.delete(document.file.name)

    response = client_for(agent).get(f"/api/v1/provident-requests/{request.pk}/documents/{document.pk}/")

    assert response.status_code == 404
    assert not HealthDataAccess.objects.exists()
