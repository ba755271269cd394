"""Reference data of provident benefits read from the database as the engine's plain Terms."""

from datetime import date

from claims.models import RuleParameters

from . import engine
from .models import BenefitVersion, RequiredDocument, SeniorityRate


class NoTermsInForce(LookupError):
    """No version of the benefit is in force on the event date (reference data to complete in the admin)."""


def terms_on(*, benefit: str, on: date) -> engine.Terms:
    version = BenefitVersion.objects.filter(code=benefit, effective_from__lte=on).order_by("-effective_from").first()
    if version is None:
        raise NoTermsInForce(f"no {benefit} amount in force on {on}")
    rates: tuple[engine.SeniorityRate, ...] = ()
    if benefit == engine.RETIREMENT:
        since = (SeniorityRate.objects.filter(effective_from__lte=on).order_by("-effective_from")
                 .values_list("effective_from", flat=True).first())
        if since is not None:
            rates = tuple(engine.SeniorityRate(min_years=r.min_years, rate=r.rate)
                          for r in SeniorityRate.objects.filter(effective_from=since))
    parameters = (RuleParameters.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
                  or RuleParameters.objects.order_by("effective_from").first())
    ages = {"child_age_limit": parameters.child_age_limit,
            "student_age_limit": parameters.student_age_limit} if parameters else {}
    return engine.Terms(amount=version.amount, late_days=version.late_days,
                        review_threshold=version.review_threshold, always_review=version.always_review,
                        seniority_rates=rates, **ages)


def required_kinds(*, benefit: str, on: date) -> list[str]:
    rows = RequiredDocument.objects.filter(code=benefit, effective_from__lte=on).exclude(effective_to__lt=on)
    return sorted(set(rows.values_list("kind", flat=True)))
