"""Transfers go to any payee (member, heir, provider): kind, key and name of the payee; member optional."""

import django.db.models.deletion
from django.db import migrations, models


def fill_payees(apps, schema_editor):
    Transfer = apps.get_model("claims", "Transfer")
    for transfer in Transfer.objects.select_related("member").iterator():
        member = transfer.member
        transfer.payee_kind = "member"
        transfer.payee_key = str(member.pk)
        transfer.payee_name = f"{member.last_name} {member.first_name}"[:210]
        transfer.save(update_fields=["payee_kind", "payee_key", "payee_name"])


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0004_health_data_access"),
        ("members", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="transfer",
            name="payee_kind",
            field=models.CharField(choices=[("member", "Member"), ("heir", "Heir"), ("provider", "Care provider")],
                                   default="member", max_length=10, verbose_name="payee kind"),
        ),
        migrations.AddField(
            model_name="transfer",
            name="payee_key",
            field=models.CharField(default="", max_length=40, verbose_name="payee"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="transfer",
            name="payee_name",
            field=models.CharField(default="", max_length=210, verbose_name="payee name"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_payees, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="transfer",
            name="member",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="transfers", to="members.member", verbose_name="member"),
        ),
        migrations.RemoveConstraint(
            model_name="transfer",
            name="one_transfer_per_member_per_batch",
        ),
        migrations.AddConstraint(
            model_name="transfer",
            constraint=models.UniqueConstraint(fields=("batch", "payee_kind", "payee_key"),
                                               name="one_transfer_per_payee_per_batch"),
        ),
        migrations.AddConstraint(
            model_name="transfer",
            constraint=models.CheckConstraint(
                condition=models.Q(("payee_kind", "member"), _negated=True) | models.Q(("member__isnull", False)),
                name="member_transfer_names_the_member"),
        ),
    ]
