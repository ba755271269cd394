"""What the requester and the staff read about a provident request besides its page: the notices of the member's
notification centre (each step, worded in the reader's language; none for heirs without an account), the decision
letter (a WeasyPrint PDF in ar/fr/en with the letterhead, the amounts and a verification QR code, read back with
pdftotext) and its public check, and the health-data access log of the scans (death certificates are health data)."""

import logging
import re
import shutil
import subprocess
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from claims.models import HealthDataAccess
from claims.services.payments import payment_batch_confirm, payment_batch_create, payment_batch_export
from members.templatetags.money import format_mad
from notices.messages import notice_text
from notices.models import Notice
from provident.letter import verification_token
from provident.models import ProvidentRequest
from provident.notifications import provident_notify
from provident.services.intake import DocumentInput, request_create
from provident.services.liquidation import provident_liquidate
from provident.services.review import provident_approve
from tests.factories import UserFactory

from . import builders as b

pytestmark = pytest.mark.django_db
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(autouse=True)
def reference(db):
    b.reference()


def _pdf_text(pdf: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: `make apt-deps` installs poppler-utils")
    path = tmp_path / "decision.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True).stdout
    return " ".join(BIDI_CONTROLS.sub("", out.decode()).split())


def _digits(text: str) -> str:
    """The text without any space (the thousands separator is a no-break space in French)."""
    return re.sub(r"[\s\u00a0\u202f]", "", text)


def _paid_member_death(agent, second):
    m = b.member(user=UserFactory(language="fr"))
    request = request_create(by=agent, member=m, benefit="MEMBER_DEATH", event_date=date(2025, 5, 20),
                             received_on=date(2025, 6, 2), channel="front_desk", unit=b.unit("taounate"),
                             heirs=b.heirs("1/8", "7/24", "7/24", "7/24"), documents=b.death_documents(4),
                             contact_name="Heir1 Alami", contact_phone="0612345678", language="fr")
    provident_liquidate(request_id=request.pk)
    request.refresh_from_db()
    provident_approve(request=request, by=second)
    batch = payment_batch_create()
    payment_batch_export(batch=batch)
    payment_batch_confirm(batch=batch, by=second)
    request.refresh_from_db()
    assert request.status == "paid"
    return request


# --- notices ---------------------------------------------------------------------------------------------------


def test_each_step_of_a_members_own_request_is_a_notice_worded_in_the_readers_language():
    user = UserFactory(language="fr")
    m = b.member(user=user)
    request = request_create(by=user, member=m, benefit="RETIREMENT", event_date=date(2024, 3, 1),
                             channel="online")  # no retirement decision yet: incomplete
    ProvidentRequest.objects.filter(pk=request.pk).update(received_on=date(2024, 4, 10))
    from provident.services.intake import document_add

    document_add(request=request, by=user, kind="retirement_decision", upload=b.upload("decision.pdf"))
    provident_liquidate(request_id=request.pk)
    request.refresh_from_db()
    provident_approve(request=request, by=b.liquidator())
    batch = payment_batch_create()
    payment_batch_export(batch=batch)
    payment_batch_confirm(batch=batch, by=b.liquidator())

    notices = list(Notice.objects.filter(user=user).order_by("pk"))
    assert [n.params["provident_status"] for n in notices] == ["received", "incomplete", "received", "in_review",
                                                              "liquidated", "paid"]
    assert {n.link for n in notices} == {reverse("provident:member_detail", args=[request.pk])}
    assert not any(n.deliver for n in notices)  # SMS/e-mail go through provident.notifications, once
    code = request.tracking_code_display
    with translation.override("fr"):
        assert notice_text(notices[1].code, notices[1].params) == f"Demande de prévoyance {code} : Incomplet."
        assert _digits(notice_text(notices[-1].code, notices[-1].params)) == _digits(
            f"Demande de prévoyance {code} : Payé, 30 000,00 MAD.")
    with translation.override("ar"):
        assert "30.000,00 درهم" in notice_text(notices[-1].code, notices[-1].params)  # grouped as Arabic writes it
    with translation.override("en"):
        assert notice_text(notices[3].code, notices[3].params) == f"Provident request {code}: In review."
        assert notice_text(notices[-1].code, notices[-1].params) == f"Provident request {code}: Paid, 30,000.00 MAD."


def test_heirs_filing_a_members_death_are_told_by_sms_and_no_account_gets_a_notice(caplog):
    request = _paid_member_death(b.desk_agent(), b.liquidator())
    paid = request.status_changes.get(to_status="paid")
    with caplog.at_level(logging.INFO, logger="mutuelle.sms"):
        assert provident_notify(change_id=paid.pk)
    assert request.member.user_id is not None
    assert not Notice.objects.filter(user_id=request.member.user_id).exists()
    with translation.override(request.language or "ar"):
        amount = format_mad(request.amount, currency=False)
    assert request.amount >= 1000 and ("." in amount or "," in amount)  # grouped: 15.000,00 in Arabic
    told = [r.getMessage() for r in caplog.records if request.contact_phone in r.getMessage()]
    assert any(amount in text for text in told), told


# --- the decision letter ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "amounts", "words"), [
    ("fr", ["1875,00MAD", "4375,00MAD", "15000,00MAD"], ["Décision sur une demande de prévoyance",
                                                        "Allocation décès de l’adhérent"]),
    ("en", ["1,875.00MAD", "4,375.00MAD", "15,000.00MAD"], ["Decision on a provident request",
                                                           "Death allowance of the member"]),
    ("ar", ["1.875,00", "4.375,00", "15.000,00"], ["قرار بشأن طلب", "درهم"]),
])
def test_the_decision_letter_of_the_heirs_shows_each_share_the_total_and_the_transfers(client, tmp_path, language,
                                                                                     amounts, words):
    agent, second = b.desk_agent(), b.liquidator()
    request = _paid_member_death(agent, second)
    client.force_login(agent)

    page = client.get(reverse("provident:desk_detail", args=[request.pk]))
    letter_url = reverse("provident:desk_letter", args=[request.pk])
    assert f'href="{letter_url}?lang={language}"' in page.content.decode()
    response = client.get(f"{letter_url}?lang={language}")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    for amount in amounts:
        assert amount in _digits(text)
    for word in words:
        assert word in text
    assert "Mohamed" in text and request.tracking_code_display in text
    for heir in request.heirs.all():
        assert heir.payable_share.paid.transfer.reference in _digits(text)  # paid: each heir's transfer named
    assert reverse("provident:verify", args=[verification_token(request)]) in _digits(text)


def test_the_member_reads_his_retirement_letter_in_his_language_and_anyone_can_check_it(client, tmp_path):
    user = UserFactory(language="fr")
    m = b.member(user=user)
    request = request_create(by=b.desk_agent(), member=m, benefit="RETIREMENT", event_date=date(2024, 3, 1),
                             received_on=date(2024, 4, 10), channel="front_desk",
                             documents=[DocumentInput("retirement_decision", b.upload("decision.pdf"))])
    provident_liquidate(request_id=request.pk)
    client.force_login(user)
    assert client.get(reverse("provident:member_letter", args=[request.pk])).status_code == 404  # in review
    provident_approve(request=ProvidentRequest.objects.get(pk=request.pk), by=b.liquidator())

    page = client.get(reverse("provident:member_detail", args=[request.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    assert reverse("provident:member_letter", args=[request.pk]) in page.content.decode()
    response = client.get(reverse("provident:member_letter", args=[request.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    text = _pdf_text(response.content, tmp_path)
    assert "30000,00MAD" in _digits(text)
    assert "12235jours,33annéesentières" in _digits(text) and "taux100%" in _digits(text)

    client.logout()
    check = client.get(reverse("provident:verify", args=[verification_token(request)]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Valid" in check.content.decode() and request.tracking_code_display in check.content.decode()
    forged = client.get(reverse("provident:verify", args=[verification_token(request)[:-2] + "xx"]))
    assert "text-bg-danger" in forged.content.decode() and request.tracking_code_display not in forged.content.decode()


def test_a_rejected_request_has_a_letter_with_the_reason():
    m = b.member(periods=((date(2015, 1, 1), None, "active"),))
    child = b.child(m)
    agent = b.desk_agent()
    request = request_create(by=agent, member=m, benefit="CHILD_DEATH", event_date=date(2025, 8, 15),
                             received_on=date(2025, 9, 1), channel="front_desk", deceased=child,
                             unit=b.unit("taounate"),
                             documents=[DocumentInput("death_certificate", b.upload("deces.pdf"))])
    assert provident_liquidate(request_id=request.pk) == "rejected"
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(agent)
    response = client.get(reverse("provident:desk_letter", args=[request.pk]) + "?lang=en")
    assert response.status_code == 200
    import io

    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "cannot be granted" in text and "BENEFICIARY_NOT_ELIGIBLE" in text


# --- the health-data access log ---------------------------------------------------------------------------------


def test_staff_reading_a_death_certificate_is_in_the_health_data_access_log_and_the_member_sees_it(client):
    user = UserFactory()
    m = b.member(user=user)
    child = b.child(m)
    agent = b.desk_agent("taounate")
    request = request_create(by=agent, member=m, benefit="CHILD_DEATH", event_date=date(2025, 3, 1),
                             received_on=date(2025, 3, 20), channel="front_desk", unit=b.unit("taounate"),
                             deceased=child, documents=[DocumentInput("death_certificate", b.upload("deces.pdf"))])
    document = request.documents.get()

    client.force_login(agent)
    assert client.get(reverse("provident:document", args=[document.pk])).status_code == 200
    access = HealthDataAccess.objects.get()
    assert (access.user, access.provident_document, access.action, access.unit.code, access.view_name) == (
        agent, document, "provident_scan", "taounate", "provident:document")

    client.force_login(user)  # the member reading his own scan is not logged
    assert client.get(reverse("provident:document", args=[document.pk])).status_code == 200
    assert HealthDataAccess.objects.count() == 1
    log = client.get(reverse("claims:member_access_log"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert request.tracking_code_display in log and "Downloaded a scan of a provident request" in log

    client.force_login(b.desk_agent("sefrou"))  # another unit's agent: 404, nothing logged
    assert client.get(reverse("provident:document", args=[document.pk])).status_code == 404
    assert HealthDataAccess.objects.count() == 1
