"""API tokens: django-rest-knox's hashed, expiring tokens, one per client (a script, an app) of an account."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


class ApiToken(AbstractAuthToken):
    """Only a hash of the token is stored; `token_key` (its first 15 characters) identifies it in lists."""

    client = models.CharField(_("client"), max_length=80)
    second_factor = models.BooleanField(
        _("issued with a second factor"), default=False,
        help_text=_("A token issued without a TOTP code stops working once the account must show one."))
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["user", "client"], name="one_api_token_per_client")]

    def __str__(self) -> str:
        return f"{self.user} · {self.client} · {self.token_key}"
