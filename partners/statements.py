"""A provider's monthly statement as files: CSV (formula-safe cells) and PDF (reportlab; Arabic shaped and laid
out right to left with the fonts the receipts use)."""

import io
from pathlib import Path

from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from mutuelle import csv_safe

from .selectors import Statement


def _header() -> list[str]:
    return [_("Invoice number"), _("Tracking code"), _("Received on"), _("Status"), _("Billed"), _("AMO share"),
            _("Complementary share"), _("Paid by the mutual"), _("Member's share"), _("Payment batch")]


def _rows(statement: Statement) -> list[list[str]]:
    rows = []
    for row in statement.rows:
        claim = row.invoice.claim
        rows.append([row.invoice.number, claim.tracking_code, claim.received_on.isoformat(),
                     str(claim.get_status_display()), f"{row.billed:.2f}", f"{row.amo:.2f}",
                     f"{row.complementary:.2f}", f"{row.amo + row.complementary:.2f}", f"{row.member_share:.2f}",
                     row.batch_reference])
    return rows


def _totals(statement: Statement) -> list[str]:
    amo, comp = statement.total("amo"), statement.total("complementary")
    return [_("Total"), "", "", "", f"{statement.total('billed'):.2f}", f"{amo:.2f}", f"{comp:.2f}",
            f"{amo + comp:.2f}", f"{statement.total('member_share'):.2f}", ""]


def statement_csv(statement: Statement) -> str:
    out = io.StringIO()
    writer = csv_safe.writer(out, lineterminator="\r\n")  # an invoice number "=HYPERLINK(...)" stays text
    writer.writerow(_header())
    writer.writerows(_rows(statement))
    writer.writerow(_totals(statement))
    return out.getvalue()


def _shaped(text: str) -> str:
    if not any("\u0600" <= char <= "\u06ff" for char in text):
        return text
    import arabic_reshaper
    from bidi import get_display

    return get_display(arabic_reshaper.reshape(text))


FONT_DIRS = [Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/opentype/noto"),
             Path("/usr/share/fonts/truetype/dejavu")]
FONTS = {"StatementLatin": ["NotoSans-Regular.ttf", "DejaVuSans.ttf"],
         "StatementArabic": ["NotoSansArabic-Regular.ttf", "NotoNaskhArabic-Regular.ttf"]}


def _font(name: str, fallback: str) -> str:
    """A TrueType font registered with reportlab (Noto, else DejaVu), or `fallback` when none is installed."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if name in pdfmetrics.getRegisteredFontNames():
        return name
    for directory in FONT_DIRS:
        for filename in FONTS[name]:
            if (directory / filename).exists():
                pdfmetrics.registerFont(TTFont(name, str(directory / filename)))
                return name
    return fallback


def statement_pdf(statement: Statement) -> bytes:
    latin = _font("StatementLatin", "Helvetica")
    arabic = _font("StatementArabic", latin) if get_language_bidi() else latin
    rtl = get_language_bidi()
    style = ParagraphStyle("body", fontName=arabic, fontSize=9, alignment=2 if rtl else 0)
    title = ParagraphStyle("title", parent=style, fontSize=14, spaceAfter=4)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                                 topMargin=12 * mm, bottomMargin=12 * mm, title=_("Monthly statement"))
    provider = statement.provider
    heading = _("Monthly statement %(month)s") % {"month": f"{statement.month:%Y-%m}"}
    cells = [[Paragraph(_shaped(str(cell)), style) for cell in row]
             for row in [_header(), *_rows(statement), _totals(statement)]]
    if rtl:
        cells = [list(reversed(row)) for row in cells]
    table = Table(cells, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [Paragraph(_shaped(heading), title),
             Paragraph(_shaped(f"{provider.name_ar if rtl else provider.name} · INPE {provider.inpe}"), style),
             Spacer(1, 4 * mm), table]
    document.build(story)
    return buffer.getvalue()
