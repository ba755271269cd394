"""The spec's sample reference data for provident benefits (effective 2023-01-01), loaded by seed_demo."""

from datetime import date
from decimal import Decimal

from .models import BenefitCode, BenefitVersion, DocumentKind, RequiredDocument, SeniorityRate

SAMPLE_FROM = date(2023, 1, 1)
SAMPLE_BENEFITS = {
    BenefitCode.RETIREMENT: (Decimal("30000.00"), False),
    BenefitCode.MEMBER_DEATH: (Decimal("15000.00"), True),
    BenefitCode.SPOUSE_DEATH: (Decimal("3000.00"), False),
    BenefitCode.CHILD_DEATH: (Decimal("1500.00"), False),
}
SAMPLE_RATES = ((10, Decimal("0.50")), (20, Decimal("0.75")), (30, Decimal("1.00")))
SAMPLE_DOCUMENTS = {
    BenefitCode.RETIREMENT: (DocumentKind.RETIREMENT_DECISION,),
    BenefitCode.MEMBER_DEATH: (DocumentKind.DEATH_CERTIFICATE, DocumentKind.HEIRS_CERTIFICATE, DocumentKind.HEIR_CIN,
                               DocumentKind.HEIR_BANK),
    BenefitCode.SPOUSE_DEATH: (DocumentKind.DEATH_CERTIFICATE,),
    BenefitCode.CHILD_DEATH: (DocumentKind.DEATH_CERTIFICATE,),
}


def seed_provident_reference() -> None:
    """Idempotent: rows already there are left as they are (an administrator may have edited them)."""
    for code, (amount, always_review) in SAMPLE_BENEFITS.items():
        BenefitVersion.objects.get_or_create(code=code, effective_from=SAMPLE_FROM, defaults={
            "amount": amount, "late_days": 730, "review_threshold": Decimal("10000.00"),
            "always_review": always_review})
    for min_years, rate in SAMPLE_RATES:
        SeniorityRate.objects.get_or_create(effective_from=SAMPLE_FROM, min_years=min_years, defaults={"rate": rate})
    for code, kinds in SAMPLE_DOCUMENTS.items():
        for kind in kinds:
            RequiredDocument.objects.get_or_create(code=code, kind=kind, effective_from=SAMPLE_FROM)
