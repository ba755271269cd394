"""Amounts read as MAD with two decimals, grouped the way each language writes them."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from members.templatetags.money import format_mad


@pytest.mark.parametrize("language, expected", [
    ("fr", "1\u00a0234,50\u00a0MAD"),
    ("en", "1,234.50\u00a0MAD"),
    ("ar", "1.234,50\u00a0درهم"),
])
def test_an_amount_is_shown_with_two_decimals_grouped_and_the_currency_of_the_language(language, expected):
    with translation.override(language):
        assert format_mad(Decimal("1234.5")) == expected


def test_centimes_are_rounded_half_up_and_a_missing_amount_is_a_dash():
    with translation.override("en"):
        assert format_mad(Decimal("0.005")) == "0.01\u00a0MAD"
        assert format_mad(Decimal("2.344")) == "2.34\u00a0MAD"
        assert format_mad(None) == "—"


def test_a_float_is_refused_because_money_is_decimal():
    with pytest.raises(TypeError):
        format_mad(12.5)


def test_the_template_filter_gives_the_bare_number_on_request():
    template = Template('{% load money %}{{ a|mad }} | {{ a|mad:"bare" }}')
    with translation.override("fr"):
        assert template.render(Context({"a": Decimal("1500")})) == "1\u00a0500,00\u00a0MAD | 1\u00a0500,00"


def test_arabic_dates_and_times_are_day_first_on_a_24_hour_clock():
    from datetime import datetime

    from django.utils.formats import date_format

    with translation.override("ar"):
        assert date_format(datetime(2026, 11, 23, 15, 7), "SHORT_DATETIME_FORMAT") == "23\u200f/11\u200f/2026 15:07"
    with translation.override("fr"):
        assert date_format(datetime(2026, 11, 23, 15, 7), "SHORT_DATETIME_FORMAT") == "23/11/2026 15:07"
