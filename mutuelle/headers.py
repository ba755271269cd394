"""Caching of what a signed-in person sees: nowhere but their own browser's memory.

Every answer to an authenticated request (a session, or an API token) is `Cache-Control: private, no-store`, so
a shared desk PC keeps no health data in its disk cache and no proxy stores it. Install after the authentication
middleware; DRF's token authentication sets the user on the request it wraps, so API answers are covered too."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class PrivateCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            patch_cache_control(response, private=True, no_store=True)
        return response
