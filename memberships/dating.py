"""The dating rule of memberships (pure): cover starts on the event when the application or request is received
within the window (90 days), else on the day it is received."""

from datetime import date

WINDOW_DAYS = 90


def cover_start(*, event: date, received_on: date, window_days: int = WINDOW_DAYS) -> date:
    """`event` is the date of taking office (a new member), of the marriage or of the birth (a beneficiary)."""
    return event if (received_on - event).days <= window_days else received_on
