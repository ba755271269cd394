"""How long a signed-in session lasts: members' sessions last SESSION_COOKIE_AGE (8 hours by default); staff
sessions are shorter: their cookie ends when the browser closes, and 30 minutes without a request end them
(STAFF_SESSION_IDLE_SECONDS), because staff work on shared desk PCs."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from .security import user_is_staff

STAFF_KEY = "staff_session_seen"  # epoch seconds of the staff session's latest request
TOUCH_EVERY = 60  # seconds: the session is saved at most once a minute for the idle clock


def staff_session_start(*, request: HttpRequest) -> None:
    request.session.set_expiry(0)  # the cookie ends with the browser
    request.session[STAFF_KEY] = int(time.time())


@receiver(user_logged_in, dispatch_uid="members.sessions.session_length_on_login")
def _session_length_on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session") and user_is_staff(user=user):
        staff_session_start(request=request)


class SessionLengthMiddleware:
    """Ends a staff session idle for longer than STAFF_SESSION_IDLE_SECONDS (the request goes on anonymous, so
    a page asks for the login again)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        seen = session.get(STAFF_KEY) if session is not None else None
        if session is not None and seen is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - seen > settings.STAFF_SESSION_IDLE_SECONDS:
                logout(request)
            elif now - seen >= TOUCH_EVERY:
                session[STAFF_KEY] = now
        return self.get_response(request)
