"""A provident request read from the database as the engine's plain input (no ORM beyond this module)."""

from fractions import Fraction

from members.models import AffiliationPeriod

from . import engine
from .models import GRANTED_STATUSES, BenefitCode, ProvidentRequest


def already_granted(request: ProvidentRequest) -> bool:
    others = ProvidentRequest.objects.filter(benefit=request.benefit, status__in=GRANTED_STATUSES).exclude(
        pk=request.pk)
    if request.benefit in (BenefitCode.SPOUSE_DEATH, BenefitCode.CHILD_DEATH):
        return others.filter(deceased_id=request.deceased_id).exists()
    return others.filter(member_id=request.member_id).exists()


def provident_input(request: ProvidentRequest) -> engine.ProvidentInput:
    periods = tuple(engine.Period(start=p.start, end=p.end, status=p.status)
                    for p in AffiliationPeriod.objects.filter(member_id=request.member_id).order_by("start"))
    deceased = None
    b = request.deceased if request.deceased_id else None
    if b is not None:
        deceased = engine.Deceased(
            relation=b.relation, birth_date=b.birth_date, marriage_start=b.marriage_start,
            marriage_end=b.marriage_end, disabled_from=b.disabled_from,
            student_periods=tuple((s.start, s.end) for s in b.student_periods.order_by("start")))
    heirs = tuple(engine.HeirShare(key=str(h.pk), share=Fraction(h.share_numerator, h.share_denominator))
                  for h in request.heirs.order_by("position"))
    return engine.ProvidentInput(benefit=request.benefit, event_date=request.event_date,
                                 received_on=request.received_on, affiliations=periods, deceased=deceased,
                                 heirs=heirs, already_granted=already_granted(request))
