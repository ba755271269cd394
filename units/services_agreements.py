"""The desk's side of prior agreements: a request for a beneficiary with its documents, optionally for a lab
order (so the denture's PAD file carries the agreement). The decision is the liquidator's
(claims.services.agreements)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from claims.services.agreements import prior_agreement_request
from claims.uploads import scan_check
from members.models import Beneficiary

from .models import AgreementDocument, LabOrder, ServiceUnit


@transaction.atomic
def desk_agreement_request(*, unit: ServiceUnit, by, beneficiary: Beneficiary, act_codes: list[str],
                           valid_from: date, valid_to: date, notes: str = "", documents=(),
                           lab_order: LabOrder | None = None):
    """Records the request and its scans. Every scan is checked first: one bad scan refuses the whole request
    (ValidationError naming the file), so nothing half-recorded reaches the liquidator."""
    if not documents:
        raise ValidationError({"documents": [_("Attach at least one document (quote, prescription).")]})
    checked = []
    for upload in documents:
        try:
            checked.append((upload, scan_check(upload)))
        except ValidationError as error:
            raise ValidationError({"documents": [f"{upload.name}: {' '.join(error.messages)}"]}) from None
    if lab_order is not None and lab_order.beneficiary_id != beneficiary.pk:
        raise ValidationError({"beneficiary": [_("This lab order is for another beneficiary.")]})
    try:
        agreement = prior_agreement_request(beneficiary=beneficiary, act_codes=act_codes, valid_from=valid_from,
                                            valid_to=valid_to, notes=notes)
    except ValueError as error:
        raise ValidationError(str(error)) from None
    for upload, scan in checked:
        document = AgreementDocument(agreement=agreement, unit=unit, original_name=scan.display_name,
                                     content_type=scan.content_type, size=scan.size, sha256=scan.sha256,
                                     uploaded_by=by)
        document.file.save(scan.storage_name(), scan.content(upload), save=False)
        document.save()
    if lab_order is not None:
        lab_order = LabOrder.objects.select_for_update().get(pk=lab_order.pk)
        lab_order.prior_agreement = agreement
        lab_order._history_user = by  # type: ignore[attr-defined]  # simple_history names the agent
        lab_order.save(update_fields=["prior_agreement"])
    return agreement
