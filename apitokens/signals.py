"""A token outlives no right: a password change revokes every token of the account (whatever changed it: the
change-password page, a reset link, the admin), and so does enrolling a second factor (tokens issued with the
password alone must not keep working; new ones need the code)."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice

from .services import tokens_revoke_all


@receiver(pre_save, sender=get_user_model(), dispatch_uid="apitokens.revoke_on_password_change")
def _revoke_on_password_change(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    previous = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if previous is not None and previous != instance.password:
        tokens_revoke_all(user=instance)


@receiver(post_save, sender=TOTPDevice, dispatch_uid="apitokens.revoke_on_second_factor_enrolment")
def _revoke_on_enrolment(sender, instance, created, raw=False, **kwargs) -> None:
    if not raw and instance.confirmed:
        tokens_revoke_all(user=instance.user)
