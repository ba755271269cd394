"""The health-data access log: every staff read of a file or a scan leaves a row (who, when, what, from where),
members' own reads leave none, the table cannot be changed or emptied row by row, and members see who read
their files on /me/access-log/."""

import pytest
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from claims.models import AccessAction, Attachment, ClaimStatus, HealthDataAccess
from claims.services.access_log import health_access_record
from tests.claims.factories import ClaimFileFactory, pdf_bytes, reference, staff, unit
from tests.factories import MemberFactory, UserFactory
from units.models import StaffRole


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def taounate(db):
    return unit("taounate")


@pytest.fixture
def sefrou(db):
    return unit("sefrou")


@pytest.fixture
def member(db, taounate):
    reference()
    return MemberFactory(user=UserFactory(language="en"), home_unit=taounate)


@pytest.fixture
def claim(member, taounate):
    return ClaimFileFactory(member=member, unit=taounate, channel="front_desk")


@pytest.fixture
def scan(claim):
    attachment = Attachment(claim=claim, kind="care_sheet", original_name="feuille.pdf",
                            content_type="application/pdf", size=10, sha256="0" * 64)
    attachment.file.save("scan.pdf", ContentFile(pdf_bytes()), save=True)
    return attachment


@pytest.fixture
def agent(taounate):
    return staff(taounate, first_name="Samira", last_name="Alaoui")


@pytest.fixture
def liquidator(taounate):
    return staff(taounate, role=StaffRole.LIQUIDATOR, first_name="Karim", last_name="Bennani")


def only_access() -> HealthDataAccess:
    accesses = list(HealthDataAccess.objects.all())
    assert len(accesses) == 1, accesses
    return accesses[0]


# --- what is recorded ---------------------------------------------------------------------------------------


def test_an_agent_opening_a_file_at_the_desk_is_recorded_with_who_what_where_and_from_which_address(
        client, agent, claim, taounate):
    client.force_login(agent)
    response = client.get(reverse("claims:desk_claim", args=[claim.pk]), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    access = only_access()
    assert (access.user, access.claim, access.attachment, access.action) == (agent, claim, None, "desk_page")
    assert (access.unit, access.ip, access.view_name) == (taounate, "10.1.2.3", "claims:desk_claim")
    assert access.at is not None


@pytest.mark.parametrize("url_name", ["claims:desk_receipt", "claims:desk_receipt_pdf"])
def test_printing_a_files_receipt_is_recorded(client, agent, claim, url_name):
    client.force_login(agent)
    assert client.get(reverse(url_name, args=[claim.pk])).status_code == 200
    assert only_access().action == AccessAction.RECEIPT


def test_a_staff_download_of_a_scan_is_recorded_with_the_scan(client, agent, claim, scan):
    client.force_login(agent)
    response = client.get(reverse("claims:attachment", args=[scan.pk]))
    assert response.status_code == 200
    access = only_access()
    assert (access.claim, access.attachment, access.action) == (claim, scan, "attachment")


def test_a_liquidator_opening_a_file_for_review_is_recorded_without_a_unit_of_reception(client, member, sefrou):
    liquidator = staff(sefrou, role=StaffRole.LIQUIDATOR)
    claim = ClaimFileFactory(member=member, status=ClaimStatus.IN_REVIEW)
    client.force_login(liquidator)
    assert client.get(reverse("claims:review_detail", args=[claim.pk])).status_code == 200
    access = only_access()
    assert (access.user, access.claim, access.action, access.unit) == (liquidator, claim, "review_page", sefrou)


def test_api_reads_of_a_file_and_of_a_scan_by_staff_are_recorded(client, agent, claim, scan):
    client.force_login(agent)
    assert client.get(f"/api/v1/files/{claim.pk}/").status_code == 200
    assert client.get(f"/api/v1/files/{claim.pk}/attachments/{scan.pk}/").status_code == 200
    rows = list(HealthDataAccess.objects.order_by("id").values_list("action", "claim_id", "attachment_id"))
    assert rows == [("api_detail", claim.pk, None), ("api_attachment", claim.pk, scan.pk)]


def test_opening_a_file_or_a_scan_in_the_admin_is_recorded(client, superuser, claim, scan):
    client.force_login(superuser)
    assert client.get(reverse("admin:claims_claimfile_change", args=[claim.pk])).status_code == 200
    assert client.get(reverse("admin:claims_attachment_change", args=[scan.pk])).status_code == 200
    rows = list(HealthDataAccess.objects.order_by("id").values_list("user_id", "action", "attachment_id"))
    assert rows == [(superuser.pk, "admin_view", None), (superuser.pk, "admin_view", scan.pk)]


# --- what is not -------------------------------------------------------------------------------------------


def test_a_member_reading_their_own_file_and_scan_leaves_no_row(client, member, claim, scan):
    client.force_login(member.user)
    assert client.get(reverse("claims:member_claim", args=[claim.pk])).status_code == 200
    assert client.get(reverse("claims:attachment", args=[scan.pk])).status_code == 200
    assert client.get(f"/api/v1/me/files/{claim.pk}/").status_code == 200
    assert not HealthDataAccess.objects.exists()


def test_a_refused_read_leaves_no_row(client, sefrou, claim, scan):
    other_agent = staff(sefrou)
    client.force_login(other_agent)
    assert client.get(reverse("claims:desk_claim", args=[claim.pk])).status_code == 404
    assert client.get(reverse("claims:attachment", args=[scan.pk])).status_code == 404
    assert client.get(f"/api/v1/files/{claim.pk}/").status_code == 404
    assert not HealthDataAccess.objects.exists()


def test_the_service_writes_nothing_for_the_files_own_member_and_refuses_unknown_actions(member, claim, agent):
    assert health_access_record(user=member.user, claim=claim, action="desk_page") is None
    with pytest.raises(ValueError):
        health_access_record(user=agent, claim=claim, action="peeked")
    assert not HealthDataAccess.objects.exists()


# --- append-only -------------------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger guards PostgreSQL")
def test_the_database_refuses_to_change_or_delete_a_recorded_access(agent, claim):
    access = health_access_record(user=agent, claim=claim, action="desk_page")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        HealthDataAccess.objects.filter(pk=access.pk).update(action="receipt")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        HealthDataAccess.objects.filter(pk=access.pk).delete()
    access.refresh_from_db()
    assert access.action == "desk_page"


def test_the_admin_shows_the_log_read_only(client, superuser, agent, claim):
    access = health_access_record(user=agent, claim=claim, action="desk_page")
    client.force_login(superuser)
    changelist = client.get(reverse("admin:claims_healthdataaccess_changelist"))
    assert changelist.status_code == 200
    assert claim.tracking_code in changelist.content.decode()
    assert client.get(reverse("admin:claims_healthdataaccess_add")).status_code == 403
    page = client.get(reverse("admin:claims_healthdataaccess_change", args=[access.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(reverse("admin:claims_healthdataaccess_delete", args=[access.pk]), {"post": "yes"}
                       ).status_code == 403
    assert HealthDataAccess.objects.filter(pk=access.pk).exists()


@pytest.mark.parametrize("rows", [1, 40])
def test_the_admin_changelist_of_the_log_runs_a_constant_number_of_queries(client, superuser, agent, claim, rows,
                                                                           django_assert_num_queries):
    for _ in range(rows):
        health_access_record(user=agent, claim=claim, action="desk_page")
    client.force_login(superuser)
    with django_assert_num_queries(7):
        assert client.get(reverse("admin:claims_healthdataaccess_changelist")).status_code == 200


def test_a_staff_reader_or_a_file_that_was_read_cannot_be_deleted_out_from_under_the_log(agent, claim):
    from django.db.models import ProtectedError

    health_access_record(user=agent, claim=claim, action="desk_page")
    with pytest.raises(ProtectedError):
        agent.delete()
    with pytest.raises(ProtectedError):
        claim.delete()


# --- the member's page ---------------------------------------------------------------------------------------


def test_a_member_sees_who_opened_their_files_from_which_unit_and_what_they_did(client, member, claim, scan, agent):
    health_access_record(user=agent, claim=claim, action="desk_page")
    health_access_record(user=agent, claim=claim, attachment=scan, action="attachment")
    client.force_login(member.user)
    response = client.get(reverse("claims:member_access_log"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Samira Alaoui" in page
    assert "Unité de Taounate" in page
    assert claim.tracking_code_display in page
    assert "Opened the file at the desk" in page and "Downloaded a scan" in page and "feuille.pdf" in page


def test_a_member_does_not_see_reads_of_another_members_files(client, claim, agent, taounate):
    health_access_record(user=agent, claim=claim, action="desk_page")
    other = MemberFactory(user=UserFactory(language="en"))
    client.force_login(other.user)
    response = client.get(reverse("claims:member_access_log"))
    assert response.status_code == 200
    assert claim.tracking_code_display not in response.content.decode()
    assert "No one at the mutual has opened your files yet." in response.content.decode()


def test_the_access_log_page_is_for_members_only(client, agent):
    url = reverse("claims:member_access_log")
    assert client.get(url).status_code == 302
    client.force_login(agent)
    assert client.get(url).status_code == 404


def test_the_members_access_log_page_runs_the_same_queries_for_one_and_forty_rows(client, member, claim, agent):
    client.force_login(member.user)
    url = reverse("claims:member_access_log")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    health_access_record(user=agent, claim=claim, action="desk_page")
    one = queries()
    for _ in range(39):
        health_access_record(user=agent, claim=claim, action="receipt")
    assert queries() == one
