"""Issuing and revoking API tokens. One token per (account, client): issuing again for the same client replaces
the old token; at most API_TOKENS_PER_USER per account (the least recently created go first)."""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import ApiToken

DEFAULT_CLIENT = "api"


def token_issue(*, user, client: str = "", second_factor: bool = False) -> tuple[ApiToken, str]:
    """A new token for this client of the account; returns the record and the secret (shown once, never stored)."""
    client = (client or DEFAULT_CLIENT).strip()[:80] or DEFAULT_CLIENT
    with transaction.atomic():
        # The same client's token, and the account's expired ones (authentication checks only the token shown).
        ApiToken.objects.filter(Q(client=client) | Q(expiry__lt=timezone.now()), user=user).delete()
        token, secret = ApiToken.objects.create(user=user, client=client, second_factor=second_factor)
        keep = settings.API_TOKENS_PER_USER
        stale = list(ApiToken.objects.filter(user=user).order_by("-created").values_list("digest", flat=True)[keep:])
        if stale:
            ApiToken.objects.filter(digest__in=stale).delete()
    return token, secret


def token_revoke(*, user, token_key: str) -> bool:
    """Revokes one of the account's own tokens; False when it has none with this key."""
    deleted, _ = ApiToken.objects.filter(user=user, token_key=token_key).delete()
    return deleted > 0


def tokens_revoke_all(*, user) -> int:
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted
