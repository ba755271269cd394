"""Claim files through the API: desk registration (idempotent), online filing, attachments, review,
estimate, prior agreements; every list with a constant number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from claims.models import ClaimFile, ClaimStatus
from claims.reason_messages import REASON_MESSAGES
from claims.status import claim_set_status
from tests.claims.factories import pdf_bytes

from .conftest import client_for

pytestmark = pytest.mark.django_db


def _desk_file(cast, **overrides) -> dict:
    today = timezone.localdate()
    beneficiary = cast.x.member.beneficiaries.get(relation="member")
    return {"unit": "x", "member": cast.x.member.pk, "beneficiary": beneficiary.pk, "received_on": str(today),
            "lines": [{"act": "C", "care_date": str(today - timedelta(days=2)), "quantity": 1,
                       "billed_amount": "100.00"}], **overrides}


def test_an_agent_registers_a_paper_file_at_his_unit_and_gets_its_tracking_code(cast):
    response = client_for(cast.x.agent).post("/api/v1/files/", _desk_file(cast), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "received" and body["unit"] == "x" and body["channel"] == "front_desk"
    assert [line["act"] for line in body["lines"]] == ["C"]
    assert body["status_history"][-1]["to_status"] == "received"
    assert ClaimFile.objects.get(pk=body["id"]).tracking_code == body["tracking_code"].replace("-", "")


def test_the_same_idempotency_key_returns_the_same_file(cast):
    client = client_for(cast.x.agent)
    first = client.post("/api/v1/files/", _desk_file(cast), format="json", HTTP_IDEMPOTENCY_KEY="desk-42")
    again = client.post("/api/v1/files/", _desk_file(cast), format="json", HTTP_IDEMPOTENCY_KEY="desk-42")
    other = client.post("/api/v1/files/", _desk_file(cast), format="json", HTTP_IDEMPOTENCY_KEY="desk-43")
    assert first.status_code == again.status_code == other.status_code == 201
    assert first.json()["id"] == again.json()["id"] != other.json()["id"]
    assert ClaimFile.objects.filter(idempotency_key="desk-42").count() == 1


def test_a_deposit_date_in_the_future_is_refused_on_its_field(cast):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_for(cast.x.agent).post("/api/v1/files/", _desk_file(cast, received_on=str(tomorrow)),
                                             format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "received_on"


def test_a_file_received_earlier_may_be_entered_with_its_real_deposit_date(cast):
    earlier = timezone.localdate() - timedelta(days=10)
    data = _desk_file(cast, received_on=str(earlier))
    data["lines"][0]["care_date"] = str(earlier - timedelta(days=1))
    response = client_for(cast.x.agent).post("/api/v1/files/", data, format="json")
    assert response.status_code == 201
    assert response.json()["received_on"] == str(earlier)


def test_a_care_date_after_the_deposit_date_names_the_line_and_field(cast):
    data = _desk_file(cast)
    data["lines"].append({"act": "C", "care_date": str(timezone.localdate() + timedelta(days=1)), "quantity": 1,
                          "billed_amount": "80.00"})
    response = client_for(cast.x.agent).post("/api/v1/files/", data, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "lines.1.care_date"


def test_an_agent_cannot_register_a_file_at_another_unit(cast):
    response = client_for(cast.x.agent).post("/api/v1/files/", _desk_file(cast, unit="y"), format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "unit" and response.json()["code"] == "does_not_exist"


def test_a_member_files_online_draft_line_scan_submit(cast):
    client = client_for(cast.x.member.user)
    beneficiary = cast.x.member.beneficiaries.get(relation="member")
    draft = client.post("/api/v1/me/files/", {"beneficiary": beneficiary.pk}, format="json",
                        HTTP_IDEMPOTENCY_KEY="phone-1")
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    file_id = draft.json()["id"]
    line = {"act": "C", "care_date": str(timezone.localdate() - timedelta(days=1)), "quantity": 1,
            "billed_amount": "100.00"}
    assert client.post(f"/api/v1/me/files/{file_id}/lines/", line, format="json").status_code == 201
    from django.core.files.uploadedfile import SimpleUploadedFile

    scan = SimpleUploadedFile("feuille.pdf", pdf_bytes(), content_type="application/pdf")
    uploaded = client.post(f"/api/v1/me/files/{file_id}/attachments/", {"file": scan, "kind": "care_sheet"},
                           format="multipart")
    assert uploaded.status_code == 201, uploaded.json()
    assert uploaded.json()["content_type"] == "application/pdf"
    sent = client.post(f"/api/v1/me/files/{file_id}/submit/")
    assert sent.status_code == 200 and sent.json()["status"] == "received"
    again = client.post(f"/api/v1/me/files/{file_id}/submit/")
    assert again.status_code == 409 and again.json()["code"] == "already_submitted"


def test_a_scan_that_is_not_a_pdf_or_image_is_refused_with_its_code(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    scan = SimpleUploadedFile("notes.pdf", b"just some text, not a scan", content_type="application/pdf")
    response = client_for(cast.x.agent).post(f"/api/v1/files/{cast.x.claim.pk}/attachments/",
                                             {"file": scan}, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_type"


def test_a_member_cannot_file_for_another_members_beneficiary(cast):
    other = cast.y.member.beneficiaries.get(relation="member")
    response = client_for(cast.x.member.user).post("/api/v1/me/files/", {"beneficiary": other.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "beneficiary"


def test_the_estimate_gives_worked_example_1_without_saving_anything(cast):
    files = ClaimFile.objects.count()
    beneficiary = cast.x.member.beneficiaries.get(relation="member")
    response = client_for(cast.x.member.user).post("/api/v1/me/estimate/", {
        "beneficiary": beneficiary.pk, "sector": "private", "received_on": "2025-03-20",
        "lines": [{"act": "C", "care_date": "2025-03-10", "quantity": 1, "billed_amount": "100.00"}]},
        format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["total_reimbursed"]) == ("liquidated", "72.00")
    assert (body["lines"][0]["base_amount"], body["lines"][0]["amo_amount"],
            body["lines"][0]["complementary_amount"]) == ("80.00", "64.00", "8.00")
    assert ClaimFile.objects.count() == files


def test_a_late_line_in_the_estimate_explains_itself_in_the_callers_language(cast):
    beneficiary = cast.x.member.beneficiaries.get(relation="member")
    response = client_for(cast.x.agent, language="fr").post("/api/v1/estimate/", {
        "beneficiary": beneficiary.pk, "received_on": "2025-05-10",
        "lines": [{"act": "C", "care_date": "2025-03-10", "quantity": 1, "billed_amount": "100.00"}]},
        format="json")
    reason = response.json()["lines"][0]["reasons"][0]
    assert reason["code"] == "LATE_FILING"
    with translation.override("fr"):
        assert reason["message"] == str(REASON_MESSAGES["LATE_FILING"])


def _in_review(claim):
    claim_set_status(claim=claim, to_status=ClaimStatus.LIQUIDATING)
    claim.lines.update(accepted=True, base_amount=Decimal("80.00"), amo_amount=Decimal("64.00"),
                       complementary_amount=Decimal("8.00"))
    claim_set_status(claim=claim, to_status=ClaimStatus.IN_REVIEW)


def test_a_liquidator_adjusts_a_file_in_review_with_a_reason_kept_in_its_history(cast):
    _in_review(cast.x.claim)
    response = client_for(cast.liquidator).post(f"/api/v1/files/{cast.x.claim.pk}/review/", {
        "decision": "adjust", "reason": "Invoice shows 50 MAD AMO", "adjustments": [
            {"line": 1, "amo_amount": "50.00", "complementary_amount": "8.00"}]}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "liquidated"
    assert body["lines"][0]["amo_amount"] == "50.00"
    assert body["lines"][0]["adjustment_reason"] == "Invoice shows 50 MAD AMO"


def test_a_front_desk_agent_cannot_review_and_a_file_not_in_review_is_a_conflict(cast):
    agent = client_for(cast.x.agent).post(f"/api/v1/files/{cast.x.claim.pk}/review/", {"decision": "approve"},
                                          format="json")
    assert agent.status_code == 403
    liquidator = client_for(cast.liquidator).post(f"/api/v1/files/{cast.x.claim.pk}/review/",
                                                  {"decision": "approve"}, format="json")
    assert liquidator.status_code == 409 and liquidator.json()["code"] == "invalid_transition"


def test_a_prior_agreement_is_requested_at_the_desk_and_granted_by_a_liquidator(cast):
    beneficiary = cast.x.member.beneficiaries.get(relation="member")
    requested = client_for(cast.x.agent).post("/api/v1/prior-agreements/", {
        "beneficiary": beneficiary.pk, "acts": ["HOSP"], "valid_from": "2026-01-01", "valid_to": "2026-03-31"},
        format="json")
    assert requested.status_code == 201 and requested.json()["status"] == "requested"
    url = f"/api/v1/prior-agreements/{requested.json()['id']}/decide/"
    assert client_for(cast.x.agent).post(url, {"decision": "grant"}, format="json").status_code == 403
    granted = client_for(cast.liquidator).post(url, {"decision": "grant"}, format="json")
    assert granted.status_code == 200 and granted.json()["status"] == "granted"
    twice = client_for(cast.liquidator).post(url, {"decision": "refuse", "notes": "no"}, format="json")
    assert twice.status_code == 409 and twice.json()["code"] == "already_decided"
    mine = client_for(cast.x.member.user).get("/api/v1/me/prior-agreements/").json()["results"]
    assert {agreement["acts"][0] for agreement in mine if agreement["acts"]} == {"HOSP"}


def test_reference_data_is_read_by_staff_and_written_by_admins_only(cast):
    version = {"act": "C", "effective_from": "2027-01-01", "category": "CONSULTATION", "tnr": "130.00"}
    assert client_for(cast.x.agent).get("/api/v1/tariff-versions/?act=C").json()["count"] == 2
    assert client_for(cast.x.agent).post("/api/v1/tariff-versions/", version, format="json").status_code == 403
    assert client_for(cast.x.member.user).get("/api/v1/acts/").status_code == 403
    created = client_for(cast.admin).post("/api/v1/tariff-versions/", version, format="json")
    assert created.status_code == 201 and created.json()["tnr"] == "130.00"


def count_queries(call) -> tuple[int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        result = call()
    return len(context.captured_queries), result


@pytest.mark.parametrize("url", ["/api/v1/files/", "/api/v1/me/files/"])
def test_file_lists_take_the_same_number_of_queries_for_1_and_for_many_files(cast, url):
    user = cast.x.agent if url == "/api/v1/files/" else cast.x.member.user
    client = client_for(user)
    one, response = count_queries(lambda: client.get(url))
    assert response.json()["count"] == 1
    for day in range(20):
        client_for(cast.x.agent).post("/api/v1/files/", _desk_file(cast), format="json",
                                      HTTP_IDEMPOTENCY_KEY=f"k{day}")
    many, response = count_queries(lambda: client.get(url))
    assert response.json()["count"] == 21
    assert many == one


def test_a_liquidator_exports_then_confirms_a_payment_batch_and_an_agent_cannot(cast):
    from claims.models import PaymentBatch

    batch = PaymentBatch.objects.create(reference="PB-2026-0001")
    url = f"/api/v1/payment-batches/{batch.pk}/"
    assert client_for(cast.x.agent).post(url + "export/").status_code == 403
    early = client_for(cast.liquidator).post(url + "confirm/")
    assert early.status_code == 409 and early.json()["code"] == "batch_state"
    exported = client_for(cast.liquidator).post(url + "export/")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    confirmed = client_for(cast.liquidator).post(url + "confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert client_for(cast.liquidator).get(url).json()["transfers"] == []


def test_lists_are_paginated_with_a_page_size_the_client_chooses_up_to_100(cast):
    client = client_for(cast.x.agent)
    page = client.get("/api/v1/acts/?page_size=5").json()
    assert (page["count"], len(page["results"])) == (12, 5) and "page=2" in page["next"]
    assert len(client.get("/api/v1/acts/?page_size=1000").json()["results"]) == 12  # capped at 100
    assert client.get("/api/v1/acts/?page=99").status_code == 404
