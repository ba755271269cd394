"""CSV for spreadsheets that cannot be turned against their reader: every CSV export of the project writes through
`writer()` here (a test fails on any other csv.writer).

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel and LibreOffice
(`=HYPERLINK(...)` in a member's name would run when a liquidator opens the bank file). Such a cell is written with
a leading apostrophe, which spreadsheets show as text and hide. Numbers (`-12.50`, `3`) are left as they are."""

import csv
import re
from numbers import Number
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def neutralise(value: Any) -> Any:
    if value is None or isinstance(value, Number):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


class _SafeWriter:
    def __init__(self, inner) -> None:
        self._inner = inner

    def writerow(self, row):
        return self._inner.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(stream, **options) -> _SafeWriter:
    """csv.writer with every cell neutralised; same options (dialect, delimiter, lineterminator...)."""
    return _SafeWriter(csv.writer(stream, **options))
