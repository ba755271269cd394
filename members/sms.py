"""Text messages to members. The backend is chosen by settings.SMS_BACKEND (a dotted path to a class)."""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("mutuelle.sms")


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str) -> None: ...


class LoggingSmsBackend:
    """Development and test backend: the message goes to the log, nowhere else."""

    def send(self, *, to: str, text: str) -> None:
        logger.info("SMS to %s: %s", to, text)


def sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(*, to: str, text: str) -> bool:
    """Sends `text` to the phone number `to`. Returns False (and sends nothing) when there is no number."""
    to = (to or "").strip()
    if not to:
        return False
    sms_backend().send(to=to, text=text)
    return True
