"""REST API v1 wiring: the JSON error format, the token endpoint, the schema and its docs, the v1 routes.

Every error body is `{"code", "message", "field", "errors": [{"code", "message", "field"}, ...]}`: the first
error at the top for simple clients, all of them in `errors`. Codes are stable; messages follow the caller's
language (Accept-Language, else the account's language)."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from apitokens.api import IssuedTokenSerializer, TokenDetailView, TokenListView, TokenRequestSerializer
from apitokens.services import token_issue
from members.api.permissions import ApiViewMixin
from members.api.serializers import error_responses


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This action is not possible in the object's current state.")
    default_code = "conflict"


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _("Too many failed attempts: this account is locked for a while from this address.")
    default_code = "locked_out"


def _flatten(detail, field: str | None = None) -> list[dict]:
    """[{code, message, field}] from DRF's nested full details ({field: [{message, code}]}, lists, dicts)."""
    if isinstance(detail, dict) and set(detail) == {"message", "code"}:
        return [{"code": str(detail["code"]), "message": str(detail["message"]), "field": field}]
    if isinstance(detail, dict):
        errors = []
        for key, value in detail.items():
            name = None if key in ("non_field_errors", "__all__") else str(key)
            errors += _flatten(value, f"{field}.{name}" if field and name else (name or field))
        return errors
    if isinstance(detail, list):
        errors = []
        for index, item in enumerate(detail):
            nested = isinstance(item, dict) and set(item) != {"message", "code"}
            errors += _flatten(item, f"{field}.{index}" if nested and field else (str(index) if nested else field))
        return errors
    return [{"code": "error", "message": str(detail), "field": field}]


# The domain's refusals of an action in the object's current state → 409 with a stable code. Their message is
# already in the caller's language (the services raise translated text).
DOMAIN_CONFLICTS = {
    "claims.status.InvalidTransition": "invalid_transition",
    "units.services.BookingError": "booking_refused",
    "units.services.LabOrderError": "lab_order_refused",
    "members.services.ChangeRequestNotPending": "not_pending",
    "claims.services.intake.ClaimAlreadySubmitted": "already_submitted",
    "claims.services.agreements.AgreementStateError": "already_decided",
    "claims.services.payments.BatchStateError": "batch_state",
    "claims.services.bank_file.BankFileError": "bank_file",
}


def _domain_conflict(exc) -> Conflict | None:
    for dotted, code in DOMAIN_CONFLICTS.items():
        module, name = dotted.rsplit(".", 1)
        try:
            cls = getattr(import_module(module), name)
        except (ImportError, AttributeError):
            continue
        if isinstance(exc, cls):
            message = str(exc) if code != "invalid_transition" else Conflict.default_detail
            if code == "already_submitted":  # the exception carries the bare tracking code
                message = _("This file was already sent; it is no longer a draft (tracking code %(code)s).") % {
                    "code": str(exc)}
            return Conflict(message or Conflict.default_detail, code=code)
    return None


def exception_handler(exc, context):
    """DRF's handler, with Django's ValidationError/Http404/PermissionDenied and the domain's refusals mapped
    to API errors, and every body in the one error format."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(get_error_detail(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    else:
        exc = _domain_conflict(exc) or exc
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    errors = _flatten(exc.get_full_details()) or [{"code": "error", "message": str(exc), "field": None}]
    response.data = {**errors[0], "errors": errors}
    return response


@extend_schema(tags=["auth"])
class TokenView(ApiViewMixin, APIView):
    """A token for scripts and apps: `Authorization: Token <key>` on every call. One token per client, expiring."""

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_authenticators(self):
        # Logging in takes no credentials but the body's (and no CSRF: the password is the proof).
        if getattr(self, "request", None) is not None and self.request.method == "POST":
            return []
        return super().get_authenticators()

    @extend_schema(
        operation_id="auth_token_create", request=TokenRequestSerializer,
        responses={200: IssuedTokenSerializer, **error_responses(400, 403, 429)}, auth=[],
        description="Username and password (and the authenticator's code when the account has a second factor) → "
                    "a new token for this `client` (replacing the client's previous one), valid API_TOKEN_TTL_DAYS "
                    "days (30 by default). A password change or enrolling a second factor revokes every token of "
                    "the account. Codes: `invalid_credentials`, "
                    "`second_factor_required`, `invalid_otp` (400); `second_factor_enrolment` (403, a staff "
                    "account with no authenticator yet); repeated failures lock the username from this address "
                    "(`locked_out`, 429).",
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request=request._request, username=data.validated_data["username"],
                            password=data.validated_data["password"])
        if getattr(request._request, "axes_locked_out", False):
            # Answer in the API's format ourselves; left set, the flag makes AxesMiddleware swap in an HTML page.
            request._request.axes_locked_out = False
            raise LockedOut()
        if user is None or not user.is_active:
            raise exceptions.ValidationError(
                {"password": [exceptions.ErrorDetail(_("These username and password do not match an account."),
                                                     code="invalid_credentials")]})
        verified = self._second_factor(request, user, data.validated_data.get("otp", ""))
        token, secret = token_issue(user=user, client=data.validated_data.get("client", ""), second_factor=verified)
        return Response(IssuedTokenSerializer({"token": secret, "username": user.username, "client": token.client,
                                               "key": token.token_key, "expiry": token.expiry}).data)

    @staticmethod
    def _second_factor(request, user, code: str) -> bool:
        """A token is a login: whoever owes a TOTP code at the pages' login owes it here too (members.security
        decides who), else the password alone would open the API to a staff account. True once a code passed."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from members.security import second_factor_facts

        facts = second_factor_facts(user=user)
        if not (facts["device"] or (settings.STAFF_OTP_REQUIRED and facts["staff"])):
            return False
        if not facts["device"]:
            raise exceptions.PermissionDenied(
                _("Set up the second factor of this account in the web pages first."), code="second_factor_enrolment")
        if not code:
            raise exceptions.ValidationError({"otp": [exceptions.ErrorDetail(
                gettext("Enter the six digits shown by your authenticator app."), code="second_factor_required")]})
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_is_allowed()[0] and device.verify_token(code):
                return True
        # A wrong code counts as a failed login for the lockout, like a wrong password.
        user_login_failed.send(sender=__name__, credentials={"username": user.get_username()},
                               request=request._request)
        raise exceptions.ValidationError({"otp": [exceptions.ErrorDetail(
            gettext("This code is not valid. Check the time on your phone and try again."), code="invalid_otp")]})

    @extend_schema(operation_id="auth_token_destroy", request=None, responses={204: None, **error_responses(401)},
                   description="Revokes the token this call is made with (called from a session: every token of "
                               "the account). A new POST makes a new one.")
    def delete(self, request):
        from apitokens.services import tokens_revoke_all

        if getattr(request.auth, "digest", None):
            request.auth.delete()
        else:
            tokens_revoke_all(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotFoundView(APIView):
    """Any other path under /api/: the JSON 404 of the error format, never Django's HTML page."""

    schema = None
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound()


v1: list[URLPattern | URLResolver] = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("auth/tokens/", TokenListView.as_view(), name="tokens"),
    path("auth/tokens/<str:key>/", TokenDetailView.as_view(), name="token_detail"),
    path("", include("members.api.urls")),
    path("", include("claims.api.urls")),
    path("", include("units.api.urls")),
    path("", include("provident.api.urls")),
    path("", include("memberships.api.urls")),
    path("", include("partners.api.urls")),
]

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="api")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^", NotFoundView.as_view()),
]
