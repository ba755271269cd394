"""`Authorization: Token <key>`: knox's check (hash, expiry, active account), then the second factor: a token
issued with the password alone is refused (and deleted) once the account must show a TOTP code, whether the
owner enrolled since or the staff rule was switched on since."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from rest_framework import exceptions

LAST_USED_EVERY = timedelta(minutes=5)


class ApiTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, token):
        try:
            token.decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        return super().authenticate_credentials(token)

    def _cleanup_token(self, auth_token) -> bool:
        """Only this token's own expiry (an expired token is deleted and refused). knox also reads every other
        token of the account on every call to delete the expired ones: a second read of the token table per
        API call; here they go when the account is issued a token (apitokens.services.token_issue) and, being
        expired, never authenticate meanwhile."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False

    def validate_user(self, auth_token):
        user, auth_token = super().validate_user(auth_token)
        if not auth_token.second_factor and self._owes_second_factor(user):
            auth_token.delete()
            raise exceptions.AuthenticationFailed(
                _("This token was issued without the second factor this account now requires. Ask for a new "
                  "token with your authenticator's code."), code="second_factor_required")
        now = timezone.now()
        if auth_token.last_used is None or now - auth_token.last_used > LAST_USED_EVERY:
            type(auth_token).objects.filter(digest=auth_token.digest).update(last_used=now)
        return user, auth_token

    @staticmethod
    def _owes_second_factor(user) -> bool:
        from members.security import second_factor_facts

        facts = second_factor_facts(user=user)
        return facts["device"] or (settings.STAFF_OTP_REQUIRED and facts["staff"])


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the schema documents the token (as DRF's own token scheme was: `Authorization: Token <key>`)."""

    target_class = "apitokens.auth.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Token <key>`: a token from POST /api/v1/auth/token/ (expires; one per client)."}
