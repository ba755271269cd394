"""The desk's requests as its views see them, for the type checker (the pattern of members.http): signed in (the
role decorator ran), with django-htmx's details (HtmxMiddleware) and, once `current_unit` has run, the units the
account acts for. At run time they are Django's HttpRequest objects."""

from django_htmx.middleware import HtmxDetails

from members.http import AuthenticatedRequest

from .models import ServiceUnit


class DeskRequest(AuthenticatedRequest):
    htmx: HtmxDetails
    desk_units: list[ServiceUnit]
