"""The Arabic attestation, laid out by WeasyPrint, read back by `pdftotext` (poppler-utils): the member's Arabic
name, the dates and the brackets come out in logical order (shaping and bidi were done by the layout engine, not
by hand-reversed strings), with the letterhead, the page number and the verification code."""

import re
import shutil
import subprocess
from datetime import date

import pytest
from django.urls import reverse

from claims.receipts import forwarding_slip_pdf
from tests.factories import MemberFactory, UserFactory

BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _text(pdf: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: `make apt-deps` installs poppler-utils")
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True).stdout
    return " ".join(BIDI_CONTROLS.sub("", out.decode()).split())


@pytest.fixture
def member(db):
    m = MemberFactory(user=UserFactory(language="ar"), first_name="Fatima", last_name="Bennani",
                      first_name_ar="فاطمة", last_name_ar="بناني", sex="F", birth_date=date(1966, 2, 2))
    m.beneficiaries.filter(relation="member").update(first_name_ar="فاطمة", last_name_ar="بناني", sex="F")
    return m


def test_the_arabic_attestation_reads_back_in_logical_order(client, member, tmp_path):
    client.force_login(member.user)
    response = client.post(reverse("attestation_new"))
    pdf = client.get(response["Location"])
    assert pdf["Content-Type"] == "application/pdf"
    text = _text(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content, tmp_path)
    assert "فاطمة بناني" in text  # joined letters, right order (a hand-reversed string reads "يناني ةمطاف")
    assert "شهادة" in text  # "attestation"
    assert re.search(r"2\s*فبراير\s*1966", text), text  # a date: day, month, year
    assert re.search(r"\([^()]*نشيط\)", text), text  # "(… active)": opening bracket first, closing last
    assert member.mutual.name_ar in text and member.mutual.name_fr in text  # letterhead
    assert re.search(r"1 / 1", text), text  # page number
    code = member.attestations.get().code
    assert code in text and f"/verify/{code}/" in text  # verification code and the QR's address


def test_the_french_attestation_and_the_forwarding_slip_render(client, member, tmp_path, settings):
    member.user.language = "fr"
    member.user.save(update_fields=["language"])
    client.force_login(member.user)
    pdf = client.get(client.post(reverse("attestation_new"))["Location"]).content
    text = _text(pdf, tmp_path)
    assert "Attestation d’adhésion" in text or "Attestation d'adhésion" in text, text
    assert "Fatima Bennani" in text and "L’adhérente elle-même" in text
    slip = _text(forwarding_slip_pdf(groups=[], day=date(2026, 12, 1), unit_names="Sefrou"), tmp_path)
    assert "1 / 1" in slip
