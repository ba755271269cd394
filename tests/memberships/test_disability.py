"""A disability is dated: a member declares it with its first day (through the API, his page or a desk), the
90-day rule dates it like a birth or a study period, the registry keeps that day (`disabled_from`) and the
liquidation covers the child over the age limits only from it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from claims.services.liquidation import claim_liquidate
from members import services as registry
from members.models import Beneficiary, Member
from members.selectors import beneficiary_eligibility
from memberships.models import MembershipApplication
from memberships.services import (
    DocumentInput,
    PersonInput,
    application_approve,
    member_request_submit,
)
from tests.api.conftest import client_for
from tests.claims import liquidation_builders as lb
from tests.claims.factories import staff, unit, upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sefrou(db):
    lb.mutual()
    lb.reference()
    return unit("sefrou")


@pytest.fixture
def agent(sefrou):
    return staff(sefrou)


def _family(sefrou) -> tuple[Member, Beneficiary]:
    """A member with a web account and a son born in 1998 (over 26 in 2026)."""
    member = lb.member()
    member.home_unit, member.user = sefrou, UserFactory(username=f"m{member.pk}", language="fr")
    member.save()
    son = Beneficiary.objects.create(member=member, relation="child", first_name="Rayan", last_name="X",
                                     birth_date=date(1998, 3, 1), sex="M")
    return member, son


def _declared_at_the_desk(client, member: Member, son: Beneficiary, *, disabled_from: str, received_on: str):
    return client.post("/api/v1/membership-applications/member-requests/", {
        "member": member.pk, "kind": "disability", "target": son.pk, "received_on": received_on,
        "disabled_from": disabled_from}, format="json")


def _approved(client, app: dict) -> dict:
    scan = client.post(f"/api/v1/membership-applications/{app['id']}/documents/",
                       {"kind": "disability_card", "scan": upload("card.pdf")}, format="multipart")
    assert scan.status_code == 201, scan.json()
    approved = client.post(f"/api/v1/membership-applications/{app['id']}/approve/")
    assert approved.status_code == 200, approved.json()
    return approved.json()


def _paid(son: Beneficiary, care: date) -> bool:
    claim = lb.received_file(son, [lb.consultation(day=care)], received_on=date(2026, 11, 25))
    claim_liquidate(claim_id=claim.pk)
    claim.refresh_from_db()
    return claim.total_reimbursed > 0


def test_a_disability_declared_50_days_after_its_start_covers_the_child_from_that_day_only(sefrou, agent):
    member, son = _family(sefrou)
    client = client_for(agent)
    created = _declared_at_the_desk(client, member, son, disabled_from="2026-10-01", received_on="2026-11-20")
    assert created.status_code == 201, created.json()
    assert created.json()["disabled_from"] == "2026-10-01"

    app = _approved(client, created.json())

    assert app["covered_from"] == "2026-10-01"
    son.refresh_from_db()
    assert son.disabled_from == date(2026, 10, 1)
    assert beneficiary_eligibility(beneficiary=son, on=date(2026, 9, 30)).reason_code == "CHILD_OVER_AGE"
    assert beneficiary_eligibility(beneficiary=son, on=date(2026, 10, 1)).reason_code == "CHILD_DISABLED"
    assert not _paid(son, care=date(2026, 9, 30))
    assert _paid(son, care=date(2026, 10, 1))
    shown = client.get(f"/api/v1/members/{member.pk}/").json()["beneficiaries"]
    rayan = next(b for b in shown if b["first_name"] == "Rayan")
    assert (rayan["disabled"], rayan["disabled_from"]) == (True, "2026-10-01")
    assert son.history.first().history_user == agent


def test_a_disability_declared_91_days_after_its_start_counts_from_the_day_received(sefrou, agent):
    member, son = _family(sefrou)
    client = client_for(agent)
    created = _declared_at_the_desk(client, member, son, disabled_from="2026-08-01", received_on="2026-10-31")

    app = _approved(client, created.json())

    assert app["covered_from"] == "2026-10-31"
    son.refresh_from_db()
    assert son.disabled_from == date(2026, 10, 31)


@pytest.mark.parametrize("disabled_from", [None, "1998-02-28", "2099-01-01"])
def test_a_disability_without_its_first_day_or_with_an_impossible_one_is_refused_and_nothing_stored(
        sefrou, agent, disabled_from):
    member, son = _family(sefrou)
    body = {"member": member.pk, "kind": "disability", "target": son.pk, "received_on": "2026-11-20"}
    refused = client_for(agent).post("/api/v1/membership-applications/member-requests/",
                                     body | ({"disabled_from": disabled_from} if disabled_from else {}),
                                     format="json")
    assert (refused.status_code, refused.json()["field"]) == (400, "disabled_from")
    assert not MembershipApplication.objects.exists()


def test_the_member_declares_it_on_his_page_with_its_first_day(client, sefrou):
    member, son = _family(sefrou)
    client.force_login(member.user)
    started = timezone.localdate() - timedelta(days=10)
    response = client.post("/me/memberships/", {
        "kind": "disability", "target": son.pk, "disabled_from": started.isoformat(),
        "scan": upload("card.pdf"), "people-TOTAL_FORMS": "4", "people-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:3000]
    app = MembershipApplication.objects.get(member=member)
    assert (app.kind, app.disabled_from, app.status) == ("disability", started, "submitted")
    page = client.get(f"/me/memberships/{app.pk}/").content.decode()  # in his language, French
    assert f"en situation de handicap depuis le {started:%d/%m/%Y}" in page


def test_a_disabled_child_added_by_a_request_is_disabled_from_the_day_given(sefrou, agent):
    member, _son = _family(sefrou)
    app = member_request_submit(
        channel="front_desk", by=agent, member=member, kind="add_child", received_on=date(2026, 11, 20),
        person=PersonInput(relation="child", first_name="Sara", last_name="X", birth_date=date(2026, 10, 2),
                           sex="F", disabled_from=date(2026, 10, 20)),
        documents=[DocumentInput("birth_certificate", upload("b.pdf"), 1)])
    assert app.people.get().disabled_from == date(2026, 10, 20)

    application_approve(app=app, by=agent)

    assert member.beneficiaries.get(first_name="Sara").disabled_from == date(2026, 10, 20)


def test_a_spouse_is_never_declared_disabled(sefrou, agent):
    member, _son = _family(sefrou)
    with pytest.raises(ValidationError) as error:
        member_request_submit(channel="front_desk", by=agent, member=member, kind="add_spouse",
                              received_on=date(2026, 11, 20),
                              person=PersonInput(relation="spouse", first_name="S", last_name="X",
                                                 birth_date=date(1980, 1, 1), sex="F",
                                                 disabled_from=date(2020, 1, 1)))
    assert "people[1]" in error.value.message_dict


def test_a_child_already_disabled_earlier_keeps_his_earlier_start(sefrou, agent):
    member, son = _family(sefrou)
    registry.beneficiary_update(by=agent, beneficiary=son, disabled_from=date(2020, 5, 1))
    client = client_for(agent)
    created = _declared_at_the_desk(client, member, son, disabled_from="2026-10-01", received_on="2026-11-20")

    _approved(client, created.json())

    son.refresh_from_db()
    assert son.disabled_from == date(2020, 5, 1)
