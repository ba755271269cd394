"""Printed papers of intake: the front-desk receipt (with a QR code to the public tracking page) and the
forwarding slip of the day's sister-mutual files, as PDFs from HTML templates laid out by WeasyPrint
(mutuelle/pdf.py: real Arabic shaping and bidi, letterhead, page numbers)."""

import io

import qrcode
import qrcode.image.svg

from mutuelle.pdf import pdf_from_template, qr_data_uri

from .models import ClaimFile, ClaimLine
from .selectors import SlipGroup


def qr_png(url: str) -> bytes:
    image = qrcode.make(url, border=1, box_size=6)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(url: str) -> str:
    """An inline SVG QR code for the printable page (no image file, no external service)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=1, box_size=8)
    return image.to_string(encoding="unicode")


class _Totals:
    """What claims/_lines.html reads from `page` (the billed total)."""

    def __init__(self, lines: list[ClaimLine]) -> None:
        self.billed_total = sum((line.billed_amount for line in lines), 0)


def receipt_pdf(*, claim: ClaimFile, lines: list[ClaimLine], track_url: str) -> bytes:
    return pdf_from_template("claims/desk/receipt_pdf.html", {
        "claim": claim, "lines": lines, "page": _Totals(lines), "track_url": track_url,
        "qr": qr_data_uri(track_url), "mutual": claim.member.mutual,
    })


def forwarding_slip_pdf(*, groups: list[SlipGroup], day, unit_names: str) -> bytes:
    from members.models import Mutual

    mutual = Mutual.objects.filter(is_ours=True).first()
    return pdf_from_template("claims/desk/forwarding_slip_pdf.html", {
        "groups": groups, "day": day, "unit_names": unit_names, "mutual": mutual,
    })
