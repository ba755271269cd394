"""Formats of the identifiers a member is known by: the membership number and the national ID (CIN)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

CIN_RE = re.compile(r"^[A-Z]{1,2}[0-9]{1,6}$")
MEMBERSHIP_RE = re.compile(r"^[0-9]{10}$")


def luhn_digit(digits: str) -> int:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def membership_number_from_sequence(sequence: int) -> str:
    """A 10-digit number: 9 digits of sequence and a Luhn check digit that catches one mistyped digit."""
    body = f"{sequence:09d}"
    return body + str(luhn_digit(body))


def validate_membership_number(value: str) -> None:
    if not MEMBERSHIP_RE.match(value or "") or luhn_digit(value[:-1]) != int(value[-1]):
        raise ValidationError(_("Enter a valid 10-digit membership number."), code="membership_number")


def normalize_cin(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def validate_cin(value: str) -> None:
    if not CIN_RE.match(normalize_cin(value)):
        raise ValidationError(
            _("Enter a valid national ID (CIN): one or two letters then up to six digits, e.g. AB123456."),
            code="cin",
        )


def normalize_iban(value: str) -> str:
    return (value or "").replace(" ", "").replace("-", "").upper()


def validate_moroccan_iban(value: str) -> None:
    """A Moroccan IBAN: MA, two check digits and the 24-digit RIB, checked mod 97 by schwifty."""
    compact = normalize_iban(value)
    try:
        iban = IBAN(compact)
    except SchwiftyException:
        raise ValidationError(
            _("Enter a valid Moroccan IBAN: MA followed by 26 digits (check digits and RIB)."), code="iban"
        ) from None
    if iban.country_code != "MA":
        raise ValidationError(_("The bank account must be a Moroccan IBAN (starting with MA)."), code="iban_country")


def moroccan_iban_from_rib(rib: str) -> str:
    """Builds the IBAN of a 24-digit RIB (ISO 13616: check digits = 98 - (RIB + 'MA00') mod 97)."""
    if not re.fullmatch(r"[0-9]{24}", rib):
        raise ValueError("a RIB has 24 digits")
    check = 98 - int(rib + "2210" + "00") % 97
    return f"MA{check:02d}{rib}"
