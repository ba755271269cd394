"""Printed papers as PDFs, from HTML templates, by WeasyPrint (Pango/HarfBuzz shaping and the Unicode bidi
algorithm: Arabic is joined and laid out right to left, brackets mirrored, numbers kept left to right).

The fonts are Noto Sans and Noto Sans Arabic (TrueType, Debian's fonts-noto-core, installed by
scripts/ensure-apt.sh), declared by @font-face with their file paths in templates/pdf/base.html: a missing font
file fails the PDF (FontsMissing) instead of silently dropping glyphs. WeasyPrint needs Pango (Debian:
libpango-1.0-0, libpangoft2-1.0-0; also installed by scripts/ensure-apt.sh)."""

import base64
import io
from pathlib import Path

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import get_language_bidi

FONTS_DIR = Path("/usr/share/fonts/truetype/noto")
FONT_FILES = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf")


class FontsMissing(RuntimeError):
    """The PDF fonts are not installed (scripts/ensure-apt.sh installs fonts-noto-core)."""


def qr_data_uri(data: str) -> str:
    """A QR code as a PNG data URI (no file, no external service)."""
    image = qrcode.make(data, border=1, box_size=6)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def pdf_from_template(template: str, context: dict) -> bytes:
    """Renders `template` (extending pdf/base.html) in the active language and returns the PDF."""
    from weasyprint import HTML  # imported here: the web pages never need Pango

    missing = [name for name in FONT_FILES if not (FONTS_DIR / name).exists()]
    if missing:
        raise FontsMissing(f"PDF fonts missing in {FONTS_DIR}: {', '.join(missing)} (run scripts/ensure-apt.sh)")

    html = render_to_string(template, {**context, "fonts_url": FONTS_DIR.as_uri(),
                                       "rtl": get_language_bidi()})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
