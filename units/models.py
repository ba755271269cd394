from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Service(models.Model):
    """An entry of the services catalogue (claim reception, dental care, optics...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_ar = models.CharField(_("name (Arabic)"), max_length=120)
    bookable = models.BooleanField(_("bookable by appointment"), default=False)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name_fr


class ServiceUnit(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("region"), max_length=100)
    address = models.CharField(_("address"), max_length=300, blank=True)
    address_ar = models.CharField(_("address (Arabic)"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    opened_on = models.DateField(_("opening date"), null=True, blank=True)
    plot_area_m2 = models.PositiveIntegerField(_("plot area (m²)"), null=True, blank=True)
    built_area_m2 = models.PositiveIntegerField(_("floor area (m²)"), null=True, blank=True)
    floors = models.CharField(_("floors"), max_length=100, blank=True)
    staff_count = models.PositiveIntegerField(_("staff headcount"), null=True, blank=True)
    members_served = models.PositiveIntegerField(_("members served (approx.)"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    services = models.ManyToManyField(Service, related_name="units", blank=True, verbose_name=_("services"))
    history = HistoricalRecords(m2m_fields=[services])

    class Meta:
        verbose_name = _("service unit")
        verbose_name_plural = _("service units")
        ordering = ["opened_on", "code"]

    def __str__(self) -> str:
        return self.name_fr


class StaffRole(models.TextChoices):
    FRONT_DESK = "front_desk", _("Front-desk agent")
    LIQUIDATOR = "liquidator", _("Liquidator")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    ADMIN = "admin", _("Administrator")


class StaffAssignment(models.Model):
    """A staff account's role at one unit. Front-desk agents and managers act only for their own units."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments",
                             verbose_name=_("staff account"))
    unit = models.ForeignKey(ServiceUnit, on_delete=models.CASCADE, related_name="assignments",
                             verbose_name=_("service unit"))
    role = models.CharField(_("role"), max_length=16, choices=StaffRole.choices)

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="one_role_per_unit")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.unit}"
