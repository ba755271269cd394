import secrets
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from members.models import Beneficiary, Member

from .reference import Act

if TYPE_CHECKING:
    from claims.explanations import ExplainedLine

ZERO = Decimal("0.00")

# Tracking codes: Crockford base32 (no I, L, O, U), 9 random symbols and a Luhn mod 32 check symbol, so a
# mistyped symbol or two swapped neighbours are caught before any lookup.
TRACKING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKING_LENGTH = 10
_TRACKING_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _luhn32_check(payload: str) -> str:
    total, factor = 0, 2
    for symbol in reversed(payload):
        addend = factor * TRACKING_ALPHABET.index(symbol)
        total += addend // 32 + addend % 32
        factor = 3 - factor
    return TRACKING_ALPHABET[(32 - total % 32) % 32]


def tracking_code_new() -> str:
    payload = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH - 1))
    return payload + _luhn32_check(payload)


def tracking_code_normalize(raw: str) -> str | None:
    """The canonical code for what a person typed (spaces, dashes, lower case, O for 0 allowed), or None
    when it cannot be a tracking code."""
    code = "".join(raw.upper().split()).replace("-", "").translate(_TRACKING_READ_AS)
    if len(code) != TRACKING_LENGTH or any(symbol not in TRACKING_ALPHABET for symbol in code):
        return None
    return code if _luhn32_check(code[:-1]) == code[-1] else None


def tracking_code_display(code: str) -> str:
    return f"{code[:5]}-{code[5:]}" if len(code) == TRACKING_LENGTH else code


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RECEIVED = "received", _("Received")
    INCOMPLETE = "incomplete", _("Incomplete")
    LIQUIDATING = "liquidating", _("Being liquidated")
    LIQUIDATED = "liquidated", _("Liquidated")
    REJECTED = "rejected", _("Rejected")
    IN_REVIEW = "in_review", _("In review")
    FORWARDED = "forwarded", _("Forwarded to the member's mutual")
    PAID = "paid", _("Paid")


# A status's label (lazy: translated when shown). A dict lookup: `get_status_display()` rebuilds the choices' dict
# on every call, which a list of files pays once per row.
STATUS_LABELS = dict(ClaimStatus.choices)

# Files still moving through the pipeline (queues read them by status); the others only accumulate.
OPEN_STATUSES = ("draft", "received", "incomplete", "liquidating", "in_review", "liquidated")


class Sector(models.TextChoices):
    PUBLIC = "public", _("Public sector")
    PRIVATE = "private", _("Private sector")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    FRONT_DESK = "front_desk", _("Front desk")
    PROVIDER = "provider", _("Billed by the provider under convention")


class AgreementStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class PriorAgreement(models.Model):
    """A prise en charge: the mutual's agreement, before care, to cover given acts in a validity window."""

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="prior_agreements",
                                    verbose_name=_("beneficiary"))
    acts = models.ManyToManyField(Act, related_name="prior_agreements", verbose_name=_("acts"))
    status = models.CharField(_("status"), max_length=12, choices=AgreementStatus.choices,
                              default=AgreementStatus.REQUESTED)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    notes = models.TextField(_("notes"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))

    class Meta:
        verbose_name = _("prior agreement")
        verbose_name_plural = _("prior agreements")
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")), name="agreement_window"),
        ]

    def __str__(self) -> str:
        return self.reference


class ClaimFile(models.Model):
    """A sickness-claim file: one beneficiary, one episode of care, lines priced by liquidation."""

    # Not columns: set by claims.services.intake on the file it returns (what the agent is warned about).
    intake_warnings: list[str]

    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="claim_files",
                               verbose_name=_("member"))
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, related_name="claim_files",
                                    verbose_name=_("beneficiary"))
    status = models.CharField(_("status"), max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    unit = models.ForeignKey("units.ServiceUnit", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="claim_files", verbose_name=_("receiving unit"))
    provider_name = models.CharField(_("provider"), max_length=200, blank=True)
    provider_ref = models.CharField(_("provider ID"), max_length=40, blank=True)
    sector = models.CharField(_("sector"), max_length=8, choices=Sector.choices, default=Sector.PRIVATE)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    missing_documents = models.TextField(_("missing documents"), blank=True)
    # Documents the required-documents rule found missing: [{"kind": ..., "category": ...}] (shown translated).
    missing_kinds = models.JSONField(_("missing document kinds"), default=list, blank=True)
    # Why a priced file waits for a liquidator before payment ("" when it does not).
    control_reason = models.CharField(_("control"), max_length=16, blank=True, choices=[
        ("threshold", _("Above the review threshold")), ("sample", _("Documents check (sample)")),
        ("amount", _("Documents check (online amount)")), ("failure", _("Liquidation failed"))])
    idempotency_key = models.CharField(max_length=80, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Liquidation results, written in one statement with the lines' results.
    total_billed = models.DecimalField(_("total billed"), max_digits=12, decimal_places=2, default=ZERO)
    total_base = models.DecimalField(_("total base"), max_digits=12, decimal_places=2, default=ZERO)
    total_amo = models.DecimalField(_("total AMO"), max_digits=12, decimal_places=2, default=ZERO)
    total_complementary = models.DecimalField(_("total complementary"), max_digits=12, decimal_places=2,
                                              default=ZERO)
    total_reimbursed = models.DecimalField(_("total reimbursed"), max_digits=12, decimal_places=2, default=ZERO)
    liquidated_at = models.DateTimeField(_("liquidated at"), null=True, blank=True)
    # A worker holds a file it liquidates until lease_until; the sweep takes back files whose lease ran out.
    lease_until = models.DateTimeField(null=True, blank=True)
    liquidation_attempts = models.PositiveIntegerField(_("liquidation attempts"), default=0)
    liquidation_error = models.TextField(_("last liquidation error"), blank=True)

    class Meta:
        verbose_name = _("claim file")
        verbose_name_plural = _("claim files")
        ordering = ["-created_at"]
        indexes = [
            # The liquidation's hot reads: a beneficiary's `received` files in order (the per-file task, the
            # bulk chunks) and its priced files (the history).
            models.Index(fields=["beneficiary", "status", "received_on", "created_at"],
                         name="claimfile_beneficiary_status"),
            # Queues by status (received, liquidating, in review, to pay) cover only files still moving. A
            # status index over every file let the planner, with statistics stale after a bulk run ("no file
            # is priced yet"), read the history through it: ~90k files walked per file priced. Partial, it
            # cannot serve the history read, whose plan then never depends on fresh statistics.
            models.Index(fields=["status", "received_on"], name="claimfile_open_status",
                         condition=Q(status__in=OPEN_STATUSES)),
            models.Index(fields=["member", "-created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["created_by", "idempotency_key"], condition=~Q(idempotency_key=""),
                                    name="one_file_per_idempotency_key"),
            models.CheckConstraint(condition=Q(status="draft") | Q(received_on__isnull=False),
                                   name="received_files_have_a_date"),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def tracking_code_display(self) -> str:
        return tracking_code_display(self.tracking_code)

    @property
    def status_label(self):
        """The status in the reader's language, as `get_status_display()`, without rebuilding the choices."""
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def member_share(self) -> Decimal:
        """What the member still owes of what was billed: billed − AMO − complementary."""
        return self.total_billed - self.total_reimbursed


class ClaimLine(models.Model):
    # Not columns: set on the lines a service or page returns (claims.services.intake, claims.selectors.claim_page).
    intake_warnings: list[str]
    reasons: list[str | Promise]
    why: "ExplainedLine"

    claim = models.ForeignKey(ClaimFile, on_delete=models.CASCADE, related_name="lines", verbose_name=_("file"))
    position = models.PositiveSmallIntegerField(_("position"))
    act = models.ForeignKey(Act, on_delete=models.PROTECT, to_field="code", db_column="act_code",
                            related_name="+", verbose_name=_("act"))
    care_date = models.DateField(_("care date"))
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    billed_amount = models.DecimalField(_("billed amount"), max_digits=12, decimal_places=2,
                                        validators=[MinValueValidator(Decimal("0.01"))])
    ald = models.BooleanField(_("long-term illness (ALD)"), default=False)
    prior_agreement_ref = models.CharField(_("prior agreement reference"), max_length=32, blank=True)
    # Results of liquidation (null until liquidated).
    accepted = models.BooleanField(_("accepted"), null=True)
    accepted_quantity = models.PositiveIntegerField(_("accepted quantity"), null=True, blank=True)
    accepted_billed_amount = models.DecimalField(_("accepted billed amount"), max_digits=12, decimal_places=2,
                                                 null=True, blank=True)
    base_amount = models.DecimalField(_("base"), max_digits=12, decimal_places=2, null=True, blank=True)
    amo_amount = models.DecimalField(_("AMO share"), max_digits=12, decimal_places=2, null=True, blank=True)
    complementary_amount = models.DecimalField(_("complementary share"), max_digits=12, decimal_places=2,
                                               null=True, blank=True)
    reason_codes = models.JSONField(_("reasons"), default=list, blank=True)
    # Why the line pays what it pays, as the engine decided: [{"code": ..., "params": {...}}, ...]
    # (claims/liquidation/explain.py), worded in the reader's language by claims/explanations.py.
    explanation = models.JSONField(_("explanation"), default=list, blank=True)
    adjustment_reason = models.TextField(_("adjustment reason"), blank=True)

    class Meta:
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        ordering = ["claim", "position"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "position"], name="one_line_per_position"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="line_quantity_positive"),
            models.CheckConstraint(condition=Q(billed_amount__gt=0), name="line_amount_positive"),
        ]
        indexes = [models.Index(fields=["act", "care_date"])]

    def __str__(self) -> str:
        return f"{self.claim_id}#{self.position} {self.act_id}"

    @property
    def reason_texts(self) -> list[str]:
        """The liquidator's reading of the line's reason codes, in the active language."""
        from claims.reason_messages import REASON_MESSAGES

        return [str(REASON_MESSAGES.get(code, code)) for code in self.reason_codes or ()]


class DocumentKind(models.TextChoices):
    CARE_SHEET = "care_sheet", _("Care sheet")
    PRESCRIPTION = "prescription", _("Prescription")
    INVOICE = "invoice", _("Invoice")
    MEDICINE_LABEL = "medicine_label", _("Medicine labels")
    REPORT = "report", _("Medical report")
    OTHER = "other", _("Other document")


class Attachment(models.Model):
    claim = models.ForeignKey(ClaimFile, on_delete=models.CASCADE, related_name="attachments",
                              verbose_name=_("file"))
    kind = models.CharField(_("document"), max_length=16, choices=DocumentKind.choices,
                            default=DocumentKind.OTHER)
    file = models.FileField(_("scan"), upload_to="claims/%Y/%m/")
    original_name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class StatusChange(models.Model):
    """Append-only timeline of a file: every status move, who made it, when and why."""

    claim = models.ForeignKey(ClaimFile, on_delete=models.CASCADE, related_name="status_changes",
                              verbose_name=_("file"))
    from_status = models.CharField(_("from"), max_length=12, choices=ClaimStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=ClaimStatus.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("by"))
    changed_at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)
    # What members read: a stable code and its parameters (claims/history.py words them in the reader's
    # language); `reason` keeps the raw text for staff tools and logs.
    reason_code = models.CharField(_("reason code"), max_length=40, blank=True)
    reason_params = models.JSONField(_("reason parameters"), default=dict, blank=True)
    # Set by the notification task with a conditional update, so a redelivered task never mails twice.
    notified_at = models.DateTimeField(_("member notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.from_status} → {self.to_status}"
