"""Membership applications (a civil servant joining) and existing members' requests to add a spouse, a child, a
study period or a disability: one path, `submitted → incomplete → approved / rejected`, decided by a unit."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from claims.models.files import tracking_code_display, tracking_code_new
from members.models import Beneficiary, Member, Sex


class ApplicationKind(models.TextChoices):
    NEW_MEMBER = "new_member", _("Membership application")
    ADD_SPOUSE = "add_spouse", _("Add a spouse")
    ADD_CHILD = "add_child", _("Add a child")
    STUDY_PERIOD = "study_period", _("Declare a study period")
    DISABILITY = "disability", _("Declare a disability")


class ApplicationChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    FRONT_DESK = "front_desk", _("Front desk")


class PersonRelation(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    INCOMPLETE = "incomplete", _("Incomplete")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class DocumentKind(models.TextChoices):
    CIN = "cin", _("National ID (CIN) copy")
    WORK_CERTIFICATE = "work_certificate", _("Work certificate or latest pay slip")
    BANK_DETAILS = "bank_details", _("Bank details (RIB)")
    MARRIAGE_CERTIFICATE = "marriage_certificate", _("Marriage certificate")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    SCHOOL_CERTIFICATE = "school_certificate", _("School certificate")
    DISABILITY_CARD = "disability_card", _("Disability card")


class DocumentFor(models.TextChoices):
    APPLICANT = "applicant", _("The applicant (membership application)")
    SPOUSE = "spouse", _("Each spouse to cover")
    CHILD = "child", _("Each child to cover")
    STUDENT_OVER_21 = "student_over_21", _("Each child over 21 in a study period")
    DISABLED_OVER_21 = "disabled_over_21", _("Each disabled child over 21")
    STUDY_PERIOD = "study_period", _("A study period declared by a member")
    DISABILITY = "disability", _("A disability declared by a member")


class RequiredDocument(models.Model):
    """Reference data: a document an application needs, for whom, in force from `valid_from` to `valid_to`
    (both included; empty: still in force). An application is checked against the rows in force on the day it
    was received."""

    applies_to = models.CharField(_("for"), max_length=16, choices=DocumentFor.choices)
    document = models.CharField(_("document"), max_length=24, choices=DocumentKind.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True,
                                help_text=_("The last day in force; empty while still in force."))

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["applies_to", "document", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["applies_to", "document", "valid_from"],
                                    name="required_document_once_per_start"),
            models.CheckConstraint(condition=models.Q(valid_to__isnull=True)
                                   | models.Q(valid_to__gte=models.F("valid_from")),
                                   name="required_document_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_document_display()} — {self.get_applies_to_display()}"


class MembershipApplication(models.Model):
    tracking_code = models.CharField(_("tracking code"), max_length=10, unique=True, default=tracking_code_new)
    kind = models.CharField(_("request"), max_length=14, choices=ApplicationKind.choices,
                            default=ApplicationKind.NEW_MEMBER)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True, related_name="applications",
                               verbose_name=_("member"), help_text=_("The existing member (requests), or the member "
                                                                     "created on approval (applications)."))
    channel = models.CharField(_("channel"), max_length=12, choices=ApplicationChannel.choices)
    home_unit = models.ForeignKey("units.ServiceUnit", on_delete=models.PROTECT, related_name="applications",
                                  verbose_name=_("home service unit"))
    received_on = models.DateField(_("received on"))
    status = models.CharField(_("status"), max_length=10, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED, db_index=True)
    language = models.CharField(_("language"), max_length=2, default="ar")
    # the applicant (new member)
    cin = models.CharField(_("national ID (CIN)"), max_length=8, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    first_name_ar = models.CharField(_("first name (Arabic)"), max_length=100, blank=True)
    last_name_ar = models.CharField(_("last name (Arabic)"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    employer = models.CharField(_("employer administration"), max_length=200, blank=True)
    grade = models.CharField(_("grade"), max_length=100, blank=True)
    payroll_number = models.CharField(_("payroll number"), max_length=30, blank=True)
    took_office_on = models.DateField(_("date of taking office"), null=True, blank=True)
    iban = models.CharField(_("bank account (IBAN)"), max_length=34, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # a request of an existing member about one of his children
    target = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("child concerned"))
    period_start = models.DateField(_("study period start"), null=True, blank=True)
    period_end = models.DateField(_("study period end"), null=True, blank=True)
    disabled_from = models.DateField(_("disabled from"), null=True, blank=True,
                                     help_text=_("A disability request: the first day of the disability."))
    # the decision
    covered_from = models.DateField(_("covered from"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("registered by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership application")
        verbose_name_plural = _("membership applications")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.tracking_code_display} {self.get_kind_display()}"

    @property
    def tracking_code_display(self) -> str:
        return tracking_code_display(self.tracking_code)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ApplicationPerson(models.Model):
    """A spouse or child to cover, with the facts eligibility needs and the event that dates the cover."""

    application = models.ForeignKey(MembershipApplication, on_delete=models.CASCADE, related_name="people",
                                    verbose_name=_("membership application"))
    position = models.PositiveSmallIntegerField(_("position"))
    relation = models.CharField(_("relation"), max_length=8, choices=PersonRelation.choices)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    cin = models.CharField(_("national ID (CIN)"), max_length=8, blank=True)
    marriage_date = models.DateField(_("marriage date"), null=True, blank=True)
    student_until = models.DateField(_("student until"), null=True, blank=True)
    disabled_from = models.DateField(_("disabled from"), null=True, blank=True,
                                     help_text=_("A disabled child: the first day of the disability."))
    beneficiary = models.OneToOneField(Beneficiary, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name=_("beneficiary created"))

    class Meta:
        verbose_name = _("person to cover")
        verbose_name_plural = _("people to cover")
        ordering = ["application_id", "position"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def disabled(self) -> bool:
        return self.disabled_from is not None


class ApplicationDocument(models.Model):
    application = models.ForeignKey(MembershipApplication, on_delete=models.CASCADE, related_name="documents",
                                    verbose_name=_("membership application"))
    person = models.ForeignKey(ApplicationPerson, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="documents", verbose_name=_("person to cover"))
    kind = models.CharField(_("document"), max_length=24, choices=DocumentKind.choices)
    file = models.FileField(_("scan"), upload_to="memberships/%Y/%m/")
    original_name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ApplicationStatusChange(models.Model):
    application = models.ForeignKey(MembershipApplication, on_delete=models.CASCADE, related_name="status_changes",
                                    verbose_name=_("membership application"))
    from_status = models.CharField(_("from"), max_length=10, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=ApplicationStatus.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("changed by"))
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("application status change")
        verbose_name_plural = _("application status changes")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
