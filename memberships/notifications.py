"""Telling the requester each step (received, incomplete, approved, rejected) in his language.

A member with a web account (a request to add a spouse, a child, a study period or a disability) gets a notice
in the notification centre, which also goes out by e-mail/SMS as he chose (notices.services). An applicant
without an account gets an e-mail when he gave one and an SMS to his phone; on approval the message says how to
activate the web account (membership number, CIN, birth date on /activate/)."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.sms import send_sms
from notices.messages import register, register_param

from .models import ApplicationKind, ApplicationStatus, MembershipApplication

EXPLANATIONS = {
    ApplicationStatus.SUBMITTED.value: gettext_lazy("The mutual has received the application; a unit will check it."),
    ApplicationStatus.INCOMPLETE.value: gettext_lazy("Documents are missing: the tracking page lists them."),
    ApplicationStatus.APPROVED.value: gettext_lazy("The application is approved."),
    ApplicationStatus.REJECTED.value: gettext_lazy("The application is rejected."),
}

# Notice codes (never change once used) and their words, read in the reader's language.
RECEIVED = "membership.received"
INCOMPLETE = "membership.incomplete"
APPROVED = "membership.approved"
REJECTED = "membership.rejected"
NOTICE_CODES = {ApplicationStatus.SUBMITTED.value: RECEIVED, ApplicationStatus.INCOMPLETE.value: INCOMPLETE,
                ApplicationStatus.APPROVED.value: APPROVED, ApplicationStatus.REJECTED.value: REJECTED}


def _request_label(value: object) -> str:
    return str(ApplicationKind(value).label) if value in ApplicationKind.values else str(value)


def notice_codes_register() -> None:
    """Called from MembershipsConfig.ready(): the notification centre words these codes."""
    register(RECEIVED, gettext_lazy("Request %(tracking)s (%(membership_request)s) received: a unit will check it."))
    register(INCOMPLETE, gettext_lazy("Request %(tracking)s (%(membership_request)s): documents are missing. The "
                                      "request's page lists them."))
    register(APPROVED, gettext_lazy("Request %(tracking)s (%(membership_request)s) approved: covered from "
                                    "%(covered_from)s."))
    register(REJECTED, gettext_lazy("Request %(tracking)s (%(membership_request)s) rejected. Reason: %(reason)s"))
    register_param("membership_request", _request_label)


def account_of(app: MembershipApplication) -> int | None:
    """The web account to tell in the notification centre: the existing member's of a request, else none (an
    applicant has no account until he activates one)."""
    if app.kind == ApplicationKind.NEW_MEMBER or app.member is None:
        return None
    return app.member.user_id


def notice_for(*, app: MembershipApplication, status: str) -> bool:
    """Inside the caller's transaction: the notice (with its e-mail/SMS) commits with the step it tells about.
    False when the requester has no account (then `application_notify` tells him after the commit)."""
    from notices.services import notice_create

    user_id = account_of(app)
    if user_id is None:
        return False
    notice_create(user_id=user_id, code=NOTICE_CODES[status], deliver=True,
                  link=reverse("memberships:member_request", args=[app.pk]),
                  params={"tracking": app.tracking_code, "membership_request": app.kind,
                          "covered_from": app.covered_from, "reason": app.reason})
    return True


def message(app: MembershipApplication) -> tuple[str, str]:
    subject = _("Application %(code)s: %(status)s") % {"code": app.tracking_code_display,
                                                        "status": app.get_status_display()}
    text = f"{subject}. {EXPLANATIONS[app.status]}"
    if app.status == ApplicationStatus.APPROVED and app.member is not None and app.kind == "new_member":
        site = getattr(settings, "SITE_URL", "").rstrip("/")
        text += " " + _("Your membership number is %(number)s. Activate your web account at %(url)s with it, your "
                        "national ID and your birth date.") % {"number": app.member.membership_number,
                                                               "url": f"{site}/activate/"}
    if app.status == ApplicationStatus.REJECTED and app.reason:
        text += " " + _("Reason: %(reason)s") % {"reason": app.reason}
    return subject, text


def application_notify(*, application_id: int, status: str) -> bool:
    """E-mail and SMS to a requester without a web account (after the commit; the step must still be current)."""
    app = MembershipApplication.objects.select_related("member").filter(pk=application_id).first()
    if app is None or app.status != status or account_of(app) is not None:
        return False
    with translation.override(app.language or "ar"):
        subject, text = message(app)
    email = app.email or (app.member.email if app.member is not None else "")
    phone = app.phone or (app.member.phone if app.member is not None else "")
    sent = send_sms(to=phone, text=text)
    if email:
        send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [email])
        sent = True
    return sent
