"""Hostile files against the scan check and the upload pages: every file is either stored as a clean PDF, JPEG or
PNG (images re-encoded, nothing smuggled along) or refused with a message a member understands, never a crash;
names reach no path; scans come back only as downloads, through the permission-checked view."""

import io
import os
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from claims.models import Attachment, ClaimStatus
from claims.uploads import ALLOWED, CheckedScan, scan_check
from tests.claims.factories import ClaimFileFactory, image_bytes, pdf_bytes, reference
from tests.factories import MemberFactory, UserFactory

# FUZZ_EXAMPLES=5000 for a deeper run than the suite's.
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "120")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

MAGIC = [b"%PDF-1.4\n", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0",
         b"\xff\xd8\xff\xdb", b"GIF89a", b"RIFF\x00\x00\x00\x00WEBP", b"<svg", b"<!DOCTYPE html>", b"PK\x03\x04",
         b"MZ", b""]
NAMES = ["scan.pdf", "scan.png", "photo.jpg", "scan", "../../../etc/passwd", "a\x00b.pdf", "x\u202egpj.exe",
         "evil.html", "evil.svg", "..\\..\\win.ini", "\u0641\u0627\u062a\u0648\u0631\u0629.pdf"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def check(data: bytes, name: str = "scan.pdf") -> CheckedScan | ValidationError:
    """scan_check's verdict: the checked scan, or the refusal. Any other exception fails the test."""
    try:
        return scan_check(SimpleUploadedFile(name, data, content_type="application/octet-stream"))
    except ValidationError as refusal:
        return refusal


def assert_clean_or_refused(verdict: CheckedScan | ValidationError, data: bytes) -> None:
    if isinstance(verdict, ValidationError):
        assert verdict.code and verdict.messages and all(message.strip() for message in verdict.messages)
        return
    assert verdict.content_type in ALLOWED
    assert verdict.extension == ALLOWED[verdict.content_type][0]
    assert "/" not in verdict.display_name and "\x00" not in verdict.display_name
    if verdict.content_type == "application/pdf":
        assert verdict.clean_content is None and data.lstrip().startswith(b"%PDF")
    else:
        stored = verdict.clean_content
        assert stored is not None and verdict.size == len(stored)
        with Image.open(io.BytesIO(stored)) as image:
            assert Image.MIME[image.format] == verdict.content_type
            image.load()


# --- generated garbage ---------------------------------------------------------------------------------------


@FUZZ
@given(magic=st.sampled_from(MAGIC), body=st.binary(max_size=4096), name=st.sampled_from(NAMES))
def test_random_bytes_behind_any_magic_header_are_either_clean_or_refused_never_a_crash(magic, body, name):
    data = magic + body
    assert_clean_or_refused(check(data, name), data)


@FUZZ
@given(seed=st.sampled_from(["pdf", "png", "jpeg"]), data=st.data())
def test_real_scans_with_random_bytes_flipped_or_cut_are_either_clean_or_refused(seed, data):
    original = {"pdf": pdf_bytes, "png": lambda: image_bytes("PNG"), "jpeg": lambda: image_bytes("JPEG")}[seed]()
    mutated = bytearray(original)
    for _ in range(data.draw(st.integers(0, 8))):
        position = data.draw(st.integers(0, len(mutated) - 1))
        mutated[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(mutated)))
    mutated = bytes(mutated[:cut])
    assert_clean_or_refused(check(mutated, f"scan.{'jpg' if seed == 'jpeg' else seed}"), mutated)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.99])
def test_a_truncated_pdf_is_refused_or_still_parses(keep):
    data = pdf_bytes()
    data = data[: max(9, int(len(data) * keep))]
    assert_clean_or_refused(check(data), data)


# --- named hostile files -------------------------------------------------------------------------------------


def _pdf_with(action) -> bytes:
    import warnings

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # add_js: still the plainest way to plant a script
        action(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("active", [
    pytest.param(lambda writer: writer.add_js("app.alert('hi');"), id="javascript"),
    pytest.param(lambda writer: writer.add_attachment("payload.exe", b"MZ\x90\x00"), id="embedded-file"),
])
def test_a_pdf_with_active_content_is_refused_with_a_clear_message(active):
    verdict = check(_pdf_with(active))
    assert isinstance(verdict, ValidationError)
    assert verdict.code == "active_pdf"
    assert "scripts" in verdict.messages[0]


def test_a_pdf_whose_open_action_launches_a_program_is_refused():
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    def launch(writer) -> None:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
            NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")})

    assert check(_pdf_with(launch)).code == "active_pdf"


def test_a_plain_scanned_pdf_is_still_accepted():
    assert check(pdf_bytes()).content_type == "application/pdf"


def test_a_png_with_html_appended_is_stored_re_encoded_without_the_html():
    polyglot = image_bytes("PNG") + b"<html><script>alert(document.cookie)</script></html>"
    verdict = check(polyglot, "scan.png")
    assert verdict.content_type == "image/png"
    assert b"<script" not in verdict.clean_content and verdict.clean_content != polyglot


def test_text_chunks_and_exif_metadata_are_dropped_by_re_encoding():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    png = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(png, format="PNG", pnginfo=info)
    assert b"<script" not in check(png.getvalue(), "scan.png").clean_content

    exif = Image.Exif()
    exif[0x8825] = {2: (33.0, 35.0, 0.0)}  # GPS latitude: where the photo was taken
    exif[0x010E] = "secret description"
    jpeg = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(jpeg, format="JPEG", exif=exif)
    cleaned = check(jpeg.getvalue(), "photo.jpg").clean_content
    assert b"secret description" not in cleaned and b"Exif" not in cleaned


def test_a_cmyk_jpeg_and_a_palette_png_come_out_as_decodable_images():
    cmyk = io.BytesIO()
    Image.new("CMYK", (10, 10), (0, 50, 100, 0)).save(cmyk, format="JPEG")
    palette = io.BytesIO()
    Image.new("P", (10, 10), 3).save(palette, format="PNG")
    for data, name in [(cmyk.getvalue(), "a.jpg"), (palette.getvalue(), "b.png")]:
        assert_clean_or_refused(check(data, name), data)
        assert isinstance(check(data, name), CheckedScan)


def _png_declaring(width: int, height: int) -> bytes:
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
            + chunk(b"IEND", b""))


MAX_SCAN_PIXELS = 25_000_000  # settings.MAX_SCAN_PIXELS


@pytest.mark.parametrize(("width", "height"), [(100_000, 100_000), (9_000, 9_000), (7_740, 7_740),
                                               (1, MAX_SCAN_PIXELS + 1)])
def test_an_image_declaring_huge_dimensions_is_refused_before_it_is_decoded(width, height):
    verdict = check(_png_declaring(width, height), "bomb.png")
    assert isinstance(verdict, ValidationError)
    assert verdict.code == "too_many_pixels"
    assert "pixels" in verdict.messages[0]


@pytest.mark.parametrize(("data", "name"), [
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "scan.svg"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.png"),
    (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "scan.pdf"),
    (b"<html><body>%PDF-1.4</body></html>", "scan.pdf"),
    (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00"
     b"\x01\x00\x01\x00\x00\x02\x02D\x01\x00;", "scan.gif"),
    (b"PK\x03\x04" + b"\x00" * 100, "scan.pdf"),
])
def test_svg_html_gif_and_archives_are_refused_as_unaccepted_types(data, name):
    verdict = check(data, name)
    assert isinstance(verdict, ValidationError) and verdict.code == "bad_type"
    message = verdict.messages[0]
    assert "PDF" in message and "JPEG" in message and "PNG" in message  # says what a scan may be


def test_a_zero_byte_file_is_refused_as_empty():
    verdict = check(b"", "scan.pdf")
    assert isinstance(verdict, ValidationError) and verdict.code == "empty"


def test_a_real_image_named_as_html_is_refused_for_its_name():
    verdict = check(image_bytes("PNG"), "page.html")
    assert isinstance(verdict, ValidationError) and verdict.code == "name_mismatch"


@given(name=st.text(max_size=300))
@example(name="../../../etc/cron.d/x.pdf")
@example(name="scan\x00.png.pdf")
@example(name="invoice\u202efdp.exe")
@example(name="\u200f\u202b..\\..\\boot.ini")
@FUZZ
def test_any_name_becomes_harmless_display_text_and_never_the_storage_name(name):
    # Django's upload layer itself refuses names whose last component is empty, "." or "..": no view sees them.
    assume(os.path.basename(name) not in {"", ".", ".."})
    verdict = check(pdf_bytes(), name)
    if isinstance(verdict, ValidationError):
        assert verdict.code == "name_mismatch"
        return
    shown = verdict.display_name
    assert shown and len(shown) <= 200 and not shown.startswith(".")
    assert "/" not in shown and "\\" not in shown
    assert not any(ch in shown for ch in "\x00\n\r\u202e\u202b\u200f\u2066")
    stored = verdict.storage_name()
    assert stored.endswith(".pdf") and len(stored) == 36 and stored[:32].isalnum()


# --- through the pages and the API ------------------------------------------------------------------------------

HOSTILE = [
    ("polyglot.png", image_bytes("PNG") + b"<script>alert(1)</script>"),
    ("bomb.png", _png_declaring(100_000, 100_000)),
    ("scan.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("page.html", b"<html><script>alert(1)</script></html>"),
    ("cut.pdf", pdf_bytes()[:40]),
    ("js.pdf", _pdf_with(lambda writer: writer.add_js("app.alert(1)"))),
    ("../../../evil\u202egnp.pdf", pdf_bytes()),
    ("junk.jpg", b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4),
]


@pytest.fixture
def draft(db):
    reference()
    member = MemberFactory(user=UserFactory())
    return ClaimFileFactory(member=member, status=ClaimStatus.DRAFT, received_on=None)


@pytest.mark.parametrize(("name", "data"), HOSTILE, ids=[name for name, _ in HOSTILE])
def test_hostile_uploads_through_the_member_page_are_stored_clean_or_refused_never_a_server_error(
        client, draft, name, data):
    client.force_login(draft.member.user)
    response = client.post(reverse("claims:member_upload", args=[draft.pk]),
                           {"kind": "care_sheet", "file": SimpleUploadedFile(name, data)})
    assert response.status_code in (302, 400), response.status_code
    for attachment in Attachment.objects.filter(claim=draft):
        assert attachment.content_type in ALLOWED
        stored = attachment.file.read()
        assert b"<script" not in stored and b"<svg" not in stored
        assert "/" not in attachment.original_name and "\u202e" not in attachment.original_name
        assert attachment.file.name.startswith("claims/") and ".." not in attachment.file.name
    if response.status_code == 400:
        assert not Attachment.objects.filter(claim=draft).exists()
        assert 'class="invalid-feedback' in response.content.decode() or "alert" in response.content.decode()


@pytest.mark.parametrize(("name", "data"), HOSTILE, ids=[name for name, _ in HOSTILE])
def test_hostile_uploads_through_the_api_are_stored_clean_or_refused_with_a_400(client, draft, name, data):
    client.force_login(draft.member.user)
    response = client.post(f"/api/v1/me/files/{draft.pk}/attachments/",
                           {"kind": "care_sheet", "file": SimpleUploadedFile(name, data)})
    assert response.status_code in (201, 400), (response.status_code, response.content[:300])


def test_a_stored_scan_comes_back_only_as_a_download_through_the_checked_view(client, draft):
    client.force_login(draft.member.user)
    client.post(reverse("claims:member_upload", args=[draft.pk]),
                {"kind": "care_sheet", "file": SimpleUploadedFile("photo.png", image_bytes("PNG"))})
    attachment = Attachment.objects.get(claim=draft)
    response = client.get(reverse("claims:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    api = client.get(f"/api/v1/me/files/{draft.pk}/attachments/{attachment.pk}/")
    assert api["Content-Disposition"].startswith("attachment;") and api["X-Content-Type-Options"] == "nosniff"
    for path in (f"/media/{attachment.file.name}", f"/{attachment.file.name}", f"/static/{attachment.file.name}"):
        assert client.get(path).status_code == 404
    stranger = MemberFactory(user=UserFactory())
    client.force_login(stranger.user)
    assert client.get(reverse("claims:attachment", args=[attachment.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("claims:attachment", args=[attachment.pk])).status_code == 302


def test_the_testers_7740_pixel_square_png_is_refused_with_its_size_in_the_message(settings):
    """The finding: a real 233 kB PNG of 7,740 × 7,740 px cost 460 MB and 2.2 s to decode; now refused from its
    header, in a sentence that gives its size and what to do."""
    from PIL import Image

    assert settings.MAX_SCAN_PIXELS == MAX_SCAN_PIXELS
    out = io.BytesIO()
    Image.new("1", (7_740, 7_740)).save(out, format="PNG")
    verdict = check(out.getvalue(), "scan.png")
    assert isinstance(verdict, ValidationError) and verdict.code == "too_many_pixels"
    assert "7740 × 7740" in verdict.messages[0] and "300 dpi" in verdict.messages[0]


def test_an_a4_page_scanned_at_300_dpi_is_still_accepted():
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (2_480, 3_508), 255).save(out, format="PNG")
    assert isinstance(check(out.getvalue(), "scan.png"), CheckedScan)
