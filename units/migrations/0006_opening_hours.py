"""Opening hours as structured days and times (units.OpeningHours) instead of the free text of
ServiceUnit.opening_hours / opening_hours_ar: the model is created, the French text is read into periods
(`parse_hours`: "Lun–Ven 08:30–16:30", "Lun–Jeu 08:30–12:30, 14:00–16:30; Ven 08:30–12:00"), then the text fields
are dropped. Text that cannot be read is printed with its unit, for its manager to enter in the hours page. The unit
managers' role gains the permissions to edit the hours (a change of a role's permissions is a migration: see
0004_roles)."""

import re
from datetime import time

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

WEEKDAYS = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday"), (5, "Saturday"),
            (6, "Sunday")]
DAYS = {"lun": 0, "mar": 1, "mer": 2, "jeu": 3, "ven": 4, "sam": 5, "dim": 6}
_TIME = r"(\d{1,2})\s*[:hH]\s*(\d{2})"
_PERIOD = re.compile(_TIME + r"\s*(?:[–—-]|à)\s*" + _TIME)
_DAY = r"([A-Za-zéû]{3})[a-zéû]*\.?"
_SEGMENT = re.compile(_DAY + r"(?:\s*(?:[–—-]|à|au)\s*" + _DAY + r")?\s*:?\s+((?:" + _TIME
                      + r"\s*(?:[–—-]|à)\s*" + _TIME + r"[\s,/et]*)+)")


def parse_hours(text: str) -> list[tuple[int, time, time]]:
    """(weekday, opens, closes) periods read from the French free text; [] when nothing can be read."""
    periods = []
    for first, last, times, *_ in _SEGMENT.findall(text or ""):
        start, end = DAYS.get(first.lower()), DAYS.get((last or first).lower())
        if start is None or end is None or end < start:
            continue
        for h1, m1, h2, m2 in _PERIOD.findall(times):
            opens, closes = time(int(h1), int(m1)), time(int(h2), int(m2))
            if closes > opens:
                periods += [(day, opens, closes) for day in range(start, end + 1)]
    return sorted(set(periods))


def hours_from_text(apps, schema_editor) -> None:
    ServiceUnit = apps.get_model("units", "ServiceUnit")
    OpeningHours = apps.get_model("units", "OpeningHours")
    # values_list: the historical model holds both the text field and the new reverse relation of the same name
    for pk, code, text in ServiceUnit.objects.values_list("pk", "code", "opening_hours"):
        periods = parse_hours(text)
        if text and not periods:
            print(f"\n  units: the opening hours of {code} could not be read ({text!r}): enter them in its hours page")
        OpeningHours.objects.bulk_create([OpeningHours(unit_id=pk, weekday=day, opens=opens, closes=closes)
                                          for day, opens, closes in periods], ignore_conflicts=True)


def hours_to_text(apps, schema_editor) -> None:
    """Back to one line of text, in the demo's French shape, when the migration is reversed."""
    ServiceUnit = apps.get_model("units", "ServiceUnit")
    OpeningHours = apps.get_model("units", "OpeningHours")
    names = {number: name.capitalize() for name, number in DAYS.items()}
    for unit_pk in ServiceUnit.objects.values_list("pk", flat=True):
        rows = OpeningHours.objects.filter(unit_id=unit_pk).order_by("weekday", "opens")
        by_day: dict[int, list[str]] = {}
        for row in rows:
            by_day.setdefault(row.weekday, []).append(f"{row.opens:%H:%M}–{row.closes:%H:%M}")
        parts = [f"{names[day]} {', '.join(periods)}" for day, periods in by_day.items()]
        ServiceUnit.objects.filter(pk=unit_pk).update(opening_hours="; ".join(parts)[:200])


MANAGER_PERMISSIONS = ("view_openinghours", "add_openinghours", "change_openinghours", "delete_openinghours")


def manager_edits_hours(apps, schema_editor) -> None:
    from django.contrib.auth.management import create_permissions

    units = apps.get_app_config("units")
    units.models_module = True
    create_permissions(units, apps=apps, verbosity=0)
    units.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="units", codename__in=MANAGER_PERMISSIONS)
    for name in ("unit_manager", "admin"):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*permissions)


def manager_edits_hours_undo(apps, schema_editor) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="units", codename__in=MANAGER_PERMISSIONS)
    for group in Group.objects.filter(name="unit_manager"):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):

    dependencies = [
        ('units', '0005_agreement_documents'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalOpeningHours',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('weekday', models.PositiveSmallIntegerField(choices=WEEKDAYS,
                                                             verbose_name='day of the week')),
                ('opens', models.TimeField(verbose_name='opens at')),
                ('closes', models.TimeField(verbose_name='closes at')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')],
                                                  max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+',
                                                  to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(blank=True, db_constraint=False, null=True,
                                           on_delete=django.db.models.deletion.DO_NOTHING, related_name='+',
                                           to='units.serviceunit', verbose_name='service unit')),
            ],
            options={
                'verbose_name': 'historical opening hours',
                'verbose_name_plural': 'historical opening hours',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='OpeningHours',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('weekday', models.PositiveSmallIntegerField(choices=WEEKDAYS,
                                                             verbose_name='day of the week')),
                ('opens', models.TimeField(verbose_name='opens at')),
                ('closes', models.TimeField(verbose_name='closes at')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='opening_hours',
                                           to='units.serviceunit', verbose_name='service unit')),
            ],
            options={
                'verbose_name': 'opening hours',
                'verbose_name_plural': 'opening hours',
                'ordering': ['unit', 'weekday', 'opens'],
                'constraints': [
                    models.CheckConstraint(condition=models.Q(('closes__gt', models.F('opens'))),
                                           name='opening_hours_close_after_open'),
                    models.CheckConstraint(condition=models.Q(('weekday__lte', 6)), name='opening_hours_weekday_in_week'),
                    models.UniqueConstraint(fields=('unit', 'weekday', 'opens'), name='one_opening_period_per_start'),
                ],
            },
        ),
        migrations.RunPython(hours_from_text, hours_to_text),
        migrations.RemoveField(
            model_name='historicalserviceunit',
            name='opening_hours',
        ),
        migrations.RemoveField(
            model_name='historicalserviceunit',
            name='opening_hours_ar',
        ),
        migrations.RemoveField(
            model_name='serviceunit',
            name='opening_hours',
        ),
        migrations.RemoveField(
            model_name='serviceunit',
            name='opening_hours_ar',
        ),
        migrations.RunPython(manager_edits_hours, manager_edits_hours_undo),
    ]
