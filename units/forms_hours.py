"""The unit manager's form of the week's opening hours: for each day, up to two periods (morning and afternoon); a
day left empty is closed."""

from datetime import time

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from .forms import BootstrapMixin
from .selectors_hours import OpeningDay

PERIODS_PER_DAY = 2


def _name(weekday: int, number: int, end: str) -> str:
    return f"d{weekday}_{end}_{number}"


class OpeningHoursForm(BootstrapMixin, forms.Form):
    def __init__(self, data=None, *, week: list[OpeningDay]) -> None:
        initial = {}
        for day in week:
            for number, (opens, closes) in enumerate(day.periods[:PERIODS_PER_DAY], start=1):
                initial[_name(day.weekday, number, "opens")] = opens
                initial[_name(day.weekday, number, "closes")] = closes
        super().__init__(data, initial=initial)
        for weekday in WEEKDAYS:
            for number in range(1, PERIODS_PER_DAY + 1):
                for end, label in (("opens", _("opens at")), ("closes", _("closes at"))):
                    self.fields[_name(weekday, number, end)] = forms.TimeField(
                        label=f"{WEEKDAYS[weekday]} — {label} ({number})", required=False,
                        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time", "dir": "ltr"}))
        self.style_fields()

    def rows(self) -> list[tuple[str, list[tuple[forms.BoundField, forms.BoundField]]]]:
        """(day name, [(opens, closes) fields of each period]) for the template, Monday first."""
        numbers = range(1, PERIODS_PER_DAY + 1)
        return [(str(WEEKDAYS[day]), [(self[_name(day, n, "opens")], self[_name(day, n, "closes")]) for n in numbers])
                for day in sorted(WEEKDAYS)]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        for weekday in WEEKDAYS:
            for number in range(1, PERIODS_PER_DAY + 1):
                opens, closes = (_name(weekday, number, "opens"), _name(weekday, number, "closes"))
                if (cleaned.get(opens) is None) != (cleaned.get(closes) is None) and not self.has_error(opens) \
                        and not self.has_error(closes):
                    self.add_error(closes if cleaned.get(opens) else opens,
                                   _("Give the opening and the closing time, or neither."))
        return cleaned

    def periods(self) -> list[tuple[int, time, time]]:
        """The week as (weekday, opens, closes), from a valid form."""
        found = []
        for weekday in WEEKDAYS:
            for number in range(1, PERIODS_PER_DAY + 1):
                opens = self.cleaned_data.get(_name(weekday, number, "opens"))
                closes = self.cleaned_data.get(_name(weekday, number, "closes"))
                if opens is not None and closes is not None:
                    found.append((weekday, opens, closes))
        return found
