"""Scans attached to claim files: checked by their content, stored under generated names.

Only PDF, JPEG and PNG are accepted. The type is read from the bytes (magic numbers), a PDF must parse and an
image must decode, and a name's extension must agree with the content. The original name is kept only as
display text, so `../` in it reaches no path."""

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


@dataclass(frozen=True)
class CheckedScan:
    content_type: str
    extension: str
    size: int
    sha256: str
    display_name: str

    def storage_name(self) -> str:
        return f"{uuid.uuid4().hex}{self.extension}"


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


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(_("This PDF is protected by a password; send it without protection."),
                                  code="encrypted")
        if len(reader.pages) < 1:
            raise ValidationError(_("This PDF has no page."), code="empty_pdf")
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as error:
        raise ValidationError(_("This PDF cannot be read. Scan the document again."), code="bad_pdf") from error


def _check_image(data: bytes) -> None:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(_("This image cannot be read. Scan the document again."), code="bad_image") from error


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
    if content_type not in ALLOWED:
        raise ValidationError(_("Only PDF, JPEG and PNG scans are accepted."), code="bad_type")
    name = display_name(upload.name or "")
    extension, accepted_extensions = ALLOWED[content_type]
    named = _extension(name)
    if named and named not in accepted_extensions:
        raise ValidationError(
            _("This file is named “%(name)s” but its content is a %(type)s file. Check that you chose the right "
              "file, or rename it.") % {"name": name, "type": TYPE_NAMES[content_type]},
            code="name_mismatch",
        )
    if content_type == "application/pdf":
        _check_pdf(data)
    else:
        _check_image(data)
    return CheckedScan(content_type=content_type, extension=extension, size=len(data),
                       sha256=hashlib.sha256(data).hexdigest(), display_name=name)
