"""The bank file of a payment batch: an ISO 20022 customer credit-transfer initiation, `pain.001.001.03`, the
message banks take for bulk transfers. One payment information block debits the mutual's own account (settings
PAYMENT_DEBTOR_NAME, PAYMENT_DEBTOR_IBAN, PAYMENT_DEBTOR_BIC) and holds one credit transfer (CdtTrfTxInf) per
Transfer of the batch: the payee's name and IBAN, the amount in MAD, and the transfer's reference as end-to-end id
and remittance text, so the payee's statement shows it.

Built with `sepaxml` (a maintained ISO 20022 writer) and validated against the official pain.001.001.03 XSD it ships
before it is returned: an invalid file never leaves the application. The batch reference is the message id. The CSV
(`payment_batch_csv`) stays as the report people read."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from sepaxml import SepaTransfer
from sepaxml.validation import ValidationError as SchemaValidationError

from claims.models import PaymentBatch
from claims.services.payments import payment_batch_mark_exported
from members.identifiers import normalize_iban

PAIN_001 = "pain.001.001.03"
CURRENCY = "MAD"


class BankFileError(Exception):
    """The bank file cannot be made (the mutual's own account is not configured, the batch holds no transfer, or
    the data does not fit the schema): said to the liquidator instead of a broken file, in the caller's language
    (the API answers 409 `bank_file` with it)."""


class _BatchTransfer(SepaTransfer):
    """sepaxml's writer with the batch's reference as message and payment-information id (it draws random ones)."""

    def __init__(self, config: dict, reference: str) -> None:
        self.reference = reference
        super().__init__(config, schema=PAIN_001)
        self._xml.find("CstmrCdtTrfInitn/GrpHdr/MsgId").text = reference

    def _finalize_batch(self) -> None:
        super()._finalize_batch()
        for node in self._xml.iter("PmtInfId"):
            node.text = self.reference


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_exact())


def payment_batch_pain001(*, batch: PaymentBatch, execution_date: date | None = None) -> bytes:
    """The batch's transfers as a pain.001.001.03 XML document (UTF-8 bytes), validated against the XSD."""
    name, iban = settings.PAYMENT_DEBTOR_NAME.strip(), normalize_iban(settings.PAYMENT_DEBTOR_IBAN)
    if not name or not iban:
        raise BankFileError(_("The mutual's own account is not configured: set PAYMENT_DEBTOR_NAME and "
                              "PAYMENT_DEBTOR_IBAN (and PAYMENT_DEBTOR_BIC if the bank asks for it)."))
    if not batch.transfers.exists():
        raise BankFileError(_("Batch %(reference)s holds no transfer: there is nothing to send to the bank.")
                            % {"reference": batch.reference})
    config = {"name": name, "IBAN": iban, "batch": True, "currency": CURRENCY, "domestic": True}
    if settings.PAYMENT_DEBTOR_BIC:
        config["BIC"] = settings.PAYMENT_DEBTOR_BIC.strip()
    document = _BatchTransfer(config, batch.reference)
    when = execution_date or timezone.localdate()
    for transfer in batch.transfers.order_by("reference"):
        document.add_payment({
            "name": transfer.payee_name, "IBAN": normalize_iban(transfer.iban), "amount": _cents(transfer.amount),
            "execution_date": when, "description": transfer.reference, "endtoend_id": transfer.reference,
        })
    try:
        return document.export(validate=True)
    except SchemaValidationError as error:
        raise BankFileError(_("The bank file of batch %(reference)s does not fit %(schema)s: %(error)s")
                            % {"reference": batch.reference, "schema": PAIN_001, "error": error.__cause__}) from error


def payment_batch_export_pain001(*, batch: PaymentBatch, execution_date: date | None = None) -> bytes:
    """The bank file; like the CSV, the first export moves the batch to `exported`. Nothing moves when the file
    cannot be made."""
    document = payment_batch_pain001(batch=batch, execution_date=execution_date)
    payment_batch_mark_exported(batch=batch)
    return document
