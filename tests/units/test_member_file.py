"""The desk's member file: an agent updates a member's data, records an IBAN change another agent validates,
requests a prior agreement with its documents, and finds files by tracking code or member; coverage is the
member space's own answer."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from claims.models import AgreementStatus
from members.models import ChangeStatus
from tests.claims.factories import ClaimFileFactory, pdf_bytes, reference
from tests.factories import AffiliationFactory, BeneficiaryFactory, MemberFactory
from units.models import StaffRole

from .factories import LabOrderFactory, staff

IBAN = "MA64011519000001205000534921"


@pytest.fixture
def member(taounate):
    return MemberFactory(home_unit=taounate, address="1 rue Ancienne, Taounate")


def test_an_agent_updates_a_members_address_and_the_history_names_him(client, agent_taounate, member):
    client.force_login(agent_taounate)
    response = client.post(reverse("units:member_data_update", args=[member.pk]), {
        "address": "12 avenue Essalam, Taounate", "phone": "0612345678", "email": "", "employer": "", "grade": ""})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.address == "12 avenue Essalam, Taounate" and member.phone == "+212612345678"
    assert member.history.first().history_user == agent_taounate
    page = client.get(reverse("units:member_file", args=[member.pk])).content.decode()
    assert "12 avenue Essalam, Taounate" in page


def test_a_bad_phone_is_refused_next_to_its_field_and_nothing_is_saved(client, agent_taounate, member):
    client.force_login(agent_taounate)
    response = client.post(reverse("units:member_data_update", args=[member.pk]), {
        "address": "Nouvelle adresse 5", "phone": "12", "email": "", "employer": "", "grade": ""})
    assert response.status_code == 400 and "Moroccan phone" in response.content.decode()
    member.refresh_from_db()
    assert member.address == "1 rue Ancienne, Taounate"


def test_an_iban_recorded_by_one_agent_applies_only_when_another_validates_it(client, agent_taounate, taounate,
                                                                             member):
    client.force_login(agent_taounate)
    client.post(reverse("units:member_data_update", args=[member.pk]), {
        "address": member.address, "phone": "", "email": "", "employer": "", "grade": "", "iban": IBAN})
    member.refresh_from_db()
    assert member.iban != IBAN
    change = member.change_requests.get(status=ChangeStatus.PENDING)
    client.post(reverse("units:change_decide", args=[change.pk]), {"decision": "approve"})
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING  # the same agent cannot validate his own request
    second = staff(taounate, username="agent.two")
    client.force_login(second)
    assert IBAN in client.get(reverse("units:change_requests")).content.decode()
    client.post(reverse("units:change_decide", args=[change.pk]), {"decision": "approve", "next": "list"})
    member.refresh_from_db()
    assert member.iban == IBAN


def test_a_liquidator_reads_the_member_file_but_does_not_change_it(client, taounate, member):
    liquidator = staff(taounate, StaffRole.LIQUIDATOR, username="liq.file")
    client.force_login(liquidator)
    assert client.get(reverse("units:member_file", args=[member.pk])).status_code == 200
    refused = client.post(reverse("units:member_data_update", args=[member.pk]), {"address": "Ailleurs 12"})
    assert refused.status_code == 403
    member.refresh_from_db()
    assert member.address == "1 rue Ancienne, Taounate"


def test_a_denture_agreement_is_requested_with_its_scan_for_the_lab_order(client, agent_taounate, taounate, member):
    reference()
    order = LabOrderFactory(unit=taounate, beneficiary=member.beneficiaries.get(), member=member)
    client.force_login(agent_taounate)
    url = reverse("units:agreement_new") + f"?member={member.pk}&lab_order={order.pk}"
    form = client.get(url).content.decode()
    assert 'value="PAD" selected' in form
    response = client.post(url, {
        "beneficiary": order.beneficiary_id, "acts": ["PAD"], "valid_from": "2026-12-01", "valid_to": "2027-02-28",
        "notes": "Devis joint", "documents": [SimpleUploadedFile("devis.pdf", pdf_bytes(), "application/pdf")]})
    assert response.status_code == 302
    order.refresh_from_db()
    agreement = order.prior_agreement
    assert agreement.status == AgreementStatus.REQUESTED and [a.code for a in agreement.acts.all()] == ["PAD"]
    document = agreement.documents.get()
    liquidator = staff(taounate, StaffRole.LIQUIDATOR, username="liq.pad")
    client.force_login(liquidator)
    detail = client.get(reverse("units:agreement", args=[agreement.pk])).content.decode()
    assert "devis.pdf" in detail and reverse("claims:agreement_decide", args=[agreement.pk]) in detail
    assert client.get(reverse("units:agreement_document", args=[document.pk])).status_code == 200


def test_an_agreement_with_a_bad_scan_is_refused_and_nothing_is_recorded(client, agent_taounate, member):
    reference()
    client.force_login(agent_taounate)
    response = client.post(reverse("units:agreement_new") + f"?member={member.pk}", {
        "beneficiary": member.beneficiaries.get().pk, "acts": ["PAD"], "valid_from": "2026-12-01",
        "valid_to": "2027-02-28", "documents": [SimpleUploadedFile("devis.pdf", b"not a pdf", "application/pdf")]})
    assert response.status_code == 400 and "devis.pdf" in response.content.decode()
    assert not member.beneficiaries.get().prior_agreements.exists()


def test_the_agent_of_another_unit_does_not_see_the_agreement(client, agent_sefrou, agent_taounate, member):
    reference()
    client.force_login(agent_taounate)
    client.post(reverse("units:agreement_new") + f"?member={member.pk}", {
        "beneficiary": member.beneficiaries.get().pk, "acts": ["PAD"], "valid_from": "2026-12-01",
        "valid_to": "2027-02-28", "documents": [SimpleUploadedFile("d.pdf", pdf_bytes(), "application/pdf")]})
    agreement = member.beneficiaries.get().prior_agreements.get()
    client.force_login(agent_sefrou)
    assert client.get(reverse("units:agreement", args=[agreement.pk])).status_code == 404


def test_a_file_is_found_by_tracking_code_member_number_cin_or_name(client, agent_taounate, taounate, member):
    claim = ClaimFileFactory(member=member, unit=taounate, channel="front_desk")
    other = ClaimFileFactory(unit=taounate, channel="front_desk")
    client.force_login(agent_taounate)
    by_code = client.get(reverse("claims:desk_claims"), {"find": claim.tracking_code.lower()})
    assert by_code.status_code == 302 and by_code["Location"] == reverse("claims:desk_claim", args=[claim.pk])
    for query in (member.membership_number, member.cin, member.last_name):
        page = client.get(reverse("claims:desk_claims"), {"find": query}).content.decode()
        assert reverse("claims:desk_claim", args=[claim.pk]) in page, query
        assert reverse("claims:desk_claim", args=[other.pk]) not in page, query


def test_the_file_page_reaches_every_document_of_the_file(client, agent_taounate, taounate, member):
    claim = ClaimFileFactory(member=member, unit=taounate, channel="front_desk")
    client.force_login(agent_taounate)
    page = client.get(reverse("claims:desk_claim", args=[claim.pk])).content.decode()
    for url in (reverse("claims:desk_receipt", args=[claim.pk]), reverse("claims:desk_receipt_pdf", args=[claim.pk]),
                reverse("units:member_file", args=[member.pk])):
        assert url in page
    member_page = client.get(reverse("units:member_file", args=[member.pk])).content.decode()
    assert reverse("units:member_attestation", args=[member.pk]) in member_page
    assert reverse("claims:desk_claim", args=[claim.pk]) in member_page  # tracking code as a link
    attestation = client.post(reverse("units:member_attestation", args=[member.pk]))
    assert attestation.status_code == 200 and attestation["Content-Type"] == "application/pdf"


def test_a_member_whose_affiliation_closed_shows_no_covered_beneficiary_on_the_desk_nor_in_his_space(
        client, agent_taounate, taounate):
    closed = AffiliationFactory(start=date(2010, 1, 1), end=date(2019, 6, 30)).member
    BeneficiaryFactory(member=closed, first_name="Yasmine", birth_date=date(2015, 3, 1))
    client.force_login(agent_taounate)
    search = client.get(reverse("units:desk_search"), {"q": closed.cin}, HTTP_HX_REQUEST="true").content.decode()
    assert "text-success" not in search and "Not covered" in search
    from members.selectors import member_overview

    assert not any(item.eligible for item in member_overview(member=closed).beneficiaries)


def test_booking_for_a_beneficiary_not_covered_on_the_date_asks_for_confirmation_and_says_why(
        client, agent_taounate, taounate):
    from units.models import Appointment

    from .factories import SlotFactory

    closed = AffiliationFactory(start=date(2010, 1, 1), end=date(2019, 6, 30)).member
    beneficiary = BeneficiaryFactory(member=closed, first_name="Yasmine", birth_date=date(2015, 3, 1))
    slot = SlotFactory(unit=taounate)
    client.force_login(agent_taounate)
    asked = client.post(reverse("units:booking_create"), {"slot": slot.pk, "beneficiary": beneficiary.pk},
                        HTTP_HX_REQUEST="true")
    page = asked.content.decode()
    assert "is not covered on" in page and "affiliation does not cover" in page and 'name="confirm_uncovered"' in page
    assert not Appointment.objects.exists()
    client.post(reverse("units:booking_create"), {"slot": slot.pk, "beneficiary": beneficiary.pk,
                                                  "confirm_uncovered": "1"}, HTTP_HX_REQUEST="true")
    assert Appointment.objects.filter(beneficiary=beneficiary).count() == 1


def test_the_desk_is_told_a_woman_is_not_covered_in_words_agreed_with_her(client, agent_taounate, taounate):
    from claims.services.intake_checks import eligibility_warning
    from members.selectors import eligibility_reference

    from .factories import SlotFactory

    closed = AffiliationFactory(start=date(2010, 1, 1), end=date(2019, 6, 30)).member
    yasmine = BeneficiaryFactory(member=closed, first_name="Yasmine", birth_date=date(2015, 3, 1), sex="F")
    client.force_login(agent_taounate)
    asked = client.post(reverse("units:booking_create"), {"slot": SlotFactory(unit=taounate).pk,
                                                          "beneficiary": yasmine.pk},
                        HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="ar")
    assert "غير مشمولة بالتغطية في" in asked.content.decode()
    salma = BeneficiaryFactory(member=closed, first_name="Salma", birth_date=date(2000, 3, 1), sex="F")  # over 26
    with translation.override("fr"):
        warning = eligibility_warning(beneficiary=salma, on=date(2026, 11, 2), reference=eligibility_reference())
    assert warning is not None and warning.startswith(f"{salma.full_name} n’était pas couverte le ")
    assert warning.endswith("N’est plus couverte : limite d’âge des enfants dépassée.")


def test_a_lab_order_for_a_beneficiary_not_covered_asks_for_confirmation(client, agent_taounate, taounate):
    from units.models import LabOrder

    closed = AffiliationFactory(start=date(2010, 1, 1), end=date(2019, 6, 30)).member
    data = {"member": closed.pk, "beneficiary": closed.beneficiaries.get().pk, "practitioner_name": "Karim",
            "price": "4500.00", "impression_on": "2026-11-20", "notes": ""}
    client.force_login(agent_taounate)
    asked = client.post(reverse("units:lab_order_new"), data)
    assert asked.status_code == 409 and "is not covered on" in asked.content.decode()
    assert not LabOrder.objects.exists()
    client.post(reverse("units:lab_order_new"), {**data, "confirm_uncovered": "1"})
    assert LabOrder.objects.count() == 1
