"""Who from the mutual read which claim file or scan: an append-only log (law 09-08, health data).

Rows are only ever inserted, by claims.services.access_log.health_access_record. The admin shows them read-only and,
on PostgreSQL, a trigger refuses any UPDATE or DELETE of the table (migration 0004)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    DESK_PAGE = "desk_page", _("Opened the file at the desk")
    RECEIPT = "receipt", _("Printed the receipt")
    REVIEW_PAGE = "review_page", _("Opened the file for review")
    ATTACHMENT = "attachment", _("Downloaded a scan")
    API_DETAIL = "api_detail", _("Read the file through the API")
    API_ATTACHMENT = "api_attachment", _("Downloaded a scan through the API")
    ADMIN_VIEW = "admin_view", _("Opened the file in the administration")
    ESTIMATE = "estimate", _("Estimated a reimbursement against the past care")
    AGREEMENTS = "agreements", _("Listed prior agreements of another unit")
    PROVIDENT_SCAN = "provident_scan", _("Downloaded a scan of a provident request")


class HealthDataAccess(models.Model):
    # PROTECT: a reader, a file or a scan that was read cannot be deleted out from under its trail (deactivate
    # the account instead). SET_NULL would be an UPDATE, which the trigger refuses anyway.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("read by"))
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    # A read of one file (claim), or of a beneficiary's health data without a file (estimate, agreements).
    claim = models.ForeignKey("claims.ClaimFile", on_delete=models.PROTECT, related_name="health_accesses",
                              verbose_name=_("file"), null=True, blank=True)
    beneficiary = models.ForeignKey("members.Beneficiary", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("beneficiary"), null=True, blank=True)
    attachment = models.ForeignKey("claims.Attachment", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("scan"))
    # A scan of a provident request (a death certificate is health data), read by staff.
    provident_document = models.ForeignKey("provident.ProvidentDocument", on_delete=models.PROTECT, null=True,
                                           blank=True, related_name="+", verbose_name=_("provident scan"))
    action = models.CharField(_("action"), max_length=16, choices=AccessAction.choices)
    view_name = models.CharField(_("page"), max_length=100, blank=True)
    unit = models.ForeignKey("units.ServiceUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("from unit"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("health data access")
        verbose_name_plural = _("health data accesses")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["claim", "-at"]), models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.claim_id} @ {self.at:%Y-%m-%d %H:%M}"
