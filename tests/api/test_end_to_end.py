"""End to end through the API and a real Celery worker: a member with a spouse and a child registered by the
desk, a paper file registered at a unit, liquidated by the worker, its amounts read back = worked example 1 of
docs/liquidation.md."""

from datetime import date

import pytest

from claims.demo import seed_reference
from claims.models import ClaimFile
from members.identifiers import moroccan_iban_from_rib
from members.models import Member
from members.services import member_activate
from tests.factories import PASSWORD, MutualFactory, StaffUserFactory
from tests.worker import wait_for
from units.models import ServiceUnit, StaffAssignment, StaffRole

from .conftest import client_for


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_file_registered_through_the_api_is_liquidated_by_the_worker_as_worked_example_1(celery_worker):
    seed_reference()
    unit = ServiceUnit.objects.create(code="taounate", name_fr="Unité de Taounate", name_ar="تاونات",
                                      city="Taounate", region="Fès-Meknès")
    agent = StaffUserFactory(username="agent.taounate")
    StaffAssignment.objects.create(user=agent, unit=unit, role=StaffRole.FRONT_DESK)
    MutualFactory()
    desk = client_for(agent)
    registered = desk.post("/api/v1/members/", {
        "cin": "AB123456", "first_name": "Amina", "last_name": "Alaoui", "birth_date": "1980-05-17", "sex": "F",
        "iban": moroccan_iban_from_rib("011780000012345678901234"), "home_unit": "taounate"}, format="json")
    assert registered.status_code == 201, registered.json()
    base = f"/api/v1/members/{registered.json()['id']}"
    for url, body in [
        (f"{base}/affiliations/", {"start": "2020-01-01", "complementary": True}),
        (f"{base}/beneficiaries/", {"relation": "spouse", "first_name": "Karim", "last_name": "Alaoui",
                                    "birth_date": "1978-02-02", "sex": "M", "marriage_start": "2005-07-01"}),
        (f"{base}/beneficiaries/", {"relation": "child", "first_name": "Yasmine", "last_name": "Alaoui",
                                    "birth_date": "2012-09-01", "sex": "F"}),
    ]:
        response = desk.post(url, body, format="json")
        assert response.status_code == 201, response.json()
    # The member opens his web account as on the activation page (the API has no activation endpoint).
    member_activate(membership_number=registered.json()["membership_number"], cin="AB123456",
                    birth_date=date(1980, 5, 17), password=PASSWORD)
    member = Member.objects.select_related("user").get(pk=registered.json()["id"])

    family = desk.get(f"/api/v1/members/{member.pk}/").json()
    assert sorted(b["relation"] for b in family["beneficiaries"]) == ["child", "member", "spouse"]
    assert all(b["eligibility"]["eligible"] for b in family["beneficiaries"])
    himself = next(b["id"] for b in family["beneficiaries"] if b["relation"] == "member")

    created = desk.post("/api/v1/files/", {
        "unit": "taounate", "member": member.pk, "beneficiary": himself, "received_on": "2025-03-20",
        "sector": "private",
        "lines": [{"act": "C", "care_date": "2025-03-10", "quantity": 1, "billed_amount": "100.00"}],
    }, format="json", HTTP_IDEMPOTENCY_KEY="e2e-1")
    assert created.status_code == 201, created.json()
    file_id = created.json()["id"]

    wait_for(lambda: ClaimFile.objects.filter(pk=file_id, status="liquidated").exists(),
             what="the worker to liquidate the file")

    mine = client_for(member.user).get(f"/api/v1/me/files/{file_id}/").json()
    line = mine["lines"][0]
    assert (line["base_amount"], line["amo_amount"], line["complementary_amount"]) == ("80.00", "64.00", "8.00")
    assert line["accepted"] is True and line["reasons"] == []
    assert (mine["status"], mine["total_reimbursed"]) == ("liquidated", "72.00")
    assert [change["to_status"] for change in mine["status_history"]] == ["received", "liquidating", "liquidated"]
