"""Scans are accepted by their content, never by their name, and stored under names we generate."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from claims.uploads import display_name, scan_check

from .factories import image_bytes, pdf_bytes, upload


def test_a_real_pdf_is_accepted_as_a_pdf():
    checked = scan_check(upload("feuille de soins.pdf"))
    assert (checked.content_type, checked.extension, checked.display_name) == (
        "application/pdf", ".pdf", "feuille de soins.pdf")
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(("kind", "name", "mime"), [("PNG", "scan.png", "image/png"),
                                                    ("JPEG", "photo.JPG", "image/jpeg")])
def test_real_png_and_jpeg_images_are_accepted(kind, name, mime):
    assert scan_check(upload(name, image_bytes(kind), mime)).content_type == mime


def test_a_file_of_20_megabytes_is_refused_with_the_limit_in_the_message(settings):
    settings.MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    big = SimpleUploadedFile("big.pdf", pdf_bytes() + b"0" * (20 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        scan_check(big)
    assert refused.value.code == "too_large"
    assert "10" in refused.value.messages[0]


def test_a_pdf_named_file_that_is_a_png_is_refused():
    with pytest.raises(ValidationError) as refused:
        scan_check(upload("ordonnance.pdf", image_bytes("PNG"), "application/pdf"))
    assert refused.value.code == "name_mismatch"
    assert "PNG" in refused.value.messages[0]


def test_a_text_file_claiming_to_be_a_pdf_is_refused():
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        scan_check(upload("invoice.pdf", b"just some text, not a scan", "application/pdf"))
    assert refused.value.code == "bad_type"
    # The member sent a ".pdf": the message names the file and says its content is the problem, not its kind.
    assert refused.value.messages[0].startswith("“invoice.pdf” is named like a scan but its content is not a PDF")


def test_a_file_of_another_kind_is_refused_with_the_kinds_accepted():
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        scan_check(upload("notes.docx", b"PK\x03\x04" + b"\x00" * 200, "application/octet-stream"))
    assert refused.value.code == "bad_type"
    assert refused.value.messages == ["Only PDF, JPEG and PNG scans are accepted."]


def test_a_file_starting_like_a_pdf_but_broken_is_refused():
    with pytest.raises(ValidationError) as refused:
        scan_check(upload("broken.pdf", b"%PDF-1.7\n garbage without any object", "application/pdf"))
    assert refused.value.code == "bad_pdf"


def test_a_truncated_png_is_refused():
    with pytest.raises(ValidationError) as refused:
        scan_check(upload("cut.png", image_bytes("PNG")[:60], "image/png"))
    assert refused.value.code == "bad_image"


def test_an_executable_renamed_as_an_image_is_refused():
    with pytest.raises(ValidationError) as refused:
        scan_check(upload("photo.png", b"MZ\x90\x00" + b"\x00" * 200, "image/png"))
    assert refused.value.code == "bad_type"


@pytest.mark.parametrize(("raw", "shown"), [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\scan.pdf", "scan.pdf"),
    ("../", "scan"),
    ("..pdf", "pdf"),
    ("ordonnance\x00\n.pdf", "ordonnance.pdf"),
])
def test_a_path_in_the_file_name_is_reduced_to_harmless_display_text(raw, shown):
    assert display_name(raw) == shown
