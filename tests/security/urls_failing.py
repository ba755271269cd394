"""The site's URLs plus one page that fails, for the test of the 500 page (tests/security/test_roles.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from mutuelle.urls import urlpatterns as site


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


urlpatterns = [path("desk/broken/", broken), *site]
