"""The decision letter of a provident request as a PDF (templates/provident/decision_pdf.html, laid out by
WeasyPrint through mutuelle.pdf like the attestation and the receipts): letterhead, who asked for what, the
decision and why, the seniority count of a retirement, each payee's amount and transfer, and a verification QR
code pointing to the public check page (a signed reference: it cannot be guessed from the tracking code)."""

from django.core import signing

from mutuelle.pdf import pdf_from_template, qr_data_uri

from .models import ProvidentRequest, RequestStatus
from .reasons import REASON_MESSAGES

DECIDED = (RequestStatus.LIQUIDATED, RequestStatus.REJECTED, RequestStatus.PAID)
_SALT = "provident.decision-letter"


def has_letter(request: ProvidentRequest) -> bool:
    return request.status in DECIDED


def verification_token(request: ProvidentRequest) -> str:
    """The same for every print of the letter: the request's id, signed with the site's secret key."""
    return signing.Signer(salt=_SALT).sign(str(request.pk))


def request_from_token(token: str) -> ProvidentRequest | None:
    try:
        pk = int(signing.Signer(salt=_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return ProvidentRequest.objects.filter(pk=pk, status__in=DECIDED).select_related("member").first()


def decision_pdf(*, request: ProvidentRequest, verify_url: str) -> bytes:
    """The letter in the active language; `request` as read by selectors.request_page (heirs, shares, payments)."""
    return pdf_from_template("provident/decision_pdf.html", {
        "req": request, "member": request.member, "mutual": request.member.mutual, "verify_url": verify_url,
        "qr": qr_data_uri(verify_url), "reason_message": REASON_MESSAGES.get(request.reason_code, ""),
        "heirs": list(request.heirs.all()), "shares": list(request.shares.all()),
    })
