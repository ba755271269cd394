"""Celery tasks of members: thin interfaces (routed by name: send_* on the notifications queue)."""

from celery import shared_task


@shared_task(name="members.tasks.send_member_notice", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_member_notice(*, change_request_id: int, event: str, emails: list[str], phones: list[str]) -> bool:
    from .notices import member_notice_send

    return member_notice_send(change_request_id=change_request_id, event=event, emails=emails, phones=phones)
