from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Member

from .files import ClaimFile


class BatchStatus(models.TextChoices):
    OPEN = "open", _("Open")
    EXPORTED = "exported", _("Exported to the bank")
    CONFIRMED = "confirmed", _("Confirmed by the bank")


class PaymentBatch(models.Model):
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.OPEN)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("confirmed by"))
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference


class PayeeKind(models.TextChoices):
    MEMBER = "member", _("Member")
    HEIR = "heir", _("Heir")
    PROVIDER = "provider", _("Care provider")


class Transfer(models.Model):
    """One bank transfer to one payee in one batch, for everything the batch owes that payee.

    A payee is a member (his files, his provident allowances), an heir (his share of a death allowance) or a
    care provider (its invoices). `payee_kind` + `payee_key` name the payee (a member's or provider's id, an
    heir's row id); name and IBAN are copied at batch time, so the bank file never changes afterwards. What a
    transfer pays is listed by each source's own "paid" link (PaidFile here; the provident and provider apps
    have theirs), each unique on the thing it pays."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.CASCADE, related_name="transfers",
                              verbose_name=_("batch"))
    payee_kind = models.CharField(_("payee kind"), max_length=10, choices=PayeeKind.choices,
                                  default=PayeeKind.MEMBER)
    payee_key = models.CharField(_("payee"), max_length=40)
    payee_name = models.CharField(_("payee name"), max_length=210)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="transfers", null=True, blank=True,
                               verbose_name=_("member"))
    iban = models.CharField(_("IBAN"), max_length=34)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reference = models.CharField(_("reference"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.UniqueConstraint(fields=["batch", "payee_kind", "payee_key"],
                                    name="one_transfer_per_payee_per_batch"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_positive"),
            models.CheckConstraint(condition=~Q(payee_kind="member") | Q(member__isnull=False),
                                   name="member_transfer_names_the_member"),
        ]

    def __str__(self) -> str:
        return self.reference


class PaidFile(models.Model):
    """The link that pays a file: unique on the file, so no file can ever be in two transfers."""

    claim = models.OneToOneField(ClaimFile, on_delete=models.PROTECT, related_name="paid_file",
                                 verbose_name=_("file"))
    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="files",
                                 verbose_name=_("transfer"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("paid file")
        verbose_name_plural = _("paid files")

    def __str__(self) -> str:
        return f"{self.claim_id} in {self.transfer_id}"
