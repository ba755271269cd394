"""Writes of a unit's opening hours: the manager's page replaces the week in one go; every period added or removed is
a history row naming the account that did it (django-simple-history)."""

from collections.abc import Iterable
from datetime import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from .models import OpeningHours, ServiceUnit

Period = tuple[int, time, time]  # (weekday, opens, closes); 0 = Monday


def opening_periods_check(periods: Iterable[Period]) -> list[ValidationError]:
    """The week's periods are days of the week, each closing after it opens, none overlapping on its day."""
    errors = []
    by_day: dict[int, list[tuple[time, time]]] = {}
    for weekday, opens, closes in periods:
        if weekday not in WEEKDAYS:
            errors.append(ValidationError(_("Unknown day of the week."), code="weekday"))
            continue
        if closes <= opens:
            errors.append(ValidationError(_("On %(day)s, a period closes before it opens."), code="closes_first",
                                          params={"day": WEEKDAYS[weekday]}))
        by_day.setdefault(weekday, []).append((opens, closes))
    for weekday, day_periods in sorted(by_day.items()):
        day_periods.sort()
        if any(later[0] < earlier[1] for earlier, later in zip(day_periods, day_periods[1:], strict=False)):
            errors.append(ValidationError(_("On %(day)s, two periods overlap."), code="overlap",
                                          params={"day": WEEKDAYS[weekday]}))
    return errors


@transaction.atomic
def unit_opening_hours_set(*, unit: ServiceUnit, by, periods: Iterable[Period]) -> bool:
    """The unit's week becomes `periods` (a day without any is closed). Returns whether anything changed."""
    wanted = set(periods)
    errors = opening_periods_check(wanted)
    if errors:
        raise ValidationError(errors)
    ServiceUnit.objects.select_for_update().filter(pk=unit.pk).first()  # one editor of a unit's hours at a time
    current = {(row.weekday, row.opens, row.closes): row for row in OpeningHours.objects.filter(unit=unit)}
    for key in sorted(current.keys() - wanted):
        row = current[key]
        row._history_user = by  # type: ignore[attr-defined]  # django-simple-history's way to name the author
        row.delete()
    for weekday, opens, closes in sorted(wanted - current.keys()):
        row = OpeningHours(unit=unit, weekday=weekday, opens=opens, closes=closes)
        row._history_user = by  # type: ignore[attr-defined]
        row.save()
    if hasattr(unit, "_prefetched_objects_cache"):
        unit._prefetched_objects_cache.pop("opening_hours", None)
    return wanted != current.keys()
