"""The activation letter (PDF) of an approved membership: the number, the cover start and how to activate the web
account; laid out by WeasyPrint from templates/memberships/activation_letter_pdf.html (mutuelle.pdf)."""

from django.conf import settings

from mutuelle.pdf import pdf_from_template, qr_data_uri

from .models import MembershipApplication


def activation_letter_pdf(*, app: MembershipApplication, rtl: bool = False) -> bytes:
    """The letter in the active language (`rtl` is implied by it)."""
    activate_url = getattr(settings, "SITE_URL", "").rstrip("/") + "/activate/"
    return pdf_from_template("memberships/activation_letter_pdf.html", {
        "app": app, "member": app.member, "activate_url": activate_url, "qr": qr_data_uri(activate_url)})
