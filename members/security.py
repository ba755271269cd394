"""Login protection: the second factor (TOTP) for staff and opted-in members, the client address seen by the
lockout, and the lockout page.

Who must pass the second factor is decided once, when the session is opened (the `user_logged_in` signal), and
kept in the session: a request then costs no query beyond what the page does anyway. A session opened before this
code ran (no mark) is examined on its first request when STAFF_OTP_REQUIRED is on, so it cannot slip through."""

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.middleware import is_verified as otp_verified

SESSION_KEY = "second_factor"


def user_is_staff(*, user) -> bool:
    """Staff are the Django staff flag, superusers, anyone with a unit assignment (front desk, liquidator...) and
    a partner provider's staff (partners.ProviderAccount): all must pass the second factor."""
    if user.is_staff or user.is_superuser:
        return True
    return user.assignments.exists() or hasattr(user, "provider_account")


def user_has_second_factor(*, user) -> bool:
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


def second_factor_facts(*, user) -> dict[str, bool]:
    return {"staff": user_is_staff(user=user), "device": user_has_second_factor(user=user)}


def second_factor_remember(*, request: HttpRequest, user) -> None:
    request.session[SESSION_KEY] = second_factor_facts(user=user)


@receiver(user_logged_in, dispatch_uid="members.security.remember_second_factor")
def _remember_second_factor_on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        second_factor_remember(request=request, user=user)


def second_factor_required(*, request: HttpRequest) -> bool:
    """True when this logged-in session must show a TOTP code before going further."""
    facts = request.session.get(SESSION_KEY)
    if facts is None:
        if not settings.STAFF_OTP_REQUIRED:
            # Only a test's force_login can open a session the signal did not see; real logins always pass it.
            return False
        second_factor_remember(request=request, user=request.user)
        facts = request.session[SESSION_KEY]
    return facts["device"] or (settings.STAFF_OTP_REQUIRED and facts["staff"])


def safe_next(request: HttpRequest, default: str = "/") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _exempt_prefixes() -> tuple[str, ...]:
    return (
        reverse("security:overview"),
        reverse("login"),
        reverse("logout"),
        reverse("admin:logout"),
        reverse("healthz"),
        "/i18n/",
        "/" + settings.STATIC_URL.lstrip("/"),
    )


class SecondFactorMiddleware:
    """Sends a logged-in user who owes a TOTP code to the verification page (or to enrolment when they have no
    device yet) before any other page, the Django admin included. Install after django_otp's OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not otp_verified(user):
            if self._exempt is None:
                self._exempt = _exempt_prefixes()
            if not request.path.startswith(self._exempt) and second_factor_required(request=request):
                return self._refuse(request)
        return self.get_response(request)

    def _refuse(self, request: HttpRequest) -> HttpResponse:
        facts = request.session[SESSION_KEY]
        target = reverse("security:verify" if facts["device"] else "security:enrol")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.path.startswith("/api/"):
            return HttpResponseForbidden("Second factor required", content_type="text/plain")
        if request.headers.get("HX-Request") == "true":  # runs before django-htmx sets request.htmx
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)


def client_ip(request: HttpRequest) -> str | None:
    """The address the lockout counts failures against. Behind TRUSTED_PROXY_COUNT reverse proxies, the address
    the outermost trusted proxy saw (X-Forwarded-For counted from the right, so a client cannot forge it)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """django-axes' answer once a username is locked from this address: a translated page, HTTP 429."""
    cooloff = settings.AXES_COOLOFF_TIME  # hours (a number) or a timedelta
    minutes = round(cooloff.total_seconds() / 60) if isinstance(cooloff, timedelta) else round(float(cooloff) * 60)
    return render(request, "axes/lockout.html", {"cooloff_minutes": minutes}, status=429)
