from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiTokensConfig(AppConfig):
    name = "apitokens"
    verbose_name = _("API tokens")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - revocation on password change and second-factor enrolment
