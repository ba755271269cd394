"""A reimbursement estimate for a draft file: the real engine against the beneficiary's real history,
nothing saved and no lock taken."""

from collections.abc import Iterable, Mapping
from datetime import date

from django.utils import timezone

from claims.liquidation import ClaimInput, ClaimResult, LineInput, liquidate, sector_of
from claims.services.liquidation_loader import beneficiaries_read, facts_complete
from claims.services.liquidation_reference import reference_data
from members.models import Beneficiary


def _line(line: LineInput | Mapping) -> LineInput:
    if isinstance(line, LineInput):
        return line
    return LineInput(act_code=line["act_code"], care_date=line["care_date"], quantity=int(line["quantity"]),
                     billed_amount=line["billed_amount"], ald=bool(line.get("ald", False)),
                     prior_agreement_ref=line.get("prior_agreement_ref") or None)


def claim_estimate(*, beneficiary: Beneficiary, sector: str, lines: Iterable[LineInput | Mapping],
                   received_on: date | None = None) -> ClaimResult:
    """What liquidation would give for these lines if the file were received on `received_on` (today by
    default). Raises claims.liquidation.InvalidClaimInput on input intake would refuse."""
    received_on = received_on or timezone.localdate()
    claim = ClaimInput(received_on=received_on, sector=sector_of(sector), lines=tuple(_line(line) for line in lines),
                       sister_mutual=not beneficiary.member.mutual.is_ours)
    reference = reference_data()
    contexts = beneficiaries_read(beneficiary_ids=[beneficiary.pk])
    context = contexts[beneficiary.pk]
    facts_complete(contexts, reference, extra_care_dates=[line.care_date for line in claim.lines],
                   need_agreements=True)
    return liquidate(claim=claim, affiliations=context.affiliations, beneficiary=context.facts,
                     agreements=context.agreements, history=context.history, reference=reference)
