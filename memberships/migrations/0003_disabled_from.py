"""A disability is dated: a person to cover flagged disabled gets `disabled_from` (his birth date: the flag said
disabled with no start, so he keeps the cover the flag gave), and a "declare a disability" request gets the first
day of the disability it declares (`disabled_from`): its `covered_from` once approved, else the day it was
received (what its approval gave before), so a request waiting for a decision can still be approved."""

from django.db import migrations, models
from django.db.models import F


def disabled_from_fill(apps, schema_editor) -> None:
    Person = apps.get_model("memberships", "ApplicationPerson")
    Application = apps.get_model("memberships", "MembershipApplication")
    Person.objects.filter(disabled=True).update(disabled_from=F("birth_date"))
    disability = Application.objects.filter(kind="disability")
    disability.filter(covered_from__isnull=False).update(disabled_from=F("covered_from"))
    disability.filter(covered_from__isnull=True).update(disabled_from=F("received_on"))


def disabled_flag_fill(apps, schema_editor) -> None:
    apps.get_model("memberships", "ApplicationPerson").objects.filter(disabled_from__isnull=False).update(
        disabled=True)


class Migration(migrations.Migration):

    dependencies = [
        ('memberships', '0002_required_documents'),
    ]

    operations = [
        migrations.AddField(
            model_name='applicationperson',
            name='disabled_from',
            field=models.DateField(blank=True, help_text='A disabled child: the first day of the disability.', null=True, verbose_name='disabled from'),
        ),
        migrations.AddField(
            model_name='membershipapplication',
            name='disabled_from',
            field=models.DateField(blank=True, help_text='A disability request: the first day of the disability.', null=True, verbose_name='disabled from'),
        ),
        migrations.RunPython(disabled_from_fill, disabled_flag_fill),
        migrations.RemoveField(
            model_name='applicationperson',
            name='disabled',
        ),
    ]
