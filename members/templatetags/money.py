"""Money as people read it in the current language: `{% load money %}{{ amount|mad }}`.

    fr: 1 234,50 MAD    en: 1,234.50 MAD    ar: 1.234,50 درهم
`{{ amount|mad:"bare" }}` gives the number alone (table cells whose header already says MAD). None gives "—".
In HTML wrap it in `<span class="money">` (isolated, tabular digits), not `.amount`: `.amount` forces left-to-right,
which would put "درهم" before the number in Arabic.
Amounts are Decimals quantized to centimes (ROUND_HALF_UP); floats are refused rather than silently rounded.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import pgettext

register = template.Library()
CENTIME = Decimal("0.01")


def format_mad(amount, *, currency: bool = True) -> str:
    if amount is None or amount == "":
        return "—"
    if isinstance(amount, float):
        raise TypeError("money is a Decimal, never a float")
    try:
        value = Decimal(amount).quantize(CENTIME, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        return str(amount)
    number = numberformat.format(value, get_format("DECIMAL_SEPARATOR"), decimal_pos=2, grouping=3,
                                 thousand_sep=get_format("THOUSAND_SEPARATOR"), force_grouping=True)
    if not currency:
        return number
    # Translators: the currency after an amount (Moroccan dirham): "MAD" in French, "درهم" in Arabic.
    symbol = pgettext("currency", "MAD")
    return f"{number}\u00a0{symbol}"


@register.filter
def mad(amount, arg: str = "") -> str:
    return format_mad(amount, currency=arg != "bare")
