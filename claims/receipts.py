"""Printed papers of intake: the front-desk receipt (with a QR code to the public tracking page) and the
forwarding slip of the day's sister-mutual files. PDFs are drawn with reportlab; Arabic text is shaped and laid
out right to left (arabic-reshaper, python-bidi) and drawn with the Noto Arabic font when it is installed."""

import io
from pathlib import Path

import qrcode
import qrcode.image.svg
from django.utils import formats
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from .models import ClaimFile, ClaimLine
from .selectors import SlipGroup

FONT_DIRS = [Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/truetype/dejavu")]
FONTS = {
    "ClaimsLatin": ["NotoSans-Regular.ttf", "DejaVuSans.ttf"],
    "ClaimsLatinBold": ["NotoSans-Bold.ttf", "DejaVuSans-Bold.ttf"],
    "ClaimsArabic": ["NotoSansArabic-Regular.ttf", "NotoNaskhArabic-Regular.ttf"],
}


def _font(name: str, fallback: str | None) -> str | None:
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    for directory in FONT_DIRS:
        for filename in FONTS[name]:
            if (directory / filename).exists():
                pdfmetrics.registerFont(TTFont(name, str(directory / filename)))
                return name
    return fallback


def _is_arabic(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff" or "\ufb50" <= char <= "\ufeff"


def _visual(text: str) -> str:
    import arabic_reshaper
    from bidi import get_display

    return get_display(arabic_reshaper.reshape(text))


def qr_png(url: str) -> bytes:
    image = qrcode.make(url, border=1, box_size=6)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(url: str) -> str:
    """An inline SVG QR code for the printable page (no image file, no external service)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=1, box_size=8)
    return image.to_string(encoding="unicode")


class _Page:
    """Writes lines top-down on A4 pages, right-aligned in RTL languages, Arabic letters in the Arabic font."""

    def __init__(self, pdf: canvas.Canvas, *, rtl: bool) -> None:
        self.pdf, self.rtl = pdf, rtl
        self.latin = _font("ClaimsLatin", "Helvetica")
        self.bold = _font("ClaimsLatinBold", "Helvetica-Bold")
        self.arabic = _font("ClaimsArabic", None)
        self.left, self.right, self.top, self.bottom = 18 * mm, A4[0] - 18 * mm, A4[1] - 20 * mm, 18 * mm
        self.y = self.top

    def _runs(self, text: str, bold: bool) -> list[tuple[str, str]]:
        latin = self.bold if bold else self.latin
        if any(_is_arabic(char) for char in text):
            text = _visual(text) if self.arabic else text.encode("ascii", "replace").decode()
        runs: list[tuple[str, str]] = []
        for char in text:
            font = self.arabic if self.arabic and _is_arabic(char) else latin
            if runs and runs[-1][0] == font:
                runs[-1] = (font, runs[-1][1] + char)
            else:
                runs.append((font, char))
        return runs

    def width(self, text: str, size: float, bold: bool = False) -> float:
        return sum(pdfmetrics.stringWidth(chunk, font, size) for font, chunk in self._runs(text, bold))

    def text_at(self, x: float, text: str, size: float = 10, bold: bool = False, align: str = "start") -> None:
        runs = self._runs(text, bold)
        width = sum(pdfmetrics.stringWidth(chunk, font, size) for font, chunk in runs)
        if align == "end":
            x -= width
        for font, chunk in runs:
            self.pdf.setFont(font, size)
            self.pdf.drawString(x, self.y, chunk)
            x += pdfmetrics.stringWidth(chunk, font, size)

    def line(self, text: str, size: float = 10, gap: float = 6, bold: bool = False) -> None:
        self.ensure(gap)
        if self.rtl:
            self.text_at(self.right, text, size, bold, align="end")
        else:
            self.text_at(self.left, text, size, bold)
        self.y -= gap * mm

    def row(self, cells: list[str], widths: list[float], size: float = 9, gap: float = 5.5,
            bold: bool = False) -> None:
        """Table cells from the start side; `widths` are fractions of the text width."""
        self.ensure(gap)
        span = self.right - self.left
        offset = 0.0
        for cell, fraction in zip(cells, widths, strict=True):
            if self.rtl:
                self.text_at(self.right - offset, cell, size, bold, align="end")
            else:
                self.text_at(self.left + offset, cell, size, bold)
            offset += fraction * span
        self.y -= gap * mm

    def rule(self) -> None:
        self.pdf.setLineWidth(0.4)
        self.pdf.line(self.left, self.y + 3.5 * mm, self.right, self.y + 3.5 * mm)
        self.y -= 1.5 * mm

    def ensure(self, gap: float) -> None:
        if self.y - gap * mm < self.bottom:
            self.pdf.showPage()
            self.y = self.top


def _day(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _act_name(act) -> str:
    language = (get_language() or "fr")[:2]
    return {"ar": act.name_ar, "en": act.name_en}.get(language) or act.name_fr


def _money(value) -> str:
    return f"{formats.number_format(value, 2, use_l10n=True)} MAD"


def receipt_pdf(*, claim: ClaimFile, lines: list[ClaimLine], track_url: str) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(_("Receipt") + f" {claim.tracking_code_display}")
    member, mutual = claim.member, claim.member.mutual
    pdf.setAuthor(mutual.name_fr)
    page = _Page(pdf, rtl=get_language_bidi())

    page.line(mutual.name_ar, size=12)
    page.line(mutual.name_fr, size=11, gap=10)
    page.line(_("Receipt of a sickness-claim file"), size=17, gap=10, bold=True)
    page.line(_("Tracking code"), size=10, gap=8)
    page.line(claim.tracking_code_display, size=26, gap=13, bold=True)
    member_name = member.full_name + (f" / {member.first_name_ar} {member.last_name_ar}"
                                      if member.last_name_ar else "")
    page.line(_("Member: %(name)s") % {"name": member_name}, size=11)
    page.line(_("Membership number: %(number)s") % {"number": member.membership_number})
    page.line(_("Beneficiary: %(name)s (%(relation)s)") % {
        "name": claim.beneficiary.full_name, "relation": claim.beneficiary.get_relation_display()})
    page.line(_("Received on: %(day)s") % {"day": _day(claim.received_on)})
    if claim.unit:
        page.line(_("Receiving unit: %(unit)s") % {"unit": claim.unit.name_fr})
        if claim.unit.name_ar:
            page.line(claim.unit.name_ar)
    if claim.provider_name:
        page.line(_("Provider: %(name)s (%(sector)s)") % {"name": claim.provider_name,
                                                          "sector": claim.get_sector_display()})
    page.line(_("Status: %(status)s") % {"status": claim.get_status_display()}, gap=10)

    widths = [0.06, 0.44, 0.16, 0.12, 0.22]
    page.row(["#", _("Care"), _("Care date"), _("Quantity"), _("Amount")], widths, bold=True)
    page.rule()
    for line in lines:
        page.row([str(line.position), f"{line.act_id} — {_act_name(line.act)}"[:60], _day(line.care_date),
                  str(line.quantity), _money(line.billed_amount)], widths)
    page.rule()
    page.row(["", _("Total billed"), "", "", _money(claim.total_billed)], widths, bold=True, gap=10)
    if claim.missing_documents:
        page.line(_("Missing documents:"), bold=True)
        for item in claim.missing_documents.splitlines():
            if item.strip():
                page.line(f"• {item.strip()}")

    size = 34 * mm
    page.ensure(50)
    qr_x = page.left if page.rtl else page.right - size
    pdf.drawImage(ImageReader(io.BytesIO(qr_png(track_url))), qr_x, page.y - size, size, size)
    page.y -= size + 5 * mm
    page.line(_("Follow this file with its tracking code and the member's birth date: %(url)s") % {
        "url": track_url}, size=8)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def forwarding_slip_pdf(*, groups: list[SlipGroup], day, unit_names: str) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(_("Forwarding slip") + f" {day.isoformat()}")
    page = _Page(pdf, rtl=get_language_bidi())
    widths = [0.16, 0.14, 0.26, 0.14, 0.14, 0.16]
    for index, group in enumerate(groups):
        if index:
            pdf.showPage()
            page.y = page.top
        page.line(_("Forwarding slip of %(day)s") % {"day": _day(day)}, size=15, bold=True, gap=8)
        page.line(unit_names, size=9)
        page.line(_("To: %(mutual)s") % {"mutual": group.mutual.name_fr}, size=12, bold=True)
        page.line(group.mutual.name_ar, size=11, gap=9)
        page.row([_("Tracking code"), _("Membership no."), _("Member / beneficiary"), _("Received on"),
                  _("Lines"), _("Billed")], widths, bold=True)
        page.rule()
        for claim in group.files:
            page.row([claim.tracking_code_display, claim.member.membership_number,
                      f"{claim.member.full_name} / {claim.beneficiary.first_name}"[:40], _day(claim.received_on),
                      str(len(claim.lines.all())), _money(claim.total_billed)], widths)
        page.rule()
        page.line(_("%(count)d files") % {"count": len(group.files)}, bold=True, gap=16)
        page.line(_("Sent by (name, signature, stamp):"), gap=18)
        page.line(_("Received by (name, signature, date):"))
    if not groups:
        page.line(_("Forwarding slip of %(day)s") % {"day": _day(day)}, size=15, bold=True, gap=8)
        page.line(_("No file was forwarded that day."))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
