"""Staff write the registry through the API: a member, his spouse and children, student periods, affiliation
periods and bank account; refusals name the field at fault; members and liquidators cannot write."""

from datetime import date

import pytest

from members.identifiers import moroccan_iban_from_rib
from members.models import Beneficiary, Member

from .conftest import client_for

pytestmark = pytest.mark.django_db

IBAN = moroccan_iban_from_rib("011780000012345678901234")
NEW_MEMBER = {"cin": "AB123456", "first_name": "Amina", "last_name": "Alaoui", "first_name_ar": "أمينة",
              "birth_date": "1980-05-17", "sex": "F", "iban": IBAN, "phone": "0612345678", "home_unit": "x",
              "employer": "Ministère de la Santé", "grade": "Infirmière"}


def _register(client, **overrides):
    return client.post("/api/v1/members/", NEW_MEMBER | overrides, format="json")


def test_an_agent_registers_a_family_and_reads_it_back_with_eligibility(cast):
    desk = client_for(cast.x.agent)
    created = _register(desk)
    assert created.status_code == 201, created.json()
    member = created.json()
    assert (member["cin"], member["phone"], member["home_unit"], member["mutual"]["is_ours"]) == (
        "AB123456", "+212612345678", "x", True)
    base = f"/api/v1/members/{member['id']}"
    affiliation = desk.post(f"{base}/affiliations/", {"start": "2015-01-01", "complementary": True}, format="json")
    assert affiliation.status_code == 201 and affiliation.json()["end"] is None

    spouse = desk.post(f"{base}/beneficiaries/", {
        "relation": "spouse", "first_name": "Karim", "last_name": "Alaoui", "birth_date": "1978-02-02", "sex": "M",
        "marriage_start": "2005-07-01"}, format="json")
    assert spouse.status_code == 201 and spouse.json()["eligibility"]["reason_code"] == "SPOUSE_MARRIED"
    divorced = desk.patch(f"{base}/beneficiaries/{spouse.json()['id']}/", {"marriage_end": "2024-06-30"},
                          format="json")
    assert divorced.status_code == 200
    assert divorced.json()["eligibility"]["reason_code"] == "SPOUSE_MARRIAGE_ENDED"

    child = desk.post(f"{base}/beneficiaries/", {
        "relation": "child", "first_name": "Sara", "last_name": "Alaoui", "birth_date": "2003-01-01", "sex": "F"},
        format="json").json()
    period = desk.post(f"{base}/beneficiaries/{child['id']}/student-periods/",
                       {"start": "2020-09-01", "end": "2099-07-31"}, format="json")
    assert period.status_code == 201
    disabled = desk.patch(f"{base}/beneficiaries/{child['id']}/", {"disabled_from": "2024-05-02"}, format="json")
    assert (disabled.json()["disabled"], disabled.json()["disabled_from"]) == (True, "2024-05-02")

    family = desk.get(f"{base}/").json()
    by_name = {b["first_name"]: b for b in family["beneficiaries"]}
    assert sorted(by_name) == ["Amina", "Karim", "Sara"]
    assert (by_name["Amina"]["relation"], by_name["Amina"]["eligibility"]["eligible"]) == ("member", True)
    assert by_name["Karim"]["eligibility"]["eligible"] is False
    assert by_name["Sara"]["eligibility"]["eligible"] is True
    assert by_name["Sara"]["student_periods"] == [{"id": period.json()["id"], "start": "2020-09-01",
                                                   "end": "2099-07-31"}]
    assert family["coverage"]["covered"] is True and family["affiliations"][0]["complementary"] is True
    assert by_name["Sara"]["covered_from"] is None


def test_a_beneficiarys_covered_from_is_shown_and_cannot_be_written(cast):
    """A late request covers a child from the day it was received: the API shows that day, and no one moves it
    by writing the beneficiary."""
    desk = client_for(cast.x.agent)
    member = _register(desk).json()
    base = f"/api/v1/members/{member['id']}"
    child = desk.post(f"{base}/beneficiaries/", {
        "relation": "child", "first_name": "Sara", "last_name": "Alaoui", "birth_date": "2024-01-01", "sex": "F"},
        format="json").json()
    Beneficiary.objects.filter(pk=child["id"]).update(covered_from=date(2024, 6, 3))
    written = desk.patch(f"{base}/beneficiaries/{child['id']}/", {"covered_from": "2024-01-01", "disabled": False},
                         format="json")
    assert written.status_code == 200 and written.json()["covered_from"] == "2024-06-03"
    shown = {b["first_name"]: b for b in desk.get(f"{base}/").json()["beneficiaries"]}
    assert shown["Sara"]["covered_from"] == "2024-06-03"


def test_the_history_rows_name_the_staff_user_who_wrote(cast):
    desk = client_for(cast.x.agent)
    created = _register(desk).json()
    client_for(cast.y.agent).patch(f"/api/v1/members/{created['id']}/",
                                   {"address": "12 rue des Orangers, Taounate"}, format="json")
    member = Member.objects.get(pk=created["id"])
    assert [row.history_user for row in member.history.order_by("history_date")] == [cast.x.agent, cast.y.agent]
    assert member.beneficiaries.get().history.get().history_user == cast.x.agent


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"cin": "123"}, "cin", "cin"),
    ({"cin": "ZT100000"}, "cin", "unique"),
    ({"iban": "MA64011780000012345678901235"}, "iban", "iban"),
    ({"iban": "FR7630006000011234567890189"}, "iban", "iban_country"),
    ({"phone": "12"}, "phone", "phone"),
    ({"membership_number": "0000000001"}, "membership_number", "membership_number"),
    ({"home_unit": "nowhere"}, "home_unit", "does_not_exist"),
    ({"birth_date": "2999-01-01"}, "birth_date", "future_birth_date"),
])
def test_a_bad_member_is_refused_with_the_field_at_fault(cast, body, field, code):
    if code == "unique":
        body = {"cin": cast.y.member.cin}
    response = _register(client_for(cast.x.agent), **body)
    assert response.status_code == 400
    assert (response.json()["field"], response.json()["code"]) == (field, code)
    assert not Member.objects.filter(cin="AB123456").exists()


def test_a_bad_iban_on_update_is_refused_and_changes_nothing(cast):
    member = cast.x.member
    response = client_for(cast.x.agent).patch(f"/api/v1/members/{member.pk}/", {"iban": "MA00"}, format="json",
                                              HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400 and response.json()["field"] == "iban"
    assert "IBAN" in response.json()["message"] and "Enter" not in response.json()["message"]
    assert Member.objects.get(pk=member.pk).iban == member.iban


def test_overlapping_affiliation_periods_are_refused_on_start(cast):
    member = cast.x.member  # affiliated since 2015, open
    url = f"/api/v1/members/{member.pk}/affiliations/"
    response = client_for(cast.x.agent).post(url, {"start": "2020-01-01", "end": "2020-12-31"}, format="json")
    assert response.status_code == 400
    assert (response.json()["field"], response.json()["code"]) == ("start", "overlap")
    current = member.affiliations.get()
    closed = client_for(cast.x.agent).patch(f"{url}{current.pk}/", {"end": "2019-12-31", "status": "closed"},
                                            format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    reopened = client_for(cast.x.agent).post(url, {"start": "2020-01-01", "complementary": False}, format="json")
    assert reopened.status_code == 201 and reopened.json()["complementary"] is False
    backwards = client_for(cast.x.agent).patch(f"{url}{current.pk}/", {"end": "2010-01-01"}, format="json")
    assert (backwards.status_code, backwards.json()["field"], backwards.json()["code"]) == (
        400, "end", "end_before_start")


def test_a_child_born_too_early_and_a_bad_student_period_are_refused_on_their_field(cast):
    member = cast.x.member  # born 1980-05-17
    desk = client_for(cast.x.agent)
    base = f"/api/v1/members/{member.pk}/beneficiaries/"
    early = desk.post(base, {"relation": "child", "first_name": "Omar", "last_name": "A", "birth_date": "1985-01-01",
                             "sex": "M"}, format="json")
    assert (early.status_code, early.json()["field"], early.json()["code"]) == (400, "birth_date",
                                                                                "child_birth_date")
    himself = member.beneficiaries.get(relation="member")
    not_a_child = desk.post(f"{base}{himself.pk}/student-periods/", {"start": "2020-09-01", "end": "2021-07-31"},
                            format="json")
    assert (not_a_child.status_code, not_a_child.json()["code"]) == (400, "not_a_child")
    as_beneficiary = desk.patch(f"{base}{himself.pk}/", {"first_name": "X"}, format="json")
    assert (as_beneficiary.status_code, as_beneficiary.json()["code"]) == (400, "self_beneficiary")


def test_a_student_period_is_removed_and_another_members_objects_are_not_found_under_this_member(cast):
    desk = client_for(cast.x.agent)
    x, y = cast.x.member, cast.y.member
    child = desk.post(f"/api/v1/members/{x.pk}/beneficiaries/", {
        "relation": "child", "first_name": "Sara", "last_name": "A", "birth_date": "2003-01-01", "sex": "F"},
        format="json").json()
    period = desk.post(f"/api/v1/members/{x.pk}/beneficiaries/{child['id']}/student-periods/",
                       {"start": "2021-09-01", "end": "2022-07-31"}, format="json").json()
    wrong_member = desk.delete(f"/api/v1/members/{y.pk}/beneficiaries/{child['id']}/student-periods/{period['id']}/")
    assert wrong_member.status_code == 404
    other_affiliation = x.affiliations.get().pk
    assert desk.patch(f"/api/v1/members/{y.pk}/affiliations/{other_affiliation}/", {"complementary": False},
                      format="json").status_code == 404
    removed = desk.delete(f"/api/v1/members/{x.pk}/beneficiaries/{child['id']}/student-periods/{period['id']}/")
    assert removed.status_code == 204
    assert desk.get(f"/api/v1/members/{x.pk}/").json()["beneficiaries"][-1]["student_periods"] == []


def test_members_and_liquidators_cannot_write_the_registry(cast):
    member = cast.x.member
    for user in (member.user, cast.liquidator):
        client = client_for(user)
        assert _register(client).status_code == 403
        assert client.patch(f"/api/v1/members/{member.pk}/", {"phone": "0612345678"},
                            format="json").status_code == 403
        assert client.post(f"/api/v1/members/{member.pk}/affiliations/", {"start": "2030-01-01"},
                           format="json").status_code == 403
    assert client_for().patch(f"/api/v1/members/{member.pk}/", {}, format="json").status_code == 401
    assert Member.objects.get(pk=member.pk).history.count() == 1
