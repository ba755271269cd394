"""Intake of claim files: online drafts and submission, front-desk registration, scans.

Refusals are the closed list of claims.services.intake_checks; anything else is a warning and, later, a line
decision. Every status move goes through claims.status.claim_set_status; every write locks the beneficiary,
then the file (claims.services.locks). A file that becomes `received` is checked for its documents
(claims.services.documents): complete, it is queued for liquidation through the outbox; incomplete, it waits.
A sister mutual's file is forwarded at once and never liquidated here."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from members.models import Beneficiary, Member
from units.models import ServiceUnit
from units.scoping import units_for

from ..models import Attachment, Channel, ClaimFile, ClaimLine, ClaimStatus, DocumentKind, Sector
from ..models.files import tracking_code_new
from ..status import claim_set_status
from ..uploads import scan_check
from .documents import (  # noqa: F401 - re-exported: views and the API call intake.*
    Missing,
    _queue_liquidation,
    after_received,
    claim_complete,
    claim_mark_incomplete,
    claim_missing,
    mark_incomplete,
)
from .intake_checks import (  # noqa: F401 - re-exported
    ClaimAlreadySubmitted,
    LineData,
    lines_check,
    lines_warnings,
    today,
)
from .locks import beneficiary_lock, claim_lock, retry_on_deadlock

S = ClaimStatus
MAX_LINES = 40
MAX_ATTACHMENTS = 20
ATTACHABLE_STATUSES = frozenset({S.DRAFT, S.INCOMPLETE, S.RECEIVED})


def _check_beneficiary(*, member: Member, beneficiary: Beneficiary) -> None:
    if beneficiary.member_id != member.pk:
        raise ValidationError({"beneficiary": _("This person is not a beneficiary of this member.")},
                              code="other_member")


# --- creating files ----------------------------------------------------------------------------------------------


def _existing_for_key(*, by, idempotency_key: str) -> ClaimFile | None:
    if not idempotency_key or by is None:
        return None
    return ClaimFile.objects.filter(created_by=by, idempotency_key=idempotency_key).first()


def _file_create(*, by, idempotency_key: str, **fields) -> tuple[ClaimFile, bool]:
    """Creates a file under a fresh tracking code; the same (creator, idempotency key) gives the same file."""
    for _attempt in range(5):
        existing = _existing_for_key(by=by, idempotency_key=idempotency_key)
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                return ClaimFile.objects.create(tracking_code=tracking_code_new(), created_by=by,
                                                idempotency_key=idempotency_key, **fields), True
        except IntegrityError:
            continue  # a concurrent twin with the same key, or (astronomically rarely) a tracking code collision
    raise RuntimeError("could not create a claim file")  # pragma: no cover


def claim_draft_create(*, member: Member, beneficiary: Beneficiary, by, care_on: date | None = None,
                       sector: str = Sector.PRIVATE, provider_name: str = "", provider_ref: str = "",
                       idempotency_key: str = "") -> ClaimFile:
    """An online draft for `beneficiary`. With `care_on`, refuses a date in the future, before 1900 or before
    the birth; a beneficiary not covered on that date is only a warning (`claim.intake_warnings`)."""
    _check_beneficiary(member=member, beneficiary=beneficiary)
    warnings: list[str] = []
    if care_on is not None:
        probe = [LineData("", care_on, 1, Decimal("1.00"))]
        errors = lines_check(lines=probe, beneficiary=beneficiary, latest_care_date=today(), received=False)
        if "lines.0.care_date" in errors:
            raise ValidationError({"care_on": errors["lines.0.care_date"]})
        warnings = lines_warnings(lines=probe, beneficiary=beneficiary)
    if sector not in Sector.values:
        raise ValidationError({"sector": _("Choose the public or the private sector.")})
    claim, _created = _file_create(
        by=by, idempotency_key=idempotency_key, member=member, beneficiary=beneficiary, channel=Channel.ONLINE,
        status=S.DRAFT, sector=sector, provider_name=provider_name.strip(), provider_ref=provider_ref.strip())
    claim.intake_warnings = warnings
    return claim


def _must_be_draft(claim: ClaimFile) -> None:
    if claim.status != S.DRAFT:
        raise ClaimAlreadySubmitted(claim.tracking_code)


@retry_on_deadlock
@transaction.atomic
def claim_draft_update(*, claim: ClaimFile, sector: str, provider_name: str = "", provider_ref: str = "") -> ClaimFile:
    claim = claim_lock(claim.pk)
    _must_be_draft(claim)
    if sector not in Sector.values:
        raise ValidationError({"sector": _("Choose the public or the private sector.")})
    claim.sector, claim.provider_name, claim.provider_ref = sector, provider_name.strip(), provider_ref.strip()
    claim.save(update_fields=["sector", "provider_name", "provider_ref", "updated_at"])
    return claim


def _raise_line_errors(errors: dict[str, list[str]], *, single: bool) -> None:
    if not errors:
        return
    if single:  # one line being added: the form's own field names
        raise ValidationError({key.rsplit(".", 1)[-1]: messages for key, messages in errors.items()})
    raise ValidationError(errors)


@retry_on_deadlock
@transaction.atomic
def claim_line_add(*, claim: ClaimFile, line: LineData) -> ClaimLine:
    """Adds a line to an online draft, refusing what liquidation must never see (the closed list)."""
    claim = claim_lock(claim.pk)
    _must_be_draft(claim)
    _raise_line_errors(lines_check(lines=[line], beneficiary=claim.beneficiary, latest_care_date=today(),
                                   received=False), single=True)
    last = claim.lines.aggregate(last=Max("position"))["last"] or 0
    if claim.lines.count() >= MAX_LINES:
        raise ValidationError(_("A file holds at most %(count)d lines; file the rest separately.")
                              % {"count": MAX_LINES})
    added = ClaimLine.objects.create(claim=claim, position=last + 1, act_id=line.act_code, care_date=line.care_date,
                                     quantity=line.quantity, billed_amount=line.billed_amount, ald=line.ald,
                                     prior_agreement_ref=line.prior_agreement_ref.strip())
    added.intake_warnings = lines_warnings(lines=[line], beneficiary=claim.beneficiary)
    return added


@retry_on_deadlock
@transaction.atomic
def claim_line_remove(*, claim: ClaimFile, line_id: int) -> None:
    claim = claim_lock(claim.pk)
    _must_be_draft(claim)
    claim.lines.filter(pk=line_id).delete()


def attachment_add(*, claim: ClaimFile, upload: UploadedFile, kind: str, by) -> Attachment:
    """Stores a checked scan under a generated name; the original name is kept as display text only."""
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Choose what this document is.")})
    checked = scan_check(upload)
    with transaction.atomic():
        claim = claim_lock(claim.pk)
        if claim.status not in ATTACHABLE_STATUSES:
            raise ValidationError(_("Documents can no longer be added to this file."), code="closed")
        if claim.attachments.count() >= MAX_ATTACHMENTS:
            raise ValidationError(_("A file holds at most %(count)d documents.") % {"count": MAX_ATTACHMENTS})
        attachment = Attachment(claim=claim, kind=kind, original_name=checked.display_name,
                                content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
                                uploaded_by=by)
        upload.seek(0)
        attachment.file.save(checked.storage_name(), checked.content(upload), save=False)
        # The scan is on disk before the row commits; if the transaction rolls back, remove it again.
        stored = attachment.file.name
        try:
            attachment.save()
        except Exception:
            if stored:
                attachment.file.storage.delete(stored)
            raise
    return attachment


@retry_on_deadlock
@transaction.atomic
def attachment_remove(*, claim: ClaimFile, attachment_id: int) -> None:
    claim = claim_lock(claim.pk)
    _must_be_draft(claim)
    attachment = claim.attachments.filter(pk=attachment_id).first()
    if attachment is not None:
        name, storage = attachment.file.name, attachment.file.storage
        attachment.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))


# --- receipt -----------------------------------------------------------------------------------------------------


def _receive(claim: ClaimFile, *, by, missing_documents: str = "", missing: Sequence[Missing] = ()) -> None:
    # A file going straight on to `forwarded` or `incomplete` sends one message, about where it ends up.
    quiet = not claim.member.mutual.is_ours or bool(missing_documents) or bool(missing)
    claim_set_status(claim=claim, to_status=S.RECEIVED, by=by, notify=not quiet)
    after_received(claim, by=by, missing_documents=missing_documents, missing=missing)


@retry_on_deadlock
def claim_submit(*, claim: ClaimFile, by) -> ClaimFile:
    """Sends an online draft: it is received today, then priced, or `incomplete` when a required scan is
    missing. A second submission raises ClaimAlreadySubmitted and changes nothing (the row lock and the
    conditional status update let only one through)."""
    with transaction.atomic():
        claim = claim_lock(claim.pk)
        _must_be_draft(claim)
        lines = list(claim.lines.order_by("position"))
        if not lines:
            raise ValidationError(_("Add at least one line of care before sending the file."), code="no_lines")
        on = today()
        data = [LineData(line.act_id, line.care_date, line.quantity, line.billed_amount, line.ald,
                         line.prior_agreement_ref) for line in lines]
        errors = lines_check(lines=data, beneficiary=claim.beneficiary, latest_care_date=on, received=False)
        if errors:
            raise ValidationError([
                _("Line %(number)d: %(message)s") % {"number": int(key.split(".")[1]) + 1, "message": message}
                for key, messages in errors.items() for message in messages])
        total = sum((line.billed_amount for line in lines), Decimal("0.00"))
        ClaimFile.objects.filter(pk=claim.pk).update(received_on=on, total_billed=total)
        claim.received_on, claim.total_billed = on, total
        _receive(claim, by=by, missing=claim_missing(claim))
    claim.intake_warnings = lines_warnings(lines=data, beneficiary=claim.beneficiary)
    return claim


@retry_on_deadlock
@transaction.atomic
def claim_register_at_desk(*, member: Member, beneficiary: Beneficiary, unit: ServiceUnit, by, received_on: date,
                           lines: list[LineData], sector: str = Sector.PRIVATE, provider_name: str = "",
                           provider_ref: str = "", missing_documents: str = "", documents: list[str] | None = None,
                           idempotency_key: str = "") -> ClaimFile:
    """A paper file handed in at `unit`'s front desk, received on `received_on` (today or earlier). The file is
    registered (and a receipt can be printed) whatever the rule book will decide; `claim.intake_warnings`
    says what liquidation will probably refuse.

    `documents`: the kinds the agent checked in the papers; those the lines need and the papers lack make the
    file `incomplete` (None: the agent checked the papers and lists what is missing in `missing_documents`).
    The same idempotency key from the same agent returns the file already registered (a double click)."""
    if not units_for(by).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("Your account is not on this unit's staff."))
    existing = _existing_for_key(by=by, idempotency_key=idempotency_key)
    if existing is not None:
        return existing
    errors: dict[str, list[str]] = {}
    if received_on > today():
        errors["received_on"] = [_("The date of receipt cannot be in the future.")]
    if beneficiary.member_id != member.pk:
        errors["beneficiary"] = [_("This person is not a beneficiary of this member.")]
    if sector not in Sector.values:
        errors["sector"] = [_("Choose the public or the private sector.")]
    if not lines:
        errors["lines"] = [_("Enter at least one line of care.")]
    elif len(lines) > MAX_LINES:
        errors["lines"] = [_("A file holds at most %(count)d lines; file the rest separately.")
                           % {"count": MAX_LINES}]
    if documents is not None and set(documents) - set(DocumentKind.values):
        errors["documents"] = [_("Choose the documents from the list.")]
    if errors:
        raise ValidationError(errors)
    _raise_line_errors(lines_check(lines=lines, beneficiary=beneficiary, latest_care_date=received_on,
                                   received=True), single=False)
    beneficiary_lock(beneficiary.pk)
    claim, created = _file_create(
        by=by, idempotency_key=idempotency_key, member=member, beneficiary=beneficiary, channel=Channel.FRONT_DESK,
        unit=unit, status=S.DRAFT, sector=sector, provider_name=provider_name.strip(),
        provider_ref=provider_ref.strip(), received_on=received_on,
        total_billed=sum((line.billed_amount for line in lines), Decimal("0.00")))
    if not created:
        return claim
    ClaimLine.objects.bulk_create([
        ClaimLine(claim=claim, position=index, act_id=line.act_code, care_date=line.care_date,
                  quantity=line.quantity, billed_amount=line.billed_amount, ald=line.ald,
                  prior_agreement_ref=line.prior_agreement_ref.strip())
        for index, line in enumerate(lines, start=1)])
    claim = claim_lock(claim.pk)
    missing = [] if documents is None else claim_missing(claim, present=documents)
    _receive(claim, by=by, missing_documents=missing_documents.strip(), missing=missing)
    claim.intake_warnings = lines_warnings(lines=lines, beneficiary=beneficiary)
    return claim
