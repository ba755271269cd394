"""Celery tasks of members: thin interfaces (routed by name: send_* on the notifications queue)."""

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(name="members.tasks.send_member_notice", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_member_notice(*, change_request_id: int, event: str, emails: list[str], phones: list[str]) -> bool:
    from .notices import member_notice_send

    return member_notice_send(change_request_id=change_request_id, event=event, emails=emails, phones=phones)


@shared_task(name="members.tasks.send_password_reset_mail", autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def send_password_reset_mail(*, subject: str, body: str, from_email: str | None, to: str,
                             html: str | None = None) -> None:
    """Sends one password-reset e-mail, composed by the request (so the link is the one the form made)."""
    message = EmailMultiAlternatives(subject, body, from_email, [to])
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
