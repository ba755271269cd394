"""Partner providers under convention (tiers payant): the provider, its conventions, its staff accounts, the
prior agreements it asks for and the invoices it sends.

An invoice is a sickness-claim file (claims.ClaimFile, channel `provider`) with a link here: it is liquidated by
the same engine and the same worker, inside the beneficiary's history, and paid to the provider through the
file's unique PaidFile link."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from claims.models import Act, ClaimFile, PriorAgreement, Sector
from members.identifiers import validate_moroccan_iban


class Provider(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name (Latin script)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    sector = models.CharField(_("sector"), max_length=8, choices=Sector.choices)
    city = models.CharField(_("city"), max_length=100)
    inpe = models.CharField(_("INPE"), max_length=20, unique=True,
                            help_text=_("The provider's national identifier (Identifiant National des "
                                        "Professionnels et Établissements de santé)."))
    iban = models.CharField(_("bank account (IBAN)"), max_length=34, blank=True,
                            validators=[validate_moroccan_iban])
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def convention_on(self, day: date) -> "Convention | None":
        return next((c for c in self.conventions.all() if c.valid_from <= day and
                     (c.valid_to is None or day <= c.valid_to)), None)


class Convention(models.Model):
    """A signed convention: from/to, the acts it covers, the decision time the mutual promises."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="conventions",
                                 verbose_name=_("provider"))
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    acts = models.ManyToManyField(Act, related_name="conventions", verbose_name=_("covered acts"))
    decision_hours = models.PositiveIntegerField(_("promised decision time (hours)"), default=48,
                                                 validators=[MinValueValidator(1)])
    history = HistoricalRecords(m2m_fields=[acts])

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        ordering = ["provider", "-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="convention_window"),
        ]

    def __str__(self) -> str:
        return self.reference


class ProviderAccount(models.Model):
    """A provider's staff account: it sees its provider's requests and invoices, nothing else."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_account",
                                verbose_name=_("user account"))
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="accounts",
                                 verbose_name=_("provider"))

    class Meta:
        verbose_name = _("provider account")
        verbose_name_plural = _("provider accounts")

    def __str__(self) -> str:
        return f"{self.user} ({self.provider})"


class AgreementRequest(models.Model):
    """What a provider asked for when it requested a prior agreement, and when the decision is due."""

    agreement = models.OneToOneField(PriorAgreement, on_delete=models.CASCADE, related_name="provider_request",
                                     verbose_name=_("prior agreement"))
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="agreement_requests",
                                 verbose_name=_("provider"))
    act = models.ForeignKey(Act, on_delete=models.PROTECT, to_field="code", db_column="act_code", related_name="+",
                            verbose_name=_("act"))
    planned_from = models.DateField(_("planned from"))
    planned_to = models.DateField(_("planned to"))
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    estimated_amount = models.DecimalField(_("estimated amount"), max_digits=12, decimal_places=2,
                                           validators=[MinValueValidator(Decimal("0.01"))])
    decision_due_at = models.DateTimeField(_("decision due at"), db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))
    identifier = models.CharField(_("provider's identifier"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("provider's agreement request")
        verbose_name_plural = _("providers' agreement requests")
        constraints = [
            models.UniqueConstraint(fields=["provider", "identifier"], condition=~Q(identifier=""),
                                    name="one_agreement_request_per_provider_identifier"),
        ]

    def __str__(self) -> str:
        return str(self.agreement)


class AgreementDocument(models.Model):
    """A medical document sent with a prior agreement request (checked like a claim file's scans)."""

    agreement = models.ForeignKey(PriorAgreement, on_delete=models.CASCADE, related_name="provider_documents",
                                  verbose_name=_("prior agreement"))
    file = models.FileField(_("scan"), upload_to="agreements/%Y/%m/")
    original_name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreement document")
        verbose_name_plural = _("agreement documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Invoice(models.Model):
    """A provider's invoice (facture tiers payant): its claim file carries the lines and the liquidation."""

    claim = models.OneToOneField(ClaimFile, on_delete=models.PROTECT, related_name="provider_invoice",
                                 verbose_name=_("claim file"))
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="invoices",
                                 verbose_name=_("provider"))
    agreement = models.ForeignKey(PriorAgreement, on_delete=models.PROTECT, related_name="invoices",
                                  verbose_name=_("prior agreement"))
    number = models.CharField(_("invoice number"), max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("sent by"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("provider invoice")
        verbose_name_plural = _("provider invoices")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "number"], name="one_invoice_per_provider_number"),
        ]
        indexes = [models.Index(fields=["provider", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.provider.code} {self.number}"
