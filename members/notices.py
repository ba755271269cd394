"""Telling a member that his file's contact or bank details are changing: an e-mail and an SMS in his language,
sent to the old and the new contact (a stolen account must not be able to redirect money silently).

The message is queued through the outbox in the transaction of the change (members.tasks.send_member_notice)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from .models import ChangeField, ChangeRequest, Member

logger = logging.getLogger("mutuelle.notifications")

EVENTS = ("iban_requested", "iban_applied", "iban_rejected", "contact_changed")


def _recipients(member: Member, change: ChangeRequest) -> tuple[list[str], list[str]]:
    emails = [member.email or (member.user.email if member.user_id and member.user else "")]
    phones = [member.phone]
    if change.field == ChangeField.EMAIL:
        emails += [change.old_value, change.new_value]
    if change.field == ChangeField.PHONE:
        phones += [change.old_value, change.new_value]
    return sorted({e for e in emails if e}), sorted({p for p in phones if p})


def member_notice_queue(*, member: Member, event: str, change_request: ChangeRequest) -> None:
    """Queues the notice on commit of the current transaction (outbox row), addressed now: the old contact
    is known only before the change is forgotten."""
    from outbox.services import outbox_enqueue

    _centre_notice(member=member, event=event, change_request=change_request)
    emails, phones = _recipients(member, change_request)
    outbox_enqueue(task="members.tasks.send_member_notice",
                   kwargs={"change_request_id": change_request.pk, "event": event, "emails": emails,
                           "phones": phones})


def _centre_notice(*, member: Member, event: str, change_request: ChangeRequest) -> None:
    """The same event in the member's notification centre (in the change's transaction). Not sent again by
    e-mail/SMS: this module's message is that event's e-mail/SMS (to the old and new contacts, whatever the
    member chose, a stolen account must not silence it)."""
    from django.urls import reverse

    from notices import messages
    from notices.services import notice_create

    code = {"iban_requested": messages.IBAN_REQUESTED, "iban_applied": messages.IBAN_VALIDATED,
            "iban_rejected": messages.IBAN_REFUSED}.get(event, messages.CONTACT_CHANGED)
    link = (reverse("change_request_detail", args=[change_request.pk]) if change_request.field == ChangeField.IBAN
            else reverse("profile"))
    notice_create(user_id=member.user_id, code=code, link=link, params={
        "field": change_request.field, "iban": _masked(ChangeField.IBAN, change_request.new_value),
        "date": timezone.localdate(change_request.requested_at) if change_request.requested_at else
        timezone.localdate()})


def _masked(field: str, value: str) -> str:
    if field == ChangeField.IBAN and len(value) > 4:
        return "…" + value[-4:]
    return value


def _texts(event: str, change: ChangeRequest) -> tuple[str, str]:
    what = ChangeField(change.field).label
    day = formats.date_format(change.requested_at, "SHORT_DATE_FORMAT")
    value = _masked(change.field, change.new_value)
    if event == "iban_requested":
        subject = _("A change of your bank account was requested")
        text = _("On %(day)s a new bank account (%(value)s) was requested for your file. It will be used only "
                 "after a second staff member of the mutual validates it. If you did not ask for it, contact "
                 "your service unit at once.") % {"day": day, "value": value}
    elif event == "iban_applied":
        subject = _("Your bank account was changed")
        text = _("The bank account of your file is now %(value)s: your next reimbursements will be paid to it. "
                 "If you did not ask for it, contact your service unit at once.") % {"value": value}
    elif event == "iban_rejected":
        subject = _("The change of your bank account was not applied")
        text = _("The new bank account (%(value)s) requested on %(day)s was not applied: your reimbursements "
                 "are still paid to the account on your file.") % {"value": value, "day": day}
    else:
        subject = _("Your contact details were changed")
        text = _("The %(what)s on your file was changed on %(day)s. If you did not ask for it, contact your "
                 "service unit at once.") % {"what": what.lower(), "day": day}
    return subject, text


def member_notice_send(*, change_request_id: int, event: str, emails: list[str], phones: list[str]) -> bool:
    change = ChangeRequest.objects.select_related("member__user").filter(pk=change_request_id).first()
    if change is None or event not in EVENTS:
        return False
    user = change.member.user
    language = (user.language if user else "") or "fr"
    with translation.override(language):
        subject, text = _texts(event, change)
    from .sms import send_sms

    for email in emails:
        send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [email])
    for phone in phones:
        send_sms(to=phone, text=text)
    return bool(emails or phones)
