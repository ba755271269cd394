"""Writing notices. `notice_create` is a plain function: call it inside the caller's transaction; the row
commits (or rolls back) with the event it tells about. E-mail/SMS delivery, when asked, goes through the outbox."""

from collections.abc import Iterable, Mapping, Sequence

from django.utils import timezone

from members.models import Member
from outbox.services import outbox_enqueue

from .messages import CLAIM_STATUS, json_param
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


def _claim_link_parts() -> tuple[str, str]:
    """The member page of a file is prefix + id + suffix ("/me/claims/", "/"): reverse() once, not per file."""
    from django.urls import reverse

    prefix, suffix = reverse("claims:member_claim", args=[0]).rsplit("/0/", 1)
    return prefix + "/", "/" + suffix


def claim_status_notices_sql(*, source: str, statuses: Iterable[str], where: str = "TRUE") -> tuple[str, dict]:
    """An `INSERT ... SELECT` writing the notification-centre entries of the status moves in relation `source`
    (columns `claim_id`, `to_status`; rows filtered by the SQL condition `where`), for a caller that folds it
    into a statement of its own as a data-modifying CTE (the liquidation writes: no extra statement). One notice
    per move to one of `statuses` (those members hear about: claims.status.NOTIFIED_STATUSES), for members with an
    account;
    params and link as `notice_create` writes them for a claim status. PostgreSQL; returns (sql, params)."""
    from claims.models import ClaimFile

    prefix, suffix = _claim_link_parts()
    sql = (f"INSERT INTO {Notice._meta.db_table} (user_id, code, params, link, created_at, deliver) "
           f"SELECT m.user_id, %(notice_code)s, jsonb_build_object('tracking', c.tracking_code, 'status', "
           f"{source}.to_status), %(notice_prefix)s || c.id || %(notice_suffix)s, %(notice_now)s, false "
           f"FROM {source} JOIN {ClaimFile._meta.db_table} AS c ON c.id = {source}.claim_id "
           f"JOIN {Member._meta.db_table} AS m ON m.id = c.member_id "
           f"WHERE m.user_id IS NOT NULL AND {source}.to_status = ANY(%(notice_statuses)s) AND ({where})")
    return sql, {"notice_code": CLAIM_STATUS, "notice_prefix": prefix, "notice_suffix": suffix,
                 "notice_now": timezone.now(), "notice_statuses": sorted(str(status) for status in statuses)}


def claim_status_notices_create(rows: Sequence[tuple[int, int, str, str]], *, statuses: Iterable[str]) -> int:
    """The notification-centre entries of many files' status moves at once, by the ORM (the liquidation writes
    on a database other than PostgreSQL; there they fold `claim_status_notices_sql` into their history INSERT):
    `rows` are (file id, member id, tracking code, new status); only moves to one of `statuses` leave a notice.
    One query for the accounts, one INSERT of the notices, whatever the number of files. Returns how many
    notices were written."""
    statuses = set(statuses)
    rows = [row for row in rows if row[3] in statuses]
    if not rows:
        return 0
    prefix, suffix = _claim_link_parts()
    users = dict(Member.objects.filter(pk__in={row[1] for row in rows}, user__isnull=False)
                 .values_list("pk", "user_id"))
    notices = [Notice(user_id=users[member_id], code=CLAIM_STATUS, link=f"{prefix}{claim_id}{suffix}",
                      deliver=False, params={"tracking": tracking, "status": str(status)})
               for claim_id, member_id, tracking, status in rows if member_id in users]
    Notice.objects.bulk_create(notices)
    return len(notices)
