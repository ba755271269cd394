"""Intake of claim files: online drafts and submission, front-desk registration, incompleteness.

Every refusal is a ValidationError whose messages a member or an agent can act on; every status move goes
through claims.status.claim_set_status. A file that becomes `received` is queued for liquidation on commit,
unless its member belongs to a sister mutual: then it is forwarded at once and never liquidated here."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from members.models import Beneficiary, Member, StudentPeriod
from units.models import ServiceUnit
from units.scoping import units_for

from ..models import (
    Act,
    Attachment,
    Channel,
    ClaimFile,
    ClaimLine,
    ClaimStatus,
    DocumentKind,
    Sector,
    StatusChange,
)
from ..models.files import tracking_code_new
from ..status import claim_set_status
from ..uploads import scan_check

S = ClaimStatus
MAX_LINES = 40
MAX_ATTACHMENTS = 20
ATTACHABLE_STATUSES = frozenset({S.DRAFT, S.INCOMPLETE, S.RECEIVED})


class ClaimAlreadySubmitted(Exception):
    """The file has left the draft stage (a second click on "Send", another tab)."""


@dataclass(frozen=True)
class LineData:
    act_code: str
    care_date: date
    quantity: int
    billed_amount: Decimal
    ald: bool = False
    prior_agreement_ref: str = ""


def today() -> date:
    return timezone.localdate()


def _short(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


# --- checks ------------------------------------------------------------------------------------------------


def _beneficiary_with_periods(beneficiary: Beneficiary) -> Beneficiary:
    return Beneficiary.objects.prefetch_related(
        Prefetch("student_periods", queryset=StudentPeriod.objects.order_by("start"))).get(pk=beneficiary.pk)


def _check_beneficiary(*, member: Member, beneficiary: Beneficiary) -> None:
    if beneficiary.member_id != member.pk:
        raise ValidationError({"beneficiary": _("This person is not a beneficiary of this member.")},
                              code="other_member")


def _eligibility_error(*, beneficiary: Beneficiary, on: date, reference) -> str | None:
    from members.selectors import beneficiary_eligibility

    result = beneficiary_eligibility(beneficiary=beneficiary, on=on, reference=reference)
    if result.eligible:
        return None
    return _("%(name)s was not covered on %(day)s: %(reason)s") % {
        "name": beneficiary.full_name, "day": _short(on), "reason": result.reason}


def lines_check(*, lines: list[LineData], beneficiary: Beneficiary, latest_care_date: date,
                received: bool) -> dict[str, list[str]]:
    """Errors of each line, keyed "lines.<index>.<field>" (empty when every line is acceptable).

    `latest_care_date` is today for an online file, the receipt date for a paper file (`received`)."""
    from members.selectors import eligibility_reference

    errors: dict[str, list[str]] = {}
    known_acts = set(Act.objects.filter(code__in={line.act_code for line in lines}).values_list("code", flat=True))
    reference = eligibility_reference()
    beneficiary = _beneficiary_with_periods(beneficiary)

    for index, line in enumerate(lines):
        def refuse(field: str, message: str, index: int = index) -> None:
            errors.setdefault(f"lines.{index}.{field}", []).append(message)

        if line.act_code not in known_acts:
            refuse("act_code", _("Unknown act code “%(code)s”: choose the care from the list.") % {
                "code": line.act_code})
        if line.care_date > latest_care_date:
            if received:
                refuse("care_date", _("The care date (%(care)s) is after the date the file was received (%(day)s).")
                       % {"care": _short(line.care_date), "day": _short(latest_care_date)})
            else:
                refuse("care_date", _("The care date cannot be in the future."))
        else:
            error = _eligibility_error(beneficiary=beneficiary, on=line.care_date, reference=reference)
            if error:
                refuse("care_date", error)
        if not isinstance(line.quantity, int) or isinstance(line.quantity, bool) or line.quantity < 1:
            refuse("quantity", _("The quantity must be a whole number of at least 1."))
        amount = line.billed_amount
        try:
            finite = isinstance(amount, Decimal) and amount.is_finite()
        except InvalidOperation:  # pragma: no cover
            finite = False
        if not finite:
            refuse("billed_amount", _("Enter the amount in dirhams, for example 150.00."))
        elif amount <= 0:
            refuse("billed_amount", _("The amount must be above 0."))
        elif amount != amount.quantize(Decimal("0.01")):
            refuse("billed_amount", _("The amount can have at most 2 decimals (centimes)."))
        elif amount >= Decimal("1E10"):
            refuse("billed_amount", _("This amount is too large."))
        if len(line.prior_agreement_ref) > 32:
            refuse("prior_agreement_ref", _("A prior agreement reference has at most 32 characters."))
    return errors


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
    """An online draft for `beneficiary`. With `care_on`, refuses a beneficiary not covered on that date."""
    _check_beneficiary(member=member, beneficiary=beneficiary)
    if care_on is not None:
        if care_on > today():
            raise ValidationError({"care_on": _("The care date cannot be in the future.")})
        from members.selectors import eligibility_reference

        error = _eligibility_error(beneficiary=_beneficiary_with_periods(beneficiary), on=care_on,
                                   reference=eligibility_reference())
        if error:
            raise ValidationError({"beneficiary": error}, code="not_eligible")
    if sector not in Sector.values:
        raise ValidationError({"sector": _("Choose the public or the private sector.")})
    claim, _created = _file_create(
        by=by, idempotency_key=idempotency_key, member=member, beneficiary=beneficiary, channel=Channel.ONLINE,
        status=S.DRAFT, sector=sector, provider_name=provider_name.strip(), provider_ref=provider_ref.strip())
    return claim


def _locked(claim: ClaimFile) -> ClaimFile:
    return ClaimFile.objects.select_for_update().select_related("member__mutual", "beneficiary").get(pk=claim.pk)


def _must_be_draft(claim: ClaimFile) -> None:
    if claim.status != S.DRAFT:
        raise ClaimAlreadySubmitted(claim.tracking_code)


@transaction.atomic
def claim_draft_update(*, claim: ClaimFile, sector: str, provider_name: str = "", provider_ref: str = "") -> ClaimFile:
    claim = _locked(claim)
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


@transaction.atomic
def claim_line_add(*, claim: ClaimFile, line: LineData) -> ClaimLine:
    """Adds a line to an online draft, refusing what liquidation must never see."""
    claim = _locked(claim)
    _must_be_draft(claim)
    _raise_line_errors(lines_check(lines=[line], beneficiary=claim.beneficiary, latest_care_date=today(),
                                   received=False), single=True)
    last = claim.lines.aggregate(last=Max("position"))["last"] or 0
    if claim.lines.count() >= MAX_LINES:
        raise ValidationError(_("A file holds at most %(count)d lines; file the rest separately.")
                              % {"count": MAX_LINES})
    return ClaimLine.objects.create(claim=claim, position=last + 1, act_id=line.act_code, care_date=line.care_date,
                                    quantity=line.quantity, billed_amount=line.billed_amount, ald=line.ald,
                                    prior_agreement_ref=line.prior_agreement_ref.strip())


@transaction.atomic
def claim_line_remove(*, claim: ClaimFile, line_id: int) -> None:
    claim = _locked(claim)
    _must_be_draft(claim)
    claim.lines.filter(pk=line_id).delete()


def attachment_add(*, claim: ClaimFile, upload: UploadedFile, kind: str, by) -> Attachment:
    """Stores a checked scan under a generated name; the original name is kept as display text only."""
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Choose what this document is.")})
    checked = scan_check(upload)
    with transaction.atomic():
        claim = _locked(claim)
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
            attachment.file.storage.delete(stored)
            raise
    return attachment


@transaction.atomic
def attachment_remove(*, claim: ClaimFile, attachment_id: int) -> None:
    claim = _locked(claim)
    _must_be_draft(claim)
    attachment = claim.attachments.filter(pk=attachment_id).first()
    if attachment is not None:
        name, storage = attachment.file.name, attachment.file.storage
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(name))


# --- receipt -----------------------------------------------------------------------------------------------------


def _queue_liquidation(claim_id: int) -> None:
    from outbox.services import outbox_enqueue

    outbox_enqueue(task="claims.tasks.liquidate_claim", args=[claim_id])


def _after_received(claim: ClaimFile, *, by, missing_documents: str = "") -> None:
    """What follows a move to `received`: forward a sister mutual's file, mark a file incomplete, or queue
    its liquidation."""
    mutual = claim.member.mutual
    if not mutual.is_ours:
        claim_set_status(claim=claim, to_status=S.FORWARDED, by=by, reason=mutual.name_fr)
    elif missing_documents:
        _mark_incomplete(claim, by=by, missing_documents=missing_documents)
    else:
        _queue_liquidation(claim.pk)


def _receive(claim: ClaimFile, *, by, missing_documents: str = "") -> None:
    # A file going straight on to `forwarded` or `incomplete` sends one message, about where it ends up.
    quiet = not claim.member.mutual.is_ours or bool(missing_documents)
    claim_set_status(claim=claim, to_status=S.RECEIVED, by=by, notify=not quiet)
    _after_received(claim, by=by, missing_documents=missing_documents)


def claim_submit(*, claim: ClaimFile, by) -> ClaimFile:
    """Sends an online draft: it is received today. A second submission raises ClaimAlreadySubmitted and
    changes nothing (the row lock and the conditional status update let only one through)."""
    with transaction.atomic():
        claim = _locked(claim)
        _must_be_draft(claim)
        lines = list(claim.lines.order_by("position"))
        if not lines:
            raise ValidationError(_("Add at least one line of care before sending the file."), code="no_lines")
        if not claim.attachments.exists():
            raise ValidationError(_("Attach the scans of your documents before sending the file."),
                                  code="no_documents")
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
        _receive(claim, by=by)
    return claim


@transaction.atomic
def claim_register_at_desk(*, member: Member, beneficiary: Beneficiary, unit: ServiceUnit, by, received_on: date,
                           lines: list[LineData], sector: str = Sector.PRIVATE, provider_name: str = "",
                           provider_ref: str = "", missing_documents: str = "",
                           idempotency_key: str = "") -> ClaimFile:
    """A paper file handed in at `unit`'s front desk, received on `received_on` (today or earlier).

    The same idempotency key from the same agent returns the file already registered (a double click)."""
    if not units_for(by).filter(pk=unit.pk).exists():
        raise PermissionDenied("not an agent of this unit")
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
    if errors:
        raise ValidationError(errors)
    _raise_line_errors(lines_check(lines=lines, beneficiary=beneficiary, latest_care_date=received_on,
                                   received=True), single=False)
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
    claim = _locked(claim)
    _receive(claim, by=by, missing_documents=missing_documents.strip())
    return claim


# --- incomplete files ------------------------------------------------------------------------------------------


def _mark_incomplete(claim: ClaimFile, *, by, missing_documents: str) -> StatusChange:
    ClaimFile.objects.filter(pk=claim.pk).update(missing_documents=missing_documents)
    claim.missing_documents = missing_documents
    return claim_set_status(claim=claim, to_status=S.INCOMPLETE, by=by, reason=missing_documents)


@transaction.atomic
def claim_mark_incomplete(*, claim: ClaimFile, by, missing_documents: str) -> ClaimFile:
    """Staff found documents missing: the member is told which, and the file waits for them."""
    missing_documents = missing_documents.strip()
    if not missing_documents:
        raise ValidationError({"missing_documents": _("List the missing documents.")})
    claim = _locked(claim)
    _mark_incomplete(claim, by=by, missing_documents=missing_documents)
    return claim


@transaction.atomic
def claim_complete(*, claim: ClaimFile, by, require_new_documents: bool = True) -> ClaimFile:
    """The missing documents are in: the file is received again and goes on to liquidation.

    A member must have added at least one document since the file was marked incomplete; staff who received
    the papers at the desk need not (`require_new_documents=False`)."""
    claim = _locked(claim)
    if claim.status != S.INCOMPLETE:
        raise ClaimAlreadySubmitted(claim.tracking_code)
    if require_new_documents:
        since = (claim.status_changes.filter(to_status=S.INCOMPLETE).aggregate(last=Max("changed_at"))["last"])
        if not claim.attachments.filter(uploaded_at__gt=since).exists():
            raise ValidationError(_("Add the missing documents first."), code="no_new_documents")
    ClaimFile.objects.filter(pk=claim.pk).update(missing_documents="")
    claim.missing_documents = ""
    claim_set_status(claim=claim, to_status=S.RECEIVED, by=by, reason=_("Missing documents added."))
    _after_received(claim, by=by)
    return claim

