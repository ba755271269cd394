"""Social provident benefits: dated reference data, requests, heirs, documents, shares and their payment."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from claims.models import Transfer
from claims.models.files import tracking_code_display, tracking_code_new
from members.identifiers import validate_cin, validate_moroccan_iban
from members.models import Beneficiary, Member


class BenefitCode(models.TextChoices):
    RETIREMENT = "RETIREMENT", _("Retirement allowance")
    MEMBER_DEATH = "MEMBER_DEATH", _("Death allowance of the member")
    SPOUSE_DEATH = "SPOUSE_DEATH", _("Death of a covered spouse")
    CHILD_DEATH = "CHILD_DEATH", _("Death of a covered child")


class DocumentKind(models.TextChoices):
    RETIREMENT_DECISION = "retirement_decision", _("Retirement decision")
    DEATH_CERTIFICATE = "death_certificate", _("Death certificate")
    HEIRS_CERTIFICATE = "heirs_certificate", _("Heirs certificate")
    HEIR_CIN = "heir_cin", _("Heir's national ID (CIN)")
    HEIR_BANK = "heir_bank", _("Heir's bank details")
    OTHER = "other", _("Other document")


PER_HEIR_KINDS = (DocumentKind.HEIR_CIN, DocumentKind.HEIR_BANK)


# --- reference data (dated: a version applies from its date until the next one) ------------------------------


class BenefitVersion(models.Model):
    code = models.CharField(_("benefit"), max_length=16, choices=BenefitCode.choices)
    effective_from = models.DateField(_("effective from"))
    amount = models.DecimalField(_("amount (MAD)"), max_digits=12, decimal_places=2)
    late_days = models.PositiveIntegerField(_("deadline (days after the event)"), default=730)
    review_threshold = models.DecimalField(_("review above (MAD)"), max_digits=12, decimal_places=2,
                                           default=Decimal("10000.00"))
    always_review = models.BooleanField(_("always reviewed"), default=False)

    class Meta:
        verbose_name = _("provident benefit (dated)")
        verbose_name_plural = _("provident benefits (dated)")
        ordering = ["code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="provident_one_benefit_version_per_date"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="benefit_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} {self.effective_from}: {self.amount}"


class SeniorityRate(models.Model):
    effective_from = models.DateField(_("effective from"))
    min_years = models.PositiveIntegerField(_("from whole years of affiliation"))
    rate = models.DecimalField(_("rate"), max_digits=5, decimal_places=4)

    class Meta:
        verbose_name = _("retirement seniority rate (dated)")
        verbose_name_plural = _("retirement seniority rates (dated)")
        ordering = ["-effective_from", "min_years"]
        constraints = [
            models.UniqueConstraint(fields=["effective_from", "min_years"],
                                    name="provident_one_seniority_rate_per_date"),
            models.CheckConstraint(condition=Q(rate__gt=0) & Q(rate__lte=1), name="seniority_rate_a_fraction"),
        ]

    def __str__(self) -> str:
        return f"{self.effective_from}: {self.min_years}+ → {self.rate}"


class RequiredDocument(models.Model):
    code = models.CharField(_("benefit"), max_length=16, choices=BenefitCode.choices)
    kind = models.CharField(_("document"), max_length=24, choices=DocumentKind.choices)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    class Meta:
        verbose_name = _("required provident document")
        verbose_name_plural = _("required provident documents")
        ordering = ["code", "kind"]
        constraints = [models.UniqueConstraint(fields=["code", "kind", "effective_from"],
                                               name="provident_one_required_document_per_date")]

    def __str__(self) -> str:
        return f"{self.get_code_display()}: {self.get_kind_display()}"


# --- requests -------------------------------------------------------------------------------------------------


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    INCOMPLETE = "incomplete", _("Incomplete")
    IN_REVIEW = "in_review", _("In review")
    LIQUIDATED = "liquidated", _("Liquidated")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")


GRANTED_STATUSES = (RequestStatus.IN_REVIEW, RequestStatus.LIQUIDATED, RequestStatus.PAID)


class RequestChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    FRONT_DESK = "front_desk", _("Front desk")


class ProvidentRequest(models.Model):
    tracking_code = models.CharField(_("tracking code"), max_length=10, unique=True, default=tracking_code_new)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="provident_requests",
                               verbose_name=_("member"))
    benefit = models.CharField(_("benefit"), max_length=16, choices=BenefitCode.choices)
    event_date = models.DateField(_("event date"))
    received_on = models.DateField(_("received on"))
    deceased = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="provident_requests", verbose_name=_("deceased beneficiary"))
    channel = models.CharField(_("channel"), max_length=12, choices=RequestChannel.choices)
    unit = models.ForeignKey("units.ServiceUnit", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("service unit"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("registered by"))
    contact_name = models.CharField(_("requester"), max_length=210, blank=True)
    contact_phone = models.CharField(_("requester's phone"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=2, default="ar")
    status = models.CharField(_("status"), max_length=12, choices=RequestStatus.choices,
                              default=RequestStatus.RECEIVED, db_index=True)
    reason_code = models.CharField(_("reason"), max_length=32, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    seniority_days = models.PositiveIntegerField(_("days of affiliation"), null=True, blank=True)
    seniority_years = models.PositiveIntegerField(_("whole years of affiliation"), null=True, blank=True)
    seniority_rate = models.DecimalField(_("seniority rate"), max_digits=5, decimal_places=4, null=True, blank=True)
    liquidated_at = models.DateTimeField(_("liquidated at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("approved or rejected by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("provident request")
        verbose_name_plural = _("provident requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            # ALREADY_PAID, held by the database: one granted (in review, liquidated, paid) retirement or member
            # death allowance per member, one granted death allowance per deceased beneficiary.
            models.UniqueConstraint(
                fields=["member", "benefit"], name="one_granted_member_benefit",
                condition=Q(benefit__in=["RETIREMENT", "MEMBER_DEATH"], status__in=GRANTED_STATUSES)),
            models.UniqueConstraint(
                fields=["deceased", "benefit"], name="one_granted_beneficiary_death",
                condition=Q(benefit__in=["SPOUSE_DEATH", "CHILD_DEATH"], status__in=GRANTED_STATUSES)),
            models.CheckConstraint(condition=Q(event_date__lte=models.F("received_on")),
                                   name="provident_event_not_after_receipt"),
            models.CheckConstraint(
                condition=~Q(benefit__in=["SPOUSE_DEATH", "CHILD_DEATH"]) | Q(deceased__isnull=False),
                name="beneficiary_death_names_the_deceased"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code_display} {self.get_benefit_display()}"

    @property
    def tracking_code_display(self) -> str:
        return tracking_code_display(self.tracking_code)


class HeirRelation(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    SON = "son", _("Son")
    DAUGHTER = "daughter", _("Daughter")
    FATHER = "father", _("Father")
    MOTHER = "mother", _("Mother")
    OTHER = "other", _("Other heir")


class Heir(models.Model):
    """An heir named by the heirs certificate, with the share it gives him and the account he is paid on."""

    request = models.ForeignKey(ProvidentRequest, on_delete=models.CASCADE, related_name="heirs",
                                verbose_name=_("provident request"))
    position = models.PositiveSmallIntegerField(_("order on the certificate"))
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    cin = models.CharField(_("national ID (CIN)"), max_length=8, validators=[validate_cin])
    relation = models.CharField(_("relation"), max_length=10, choices=HeirRelation.choices)
    iban = models.CharField(_("bank account (IBAN)"), max_length=34, validators=[validate_moroccan_iban])
    share_numerator = models.PositiveIntegerField(_("share (numerator)"))
    share_denominator = models.PositiveIntegerField(_("share (denominator)"))

    class Meta:
        verbose_name = _("heir")
        verbose_name_plural = _("heirs")
        ordering = ["request_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="heir_position_unique"),
            models.CheckConstraint(condition=Q(share_numerator__gt=0) & Q(share_denominator__gt=0),
                                   name="heir_share_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.share})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def share(self) -> str:
        return f"{self.share_numerator}/{self.share_denominator}"


class ProvidentDocument(models.Model):
    """A scan of a provident request (death certificates are health data: reading one is logged)."""

    request = models.ForeignKey(ProvidentRequest, on_delete=models.CASCADE, related_name="documents",
                                verbose_name=_("provident request"))
    heir = models.ForeignKey(Heir, on_delete=models.CASCADE, null=True, blank=True, related_name="documents",
                             verbose_name=_("heir"))
    kind = models.CharField(_("document"), max_length=24, choices=DocumentKind.choices)
    file = models.FileField(_("scan"), upload_to="provident/%Y/%m/")
    original_name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("provident document")
        verbose_name_plural = _("provident documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ProvidentStatusChange(models.Model):
    """Append-only timeline of a request: every status move, who made it, when and why."""

    request = models.ForeignKey(ProvidentRequest, on_delete=models.CASCADE, related_name="status_changes",
                                verbose_name=_("provident request"))
    from_status = models.CharField(_("from"), max_length=12, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=RequestStatus.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("changed by"))
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    notified_at = models.DateTimeField(_("requester told at"), null=True, blank=True)

    class Meta:
        verbose_name = _("provident status change")
        verbose_name_plural = _("provident status changes")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class ProvidentShare(models.Model):
    """What the decision pays one payee: the member (heir empty) or one heir. Written once, when liquidated."""

    request = models.ForeignKey(ProvidentRequest, on_delete=models.PROTECT, related_name="shares",
                                verbose_name=_("provident request"))
    heir = models.OneToOneField(Heir, on_delete=models.PROTECT, null=True, blank=True, related_name="payable_share",
                                verbose_name=_("heir"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("provident share")
        verbose_name_plural = _("provident shares")
        ordering = ["request_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request"], condition=Q(heir__isnull=True), name="one_member_share"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="provident_share_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.amount}"


class PaidShare(models.Model):
    """The link that pays a share: unique on the share, so no share is ever in two transfers."""

    share = models.OneToOneField(ProvidentShare, on_delete=models.PROTECT, related_name="paid",
                                 verbose_name=_("provident share"))
    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="provident_shares",
                                 verbose_name=_("transfer"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("paid provident share")
        verbose_name_plural = _("paid provident shares")

    def __str__(self) -> str:
        return f"{self.share_id} in {self.transfer_id}"
