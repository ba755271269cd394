from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.dates import WEEKDAYS
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
    services = models.ManyToManyField(Service, related_name="units", blank=True, verbose_name=_("services"))
    history = HistoricalRecords(m2m_fields=[services])

    class Meta:
        verbose_name = _("service unit")
        verbose_name_plural = _("service units")
        ordering = ["opened_on", "code"]
        permissions = [("view_unit_dashboard", _("Can read the unit dashboard"))]

    def __str__(self) -> str:
        return self.name_fr


class OpeningHours(models.Model):
    """One period a unit is open on one day of the week (0 = Monday, as Python counts); a day may have several
    (morning and afternoon), a day with none is closed. Shown in the reader's language (units.selectors.opening_week);
    edited by the unit's manager (units.services.unit_opening_hours_set), each change recorded in the history."""

    unit = models.ForeignKey(ServiceUnit, on_delete=models.CASCADE, related_name="opening_hours",
                             verbose_name=_("service unit"))
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=sorted(WEEKDAYS.items()))
    opens = models.TimeField(_("opens at"))
    closes = models.TimeField(_("closes at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["unit", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=models.F("opens")), name="opening_hours_close_after_open"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="opening_hours_weekday_in_week"),
            models.UniqueConstraint(fields=["unit", "weekday", "opens"], name="one_opening_period_per_start"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


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


# --- Front desk: reception → diagnosis → orientation → follow-up -------------------------------------------------


class RequestType(models.TextChoices):
    CLAIM_DEPOSIT = "claim_deposit", _("Deposit a sickness file")
    CLAIM_FOLLOW_UP = "claim_follow_up", _("Follow a sickness file")
    ADMIN_UPDATE = "admin_update", _("Update administrative data")
    MEMBERSHIP = "membership", _("Membership")
    SOCIAL_PROVIDENT = "social_provident", _("Social provident")
    CARE = "care", _("Care (dental, optics, examinations)")
    DENTURES = "dentures", _("Removable dentures")
    INFORMATION = "information", _("Information")
    COMPLAINT = "complaint", _("Complaint")
    OTHER = "other", _("Other")


class VisitStatus(models.TextChoices):
    OPEN = "open", _("Waiting")
    IN_PROGRESS = "in_progress", _("Being served")
    CLOSED = "closed", _("Closed")


class Visit(models.Model):
    """One visitor's passage at a unit: a member, a beneficiary, a sister-mutual member or a person not identified.

    An unidentified visitor is recorded by name (and CIN when given) so the follow-up can reach them."""

    unit = models.ForeignKey(ServiceUnit, on_delete=models.PROTECT, related_name="visits",
                             verbose_name=_("service unit"))
    member = models.ForeignKey("members.Member", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="visits", verbose_name=_("member"))
    beneficiary = models.ForeignKey("members.Beneficiary", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="visits", verbose_name=_("beneficiary"))
    visitor_name = models.CharField(_("visitor's name"), max_length=200, blank=True)
    visitor_cin = models.CharField(_("visitor's CIN"), max_length=8, blank=True)
    visitor_mutual = models.ForeignKey("members.Mutual", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name=_("visitor's mutual"))
    request_types = models.JSONField(_("requests"), default=list, blank=True)
    oriented_to = models.ForeignKey(Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits",
                                    verbose_name=_("oriented to"))
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("staff member"))
    status = models.CharField(_("status"), max_length=12, choices=VisitStatus.choices, default=VisitStatus.OPEN)
    arrived_at = models.DateTimeField(_("arrived at"), db_index=True)
    served_at = models.DateTimeField(_("served at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    follow_up_notes = models.TextField(_("follow-up notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["arrived_at", "id"]
        indexes = [models.Index(fields=["unit", "arrived_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(member__isnull=False) | ~Q(visitor_name=""),
                                   name="visit_has_a_visitor"),
            models.CheckConstraint(condition=Q(served_at__isnull=True) | Q(served_at__gte=models.F("arrived_at")),
                                   name="visit_served_after_arrival"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.pk} {self.visitor_display}"

    @property
    def visitor_display(self) -> str:
        if self.beneficiary is not None:
            return self.beneficiary.full_name
        if self.member is not None:
            return self.member.full_name
        return self.visitor_name

    @property
    def wait_minutes(self) -> int:
        """Minutes waited from arrival until served, or until now while the visitor still waits."""
        until = self.served_at or timezone.now()
        return max(0, int((until - self.arrived_at).total_seconds() // 60))

    def request_labels(self) -> list[str]:
        labels = dict(RequestType.choices)
        return [str(labels.get(code, code)) for code in self.request_types]


# --- Appointments ------------------------------------------------------------------------------------------------


class Slot(models.Model):
    """A practitioner's time window at a unit for one bookable service, for up to `capacity` appointments."""

    unit = models.ForeignKey(ServiceUnit, on_delete=models.PROTECT, related_name="slots",
                             verbose_name=_("service unit"))
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="slots", verbose_name=_("service"),
                                limit_choices_to={"bookable": True})
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("practitioner account"))
    practitioner_name = models.CharField(_("practitioner"), max_length=200)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=1)

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["unit", "service", "start"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="slot_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="slot_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.service} — {self.practitioner_name} — {self.start:%Y-%m-%d %H:%M}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")


# The statuses that hold a place in a slot.
ACTIVE_APPOINTMENT_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW)


class Appointment(models.Model):
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("slot"))
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="appointments",
                               verbose_name=_("member"))
    beneficiary = models.ForeignKey("members.Beneficiary", on_delete=models.CASCADE, related_name="appointments",
                                    verbose_name=_("beneficiary"))
    status = models.CharField(_("status"), max_length=12, choices=AppointmentStatus.choices,
                              default=AppointmentStatus.BOOKED)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("booked by"))
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    rescheduled_from = models.OneToOneField("self", on_delete=models.SET_NULL, null=True, blank=True,
                                            related_name="rescheduled_to", verbose_name=_("rescheduled from"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["slot__start", "id"]
        constraints = [
            # A beneficiary holds at most one place in a slot; capacity is enforced under the slot's row lock.
            models.UniqueConstraint(fields=["slot", "beneficiary"],
                                    condition=Q(status__in=["booked", "attended", "no_show"]),
                                    name="one_active_appointment_per_slot_and_beneficiary"),
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary_id} @ {self.slot_id} ({self.status})"


# --- Removable denture lab ---------------------------------------------------------------------------------------


class LabStage(models.TextChoices):
    IMPRESSION = "impression", _("Impression taken")
    TRY_IN = "try_in", _("Try-in")
    DELIVERED = "delivered", _("Delivered")


LAB_STAGE_ORDER = [LabStage.IMPRESSION, LabStage.TRY_IN, LabStage.DELIVERED]


class LabOrder(models.Model):
    """A removable denture made at a unit's lab. On delivery a claim file for the act PAD is created."""

    unit = models.ForeignKey(ServiceUnit, on_delete=models.PROTECT, related_name="lab_orders",
                             verbose_name=_("service unit"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="lab_orders",
                               verbose_name=_("member"))
    beneficiary = models.ForeignKey("members.Beneficiary", on_delete=models.PROTECT, related_name="lab_orders",
                                    verbose_name=_("beneficiary"))
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("practitioner account"))
    practitioner_name = models.CharField(_("practitioner"), max_length=200)
    prior_agreement = models.ForeignKey("claims.PriorAgreement", on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="lab_orders", verbose_name=_("prior agreement"))
    price = models.DecimalField(_("price billed"), max_digits=10, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0.01"))])
    stage = models.CharField(_("stage"), max_length=12, choices=LabStage.choices, default=LabStage.IMPRESSION)
    impression_on = models.DateField(_("impression taken on"))
    try_in_on = models.DateField(_("try-in on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    claim = models.OneToOneField("claims.ClaimFile", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="lab_order", verbose_name=_("claim file"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("denture lab order")
        verbose_name_plural = _("denture lab orders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="lab_order_price_positive"),
            models.CheckConstraint(condition=~Q(stage="delivered") | Q(delivered_on__isnull=False),
                                   name="delivered_lab_orders_have_a_date"),
        ]

    def __str__(self) -> str:
        return f"LAB-{self.pk} {self.get_stage_display()}"

    @property
    def stage_index(self) -> int:
        return LAB_STAGE_ORDER.index(LabStage(self.stage))


class AgreementDocument(models.Model):
    """A scan given at the desk with a prior-agreement request (quote, prescription, dental chart), for the
    liquidator who decides it. Checked like a claim's scans (claims.uploads.scan_check)."""

    agreement = models.ForeignKey("claims.PriorAgreement", on_delete=models.CASCADE, related_name="documents",
                                  verbose_name=_("prior agreement"))
    unit = models.ForeignKey(ServiceUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("service unit"))
    file = models.FileField(_("scan"), upload_to="agreements/%Y/%m/")
    original_name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("prior-agreement document")
        verbose_name_plural = _("prior-agreement documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
