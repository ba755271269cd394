from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FhirR4Config(AppConfig):
    # Not named `fhir`: that top-level name belongs to the fhir.resources library (its namespace package).
    default_auto_field = "django.db.models.BigAutoField"
    name = "fhir_r4"
    verbose_name = _("FHIR R4 interface")
