"""Scans attached to claim files: checked by their content, stored under generated names.

Only PDF, JPEG and PNG are accepted. The type is read from the bytes (magic numbers), a PDF must parse and an
image must decode, and a name's extension must agree with the content. Images are re-encoded from their decoded
pixels (which drops metadata, trailing bytes and anything smuggled in a polyglot) and PDFs with active content
(scripts, launch actions, embedded files, XFA forms) are refused. The original name is kept only as display text,
so `../` in it reaches no path. Any failure of a parser on hostile bytes is a refusal with a message, never a crash."""

import hashlib
import io
import re
import unicodedata
import uuid
import warnings
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ALLOWED = {
    "application/pdf": (".pdf", {".pdf"}),
    "image/jpeg": (".jpg", {".jpg", ".jpeg", ".jpe"}),
    "image/png": (".png", {".png"}),
}
KNOWN_EXTENSIONS = {ext for _, extensions in ALLOWED.values() for ext in extensions}
TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
# An A4 page is 8.7 megapixels at 300 dpi and 19.7 at 450 dpi. Decoding costs 3 to 4 bytes a pixel in a web
# worker, so the limit (settings.MAX_SCAN_PIXELS, 25 megapixels: about 100 MB at most) bounds its memory.
MAX_PDF_OBJECTS = 100_000
# Keys and action types that make a PDF do something when opened; a scan needs none of them.
ACTIVE_PDF_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/RichMedia", "/XFA"}
ACTIVE_PDF_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/ResetForm", "/Rendition", "/GoToE"}


@dataclass(frozen=True)
class CheckedScan:
    content_type: str
    extension: str
    size: int
    sha256: str
    display_name: str
    clean_content: bytes | None = None  # the re-encoded image, stored in place of what was uploaded

    def storage_name(self) -> str:
        return f"{uuid.uuid4().hex}{self.extension}"

    def content(self, upload: UploadedFile) -> File:
        """What to store: the re-encoded image, or the upload itself (a checked PDF)."""
        return ContentFile(self.clean_content) if self.clean_content is not None else upload


def display_name(raw: str) -> str:
    """The last path component of what the browser sent, without control characters, at most 200 chars."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"^\.+", "", name).strip()
    return (name or "scan")[-200:]


def _extension(name: str) -> str:
    return ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""


def _read_all(upload: UploadedFile) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _has_active_content(reader) -> bool:
    """Walks every object reachable from the trailer (streams' dictionaries, not their data) looking for
    scripts, launch actions, embedded files or XFA forms."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    stack: list = [reader.trailer]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise ValueError("too many objects")
        if isinstance(node, DictionaryObject):
            if ACTIVE_PDF_KEYS.intersection(node.keys()) or node.get("/S") in ACTIVE_PDF_ACTIONS:
                return True
            stack.extend(value for key, value in node.items() if key != "/Parent")
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return False


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise ValidationError(_("This PDF is protected by a password; send it without protection."),
                                      code="encrypted")
            if len(reader.pages) < 1:
                raise ValidationError(_("This PDF has no page."), code="empty_pdf")
            active = _has_active_content(reader)
    except ValidationError:
        raise
    except Exception as error:  # a parser fed hostile bytes may fail in any way; each is a refusal
        raise ValidationError(_("This PDF cannot be read. Scan the document again."), code="bad_pdf") from error
    if active:
        raise ValidationError(_("This PDF contains scripts, attachments or forms that run when it is opened. Print "
                                "it to a plain PDF or scan the paper again."), code="active_pdf")


def _clean_image(data: bytes, content_type: str) -> bytes:
    """Decodes the image and encodes its pixels again, in the same format, with no metadata (EXIF, GPS,
    comments) and nothing after the image data. The orientation EXIF asked for is applied to the pixels."""
    from PIL import Image, ImageOps

    limit = settings.MAX_SCAN_PIXELS
    too_many_pixels = ValidationError(
        _("This image is too large in pixels. Scan the document at 300 dpi or send it as a PDF."),
        code="too_many_pixels")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                # The header alone says the size: refuse before a single pixel is decoded.
                if image.width * image.height > limit:
                    raise ValidationError(
                        _("This image is %(width)s × %(height)s pixels; the largest accepted is %(limit)s million "
                          "pixels. Scan the document at 300 dpi or send it as a PDF.")
                        % {"width": image.width, "height": image.height, "limit": limit // 1_000_000},
                        code="too_many_pixels")
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > limit:
                    raise too_many_pixels
                image.load()
                pixels = ImageOps.exif_transpose(image)
                output = io.BytesIO()
                if content_type == "image/jpeg":
                    if pixels.mode not in ("RGB", "L"):
                        pixels = pixels.convert("RGB")
                    pixels.save(output, format="JPEG", quality=90)
                else:
                    if pixels.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
                        pixels = pixels.convert("RGBA")
                    pixels.save(output, format="PNG")
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_many_pixels from error
    except Exception as error:  # a decoder fed hostile bytes may fail in any way; each is a refusal
        raise ValidationError(_("This image cannot be read. Scan the document again."), code="bad_image") from error
    return output.getvalue()


def scan_check(upload: UploadedFile) -> CheckedScan:
    """Checks an uploaded scan or raises ValidationError with a message a member understands."""
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("This file is too large (%(size)s). The largest accepted scan is %(limit)s.")
            % {"size": filesizeformat(upload.size or 0), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("This file is empty."), code="empty")
    data = _read_all(upload)
    kind = filetype.guess(data[:8192])
    content_type = kind.mime if kind else ""
    name = display_name(upload.name or "")
    if content_type not in ALLOWED:
        if _extension(name) in KNOWN_EXTENSIONS:  # "Only PDF… accepted" puzzles whoever just sent a .pdf
            raise ValidationError(
                _("“%(name)s” is named like a scan but its content is not a PDF, JPEG or PNG file: it may be "
                  "damaged or of another kind. Scan the document again, or save it as PDF.") % {"name": name},
                code="bad_type")
        raise ValidationError(_("Only PDF, JPEG and PNG scans are accepted."), code="bad_type")
    extension, accepted_extensions = ALLOWED[content_type]
    named = _extension(name)
    if named and named not in accepted_extensions:
        raise ValidationError(
            _("This file is named “%(name)s” but its content is a %(type)s file. Check that you chose the right "
              "file, or rename it.") % {"name": name, "type": TYPE_NAMES[content_type]},
            code="name_mismatch",
        )
    clean = None
    if content_type == "application/pdf":
        _check_pdf(data)
    else:
        clean = data = _clean_image(data, content_type)
    return CheckedScan(content_type=content_type, extension=extension, size=len(data),
                       sha256=hashlib.sha256(data).hexdigest(), display_name=name, clean_content=clean)
