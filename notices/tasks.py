"""Sending a notice by e-mail/SMS, in the recipient's language, as the recipient chose. A notice is sent at most
once: the task claims it with a conditional update on `delivered_at`."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from .messages import notice_text
from .models import Notice
from .selectors import absolute_link, delivery_channels

logger = logging.getLogger("mutuelle.notices")


def notice_send(notice: Notice) -> bool:
    user = notice.user
    member = getattr(user, "member", None)
    email_ok, sms_ok = delivery_channels(user=user)
    with translation.override(user.language or "fr"):
        text = notice_text(notice.code, notice.params)
        link = absolute_link(notice.link)
        subject = gettext("Mutuelle: a new notice")
    body = f"{text}\n\n{link}\n" if link else f"{text}\n"
    sent = False
    email = (getattr(member, "email", "") or user.email) if email_ok else ""
    if email:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        sent = True
    phone = getattr(member, "phone", "") if sms_ok else ""
    if phone:
        from members.sms import send_sms

        sent = send_sms(to=phone, text=f"{text} {link}".strip()) or sent
    return sent


@shared_task(name="notices.tasks.notify_notice", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notice_deliver(notice_id: int) -> bool:
    claimed = Notice.objects.filter(pk=notice_id, deliver=True, delivered_at__isnull=True).update(
        delivered_at=timezone.now())
    if not claimed:
        return False
    notice = Notice.objects.select_related("user").get(pk=notice_id)
    try:
        return notice_send(notice)
    except Exception:
        Notice.objects.filter(pk=notice_id).update(delivered_at=None)  # let the retry or the sweep send it
        raise
