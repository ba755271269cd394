"""Two-step verification pages: overview (members opt in or out), enrolment with a QR code, verification after
the password. Thin: the device bookkeeping is django-otp's; who must verify is members.security's."""

from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.middleware import is_verified as otp_verified
from django_otp.plugins.otp_totp.models import TOTPDevice

from .security import SESSION_KEY, safe_next, second_factor_remember, user_is_staff


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Six-digit code"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits shown by your authenticator app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": "8"}),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()


def _confirmed_devices(user) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.filter(user=user, confirmed=True))


def _check_token(device: TOTPDevice, form: TokenForm) -> bool:
    """Validates the form and the code; on a refusal puts the reason on the form (throttled or wrong code)."""
    if not form.is_valid():
        return False
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        form.add_error("token", _("Too many wrong codes. Wait a minute, then try again."))
        return False
    if not device.verify_token(form.cleaned_data["token"]):
        form.add_error("token", _("This code is not valid. Check the time on your phone and try again."))
        return False
    return True


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return image.to_string(encoding="unicode")


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "security/overview.html", {
        "enabled": bool(_confirmed_devices(request.user)),
        "mandatory": settings.STAFF_OTP_REQUIRED and user_is_staff(user=request.user),
    })


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    if _confirmed_devices(request.user):
        return redirect(next_url)
    # One pending device per user, kept across reloads so the QR code already scanned stays valid.
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=str(_("Authenticator app")), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and _check_token(device, form):
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        otp_login(request, device)
        second_factor_remember(request=request, user=request.user)
        messages.success(request, _("Two-step verification is on. You will be asked for a code at each login."))
        return redirect(next_url)
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return render(request, "security/enrol.html", {
        "form": form,
        "next": next_url,
        "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - SVG made by qrcode from our own data
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
    })


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    if otp_verified(request.user):
        return redirect(next_url)
    devices = _confirmed_devices(request.user)
    if not devices:
        return redirect(reverse("security:enrol") + "?" + urlencode({"next": next_url}))
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        # One authenticator per account in practice; with several, any of them may answer.
        for device in devices:
            attempt = TokenForm(request.POST)
            if _check_token(device, attempt):
                otp_login(request, device)
                return redirect(next_url)
        form = attempt
    return render(request, "security/verify.html", {"form": form, "next": next_url})


@require_POST
@login_required
def disable(request: HttpRequest) -> HttpResponse:
    """A member turns two-step verification off, proving it with a current code. Staff cannot when it is required."""
    if settings.STAFF_OTP_REQUIRED and user_is_staff(user=request.user):
        messages.error(request, _("Two-step verification is required for staff accounts."))
        return redirect("security:overview")
    devices = _confirmed_devices(request.user)
    form = TokenForm(request.POST)
    if devices and any(_check_token(device, TokenForm(request.POST)) for device in devices):
        TOTPDevice.objects.filter(user=request.user).delete()
        request.session[SESSION_KEY] = {**request.session.get(SESSION_KEY, {"staff": False}), "device": False}
        messages.success(request, _("Two-step verification is off."))
        return redirect("security:overview")
    form.is_valid()
    form.add_error("token", _("This code is not valid. Check the time on your phone and try again."))
    return render(request, "security/overview.html", {"enabled": bool(devices), "mandatory": False, "form": form},
                  status=400)
