from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Service units")

    def ready(self) -> None:
        from .services_staff import role_groups_sync

        # After every migrate or flush: the role groups exist, and the admin group holds every permission.
        post_migrate.connect(role_groups_sync, dispatch_uid="units.role_groups_sync")
