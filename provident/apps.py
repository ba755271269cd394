from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvidentConfig(AppConfig):
    name = "provident"
    verbose_name = _("Social provident")

    def ready(self) -> None:
        from .notice import register_notices

        register_notices()
