"""The member's own file and the registry through the API: profile with eligibility, change requests, search."""

import pytest

from members.identifiers import moroccan_iban_from_rib
from tests.factories import BeneficiaryFactory, StudentPeriodFactory

from .conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_member_reads_his_profile_with_each_beneficiarys_eligibility_and_why(cast):
    member = cast.x.member
    BeneficiaryFactory(member=member, first_name="Omar", birth_date="1990-01-01")  # a child aged over 26
    student = BeneficiaryFactory(member=member, first_name="Sara", birth_date="2003-01-01")
    StudentPeriodFactory(beneficiary=student, start="2020-09-01", end="2099-07-31")
    body = client_for(member.user).get("/api/v1/me/").json()
    by_name = {b["first_name"]: b["eligibility"] for b in body["beneficiaries"]}
    assert by_name["Omar"]["eligible"] is False and by_name["Omar"]["reason_code"]
    assert by_name["Sara"]["eligible"] is True
    assert body["coverage"]["covered"] is True
    assert [period["complementary"] for period in body["affiliations"]] == [True]
    assert body["iban"] == member.iban


def test_a_phone_change_applies_at_once_and_a_bank_account_waits_for_staff(cast):
    member = cast.x.member
    client = client_for(member.user)
    phone = client.post("/api/v1/me/change-requests/", {"field": "phone", "new_value": "0612345678"},
                        format="json")
    assert phone.status_code == 201 and phone.json()["status"] == "applied"
    iban = moroccan_iban_from_rib("011780000012345678901234")
    pending = client.post("/api/v1/me/change-requests/", {"field": "iban", "new_value": iban}, format="json")
    assert pending.status_code == 201 and pending.json()["status"] == "pending"
    member.refresh_from_db()
    assert member.phone == "+212612345678" and member.iban != iban

    url = f"/api/v1/change-requests/{pending.json()['id']}/decide/"
    approved = client_for(cast.y.agent).post(url, {"decision": "approve"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "applied"
    member.refresh_from_db()
    assert member.iban == iban
    again = client_for(cast.y.agent).post(url, {"decision": "reject"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "not_pending"


def test_a_bad_phone_number_is_refused_with_its_code(cast):
    response = client_for(cast.x.member.user).post("/api/v1/me/change-requests/",
                                                   {"field": "phone", "new_value": "12"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "phone"


def test_staff_search_members_by_name_or_number(cast):
    member = cast.y.member
    client = client_for(cast.x.agent)
    by_number = client.get(f"/api/v1/members/?q={member.membership_number}").json()["results"]
    by_name = client.get(f"/api/v1/members/?q={member.last_name}").json()["results"]
    assert [m["id"] for m in by_number] == [m["id"] for m in by_name] == [member.pk]


def test_a_scan_downloads_for_its_member_and_is_not_found_for_another(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.claims.factories import pdf_bytes

    data = pdf_bytes()
    scan = SimpleUploadedFile("feuille.pdf", data, content_type="application/pdf")
    uploaded = client_for(cast.x.agent).post(f"/api/v1/files/{cast.x.claim.pk}/attachments/",
                                             {"file": scan, "kind": "care_sheet"}, format="multipart")
    url = f"/api/v1/me/files/{cast.x.claim.pk}/attachments/{uploaded.json()['id']}/"
    mine = client_for(cast.x.member.user).get(url)
    assert mine.status_code == 200 and b"".join(mine.streaming_content) == data
    assert mine["Content-Disposition"].startswith("attachment")
    assert client_for(cast.y.member.user).get(url).status_code == 404
