"""The menu of the signed-in account's roles, computed only when a template shows it."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .roles import landing_url, menu_for


def menu(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    session = getattr(request, "session", None)
    return {"role_menu": SimpleLazyObject(lambda: menu_for(user, session)),
            "landing_url": SimpleLazyObject(lambda: landing_url(user, session))}
