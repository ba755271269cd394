"""Telling the applicant each step in his language: an e-mail when he gave one, an SMS to his phone. On approval
the message says how to activate the web account (membership number, CIN, birth date on /activate/)."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.sms import send_sms

from .models import ApplicationStatus, MembershipApplication

EXPLANATIONS = {
    ApplicationStatus.SUBMITTED: gettext_lazy("The mutual has received the application; a unit will check it."),
    ApplicationStatus.INCOMPLETE: gettext_lazy("Documents are missing: the tracking page lists them."),
    ApplicationStatus.APPROVED: gettext_lazy("The application is approved."),
    ApplicationStatus.REJECTED: gettext_lazy("The application is rejected."),
}


def message(app: MembershipApplication) -> tuple[str, str]:
    subject = _("Application %(code)s: %(status)s") % {"code": app.tracking_code_display,
                                                        "status": app.get_status_display()}
    text = f"{subject}. {EXPLANATIONS[app.status]}"
    if app.status == ApplicationStatus.APPROVED and app.member_id and app.kind == "new_member":
        site = getattr(settings, "SITE_URL", "").rstrip("/")
        text += " " + _("Your membership number is %(number)s. Activate your web account at %(url)s with it, your "
                        "national ID and your birth date.") % {"number": app.member.membership_number,
                                                               "url": f"{site}/activate/"}
    if app.status == ApplicationStatus.REJECTED and app.reason:
        text += " " + _("Reason: %(reason)s") % {"reason": app.reason}
    return subject, text


def application_notify(*, application_id: int, status: str) -> bool:
    app = MembershipApplication.objects.select_related("member").filter(pk=application_id).first()
    if app is None or app.status != status:
        return False
    with translation.override(app.language or "ar"):
        subject, text = message(app)
    email = app.email or (app.member.email if app.member_id else "")
    phone = app.phone or (app.member.phone if app.member_id else "")
    sent = send_sms(to=phone, text=text)
    if email:
        send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [email])
        sent = True
    return sent
