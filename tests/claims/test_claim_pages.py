"""The claim pages: a member's list and file pages, online filing through the forms, the front desk, the receipt,
public tracking and the admin. Outsiders get 404; lists and file pages run a constant number of queries."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from claims.models import Attachment, ClaimFile, ClaimStatus, StatusChange
from claims.services import intake
from members.templatetags.money import format_mad
from tests.factories import BeneficiaryFactory, MemberFactory, SisterMutualFactory, UserFactory
from units.models import StaffRole

from .factories import ClaimFileFactory, ClaimLineFactory, image_bytes, reference, staff, unit, upload

D = Decimal


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English, the source language, whatever catalogues are compiled."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    """Pages queue liquidation and notifications on commit; here only what the pages show is under test."""
    from claims import notifications, tasks

    monkeypatch.setattr(tasks.liquidate_claim, "delay", lambda *args: None)
    monkeypatch.setattr(notifications.notify_status_change, "delay", lambda *args: None)


@pytest.fixture
def member(db):
    reference()
    return MemberFactory(user=UserFactory())


@pytest.fixture
def outsider(db):
    return MemberFactory(user=UserFactory())


def today():
    return timezone.localdate()


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


def file_with_lines(member, n_lines: int, **fields) -> ClaimFile:
    claim = ClaimFileFactory(member=member, **fields)
    for position in range(1, n_lines + 1):
        ClaimLineFactory(claim=claim, position=position, billed_amount=D("10.00") * position)
    Attachment.objects.create(claim=claim, kind="care_sheet", file="claims/x.pdf", original_name="x.pdf",
                              content_type="application/pdf", size=10, sha256="0" * 64)
    StatusChange.objects.create(claim=claim, from_status="draft", to_status=claim.status)
    return claim


# --- member list and file page ---------------------------------------------------------------------------------


def test_the_file_list_runs_the_same_queries_for_one_and_thirty_files(client, member):
    client.force_login(member.user)
    url = reverse("claims:member_claims")
    file_with_lines(member, 2)
    one = count_queries(client, url)
    for _ in range(29):
        file_with_lines(member, 2)
    assert count_queries(client, url) == one
    assert count_queries(client, url + "?page=2") == one


def test_the_file_page_runs_the_same_queries_for_one_and_ten_lines(client, member):
    client.force_login(member.user)
    small, big = file_with_lines(member, 1), file_with_lines(member, 10)
    assert count_queries(client, reverse("claims:member_claim", args=[small.pk])) == count_queries(
        client, reverse("claims:member_claim", args=[big.pk]))


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_the_list_shows_amounts_grouped_as_the_file_page_does(client, member, language):
    ClaimFileFactory(member=member, total_billed=D("7000.50"))
    client.force_login(member.user)
    page = client.get(reverse("claims:member_claims"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    with translation.override(language):
        expected = format_mad(D("7000.50"), currency=False)  # 7 000,50 / 7.000,50 / 7,000.50
    assert expected[0] == "7" and not expected[1].isdigit() and expected[2:5] == "000"
    assert f'<span class="money">{expected}</span>' in page


def test_the_list_filters_by_status_and_beneficiary(client, member):
    child = BeneficiaryFactory(member=member, first_name="Salma")
    received = ClaimFileFactory(member=member)
    paid = ClaimFileFactory(member=member, status=ClaimStatus.PAID, beneficiary=child)
    client.force_login(member.user)
    page = client.get(reverse("claims:member_claims"), {"status": "paid"}).context["page"]
    assert [c.pk for c in page.object_list] == [paid.pk]
    page = client.get(reverse("claims:member_claims"), {"beneficiary": child.pk}).context["page"]
    assert [c.pk for c in page.object_list] == [paid.pk]
    assert received.pk in [c.pk for c in client.get(reverse("claims:member_claims")).context["page"].object_list]


def test_the_list_and_the_dashboard_link_each_file_to_its_page_with_its_status(client, member):
    """The rows build a file's address from the list's (one reverse per page, not one per row)."""
    paid = ClaimFileFactory(member=member, status=ClaimStatus.PAID)
    draft = ClaimFileFactory(member=member, status=ClaimStatus.DRAFT)
    client.force_login(member.user)
    for url in (reverse("claims:member_claims"), reverse("dashboard")):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert f'href="{reverse("claims:member_claim", args=[paid.pk])}"' in page
        assert f'href="{reverse("claims:member_draft", args=[draft.pk])}"' in page
        with translation.override("fr"):
            assert str(ClaimStatus.PAID.label) in page
        assert client.get(reverse("claims:member_claim", args=[paid.pk])).status_code == 200


def test_a_liquidated_file_shows_each_lines_amounts_and_reasons_in_plain_words(client, member):
    claim = ClaimFileFactory(member=member, status=ClaimStatus.LIQUIDATED, liquidated_at=timezone.now(),
                             total_reimbursed=D("72.00"))
    ClaimLineFactory(claim=claim, position=1, accepted=True, base_amount=D("80.00"), amo_amount=D("64.00"),
                     complementary_amount=D("8.00"))
    ClaimLineFactory(claim=claim, position=2, act_id="MED", accepted=False, base_amount=D("0"), amo_amount=D("0"),
                     complementary_amount=D("0"), reason_codes=["LATE_FILING"])
    client.force_login(member.user)
    response = client.get(reverse("claims:member_claim", args=[claim.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "64,00" in html or "64.00" in html
    assert "Filed more than 60 days after the care date." in html
    assert "LATE_FILING" not in html


def test_the_file_page_shows_the_timeline(client, member):
    claim = file_with_lines(member, 1)
    client.force_login(member.user)
    response = client.get(reverse("claims:member_claim", args=[claim.pk]))
    assert [c.to_status for c in response.context["page"].changes] == ["received"]


# --- outsiders ---------------------------------------------------------------------------------------------------


def test_a_member_never_reaches_another_members_file_or_its_pages(client, member, outsider):
    theirs = file_with_lines(outsider, 1)
    draft = ClaimFileFactory(member=outsider, status=ClaimStatus.DRAFT, received_on=None)
    client.force_login(member.user)
    for url in [reverse("claims:member_claim", args=[theirs.pk]), reverse("claims:member_draft", args=[draft.pk]),
                reverse("claims:member_review", args=[draft.pk])]:
        assert client.get(url).status_code == 404
    for url in [reverse("claims:member_submit", args=[draft.pk]), reverse("claims:member_line_add", args=[draft.pk]),
                reverse("claims:member_complete", args=[theirs.pk])]:
        assert client.post(url).status_code == 404
    assert ClaimFile.objects.get(pk=draft.pk).status == "draft"


def test_a_member_never_downloads_another_members_scan(client, member, outsider):
    claim = ClaimFileFactory(member=outsider, status=ClaimStatus.DRAFT, received_on=None)
    scan = intake.attachment_add(claim=claim, upload=upload("secret.pdf"), kind="report", by=outsider.user)
    client.force_login(member.user)
    assert client.get(reverse("claims:attachment", args=[scan.pk])).status_code == 404
    client.force_login(outsider.user)
    response = client.get(reverse("claims:attachment", args=[scan.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_scan_is_stored_under_a_generated_name_whatever_it_was_called(member):
    claim = ClaimFileFactory(member=member, status=ClaimStatus.DRAFT, received_on=None)
    scan = intake.attachment_add(claim=claim, upload=upload("../../../etc/cron.d/evil.pdf"), kind="report",
                                 by=member.user)
    assert scan.original_name == "evil.pdf"
    assert ".." not in scan.file.name and "evil" not in scan.file.name
    assert scan.file.name.startswith("claims/") and scan.file.name.endswith(".pdf")


def test_a_member_is_not_let_into_the_desk(client, member):
    client.force_login(member.user)
    assert client.get(reverse("claims:desk_claims")).status_code == 404


# --- online filing through the pages ------------------------------------------------------------------------------


def test_the_new_file_page_offers_covered_people_and_says_why_others_are_not(client, member):
    BeneficiaryFactory(member=member, first_name="Yassine", birth_date=today().replace(year=today().year - 30))
    client.force_login(member.user)
    response = client.get(reverse("claims:member_new"), HTTP_ACCEPT_LANGUAGE="en")
    assert [b.beneficiary.first_name for b in response.context["eligible"]] == [member.first_name]
    assert "Yassine" in response.content.decode() and "over the age limit" in response.content.decode()


def test_a_member_files_online_through_the_pages(client, member):
    client.force_login(member.user)
    response = client.post(reverse("claims:member_new"), {
        "care_on": (today() - timedelta(days=3)).isoformat(), "beneficiary": member.beneficiaries.get().pk,
        "sector": "private", "provider_name": "Dr Alami", "idempotency_key": "abc"})
    claim = ClaimFile.objects.get(member=member)
    assert response.url == reverse("claims:member_draft", args=[claim.pk])
    client.post(reverse("claims:member_line_add", args=[claim.pk]), {
        "act_code": "C", "care_date": (today() - timedelta(days=3)).isoformat(), "quantity": 1,
        "billed_amount": "150.00"})
    client.post(reverse("claims:member_upload", args=[claim.pk]), {"kind": "care_sheet", "file": upload()})
    draft = client.get(reverse("claims:member_draft", args=[claim.pk]))
    assert [row.days_left for row in draft.context["page"].deadlines] == [57]
    assert draft.context["page"].checklist[0].done is True
    response = client.post(reverse("claims:member_submit", args=[claim.pk]))
    assert response.url == reverse("claims:member_claim", args=[claim.pk])
    again = client.post(reverse("claims:member_submit", args=[claim.pk]))
    assert again.url == reverse("claims:member_claim", args=[claim.pk])
    assert ClaimFile.objects.filter(member=member).count() == 1
    assert StatusChange.objects.filter(claim=claim).count() == 1
    assert ClaimFile.objects.get(pk=claim.pk).status == "received"


def test_the_line_form_shows_the_refusal_next_to_the_field(client, member):
    claim = ClaimFileFactory(member=member, status=ClaimStatus.DRAFT, received_on=None)
    client.force_login(member.user)
    response = client.post(reverse("claims:member_line_add", args=[claim.pk]), {
        "act_code": "C", "care_date": (today() + timedelta(days=2)).isoformat(), "quantity": 1,
        "billed_amount": "0"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    form = response.context["line_form"]
    assert form.errors["care_date"] == ["The care date cannot be in the future."]
    assert form.errors["billed_amount"] == ["The amount must be above 0."]


def test_uploading_a_png_named_pdf_through_the_page_shows_the_reason(client, member):
    claim = ClaimFileFactory(member=member, status=ClaimStatus.DRAFT, received_on=None)
    client.force_login(member.user)
    response = client.post(reverse("claims:member_upload", args=[claim.pk]), {
        "kind": "invoice", "file": upload("invoice.pdf", image_bytes("PNG"), "application/pdf")},
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "its content is a PNG" in response.context["upload_form"].errors["file"][0]
    assert not Attachment.objects.exists()


# --- front desk ----------------------------------------------------------------------------------------------


@pytest.fixture
def agent(member):
    return staff(unit("taounate"))


def desk_post(member, **overrides):
    data = {"beneficiary": member.beneficiaries.get(relation="member").pk, "unit": unit("taounate").pk,
            "received_on": today().isoformat(), "sector": "private", "provider_name": "Clinique Atlas",
            "provider_ref": "", "missing_documents": "", "idempotency_key": "desk-1",
            "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "40",
            "lines-0-act_code": "C", "lines-0-care_date": (today() - timedelta(days=2)).isoformat(),
            "lines-0-quantity": "1", "lines-0-billed_amount": "100,00",
            "lines-1-act_code": "MED", "lines-1-care_date": (today() - timedelta(days=2)).isoformat(),
            "lines-1-quantity": "1", "lines-1-billed_amount": "235.55"}
    data.update(overrides)
    return data


def test_an_agent_registers_a_paper_file_and_gets_the_receipt(client, member, agent):
    client.force_login(agent)
    url = reverse("claims:desk_register") + f"?member={member.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, desk_post(member))
    claim = ClaimFile.objects.get(member=member)
    assert response.url == reverse("claims:desk_receipt", args=[claim.pk])
    assert (claim.status, claim.unit.code, claim.total_billed) == ("received", "taounate", D("335.55"))
    receipt = client.get(response.url)
    assert claim.tracking_code_display in receipt.content.decode()
    assert "<svg" in receipt.content.decode()
    client.post(url, desk_post(member))  # the same form sent twice
    assert ClaimFile.objects.filter(member=member).count() == 1


def test_the_desk_grid_puts_a_refusal_on_its_row(client, member, agent):
    client.force_login(agent)
    response = client.post(reverse("claims:desk_register") + f"?member={member.pk}", desk_post(
        member, **{"lines-1-billed_amount": "12.345"}), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.context["lines"].forms[1].errors["billed_amount"] == [
        "The amount can have at most 2 decimals (centimes)."]
    assert not ClaimFile.objects.exists()


def test_the_receipt_pdf_parses_and_carries_the_tracking_code(client, member, agent):
    claim = intake.claim_register_at_desk(member=member, beneficiary=member.beneficiaries.get(), unit=unit(),
                                          by=agent, received_on=today(), lines=[intake.LineData(
                                              "C", today(), 1, D("100.00"))])
    client.force_login(agent)
    for language in ["fr", "ar"]:
        response = client.get(reverse("claims:desk_receipt_pdf", args=[claim.pk]), HTTP_ACCEPT_LANGUAGE=language)
        assert response["Content-Type"] == "application/pdf"
        text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
        assert claim.tracking_code_display in text


def test_an_agent_of_another_unit_does_not_reach_the_file(client, member, agent):
    claim = intake.claim_register_at_desk(member=member, beneficiary=member.beneficiaries.get(), unit=unit(),
                                          by=agent, received_on=today(), lines=[intake.LineData(
                                              "C", today(), 1, D("100.00"))])
    member.home_unit = unit("taounate")
    member.save()
    other = staff(unit("sefrou"))
    client.force_login(other)
    for name in ["desk_claim", "desk_receipt", "desk_receipt_pdf"]:
        assert client.get(reverse(f"claims:{name}", args=[claim.pk])).status_code == 404
    assert client.post(reverse("claims:desk_incomplete", args=[claim.pk]), {"missing_documents": "x"}).status_code \
        == 404
    liquidator = staff(unit("sefrou"), role=StaffRole.LIQUIDATOR)
    client.force_login(liquidator)
    assert client.get(reverse("claims:desk_claim", args=[claim.pk])).status_code == 200


def test_an_agent_marks_a_file_incomplete_and_the_member_sees_the_list(client, member, agent):
    claim = intake.claim_register_at_desk(member=member, beneficiary=member.beneficiaries.get(), unit=unit(),
                                          by=agent, received_on=today(), lines=[intake.LineData(
                                              "C", today(), 1, D("100.00"))])
    client.force_login(agent)
    client.post(reverse("claims:desk_incomplete", args=[claim.pk]), {"missing_documents": "Ordonnance originale"})
    assert ClaimFile.objects.get(pk=claim.pk).status == "incomplete"
    client.force_login(member.user)
    assert "Ordonnance originale" in client.get(reverse("claims:member_claim", args=[claim.pk])).content.decode()


def test_the_desk_list_runs_the_same_queries_for_one_and_thirty_files(client, member, agent):
    client.force_login(agent)
    url = reverse("claims:desk_claims")
    ClaimFileFactory(member=member, unit=unit())
    one = count_queries(client, url)
    for _ in range(29):
        ClaimFileFactory(member=member, unit=unit())
    assert count_queries(client, url) == one


def test_the_forwarding_slip_lists_the_days_sister_mutual_files(client, agent):
    sister_member = MemberFactory(mutual=SisterMutualFactory())
    claim = intake.claim_register_at_desk(member=sister_member, beneficiary=sister_member.beneficiaries.get(),
                                          unit=unit(), by=agent, received_on=today(),
                                          lines=[intake.LineData("C", today(), 1, D("100.00"))])
    client.force_login(agent)
    page = client.get(reverse("claims:desk_forwarding_slip"))
    assert [c.pk for c in page.context["groups"][0].files] == [claim.pk]
    pdf = client.get(reverse("claims:desk_forwarding_slip"), {"format": "pdf"})
    assert claim.tracking_code_display in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()


# --- public tracking ---------------------------------------------------------------------------------------------


def test_tracking_shows_the_status_for_the_right_code_and_birth_date(client, member):
    claim = ClaimFileFactory(member=member)
    response = client.post(reverse("claims:track"), {"code": claim.tracking_code_display.lower(),
                                                     "birth_date": member.birth_date.isoformat()},
                           HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.context["found"] and "Received" in html
    assert member.last_name not in html and member.membership_number not in html


def test_tracking_gives_the_same_answer_for_a_wrong_birth_date_and_an_unknown_code(client, member):
    claim = ClaimFileFactory(member=member)
    wrong_date = client.post(reverse("claims:track"), {"code": claim.tracking_code,
                                                       "birth_date": "1990-01-01"}, HTTP_ACCEPT_LANGUAGE="en")
    unknown = client.post(reverse("claims:track"), {"code": "0000000000", "birth_date": member.birth_date.isoformat()},
                          HTTP_ACCEPT_LANGUAGE="en")
    for response in (wrong_date, unknown):
        assert not response.context["found"]
        assert "No file matches this tracking code and birth date" in response.content.decode()


def test_a_draft_is_not_trackable(client, member):
    claim = ClaimFileFactory(member=member, status=ClaimStatus.DRAFT, received_on=None)
    response = client.post(reverse("claims:track"), {"code": claim.tracking_code,
                                                     "birth_date": member.birth_date.isoformat()})
    assert not response.context["found"]


# --- admin ---------------------------------------------------------------------------------------------------------


def test_the_admin_changelist_finds_a_file_by_tracking_code_with_constant_queries(client, superuser, member):
    claim = ClaimFileFactory(member=member, unit=unit())
    client.force_login(superuser)
    url = reverse("admin:claims_claimfile_changelist")
    one = count_queries(client, url)
    for _ in range(29):
        ClaimFileFactory(member=member, unit=unit())
    assert count_queries(client, url) == one
    found = client.get(url, {"q": claim.tracking_code_display.lower()})
    assert list(found.context["cl"].result_list) == [claim]
    assert client.get(reverse("admin:claims_claimfile_change", args=[claim.pk])).status_code == 200
    for model in ["claimline", "attachment", "prioragreement"]:
        assert client.get(reverse(f"admin:claims_{model}_changelist")).status_code == 200


def test_the_file_list_pages_link_to_each_other_and_keep_the_filter(client, member):
    client.force_login(member.user)
    for _ in range(30):
        file_with_lines(member, 1, status="received")
    url = reverse("claims:member_claims")
    first = client.get(url + "?status=received").content.decode()
    assert "status=received&amp;page=2" in first
    second = client.get(url + "?status=received&page=2").content.decode()
    assert "status=received&amp;page=1" in second and "page=3" not in second
