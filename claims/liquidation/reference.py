"""Reference data: dated category rates, dated act tariffs and dated parameters.

Every version applies from its `effective_from` until the next version of the same code; a line is priced
by the version in force on its care date. Records are plain frozen dataclasses so a seeder can store them
(`dataclasses.asdict`) and the engine can be fed from the database without the ORM leaking in.
"""

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

from .inputs import Sector


@dataclass(frozen=True, slots=True)
class CategoryRates:
    """Rates of a category as fractions (Decimal("0.80") is 80 %)."""

    code: str
    effective_from: date
    amo_rate_public: Decimal
    amo_rate_private: Decimal
    complementary_rate: Decimal
    label: str = ""

    def amo_rate(self, sector: Sector) -> Decimal:
        return self.amo_rate_public if sector == "public" else self.amo_rate_private


@dataclass(frozen=True, slots=True)
class ActVersion:
    """One dated version of an act's tariff. `tnr` is per unit; None means the billed amount is the base."""

    code: str
    effective_from: date
    category: str
    tnr: Decimal | None
    needs_prior_agreement: bool = False
    frequency_limit: int | None = None
    ceiling_group: str | None = None
    ceiling_amount: Decimal | None = None
    label: str = ""


@dataclass(frozen=True, slots=True)
class ParameterSet:
    """Rule parameters from `effective_from` on. The earliest set also governs earlier dates: unlike a
    tariff, a parameter is never "unknown" (eligibility is decided before any tariff is looked up)."""

    effective_from: date
    late_filing_days: int = 60
    frequency_window_days: int = 730
    ceiling_window_days: int = 730
    child_age_limit: int = 21
    student_age_limit: int = 26
    review_threshold: Decimal = Decimal("5000.00")


class ReferenceDataError(ValueError):
    """Inconsistent reference data, refused when the ReferenceData is built."""


_V = TypeVar("_V", CategoryRates, ActVersion)


class _Versions(Generic[_V]):
    """The versions of one code, sorted by date, looked up by bisection."""

    __slots__ = ("_dates", "_versions")

    def __init__(self, versions: list[_V]) -> None:
        versions.sort(key=lambda v: v.effective_from)
        self._dates: list[date] = [v.effective_from for v in versions]
        self._versions: list[_V] = versions

    def on(self, day: date) -> _V | None:
        i = bisect_right(self._dates, day)
        return self._versions[i - 1] if i else None

    @property
    def first(self) -> _V:
        return self._versions[0]


def _by_code(records: Iterable[_V], kind: str) -> dict[str, _Versions[_V]]:
    grouped: dict[str, list[_V]] = {}
    seen: set[tuple[str, date]] = set()
    for record in records:
        key = (record.code, record.effective_from)
        if key in seen:
            raise ReferenceDataError(f"two {kind} versions of {record.code} from {record.effective_from}.")
        seen.add(key)
        grouped.setdefault(record.code, []).append(record)
    return {code: _Versions(versions) for code, versions in grouped.items()}


def _check_rate(value: Decimal, what: str) -> None:
    if not isinstance(value, Decimal) or not Decimal(0) <= value <= Decimal(1):
        raise ReferenceDataError(f"{what} must be a Decimal fraction between 0 and 1, got {value!r}.")


def _check_category(category: CategoryRates) -> None:
    where = f"category {category.code} from {category.effective_from}"
    _check_rate(category.amo_rate_public, f"{where}: amo_rate_public")
    _check_rate(category.amo_rate_private, f"{where}: amo_rate_private")
    _check_rate(category.complementary_rate, f"{where}: complementary_rate")


def _check_act(act: ActVersion, categories: dict[str, _Versions[CategoryRates]]) -> None:
    where = f"act {act.code} from {act.effective_from}"
    rates = categories.get(act.category)
    # The category must already be rated when the act version starts, so pricing never misses a rate.
    if rates is None or rates.first.effective_from > act.effective_from:
        raise ReferenceDataError(f"{where}: category {act.category} has no rates in force on that date.")
    if act.tnr is not None and (not isinstance(act.tnr, Decimal) or act.tnr <= 0):
        raise ReferenceDataError(f"{where}: tnr must be a Decimal above 0 or None, got {act.tnr!r}.")
    if act.frequency_limit is not None and act.frequency_limit < 1:
        raise ReferenceDataError(f"{where}: frequency_limit must be at least 1 or None.")
    if (act.ceiling_group is None) != (act.ceiling_amount is None):
        raise ReferenceDataError(f"{where}: ceiling_group and ceiling_amount go together.")
    if act.ceiling_amount is not None and act.ceiling_amount <= 0:
        raise ReferenceDataError(f"{where}: ceiling_amount must be above 0.")


class ReferenceData:
    """Read-only, indexed reference data. Build once and share it across any number of liquidations."""

    __slots__ = ("_acts", "_categories", "_parameter_dates", "_terms", "acts", "categories", "parameters")

    def __init__(
        self,
        *,
        categories: Iterable[CategoryRates],
        acts: Iterable[ActVersion],
        parameters: Iterable[ParameterSet],
    ) -> None:
        self.categories: tuple[CategoryRates, ...] = tuple(categories)
        self.acts: tuple[ActVersion, ...] = tuple(acts)
        self.parameters: tuple[ParameterSet, ...] = tuple(sorted(parameters, key=lambda p: p.effective_from))
        if not self.parameters:
            raise ReferenceDataError("at least one parameter set is needed.")
        if len({p.effective_from for p in self.parameters}) != len(self.parameters):
            raise ReferenceDataError("two parameter sets start on the same date.")
        for category in self.categories:
            _check_category(category)
        self._categories = _by_code(self.categories, "category")
        for act in self.acts:
            _check_act(act, self._categories)
        self._acts = _by_code(self.acts, "act")
        self._parameter_dates = [p.effective_from for p in self.parameters]
        self._terms: dict[tuple[str, date], tuple[ParameterSet, ActVersion | None, CategoryRates | None]] = {}

    def act_on(self, code: str, day: date) -> ActVersion | None:
        """The act's version in force on `day`, or None when the act is unknown on that day."""
        versions = self._acts.get(code)
        return versions.on(day) if versions is not None else None

    def category_on(self, code: str, day: date) -> CategoryRates:
        versions = self._categories.get(code)
        rates = versions.on(day) if versions is not None else None
        if rates is None:
            raise ReferenceDataError(f"category {code} has no rates in force on {day}.")
        return rates

    def terms_on(self, code: str, day: date) -> tuple[ParameterSet, ActVersion | None, CategoryRates | None]:
        """`parameters_on(day)`, `act_on(code, day)` and the rates of that act's category on `day` (None when the
        act is unknown or its category unrated), remembered per (code, day): a backlog prices thousands of lines
        of a few acts over a few hundred days. The data never changes once built, so neither do the answers."""
        key = (code, day)
        terms = self._terms.get(key)
        if terms is None:
            act = self.act_on(code, day)
            versions = self._categories.get(act.category) if act is not None else None
            terms = (self.parameters_on(day), act, versions.on(day) if versions is not None else None)
            if len(self._terms) < 100_000:
                self._terms[key] = terms
        return terms

    def parameters_on(self, day: date) -> ParameterSet:
        i = bisect_right(self._parameter_dates, day)
        return self.parameters[i - 1] if i else self.parameters[0]


SAMPLE_EFFECTIVE_FROM = date(2023, 1, 1)
SAMPLE_REVISION_2026 = date(2026, 1, 1)


def sample_categories() -> list[CategoryRates]:
    d = Decimal
    rows = [
        ("CONSULTATION", "0.80", "0.80", "0.50", "Consultations"),
        ("LABORATORY", "0.80", "0.80", "0.50", "Laboratory tests"),
        ("IMAGING", "0.80", "0.80", "0.50", "Imaging"),
        ("PROCEDURE", "0.80", "0.80", "0.50", "Technical and surgical acts"),
        ("DENTAL", "0.80", "0.80", "0.50", "Dental care"),
        ("MEDICINE", "0.70", "0.70", "0.50", "Medicines"),
        ("HOSPITAL", "1.00", "0.90", "1.00", "Hospital stays"),
        ("OPTICS", "0.80", "0.80", "0", "Optics"),
        ("DENTURE", "0.80", "0.80", "0", "Dentures"),
    ]
    return [
        CategoryRates(code, SAMPLE_EFFECTIVE_FROM, d(public), d(private), d(complementary), label)
        for code, public, private, complementary, label in rows
    ]


def sample_acts() -> list[ActVersion]:
    d = Decimal
    start = SAMPLE_EFFECTIVE_FROM
    return [
        ActVersion("C", start, "CONSULTATION", d("80.00"), label="Consultation, general practitioner"),
        ActVersion("CS", start, "CONSULTATION", d("150.00"), label="Consultation, specialist"),
        ActVersion("CNPSY", start, "CONSULTATION", d("190.00"), label="Consultation, neuropsychiatrist"),
        ActVersion("B", start, "LABORATORY", d("1.10"), label="Laboratory test, per B coefficient"),
        ActVersion("Z", start, "IMAGING", d("10.00"), label="Imaging, per Z coefficient"),
        ActVersion("K", start, "PROCEDURE", d("15.00"), label="Technical or surgical act, per K coefficient"),
        ActVersion("D", start, "DENTAL", d("13.00"), label="Dental care, per D coefficient"),
        ActVersion("MED", start, "MEDICINE", None, label="Medicines, public price"),
        ActVersion("HOSP", start, "HOSPITAL", d("800.00"), needs_prior_agreement=True, label="Hospital day"),
        ActVersion(
            "PAD",
            start,
            "DENTURE",
            None,
            needs_prior_agreement=True,
            ceiling_group="PAD",
            ceiling_amount=d("3000.00"),
            label="Removable denture",
        ),
        ActVersion("OPT-FRAME", start, "OPTICS", d("400.00"), frequency_limit=1, label="Spectacle frame"),
        ActVersion("OPT-LENS", start, "OPTICS", d("300.00"), frequency_limit=2, label="Spectacle lens"),
        ActVersion(
            "C", SAMPLE_REVISION_2026, "CONSULTATION", d("120.00"), label="Consultation, general practitioner"
        ),
        ActVersion("CS", SAMPLE_REVISION_2026, "CONSULTATION", d("200.00"), label="Consultation, specialist"),
    ]


def sample_parameters() -> list[ParameterSet]:
    return [ParameterSet(effective_from=SAMPLE_EFFECTIVE_FROM)]


def sample_reference_data() -> ReferenceData:
    """The sample of docs/liquidation.md. Its plain records are `.categories`, `.acts` and `.parameters`."""
    return ReferenceData(categories=sample_categories(), acts=sample_acts(), parameters=sample_parameters())
