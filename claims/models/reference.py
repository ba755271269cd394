"""Reference data of liquidation: categories, acts and their dated versions, rule parameters.

Every number the engine uses lives here, dated by the care date it applies from (never a constant in code)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

RATE = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


class Category(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_ar = models.CharField(_("name (Arabic)"), max_length=120)

    class Meta:
        verbose_name = _("act category")
        verbose_name_plural = _("act categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class CategoryRate(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="rates",
                                 verbose_name=_("category"))
    effective_from = models.DateField(_("effective from (care date)"))
    amo_rate_public = models.DecimalField(_("AMO rate, public sector"), max_digits=5, decimal_places=4,
                                          validators=RATE)
    amo_rate_private = models.DecimalField(_("AMO rate, private sector"), max_digits=5, decimal_places=4,
                                           validators=RATE)
    complementary_rate = models.DecimalField(_("complementary rate on (base − AMO)"), max_digits=5,
                                             decimal_places=4, validators=RATE)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("category rates")
        verbose_name_plural = _("category rates")
        ordering = ["category", "effective_from"]
        constraints = [models.UniqueConstraint(fields=["category", "effective_from"], name="one_rate_per_date")]

    def __str__(self) -> str:
        return f"{self.category} from {self.effective_from}"


class Act(models.Model):
    code = models.CharField(_("code"), max_length=16, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)

    class Meta:
        verbose_name = _("act")
        verbose_name_plural = _("acts (nomenclature)")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name_fr}"


class ActVersion(models.Model):
    """The act's tariff and rules in force from a care date until the next version."""

    act = models.ForeignKey(Act, on_delete=models.CASCADE, related_name="versions", verbose_name=_("act"))
    effective_from = models.DateField(_("effective from (care date)"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="act_versions",
                                 verbose_name=_("category"))
    tnr = models.DecimalField(_("reference tariff (TNR) per unit"), max_digits=10, decimal_places=2, null=True,
                              blank=True, validators=[MinValueValidator(Decimal("0"))])
    needs_prior_agreement = models.BooleanField(_("needs a prior agreement"), default=False)
    frequency_limit = models.PositiveIntegerField(_("frequency limit (units per window)"), null=True, blank=True)
    ceiling_group = models.CharField(_("ceiling group"), max_length=32, blank=True)
    ceiling_amount = models.DecimalField(_("AMO ceiling per window"), max_digits=10, decimal_places=2, null=True,
                                         blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("act version (tariff)")
        verbose_name_plural = _("act versions (tariffs)")
        ordering = ["act", "effective_from"]
        constraints = [models.UniqueConstraint(fields=["act", "effective_from"], name="one_act_version_per_date")]

    def __str__(self) -> str:
        return f"{self.act.code} from {self.effective_from}"


class RuleParameters(models.Model):
    effective_from = models.DateField(_("effective from (care date)"), unique=True)
    late_filing_days = models.PositiveIntegerField(_("filing deadline (days after care)"), default=60)
    frequency_window_days = models.PositiveIntegerField(_("frequency window (days)"), default=730)
    ceiling_window_days = models.PositiveIntegerField(_("ceiling window (days)"), default=730)
    child_age_limit = models.PositiveIntegerField(_("child covered below age"), default=21)
    student_age_limit = models.PositiveIntegerField(_("student child covered below age"), default=26)
    review_threshold = models.DecimalField(_("review above (MAD)"), max_digits=12, decimal_places=2,
                                           default=Decimal("5000.00"))
    max_liquidation_attempts = models.PositiveIntegerField(
        _("failed liquidations before review"), default=3, validators=[MinValueValidator(1)],
        help_text=_("A file whose liquidation fails this many times goes to a liquidator with its error, so the "
                    "beneficiary's later files go on."))
    documents_check_rate = models.DecimalField(
        _("documents check sample rate"), max_digits=5, decimal_places=4, default=Decimal("0.05"), validators=RATE,
        help_text=_("Share of priced files a liquidator checks against their documents before payment."))
    documents_check_above = models.DecimalField(
        _("documents check for online files above (MAD billed)"), max_digits=12, decimal_places=2,
        default=Decimal("2000.00"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rule parameters")
        verbose_name_plural = _("rule parameters")
        ordering = ["effective_from"]

    def __str__(self) -> str:
        return f"Rules from {self.effective_from}"
