"""The member's own requests on his pages (list, detail with documents, timeline and reasons; a missing scan
added there), each step told in the notification centre in his language, an applicant without an account told by
e-mail/SMS; and the worked example 1 through the desk's pages."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from members.identifiers import moroccan_iban_from_rib
from members.models import Member
from memberships.models import MembershipApplication, RequiredDocument
from memberships.services import (
    DocumentInput,
    PersonInput,
    application_approve,
    application_reject,
    member_request_submit,
)
from notices.messages import notice_text
from notices.models import Notice
from tests.claims import liquidation_builders as lb
from tests.claims.factories import staff, unit, upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sefrou(db):
    lb.mutual()
    return unit("sefrou")


def _member(sefrou, username: str, language: str = "fr") -> Member:
    member = lb.member()
    member.home_unit, member.user = sefrou, UserFactory(username=username, language=language)
    member.save()
    return member


def _signed_in(client, member: Member):
    client.force_login(member.user)
    return client


def test_the_member_asks_online_follows_his_request_and_adds_the_missing_scan(client, sefrou):
    member = _member(sefrou, "amina")
    _signed_in(client, member)
    response = client.post("/me/memberships/", {
        "kind": "add_child", "people-TOTAL_FORMS": "4", "people-INITIAL_FORMS": "0", "people-0-relation": "child",
        "people-0-first_name": "Rayan", "people-0-last_name": "Alaoui", "people-0-sex": "M",
        "people-0-birth_date": (timezone.localdate() - timedelta(days=10)).isoformat()}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    app = MembershipApplication.objects.get(member=member)
    listed = client.get("/me/memberships/").content.decode()
    assert f'href="/me/memberships/{app.pk}/"' in listed

    page = client.get(f"/me/memberships/{app.pk}/").content.decode()
    assert app.status == "incomplete" and "Acte de naissance" in page
    added = client.post(f"/me/memberships/{app.pk}/", {"kind": "birth_certificate",
                                                        "person": app.people.get().pk, "scan": upload("b.pdf")})
    assert added.status_code == 302
    app.refresh_from_db()
    assert app.status == "submitted"
    application_reject(app=app, by=staff(sefrou), reason="Acte illisible")
    page = client.get(f"/me/memberships/{app.pk}/").content.decode()
    assert "Acte illisible" in page and page.count("<li>") >= 4  # timeline: submitted, incomplete, submitted, rejected


def test_another_member_and_the_staff_find_nothing_on_a_members_request(client, sefrou):
    member = _member(sefrou, "amina")
    app = member_request_submit(channel="online", by=member.user, member=member, kind="add_spouse",
                                person=PersonInput(relation="spouse", first_name="S", last_name="X",
                                                   birth_date=date(1990, 1, 1), sex="F"))
    _signed_in(client, _member(sefrou, "karim"))
    assert client.get(f"/me/memberships/{app.pk}/").status_code == 404


def test_each_step_of_a_members_request_is_a_notice_in_his_language(sefrou, django_capture_on_commit_callbacks):
    member = _member(sefrou, "amina", language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        app = member_request_submit(
            channel="front_desk", by=staff(sefrou), member=member, kind="add_child", received_on=date(2026, 11, 20),
            person=PersonInput(relation="child", first_name="Rayan", last_name="X", birth_date=date(2026, 10, 2),
                               sex="M"))
    with django_capture_on_commit_callbacks(execute=True):
        from memberships.services import document_add

        document_add(app=app, by=None, kind="birth_certificate", upload=upload("b.pdf"), person=app.people.get())
        application_approve(app=app, by=staff(sefrou))

    notices = list(Notice.objects.filter(user=member.user).order_by("pk"))
    assert [n.code for n in notices] == ["membership.incomplete", "membership.received", "membership.approved"]
    assert all(n.link == f"/me/memberships/{app.pk}/" and n.deliver for n in notices)
    with translation.override("fr"):
        text = notice_text(notices[-1].code, notices[-1].params)
    assert text == (f"Demande {app.tracking_code_display} (Ajouter un enfant) acceptée : couvert à partir du "
                    "2 octobre 2026.")
    with translation.override("ar"):
        assert "تمت الموافقة" in notice_text(notices[-1].code, notices[-1].params)


def test_an_applicant_without_an_account_is_told_by_email_not_by_notice(sefrou, django_capture_on_commit_callbacks):
    from memberships.services import ApplicantInput, application_submit

    with django_capture_on_commit_callbacks(execute=True):
        application_submit(channel="online", by=None, home_unit=sefrou, language="fr", applicant=ApplicantInput(
            cin="CD123456", first_name="Amina", last_name="Alaoui", birth_date=date(1990, 5, 17), sex="F",
            employer="Santé", took_office_on=date(2026, 9, 1), iban=moroccan_iban_from_rib(f"{1:024d}"),
            email="amina@example.ma"))
    assert not Notice.objects.exists()
    assert len(mail.outbox) == 1 and "manquent" in mail.outbox[0].body  # incomplete: no scan given


def test_example_1_through_the_desk_pages_registered_then_approved(client, sefrou):
    agent = staff(sefrou)
    client.force_login(agent)
    body = {"received_on": "2026-10-15", "cin": "CD123456", "first_name": "Amina", "last_name": "Alaoui",
            "birth_date": "1990-05-17", "sex": "F", "employer": "Ministère de la Santé",
            "took_office_on": "2026-09-01", "iban": moroccan_iban_from_rib(f"{123456:024d}"),
            "home_unit": sefrou.pk, "cin_scan": upload("cin.pdf"), "work_scan": upload("w.pdf"),
            "bank_scan": upload("rib.pdf"), "people-TOTAL_FORMS": "4", "people-INITIAL_FORMS": "0"}
    registered = client.post("/desk/memberships/new/", body)
    assert registered.status_code == 302, registered.content.decode()[:2000]
    app = MembershipApplication.objects.get(cin="CD123456")
    assert app.status == "submitted"
    client.post(f"/desk/memberships/{app.pk}/decide/", {"decision": "approve"})
    member = Member.objects.get(cin="CD123456")
    assert member.affiliations.get().start == date(2026, 9, 1)


def test_the_completeness_check_follows_the_list_in_force_on_the_day_received(sefrou):
    """A document required from 2026-11-01 on is needed by a request received then, not by one received before."""
    RequiredDocument.objects.create(applies_to="spouse", document="cin", valid_from=date(2026, 11, 1))
    member = _member(sefrou, "amina")
    spouse = PersonInput(relation="spouse", first_name="S", last_name="X", birth_date=date(1990, 1, 1), sex="F",
                         marriage_date=date(2026, 9, 1))
    scans = [DocumentInput("marriage_certificate", upload("m.pdf"), 1)]
    before = member_request_submit(channel="front_desk", by=staff(sefrou), member=member, kind="add_spouse",
                                   person=spouse, documents=scans, received_on=date(2026, 10, 31))
    after = member_request_submit(channel="front_desk", by=staff(sefrou), member=member, kind="add_spouse",
                                  person=spouse, documents=[DocumentInput("marriage_certificate", upload("m.pdf"), 1)],
                                  received_on=date(2026, 11, 1))
    assert (before.status, after.status) == ("submitted", "incomplete")


def test_example_3_through_the_desk_pages_a_child_added_49_days_after_birth_is_covered_from_birth(client, sefrou):
    lb.reference()
    member = _member(sefrou, "amina")
    agent = staff(sefrou)
    client.force_login(agent)
    assert client.get("/desk/memberships/requests/new/?member=0000000000").status_code == 404
    assert member.first_name in client.get(f"/desk/memberships/requests/new/?member={member.membership_number}")\
        .content.decode()
    registered = client.post("/desk/memberships/requests/new/", {
        "member": member.membership_number, "kind": "add_child", "received_on": "2026-11-20",
        "people-TOTAL_FORMS": "4", "people-INITIAL_FORMS": "0", "people-0-relation": "child",
        "people-0-first_name": "Rayan", "people-0-last_name": "X", "people-0-sex": "M",
        "people-0-birth_date": "2026-10-02", "people-0-certificate": upload("birth.pdf")})
    assert registered.status_code == 302, registered.content.decode()[:3000]
    app = MembershipApplication.objects.get(member=member)
    assert (app.channel, app.received_on, app.status) == ("front_desk", date(2026, 11, 20), "submitted")

    client.post(f"/desk/memberships/{app.pk}/decide/", {"decision": "approve"})

    app.refresh_from_db()
    child = member.beneficiaries.get(first_name="Rayan")
    assert (app.status, app.covered_from, child.covered_from) == ("approved", date(2026, 10, 2), date(2026, 10, 2))
    from claims.services.liquidation import claim_liquidate

    claim = lb.received_file(child, [lb.consultation(day=date(2026, 10, 5))], received_on=date(2026, 11, 25))
    claim_liquidate(claim_id=claim.pk)
    claim.refresh_from_db()
    assert claim.status == "liquidated" and claim.total_reimbursed > 0
