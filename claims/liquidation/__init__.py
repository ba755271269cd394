"""Liquidation: the pure rule engine pricing sickness-claim files (see docs/liquidation.md)."""

from .eligibility import Eligibility, age_on, anniversary, eligibility
from .engine import ClaimResult, ClaimStatus, LineResult, cents, liquidate
from .inputs import (
    AffiliationPeriod,
    BeneficiaryFacts,
    ClaimInput,
    HistoryLine,
    InvalidClaimInput,
    LineInput,
    PriorAgreement,
    Relation,
    Sector,
)
from .reference import (
    ActVersion,
    CategoryRates,
    ParameterSet,
    ReferenceData,
    ReferenceDataError,
    sample_acts,
    sample_categories,
    sample_parameters,
    sample_reference_data,
)

__all__ = [
    "ActVersion",
    "AffiliationPeriod",
    "BeneficiaryFacts",
    "CategoryRates",
    "ClaimInput",
    "ClaimResult",
    "ClaimStatus",
    "Eligibility",
    "HistoryLine",
    "InvalidClaimInput",
    "LineInput",
    "LineResult",
    "ParameterSet",
    "PriorAgreement",
    "ReferenceData",
    "ReferenceDataError",
    "Relation",
    "Sector",
    "age_on",
    "anniversary",
    "cents",
    "eligibility",
    "liquidate",
    "sample_acts",
    "sample_categories",
    "sample_parameters",
    "sample_reference_data",
]
