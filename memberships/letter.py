"""The activation letter (PDF) of an approved membership: the number, the cover start and how to activate."""

import io

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from members.attestation_pdf import _fonts, _has_arabic, _visual

from .models import MembershipApplication


def activation_letter_pdf(*, app: MembershipApplication, rtl: bool) -> bytes:
    latin, arabic = _fonts()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    width, height = A4
    y = height - 30 * mm

    def line(text: str, size: int = 11) -> None:
        nonlocal y
        font = arabic if arabic and _has_arabic(text) else latin
        pdf.setFont(font, size)
        shown = _visual(text) if font == arabic else text
        if rtl:
            pdf.drawRightString(width - 20 * mm, y, shown)
        else:
            pdf.drawString(20 * mm, y, shown)
        y -= size * 0.6 * mm + 4 * mm

    member = app.member
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    line(_("Activation letter"), 16)
    line(f"{member.first_name} {member.last_name}")
    line(_("Membership number: %(number)s") % {"number": member.membership_number})
    line(_("Covered from: %(day)s") % {"day": formats.date_format(app.covered_from, "SHORT_DATE_FORMAT")})
    line(_("Application: %(code)s") % {"code": app.tracking_code_display})
    line(_("To activate your web account, open %(url)s and enter your membership number, national ID and birth "
           "date.") % {"url": f"{site}/activate/"}, 9)
    pdf.showPage()
    pdf.save()
    return out.getvalue()
