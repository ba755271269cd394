from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = _("Claim files")

    def ready(self) -> None:
        # Registers the notification task (claims.tasks.notify_claim_status) with Celery.
        from . import notifications  # noqa: F401
