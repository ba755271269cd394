"""Regularisations: the only way to correct a decided file. A decided (liquidated, rejected, paid) file's lines
and totals never change; a liquidator records a dated, reasoned regularisation instead, kept for good, and the
next payment batch pays it (amount > 0) or recovers it from what the member is paid (amount < 0)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .files import ClaimFile
from .payments import Transfer


class Regularisation(models.Model):
    claim = models.ForeignKey(ClaimFile, on_delete=models.PROTECT, related_name="regularisations",
                              verbose_name=_("file"))
    amount = models.DecimalField(_("amount (MAD; negative: to recover)"), max_digits=12, decimal_places=2)
    reason = models.TextField(_("reason"))
    decided_on = models.DateField(_("decided on"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # The payment batch's transfer that pays or recovers it (set once, by the batch).
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="regularisations", verbose_name=_("transfer"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("regularisation")
        verbose_name_plural = _("regularisations")
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="regularisation_not_zero")]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.amount}"
