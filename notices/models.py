"""A notice is what happened, stored as a code and its parameters; its words are chosen when it is read,
in the reader's language (see notices.messages)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices",
                             verbose_name=_("recipient"))
    code = models.CharField(_("code"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Whether this notice is also sent by e-mail/SMS (per the recipient's choice), and when it was.
    deliver = models.BooleanField(_("also sent by e-mail or SMS"), default=False)
    delivered_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"]), models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.code}"


class DeliveryChoice(models.Model):
    """How a person wants to hear about notices besides the notification centre. No row: both channels."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delivery_choice",
                                verbose_name=_("user account"))
    email = models.BooleanField(_("by e-mail"), default=True)
    sms = models.BooleanField(_("by SMS"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("delivery choice")
        verbose_name_plural = _("delivery choices")

    def __str__(self) -> str:
        return f"{self.user_id} email={self.email} sms={self.sms}"
