from django.utils import timezone

from .models import ApiToken


def tokens_of(*, user) -> list[ApiToken]:
    """The account's tokens still valid, newest first."""
    now = timezone.now()
    return [token for token in ApiToken.objects.filter(user=user).order_by("-created")
            if token.expiry is None or token.expiry > now]
