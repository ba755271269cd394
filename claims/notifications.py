"""Telling members what happened to their files: an email (in the member's language) and an SMS.

Each status change is announced at most once: the task claims the StatusChange row with a conditional
UPDATE on `notified_at`, so a redelivered task (acks_late) does not mail twice."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import ClaimStatus, StatusChange
from .status import MEMBER_EXPLANATIONS, NOTIFIED_STATUSES

logger = logging.getLogger("mutuelle.notifications")



def _send_sms(*, to: str, text: str) -> bool:
    try:
        from members.sms import send_sms
    except ImportError:  # pragma: no cover - the SMS backend ships with members
        return False
    return send_sms(to=to, text=text)


def notify_claim_status(*, claim_id: int, status_change_id: int | None = None) -> bool:
    """Tells the member about a status change of claim `claim_id` (the latest one by default).

    Returns False when there is nothing to say: already notified, a status members do not hear about,
    or nobody to tell."""
    changes = StatusChange.objects.select_related(
        "claim__member__user", "claim__member__mutual", "claim__beneficiary", "claim__unit"
    ).filter(claim_id=claim_id)
    change = (changes.filter(pk=status_change_id) if status_change_id else changes.order_by("-changed_at", "-id")
              ).first()
    if change is None or change.to_status not in NOTIFIED_STATUSES:
        return False
    claimed = StatusChange.objects.filter(pk=change.pk, notified_at__isnull=True).update(notified_at=timezone.now())
    if not claimed:
        return False
    try:
        return _deliver(change)
    except Exception:
        # Undo the claim so the task's retry can deliver.
        StatusChange.objects.filter(pk=change.pk).update(notified_at=None)
        raise


def _deliver(change: StatusChange) -> bool:
    claim = change.claim
    member = claim.member
    user = member.user
    language = (user.language if user else "") or "fr"
    context = {
        "claim": claim, "member": member, "change": change, "status": change.to_status,
        "site_url": getattr(settings, "SITE_URL", "").rstrip("/"),
    }
    with translation.override(language):
        context["explanation"] = MEMBER_EXPLANATIONS[change.to_status]
        context["status_label"] = ClaimStatus(change.to_status).label
        subject = " ".join(render_to_string("claims/email/status_subject.txt", context).split())
        body = render_to_string("claims/email/status_body.txt", context)
        sms = " ".join(render_to_string("claims/email/status_sms.txt", context).split())
    from notices.selectors import delivery_channels

    email_ok, sms_ok = delivery_channels(user=user)  # the member's choice in the notification centre
    sent = False
    email = (member.email or (user.email if user else "")) if email_ok else ""
    if email:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        sent = True
    if sms_ok and _send_sms(to=member.phone, text=sms):
        sent = True
    if not sent:
        logger.info("Nobody to notify about file %s (%s)", claim.tracking_code, change.to_status)
    return sent


@shared_task(name="claims.tasks.notify_claim_status", autoretry_for=(OSError,),
             retry_backoff=True, max_retries=5)
def notify_status_change(status_change_id: int) -> bool:
    claim_id = StatusChange.objects.filter(pk=status_change_id).values_list("claim_id", flat=True).first()
    if claim_id is None:
        return False
    return notify_claim_status(claim_id=claim_id, status_change_id=status_change_id)


__all__ = ["NOTIFIED_STATUSES", "notify_claim_status", "notify_status_change"]
