from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import DeliveryChoice, Notice


def notices_for(*, user) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user).order_by("-created_at", "-id")


def notices_unread_count(*, user) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def delivery_channels(*, user) -> tuple[bool, bool]:
    """(e-mail, SMS) as the user chose; both when the user never chose."""
    choice = DeliveryChoice.objects.filter(user=user).first() if user is not None else None
    return (choice.email, choice.sms) if choice else (True, True)


def absolute_link(path: str, request: HttpRequest | None = None) -> str:
    """A site path made absolute: from the request's host when there is one, else from settings.SITE_URL."""
    if not path or "://" in path:
        return path
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")
