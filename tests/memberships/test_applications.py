"""Membership applications and members' requests on the real database: the worked examples of the dating rule,
refusals that store nothing, approval writing the registry in one transaction, the unit deciding for its unit."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from claims.services.liquidation import claim_liquidate
from members.models import Member
from memberships.dating import cover_start
from memberships.models import MembershipApplication
from memberships.selectors import track_lookup, unit_counts
from memberships.services import (
    ApplicantInput,
    DocumentInput,
    PersonInput,
    application_approve,
    application_reject,
    application_submit,
    document_add,
    member_request_submit,
)
from tests.claims import liquidation_builders as lb
from tests.claims.factories import staff, unit, upload
from units.models import StaffRole

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_example_1_applied_44_days_after_taking_office_is_covered_from_taking_office():
    assert cover_start(event=date(2026, 9, 1), received_on=date(2026, 10, 15)) == date(2026, 9, 1)


def test_example_2_applied_122_days_after_is_covered_from_the_application():
    assert cover_start(event=date(2026, 3, 1), received_on=date(2026, 7, 1)) == date(2026, 7, 1)


def test_the_90th_day_is_still_within_the_window_and_the_91st_is_not():
    assert cover_start(event=date(2026, 1, 1), received_on=date(2026, 4, 1)) == date(2026, 1, 1)  # 90 days
    assert cover_start(event=date(2026, 1, 1), received_on=date(2026, 4, 2)) == date(2026, 4, 2)  # 91 days


def _applicant(**changes) -> ApplicantInput:
    values = {"cin": "CD123456", "first_name": "Amina", "last_name": "Alaoui", "birth_date": date(1990, 5, 17),
              "sex": "F", "employer": "Ministère de la Santé", "took_office_on": date.today() - timedelta(days=44),
              "iban": lb.moroccan_iban_from_rib(f"{123456:024d}"), "phone": "0612345678", "email": "amina@example.ma",
              "payroll_number": "PPR-778899"}
    return ApplicantInput(**{**values, **changes})


def _documents():
    return [DocumentInput("cin", upload("cin.pdf")), DocumentInput("work_certificate", upload("work.pdf")),
            DocumentInput("bank_details", upload("rib.pdf")), DocumentInput("birth_certificate", upload("b.pdf"), 1)]


CHILD = PersonInput(relation="child", first_name="Yasmine", last_name="Alaoui", birth_date=date(2019, 4, 1), sex="F")


@pytest.fixture
def sefrou(db):
    lb.mutual()
    return unit("sefrou")


def test_an_online_application_approved_at_sefrou_creates_member_family_and_affiliation(sefrou):
    agent = staff(sefrou)
    app = application_submit(channel="online", by=None, home_unit=sefrou, applicant=_applicant(), people=[CHILD],
                             documents=_documents(), language="fr")
    assert app.status == "submitted" and len(mail.outbox) == 0  # told on commit (tests run in one transaction)

    application_approve(app=app, by=agent)

    member = Member.objects.get(cin="CD123456")
    assert len(member.membership_number) == 10 and member.home_unit == sefrou
    assert member.affiliations.get().start == date.today() - timedelta(days=44)
    assert sorted(member.beneficiaries.values_list("relation", flat=True)) == ["child", "member"]
    assert member.history.first().history_user == agent
    app.refresh_from_db()
    assert (app.status, app.member, app.covered_from) == ("approved", member, date.today() - timedelta(days=44))


def test_a_missing_document_makes_the_application_incomplete_until_it_is_added(sefrou):
    app = application_submit(channel="online", by=None, home_unit=sefrou, applicant=_applicant(), people=[CHILD],
                             documents=_documents()[:3])
    assert app.status == "incomplete"
    assert "Birth certificate" in track_lookup(code=app.tracking_code, birth_date=date(1990, 5, 17))["explanation"]
    with pytest.raises(ValidationError):
        application_approve(app=app, by=staff(sefrou))

    document_add(app=app, by=None, kind="birth_certificate", upload=upload("b.pdf"), person=app.people.get())
    app.refresh_from_db()
    assert app.status == "submitted"


@pytest.mark.parametrize(("changes", "field"), [
    ({"cin": "12"}, "cin"), ({"iban": "MA00 1234"}, "iban"), ({"birth_date": date.today() - timedelta(days=17 * 365)},
                                                              "birth_date"),
    ({"took_office_on": date.today() + timedelta(days=1)}, "took_office_on"),
])
def test_impossible_facts_are_refused_at_once_and_nothing_is_stored(sefrou, changes, field):
    with pytest.raises(ValidationError) as error:
        application_submit(channel="online", by=None, home_unit=sefrou, applicant=_applicant(**changes))
    assert field in error.value.message_dict
    assert not MembershipApplication.objects.exists()


def test_a_cin_already_a_members_is_told_to_log_in_without_saying_whose(sefrou):
    existing = lb.member()
    with pytest.raises(ValidationError) as error:
        application_submit(channel="online", by=None, home_unit=sefrou, applicant=_applicant(cin=existing.cin))
    message = " ".join(error.value.message_dict["cin"])
    assert "log in" in message and existing.last_name not in message


def test_a_unit_decides_for_its_own_unit_only_and_a_rejection_has_a_reason(sefrou):
    app = application_submit(channel="online", by=None, home_unit=sefrou, applicant=_applicant(), people=[CHILD],
                             documents=_documents())
    with pytest.raises(PermissionDenied) as refused, translation.override("fr"):
        application_approve(app=app, by=staff(unit("taounate")))
    assert str(refused.value) == "Votre compte ne fait pas partie du personnel de cette unité."
    with pytest.raises(ValidationError):
        application_reject(app=app, by=staff(sefrou), reason="")
    application_reject(app=app, by=staff(sefrou, StaffRole.UNIT_MANAGER), reason="Pay slip unreadable")
    app.refresh_from_db()
    assert (app.status, app.reason) == ("rejected", "Pay slip unreadable")
    assert not Member.objects.filter(cin="CD123456").exists()
    assert unit_counts(unit_ids=[sefrou.pk]) | {"average_days": None} == {
        "received": 1, "approved": 0, "rejected": 1, "average_days": None}


def test_example_3_a_child_added_49_days_after_birth_is_covered_from_birth_and_his_care_is_liquidated(sefrou):
    lb.reference()
    member = lb.member()
    member.home_unit = sefrou
    member.save()
    baby = PersonInput(relation="child", first_name="Rayan", last_name="X", birth_date=date(2026, 10, 2), sex="M")
    app = member_request_submit(channel="front_desk", by=staff(sefrou), member=member, kind="add_child", person=baby,
                                received_on=date(2026, 11, 20),
                                documents=[DocumentInput("birth_certificate", upload("b.pdf"), 1)])
    application_approve(app=app, by=staff(sefrou))

    app.refresh_from_db()
    assert app.covered_from == date(2026, 10, 2)
    child = member.beneficiaries.get(first_name="Rayan")
    claim = lb.received_file(child, [lb.consultation(day=date(2026, 10, 5))], received_on=date(2026, 11, 25))
    claim_liquidate(claim_id=claim.pk)
    claim.refresh_from_db()
    assert claim.status == "liquidated" and claim.total_reimbursed > 0


def test_a_spouse_added_late_is_covered_from_the_request_and_a_study_period_from_its_start(sefrou):
    member = lb.member()
    spouse = PersonInput(relation="spouse", first_name="Salma", last_name="X", birth_date=date(1985, 1, 1), sex="F",
                         marriage_date=date(2026, 1, 10))
    app = member_request_submit(channel="front_desk", by=staff(sefrou), member=member, kind="add_spouse",
                                person=spouse, received_on=date(2026, 6, 1),
                                documents=[DocumentInput("marriage_certificate", upload("m.pdf"), 1)])
    application_approve(app=app, by=staff(sefrou))
    spouse = member.beneficiaries.get(relation="spouse")
    assert (spouse.marriage_start, spouse.covered_from) == (date(2026, 1, 10), date(2026, 6, 1))

    child = member.beneficiaries.create(relation="child", first_name="Omar", last_name="X",
                                        birth_date=date(2004, 2, 1), sex="M")
    study = member_request_submit(channel="front_desk", by=staff(sefrou), member=member, kind="study_period",
                                  target=child, period_start=date(2026, 9, 15), period_end=date(2027, 7, 31),
                                  received_on=date(2026, 10, 1),
                                  documents=[DocumentInput("school_certificate", upload("s.pdf"))])
    application_approve(app=study, by=staff(sefrou))
    assert list(child.student_periods.values_list("start", "end")) == [(date(2026, 9, 15), date(2027, 7, 31))]


def test_the_activation_letter_is_a_pdf_with_the_membership_number(sefrou):
    import subprocess

    app = application_submit(channel="online", by=None, home_unit=sefrou, applicant=_applicant(), people=[CHILD],
                             documents=_documents())
    application_approve(app=app, by=staff(sefrou))
    app.refresh_from_db()
    from memberships.letter import activation_letter_pdf

    pdf = activation_letter_pdf(app=app)
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert pdf.startswith(b"%PDF") and app.member.membership_number in text


def test_the_desk_list_names_the_home_unit_in_the_readers_language(client, sefrou):
    from django.urls import reverse

    application_submit(channel="online", by=None, home_unit=sefrou, applicant=_applicant(), people=[CHILD],
                       documents=_documents())
    client.force_login(staff(sefrou))
    arabic = client.get(reverse("memberships:desk_list"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    french = client.get(reverse("memberships:desk_list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f"<td>{sefrou.name_ar}</td>" in arabic and sefrou.name_fr not in arabic
    assert f"<td>{sefrou.name_fr}</td>" in french
