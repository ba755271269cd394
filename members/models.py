from datetime import date

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .identifiers import validate_cin, validate_membership_number, validate_moroccan_iban


class Language(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")


class User(AbstractUser):  # type: ignore[django-manager-missing]  # apitokens.ApiToken.user (knox is untyped)
    """Anyone who logs in: a member (linked from Member.user) or a staff account (units.StaffAssignment)."""

    language = models.CharField(_("language"), max_length=2, choices=Language.choices, blank=True)

    class Meta:
        verbose_name = _("user account")
        verbose_name_plural = _("user accounts")


class Mutual(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    is_ours = models.BooleanField(_("our mutual"), default=False)

    class Meta:
        verbose_name = _("mutual")
        verbose_name_plural = _("mutuals")
        constraints = [models.UniqueConstraint(fields=["is_ours"], condition=Q(is_ours=True), name="one_own_mutual")]

    def __str__(self) -> str:
        return self.name_fr


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Member(models.Model):
    user = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="member", verbose_name=_("web account")
    )
    mutual = models.ForeignKey(Mutual, on_delete=models.PROTECT, related_name="members", verbose_name=_("mutual"))
    membership_number = models.CharField(
        _("membership number"), max_length=10, unique=True, validators=[validate_membership_number]
    )
    cin = models.CharField(_("national ID (CIN)"), max_length=8, unique=True, validators=[validate_cin])
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    first_name_ar = models.CharField(_("first name (Arabic)"), max_length=100, blank=True)
    last_name_ar = models.CharField(_("last name (Arabic)"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    employer = models.CharField(_("employer administration"), max_length=200, blank=True)
    grade = models.CharField(_("grade"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    iban = models.CharField(_("bank account (IBAN)"), max_length=34, blank=True, validators=[validate_moroccan_iban])
    home_unit = models.ForeignKey(
        "units.ServiceUnit", on_delete=models.SET_NULL, null=True, blank=True, related_name="members",
        verbose_name=_("home service unit"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return f"{self.membership_number} {self.last_name} {self.first_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class AffiliationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    RETIRED = "retired", _("Retired")
    CLOSED = "closed", _("Closed")


class AffiliationPeriod(models.Model):
    """A span of cover. Liquidation reads start/end and the complementary flag; status is administrative."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="affiliations", verbose_name=_("member"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=AffiliationStatus.choices,
                              default=AffiliationStatus.ACTIVE)
    complementary = models.BooleanField(_("complementary cover"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("affiliation period")
        verbose_name_plural = _("affiliation periods")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                                   name="affiliation_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.start} → {self.end or '…'} ({self.get_status_display()})"

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class Relation(models.TextChoices):
    MEMBER = "member", _("Member himself")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")


class Beneficiary(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="beneficiaries",
                               verbose_name=_("member"))
    relation = models.CharField(_("relation"), max_length=8, choices=Relation.choices)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    first_name_ar = models.CharField(_("first name (Arabic)"), max_length=100, blank=True)
    last_name_ar = models.CharField(_("last name (Arabic)"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    cin = models.CharField(_("national ID (CIN)"), max_length=8, blank=True, validators=[validate_cin])
    marriage_start = models.DateField(_("marriage start"), null=True, blank=True)
    marriage_end = models.DateField(_("marriage end"), null=True, blank=True)
    disabled_from = models.DateField(
        _("disabled from"), null=True, blank=True,
        help_text=_("A child only: the first day of the disability, which covers him at any age from that day on. "
                    "Empty: not disabled."))
    covered_from = models.DateField(
        _("covered from"), null=True, blank=True,
        help_text=_("A spouse or child added by a request received more than 90 days after the marriage or birth "
                    "is covered from the day the request was received. Empty: no such limit."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        ordering = ["member_id", "relation", "birth_date"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(relation="member"), name="one_self_beneficiary"),
            models.CheckConstraint(
                condition=Q(disabled_from__isnull=True) | Q(disabled_from__gte=models.F("birth_date")),
                name="beneficiary_disabled_after_birth",
                violation_error_message=_("A disability starts on or after the child's birth.")),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.get_relation_display()})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def disabled(self) -> bool:
        return self.disabled_from is not None


class StudentPeriod(models.Model):
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="student_periods",
                                    verbose_name=_("beneficiary"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("student period")
        verbose_name_plural = _("student periods")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="student_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.start} → {self.end}"


class ChangeField(models.TextChoices):
    ADDRESS = "address", _("Address")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    IBAN = "iban", _("Bank account (IBAN)")


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for validation")
    APPLIED = "applied", _("Applied")
    REJECTED = "rejected", _("Rejected")


class ChangeRequest(models.Model):
    """A member's request to change administrative data. Contact data applies at once; a bank account
    applies only when a staff member approves it (members.services.change_request_approve)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="change_requests",
                               verbose_name=_("member"))
    field = models.CharField(_("what"), max_length=8, choices=ChangeField.choices)
    old_value = models.CharField(_("old value"), max_length=300, blank=True)
    new_value = models.CharField(_("new value"), max_length=300)
    status = models.CharField(_("status"), max_length=8, choices=ChangeStatus.choices, default=ChangeStatus.PENDING,
                              db_index=True)
    requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.member.membership_number} {self.get_field_display()} ({self.get_status_display()})"


class Attestation(models.Model):
    """A membership attestation issued as a PDF. The code is printed with a QR to the public check page,
    which shows what was true on the day it was issued (the snapshot below), never more."""

    code = models.CharField(_("verification code"), max_length=16, unique=True)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attestations",
                               verbose_name=_("member"))
    issued_on = models.DateField(_("issued on"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("issued by"))
    covered = models.BooleanField(_("covered on the day issued"))
    affiliation_status = models.CharField(_("affiliation status"), max_length=12, choices=AffiliationStatus.choices,
                                          blank=True)
    member_name = models.CharField(_("member name"), max_length=210)

    class Meta:
        verbose_name = _("membership attestation")
        verbose_name_plural = _("membership attestations")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.code
