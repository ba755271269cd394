"""Liquidating a provident request in the worker: load, decide (the pure engine), store; exactly once.

The request is claimed with FOR UPDATE SKIP LOCKED on status `received`; the member's row is locked too, so two
requests of one family are decided one after the other and ALREADY_PAID sees the first. The database holds the
rule as well (a partial unique index on granted requests): should two grants still meet, the second is decided
again as ALREADY_PAID."""

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from members.models import Member

from .. import engine
from ..loader import provident_input
from ..models import BenefitCode, ProvidentRequest, ProvidentShare, RequestStatus
from ..reference import NoTermsInForce, terms_on
from ..status import request_set_status

logger = logging.getLogger("mutuelle.provident")


def _store(request: ProvidentRequest, decision: engine.Decision) -> None:
    fields = {"reason_code": decision.reason, "amount": decision.amount, "liquidated_at": timezone.now(),
              "seniority_days": decision.seniority_days, "seniority_years": decision.seniority_years,
              "seniority_rate": decision.rate}
    request_set_status(request=request, to_status=decision.outcome, by=None,
                       reason=decision.reason or f"Liquidated: {decision.amount} MAD.", **fields)
    if decision.outcome == engine.REJECTED:
        return
    if request.benefit == BenefitCode.MEMBER_DEATH:
        ProvidentShare.objects.bulk_create([ProvidentShare(request=request, heir_id=int(key), amount=amount)
                                            for key, amount in decision.shares])
    else:
        ProvidentShare.objects.create(request=request, amount=decision.amount)


def provident_liquidate(*, request_id: int) -> str | None:
    """Decides request `request_id` if it is `received`; returns the outcome, or None when there was nothing to
    do (already decided, incomplete, taken by another worker). Running it again changes nothing."""
    with transaction.atomic():
        request = (ProvidentRequest.objects.select_for_update(skip_locked=True)
                   .filter(pk=request_id, status=RequestStatus.RECEIVED).first())
        if request is None:
            return None
        Member.objects.select_for_update().filter(pk=request.member_id).first()
        try:
            terms = terms_on(benefit=request.benefit, on=request.event_date)
        except NoTermsInForce:
            logger.warning("provident request %s waits: no amount in force on %s", request.pk, request.event_date)
            return None
        inputs = provident_input(request)
        decision = engine.decide(inputs, terms)
        try:
            with transaction.atomic():
                _store(request, decision)
        except IntegrityError:
            request.refresh_from_db()
            decision = engine.decide(engine.ProvidentInput(**{**_fields(inputs), "already_granted": True}), terms)
            _store(request, decision)
    return decision.outcome


def _fields(inputs: engine.ProvidentInput) -> dict:
    return {name: getattr(inputs, name) for name in inputs.__dataclass_fields__}


def provident_sweep(*, older_than: timedelta = timedelta(minutes=10)) -> list[int]:
    """Received requests nobody liquidated (a message lost while Redis was down): their ids, to queue again."""
    stale: QuerySet = ProvidentRequest.objects.filter(status=RequestStatus.RECEIVED,
                                                      updated_at__lt=timezone.now() - older_than)
    return list(stale.values_list("pk", flat=True)[:1000])
