"""Writing notices. `notice_create` is a plain function: call it inside the caller's transaction; the row
commits (or rolls back) with the event it tells about. E-mail/SMS delivery, when asked, goes through the outbox."""

from collections.abc import Iterable, Mapping

from django.utils import timezone

from outbox.services import outbox_enqueue

from .messages import json_param
from .models import DeliveryChoice, Notice


def notice_create(*, user=None, user_id: int | None = None, code: str, params: Mapping[str, object] | None = None,
                  link: str = "", deliver: bool = False) -> Notice | None:
    """Records a notice for `user` (or `user_id`); returns None when there is nobody to tell.

    `params` are stored as JSON (dates and Decimals converted); `link` is a site path such as
    "/me/claims/12/" (made absolute from SITE_URL or the request's host when sent out). With `deliver`, the
    notice also goes out by e-mail and/or SMS, as the user chose, after the transaction commits."""
    user_id = user.pk if user is not None else user_id
    if user_id is None:
        return None
    notice = Notice.objects.create(user_id=user_id, code=code, link=link[:300], deliver=deliver,
                                   params={key: json_param(value) for key, value in (params or {}).items()})
    if deliver:  # an outbox row of this transaction: a broker outage only delays the message
        outbox_enqueue(task="notices.tasks.notify_notice", args=[notice.pk])
    return notice


def notices_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Marks the user's notices (all unread ones when `ids` is None) as read; returns how many changed."""
    notices = Notice.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        notices = notices.filter(pk__in=list(ids))
    return notices.update(read_at=timezone.now())


def delivery_choice_set(*, user, email: bool, sms: bool) -> DeliveryChoice:
    choice, _created = DeliveryChoice.objects.update_or_create(user=user, defaults={"email": email, "sms": sms})
    return choice
