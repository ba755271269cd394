"""A child's disability gets a start date (`disabled_from`), which replaces the yes/no flag `disabled`.

Each child flagged disabled gets, in this order of preference:

1. the `covered_from` of his approved "declare a disability" request (memberships), the day the member was told
   the disability covers from;
2. else the day the flag was set, when the history tells: the date (Africa/Casablanca) of the first history row
   with the flag after a row without it;
3. else his birth date (the flag was there from the row's first save: registered disabled, imported, or no
   history), so the child keeps the cover he had on every care date.

The historical rows that had the flag get the same start (their birth date for a beneficiary since deleted), so
the history reads the same. The flag is then removed: a child is disabled when `disabled_from` is set.
"""

from django.db import migrations, models
from django.utils import timezone


def _flag_set_on(rows) -> object:
    """The day the flag was last switched on in these history rows (oldest first), None when it was on from the
    first row or never switched on."""
    set_on, before = None, None
    for row in rows:
        if row.disabled and before is not None and not before.disabled:
            set_on = timezone.localdate(row.history_date)
        elif not row.disabled:
            set_on = None
        before = row
    return set_on


def disabled_from_fill(apps, schema_editor) -> None:
    Beneficiary = apps.get_model("members", "Beneficiary")
    History = apps.get_model("members", "HistoricalBeneficiary")
    Application = apps.get_model("memberships", "MembershipApplication")
    starts: dict[int, object] = {}
    for child in Beneficiary.objects.filter(disabled=True):
        told = (Application.objects.filter(kind="disability", status="approved", target_id=child.pk,
                                           covered_from__isnull=False)
                .order_by("-decided_at", "-id").values_list("covered_from", flat=True).first())
        history = History.objects.filter(id=child.pk).order_by("history_date", "history_id")
        start = told or _flag_set_on(history) or child.birth_date
        starts[child.pk] = max(start, child.birth_date)
        Beneficiary.objects.filter(pk=child.pk).update(disabled_from=starts[child.pk])
    for row in History.objects.filter(disabled=True):
        row.disabled_from = starts.get(row.id, row.birth_date)
        row.save(update_fields=["disabled_from"])


def disabled_flag_fill(apps, schema_editor) -> None:
    for model in ("Beneficiary", "HistoricalBeneficiary"):
        apps.get_model("members", model).objects.filter(disabled_from__isnull=False).update(disabled=True)


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0004_beneficiary_covered_from'),
        ('memberships', '0002_required_documents'),
    ]

    operations = [
        migrations.AddField(
            model_name='beneficiary',
            name='disabled_from',
            field=models.DateField(blank=True, help_text='A child only: the first day of the disability, which covers him at any age from that day on. Empty: not disabled.', null=True, verbose_name='disabled from'),
        ),
        migrations.AddField(
            model_name='historicalbeneficiary',
            name='disabled_from',
            field=models.DateField(blank=True, help_text='A child only: the first day of the disability, which covers him at any age from that day on. Empty: not disabled.', null=True, verbose_name='disabled from'),
        ),
        migrations.RunPython(disabled_from_fill, disabled_flag_fill),
        migrations.RemoveField(
            model_name='beneficiary',
            name='disabled',
        ),
        migrations.RemoveField(
            model_name='historicalbeneficiary',
            name='disabled',
        ),
        migrations.AddConstraint(
            model_name='beneficiary',
            constraint=models.CheckConstraint(condition=models.Q(('disabled_from__isnull', True), ('disabled_from__gte', models.F('birth_date')), _connector='OR'), name='beneficiary_disabled_after_birth'),
        ),
    ]
