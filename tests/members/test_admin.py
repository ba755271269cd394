"""The members admin: searchable, filterable, history visible, change requests decided, constant queries."""

from datetime import date

import pytest
from django.urls import reverse

from members.models import ChangeRequest
from members.services import change_request_create
from tests.factories import BeneficiaryFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize("count", [1, 50])
def test_the_member_changelist_runs_a_constant_number_of_queries(admin_client, count, django_assert_num_queries):
    for _ in range(count):
        BeneficiaryFactory()
    with django_assert_num_queries(6):
        response = admin_client.get(reverse("admin:members_member_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("term", ["number", "cin", "cin_lower", "last_name", "arabic"])
def test_the_member_admin_finds_a_member_by_number_cin_or_name(admin_client, term):
    wanted = MemberFactory(last_name="Ouazzani", last_name_ar="الوزاني", cin="JK424242")
    MemberFactory(last_name="Berrada", last_name_ar="برادة", cin="AA111111")
    query = {"number": wanted.membership_number, "cin": "JK424242", "cin_lower": "jk424242",
             "last_name": "ouazz", "arabic": "الوز"}[term]
    response = admin_client.get(reverse("admin:members_member_changelist"), {"q": query})
    found = list(response.context["cl"].result_list)
    assert found == [wanted]


def test_the_member_admin_filters_by_affiliation_status(admin_client):
    retired = MemberFactory(affiliated_since=False)
    retired.affiliations.create(start="2001-01-01", status="retired")
    MemberFactory()
    response = admin_client.get(reverse("admin:members_member_changelist"), {"affiliation_status": "retired"})
    assert list(response.context["cl"].result_list) == [retired]


def test_the_member_change_page_shows_inlines_and_the_history_page_shows_who_changed_what(admin_client):
    member = MemberFactory()
    BeneficiaryFactory(member=member, first_name="Yasmine")
    page = admin_client.get(reverse("admin:members_member_change", args=[member.pk])).content.decode()
    assert "Yasmine" in page and "affiliations-TOTAL_FORMS" in page
    change_request_create(member=member, field="address", new_value="5 Avenue Essalam, Taounate", by=None)
    history = admin_client.get(reverse("admin:members_member_history", args=[member.pk]))
    assert history.status_code == 200 and "5 Avenue Essalam" in history.content.decode()


def test_the_approve_action_applies_a_pending_iban_and_records_the_staff_member(admin_client, superuser):
    member = MemberFactory()
    change = change_request_create(member=member, field="iban", new_value="MA64011519000001205000534921", by=None)
    response = admin_client.post(reverse("admin:members_changerequest_changelist"),
                                 {"action": "approve", "_selected_action": [change.pk]})
    assert response.status_code == 302
    change.refresh_from_db()
    member.refresh_from_db()
    assert change.status == "applied" and change.decided_by == superuser
    assert member.iban == "MA64011519000001205000534921" and member.history.first().history_user == superuser


def test_the_reject_action_leaves_the_bank_account_as_it_was(admin_client):
    member = MemberFactory()
    old = member.iban
    change = change_request_create(member=member, field="iban", new_value="MA64011519000001205000534921", by=None)
    admin_client.post(reverse("admin:members_changerequest_changelist"),
                      {"action": "reject", "_selected_action": [change.pk]})
    member.refresh_from_db()
    assert member.iban == old and ChangeRequest.objects.get().status == "rejected"


@pytest.mark.parametrize("count", [1, 50])
def test_the_change_request_changelist_runs_a_constant_number_of_queries(admin_client, count,
                                                                         django_assert_num_queries):
    for _ in range(count):
        change_request_create(member=MemberFactory(), field="phone", new_value="0612345678", by=None)
    with django_assert_num_queries(5):
        assert admin_client.get(reverse("admin:members_changerequest_changelist")).status_code == 200


@pytest.mark.parametrize("name", ["members_user_changelist", "members_beneficiary_changelist",
                                  "members_attestation_changelist", "members_mutual_changelist"])
def test_the_other_member_changelists_open(admin_client, name):
    assert admin_client.get(reverse(f"admin:{name}")).status_code == 200


def _beneficiary_form(child, **changes) -> dict:
    values = {"member": child.member_id, "relation": child.relation, "first_name": child.first_name,
              "last_name": child.last_name, "first_name_ar": "", "last_name_ar": "", "birth_date": "2010-03-14",
              "sex": child.sex, "cin": "", "marriage_start": "", "marriage_end": "", "disabled_from": "",
              "covered_from": "", "student_periods-TOTAL_FORMS": "0", "student_periods-INITIAL_FORMS": "0"}
    return values | changes


def test_the_beneficiary_admin_asks_the_first_day_of_a_disability_and_refuses_one_before_the_birth(admin_client):
    child = BeneficiaryFactory(birth_date=date(2010, 3, 14))
    url = reverse("admin:members_beneficiary_change", args=[child.pk])

    refused = admin_client.post(url, _beneficiary_form(child, disabled_from="2009-01-01"),
                                HTTP_ACCEPT_LANGUAGE="en")
    saved = admin_client.post(url, _beneficiary_form(child, disabled_from="2024-05-02"))

    assert refused.status_code == 200 and "A disability starts on or after the child" in refused.content.decode()
    assert saved.status_code == 302
    child.refresh_from_db()
    assert (child.disabled, child.disabled_from) == (True, date(2024, 5, 2))
