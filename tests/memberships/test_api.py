"""The spec's worked examples through the API's real path (desk registers → scans → the unit approves → the
registry holds the member, the family and the affiliation, and a file is liquidated), the 90-day edges of a
child's cover, the member's own requests, and what the API refuses."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from claims.services.liquidation import claim_liquidate
from members.identifiers import moroccan_iban_from_rib
from members.models import Member
from memberships.models import MembershipApplication
from tests.api.conftest import client_for
from tests.claims import liquidation_builders as lb
from tests.claims.factories import staff, unit, upload
from tests.factories import UserFactory
from units.models import StaffRole

pytestmark = pytest.mark.django_db


@pytest.fixture
def sefrou(db):
    lb.mutual()
    lb.reference()
    return unit("sefrou")


@pytest.fixture
def agent(sefrou):
    return staff(sefrou)


def _application(took_office_on: date, received_on: date, **changes) -> dict:
    body = {"home_unit": "sefrou", "received_on": received_on.isoformat(), "cin": "CD123456",
            "first_name": "Amina", "last_name": "Alaoui", "first_name_ar": "أمينة", "last_name_ar": "العلوي",
            "birth_date": "1990-05-17", "sex": "F", "employer": "Ministère de la Santé", "grade": "Infirmière",
            "payroll_number": "PPR-778899", "took_office_on": took_office_on.isoformat(),
            "iban": moroccan_iban_from_rib(f"{123456:024d}"), "phone": "0612345678", "email": "amina@example.ma",
            "language": "fr", "people": [{"relation": "child", "first_name": "Yasmine", "last_name": "Alaoui",
                                          "birth_date": "2019-04-01", "sex": "F"}]}
    return {**body, **changes}


def _scan(client, app_id: int, kind: str, person: int | None = None):
    body = {"kind": kind, "scan": upload(f"{kind}.pdf")} | ({"person": person} if person else {})
    return client.post(f"/api/v1/membership-applications/{app_id}/documents/", body, format="multipart")


def _register_complete(client, took_office_on: date, received_on: date) -> dict:
    created = client.post("/api/v1/membership-applications/", _application(took_office_on, received_on),
                          format="json")
    assert created.status_code == 201, created.json()
    app = created.json()
    assert app["status"] == "incomplete" and len(app["missing_documents"]) == 4
    for kind in ("cin", "work_certificate", "bank_details"):
        assert _scan(client, app["id"], kind).status_code == 201
    assert _scan(client, app["id"], "birth_certificate", app["people"][0]["id"]).status_code == 201
    app = client.get(f"/api/v1/membership-applications/{app['id']}/").json()
    assert (app["status"], app["missing_documents"]) == ("submitted", [])
    return app


@pytest.mark.parametrize(("took_office_on", "received_on", "start"), [
    (date(2026, 9, 1), date(2026, 10, 15), date(2026, 9, 1)),  # example 1: 44 days, from taking office
    (date(2026, 3, 1), date(2026, 7, 1), date(2026, 7, 1)),  # example 2: 122 days, from the application
])
def test_examples_1_and_2_registered_then_approved_through_the_api(sefrou, agent, took_office_on, received_on,
                                                                    start):
    client = client_for(agent)
    app = _register_complete(client, took_office_on, received_on)

    approved = client.post(f"/api/v1/membership-applications/{app['id']}/approve/")

    assert approved.status_code == 200, approved.json()
    assert (approved.json()["status"], approved.json()["covered_from"]) == ("approved", start.isoformat())
    member = Member.objects.get(pk=approved.json()["member"])
    assert member.cin == "CD123456" and len(member.membership_number) == 10 and member.home_unit == sefrou
    affiliation = member.affiliations.get()
    assert (affiliation.start, affiliation.end, affiliation.complementary) == (start, None, True)
    assert sorted(member.beneficiaries.values_list("relation", flat=True)) == ["child", "member"]
    assert member.history.first().history_user == agent
    assert [c["to_status"] for c in approved.json()["status_changes"]] == ["submitted", "incomplete", "submitted",
                                                                            "approved"]


def _member_with_account(sefrou) -> Member:
    member = lb.member()
    member.home_unit, member.user = sefrou, UserFactory(username=f"m{member.pk}", language="fr")
    member.save()
    return member


def _add_child(client, member: Member, birth: date, received_on: date) -> dict:
    created = client.post("/api/v1/membership-applications/member-requests/", {
        "member": member.pk, "kind": "add_child", "received_on": received_on.isoformat(),
        "person": {"relation": "child", "first_name": "Rayan", "last_name": member.last_name,
                   "birth_date": birth.isoformat(), "sex": "M"}}, format="json")
    assert created.status_code == 201, created.json()
    app = created.json()
    assert _scan(client, app["id"], "birth_certificate", app["people"][0]["id"]).status_code == 201
    approved = client.post(f"/api/v1/membership-applications/{app['id']}/approve/")
    assert approved.status_code == 200, approved.json()
    return approved.json()


def _liquidated(member: Member, care: date, received_on: date):
    child = member.beneficiaries.get(first_name="Rayan")
    claim = lb.received_file(child, [lb.consultation(day=care)], received_on=received_on)
    claim_liquidate(claim_id=claim.pk)
    claim.refresh_from_db()
    return claim


def test_example_3_a_child_added_49_days_after_birth_is_covered_from_birth_and_his_care_is_paid(sefrou, agent):
    member = _member_with_account(sefrou)
    app = _add_child(client_for(agent), member, birth=date(2026, 10, 2), received_on=date(2026, 11, 20))

    assert app["covered_from"] == "2026-10-02"
    claim = _liquidated(member, care=date(2026, 10, 5), received_on=date(2026, 11, 25))
    assert claim.status == "liquidated" and claim.total_reimbursed > 0


def test_a_child_added_on_the_90th_day_after_birth_is_covered_from_birth(sefrou, agent):
    member = _member_with_account(sefrou)
    birth = date(2026, 8, 1)
    app = _add_child(client_for(agent), member, birth=birth, received_on=birth + timedelta(days=90))

    assert app["covered_from"] == "2026-08-01"
    claim = _liquidated(member, care=date(2026, 9, 15), received_on=date(2026, 11, 10))
    assert claim.total_reimbursed > 0


def test_a_child_added_on_the_91st_day_is_covered_only_from_the_day_the_request_was_received(sefrou, agent):
    member = _member_with_account(sefrou)
    birth = date(2026, 8, 1)
    app = _add_child(client_for(agent), member, birth=birth, received_on=birth + timedelta(days=91))

    assert app["covered_from"] == "2026-10-31"
    assert member.beneficiaries.get(first_name="Rayan").covered_from == date(2026, 10, 31)
    before = _liquidated(member, care=date(2026, 9, 15), received_on=date(2026, 11, 10))
    assert before.total_reimbursed == 0
    assert before.lines.get().reason_codes == ["BENEFICIARY_NOT_ELIGIBLE"]
    from_the_request = _liquidated(member, care=date(2026, 10, 31), received_on=date(2026, 11, 10))
    assert from_the_request.total_reimbursed > 0


def test_the_member_files_his_own_request_and_reads_it_and_another_member_finds_nothing(sefrou, agent):
    member = _member_with_account(sefrou)
    other = _member_with_account(sefrou)
    mine = client_for(member.user)
    created = mine.post("/api/v1/me/membership-requests/", {
        "kind": "add_spouse", "person": {"relation": "spouse", "first_name": "Salma", "last_name": "X",
                                         "birth_date": "1988-01-01", "sex": "F", "marriage_date": "2026-11-01"}},
        format="json")
    assert created.status_code == 201, created.json()
    app = created.json()
    assert (app["channel"], app["received_on"], app["status"]) == ("online", timezone.localdate().isoformat(),
                                                                    "incomplete")
    assert app["missing_documents"] == [{"kind": "marriage_certificate", "person": app["people"][0]["id"]}]
    scan = mine.post(f"/api/v1/me/membership-requests/{app['id']}/documents/",
                     {"kind": "marriage_certificate", "person": app["people"][0]["id"], "scan": upload("m.pdf")},
                     format="multipart")
    assert scan.status_code == 201
    assert [a["id"] for a in mine.get("/api/v1/me/membership-requests/").json()["results"]] == [app["id"]]
    assert mine.get(f"/api/v1/me/membership-requests/{app['id']}/").json()["status"] == "submitted"

    theirs = client_for(other.user)
    assert theirs.get(f"/api/v1/me/membership-requests/{app['id']}/").status_code == 404
    assert theirs.get("/api/v1/me/membership-requests/").json()["results"] == []
    assert client_for(staff(unit("taounate"))).get(f"/api/v1/membership-applications/{app['id']}/").status_code \
        == 404

    rejected = client_for(agent).post(f"/api/v1/membership-applications/{app['id']}/reject/",
                                      {"reason": "Acte de mariage illisible"}, format="json")
    assert rejected.status_code == 200
    again = client_for(agent).post(f"/api/v1/membership-applications/{app['id']}/approve/")
    assert (again.status_code, again.json()["code"]) == (409, "not_submitted")
    read = mine.get(f"/api/v1/me/membership-requests/{app['id']}/").json()
    assert (read["status"], read["reason"]) == ("rejected", "Acte de mariage illisible")


def test_impossible_facts_are_refused_with_the_field_and_nothing_is_stored(sefrou, agent):
    client = client_for(agent)
    under_18 = client.post("/api/v1/membership-applications/", _application(
        date(2026, 9, 1), date(2026, 10, 15), birth_date=(timezone.localdate() - timedelta(days=17 * 365)).isoformat()),
        format="json")
    bad_iban = client.post("/api/v1/membership-applications/", _application(
        date(2026, 9, 1), date(2026, 10, 15), iban="MA00 1234"), format="json")
    assert (under_18.status_code, under_18.json()["field"], under_18.json()["code"]) == (400, "birth_date",
                                                                                         "under_18")
    assert (bad_iban.status_code, bad_iban.json()["field"]) == (400, "iban")
    assert not MembershipApplication.objects.exists()


def test_a_liquidator_reads_every_unit_but_only_the_home_unit_or_an_admin_decides(sefrou, agent):
    app = _register_complete(client_for(agent), date(2026, 9, 1), date(2026, 10, 15))
    liquidator = staff(unit("taounate"), StaffRole.LIQUIDATOR)
    assert client_for(liquidator).get(f"/api/v1/membership-applications/{app['id']}/").status_code == 200
    assert client_for(liquidator).post(f"/api/v1/membership-applications/{app['id']}/approve/").status_code == 403
    manager = staff(sefrou, StaffRole.UNIT_MANAGER)
    assert client_for(manager).post(f"/api/v1/membership-applications/{app['id']}/approve/").status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_the_list_costs_the_same_queries_for_1_and_30_applications(sefrou, agent, rows,
                                                                    django_assert_max_num_queries):
    from memberships.services import ApplicantInput, application_submit

    for n in range(rows):
        application_submit(channel="online", by=None, home_unit=sefrou, applicant=ApplicantInput(
            cin=f"CD{100000 + n}", first_name="A", last_name=f"B{n}", birth_date=date(1990, 1, 1), sex="F",
            employer="Santé", took_office_on=date(2026, 9, 1), iban=moroccan_iban_from_rib(f"{n + 1:024d}")))
    client = client_for(agent)
    with django_assert_max_num_queries(8):
        listed = client.get("/api/v1/membership-applications/")
    assert listed.json()["count"] == rows
