"""The membership attestation as a PDF, from an HTML template (templates/members/attestation_pdf.html) laid out
by WeasyPrint: letterhead, who, which mutual, covered or not on the day, for whom, page numbers, and a
verification code with a QR code pointing to the public check page."""

from mutuelle.pdf import pdf_from_template, qr_data_uri

from .models import Attestation
from .selectors import MemberOverview


def render_attestation(*, attestation: Attestation, overview: MemberOverview, verify_url: str, rtl: bool = False
                       ) -> bytes:
    """The PDF in the active language (`rtl` is implied by it; kept for callers)."""
    member = overview.member
    return pdf_from_template("members/attestation_pdf.html", {
        "attestation": attestation, "member": member, "mutual": member.mutual, "verify_url": verify_url,
        "qr": qr_data_uri(verify_url), "covered": [item for item in overview.beneficiaries if item.eligible],
    })
