"""The membership attestation as a one-page PDF: who, which mutual, covered or not on the day, for whom,
and a verification code with a QR code pointing to the public check page."""

import io
from pathlib import Path

import qrcode
from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from .models import Attestation
from .selectors import MemberOverview

FONT_DIRS = [Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/truetype/dejavu")]
ARABIC_FONT_FILES = ["NotoSansArabic-Regular.ttf", "NotoNaskhArabic-Regular.ttf"]
LATIN_FONT_FILES = ["NotoSans-Regular.ttf", "DejaVuSans.ttf"]


def _register(name: str, candidates: list[str]) -> str | None:
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    for directory in FONT_DIRS:
        for filename in candidates:
            path = directory / filename
            if path.exists():
                pdfmetrics.registerFont(TTFont(name, str(path)))
                return name
    return None


def _fonts() -> tuple[str, str | None]:
    """(Latin font, Arabic font or None). Without the TTF files, Helvetica and no Arabic text."""
    latin = _register("MutuelleLatin", LATIN_FONT_FILES) or "Helvetica"
    return latin, _register("MutuelleArabic", ARABIC_FONT_FILES)


def _has_arabic(text: str) -> bool:
    return any("\u0600" <= char <= "\u06ff" or "\ufb50" <= char <= "\ufeff" for char in text)


def _visual(text: str) -> str:
    """Arabic letters joined and laid out right to left, as a PDF shows glyphs in drawing order."""
    try:
        import arabic_reshaper
        from bidi import get_display
    except ImportError:  # pragma: no cover - the libraries are dependencies
        return text
    return get_display(arabic_reshaper.reshape(text))


def _is_arabic_char(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff" or "\ufb50" <= char <= "\ufeff"


class _Writer:
    """Draws lines top-down. Arabic letters take the Arabic font and everything else (Latin, digits,
    punctuation) the Latin one, since neither font has all glyphs."""

    def __init__(self, pdf: canvas.Canvas, rtl: bool) -> None:
        self.pdf = pdf
        self.rtl = rtl
        self.latin, self.arabic = _fonts()
        self.y = A4[1] - 25 * mm
        self.left, self.right = 20 * mm, A4[0] - 20 * mm

    def _runs(self, text: str) -> list[tuple[str, str]]:
        if _has_arabic(text):
            text = _visual(text) if self.arabic else text.encode("ascii", "replace").decode()
        runs: list[tuple[str, str]] = []
        for char in text:
            font = self.arabic if self.arabic and _is_arabic_char(char) else self.latin
            if runs and runs[-1][0] == font:
                runs[-1] = (font, runs[-1][1] + char)
            else:
                runs.append((font, char))
        return runs

    def line(self, text: str, size: int = 11, gap: float = 7, indent: float = 0) -> None:
        runs = self._runs(text)
        width = sum(pdfmetrics.stringWidth(chunk, font, size) for font, chunk in runs)
        x = self.right - indent - width if self.rtl else self.left + indent
        for font, chunk in runs:
            self.pdf.setFont(font, size)
            self.pdf.drawString(x, self.y, chunk)
            x += pdfmetrics.stringWidth(chunk, font, size)
        self.y -= gap * mm


def render_attestation(*, attestation: Attestation, overview: MemberOverview, verify_url: str, rtl: bool) -> bytes:
    member = overview.member
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(_("Membership attestation") + f" {attestation.code}")
    pdf.setAuthor(member.mutual.name_fr)
    out = _Writer(pdf, rtl)

    out.line(member.mutual.name_ar, size=13)
    out.line(member.mutual.name_fr, size=12, gap=12)
    out.line(_("Membership attestation"), size=18, gap=12)
    issued = formats.date_format(attestation.issued_on, "DATE_FORMAT")
    out.line(_("The mutual certifies that, on %(date)s:") % {"date": issued}, gap=9)
    name_ar = f"{member.first_name_ar} {member.last_name_ar}".strip()
    out.line(member.full_name + (f" / {name_ar}" if name_ar else ""), size=13)
    out.line(_("Membership number: %(number)s") % {"number": member.membership_number})
    out.line(_("National ID (CIN): %(cin)s") % {"cin": member.cin})
    if member.employer:
        out.line(_("Employer administration: %(employer)s") % {"employer": member.employer})
    if attestation.covered:
        status = attestation.get_affiliation_status_display()
        out.line(_("is a member covered by the mutual (affiliation: %(status)s).") % {"status": status}, gap=10)
    else:
        out.line(_("is registered with the mutual but is NOT covered on that date."), gap=10)

    out.line(_("Beneficiaries covered on that date:"), size=12)
    covered = [b for b in overview.beneficiaries if b.eligible]
    for item in covered:
        beneficiary = item.beneficiary
        birth = formats.date_format(beneficiary.birth_date, "SHORT_DATE_FORMAT")
        out.line(f"• {beneficiary.full_name} — {beneficiary.get_relation_display()} — {birth}", size=10, gap=6,
                 indent=5 * mm)
    if not covered:
        out.line(_("none"), size=10, indent=5 * mm)

    qr = qrcode.QRCode(border=1, box_size=6)
    qr.add_data(verify_url)
    qr.make(fit=True)
    image = qr.make_image(fill_color="black", back_color="white")
    png = io.BytesIO()
    image.save(png, format="PNG")
    png.seek(0)
    size = 35 * mm
    qr_x = out.left if rtl else out.right - size
    pdf.drawImage(ImageReader(png), qr_x, 25 * mm, size, size)
    out.y = 20 * mm
    out.line(_("Verification code: %(code)s") % {"code": attestation.code}, size=11, gap=5)
    out.line(_("Check this attestation at %(url)s") % {"url": verify_url}, size=8)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
