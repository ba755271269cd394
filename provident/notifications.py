"""Telling the requester (the member, or the heir who filed) each step of a provident request, in his language,
by e-mail to the member when he has one, by SMS to the member or to the filing heir's phone (the member's
notification-centre entry is provident.notice's). Each status change is told at most once (the task claims the
row with a conditional UPDATE on `notified_at`)."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from members.sms import send_sms
from members.templatetags.money import format_mad

from .models import ProvidentStatusChange, RequestStatus

logger = logging.getLogger("mutuelle.notifications")

def provident_notify(*, change_id: int) -> bool:
    change = ProvidentStatusChange.objects.select_related("request__member__user").filter(pk=change_id).first()
    if change is None:
        return False
    if not ProvidentStatusChange.objects.filter(pk=change.pk, notified_at__isnull=True).update(
            notified_at=timezone.now()):
        return False
    request = change.request
    member = request.member
    from .status import EXPLANATIONS

    with translation.override(request.language or "ar"):
        subject = _("Provident request %(code)s: %(status)s") % {
            "code": request.tracking_code_display, "status": RequestStatus(change.to_status).label}
        text = f"{subject}. {EXPLANATIONS[change.to_status]}"
        if request.amount and change.to_status in (RequestStatus.LIQUIDATED, RequestStatus.PAID):
            text += " " + _("Amount: %(amount)s MAD.") % {"amount": format_mad(request.amount, currency=False)}
        body = text + "\n\n" + _("Follow it at %(url)s with the tracking code.") % {
            "url": getattr(settings, "SITE_URL", "").rstrip("/") + "/track/"}
    sent = False
    if request.contact_phone:  # the heir who filed
        sent = send_sms(to=request.contact_phone, text=text)
    elif member.phone:
        sent = send_sms(to=member.phone, text=text)
    if member.email and not request.contact_phone:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [member.email])
        sent = True
    if not sent:
        logger.info("Nobody to notify about provident request %s", request.tracking_code)
    return sent


@shared_task(name="provident.tasks.notify_provident_status", autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def notify_provident_status(change_id: int) -> bool:
    return provident_notify(change_id=change_id)
