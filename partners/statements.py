"""A provider's monthly statement as files: CSV (formula-safe cells) and PDF (from an HTML template laid out by
WeasyPrint, like every printed paper: mutuelle/pdf.py)."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from mutuelle import csv_safe
from mutuelle.pdf import pdf_from_template, qr_data_uri

from .selectors import Statement


def _header() -> list[str]:
    return [_("Invoice number"), _("Tracking code"), _("Received on"), _("Status"), _("Billed"), _("AMO share"),
            _("Complementary share"), _("Paid by the mutual"), _("Member's share"), _("Payment batch")]


def _rows(statement: Statement) -> list[list[str]]:
    rows = []
    for row in statement.rows:
        claim = row.invoice.claim
        rows.append([row.invoice.number, claim.tracking_code, claim.received_on.isoformat(),
                     str(claim.get_status_display()), f"{row.billed:.2f}", f"{row.amo:.2f}",
                     f"{row.complementary:.2f}", f"{row.amo + row.complementary:.2f}", f"{row.member_share:.2f}",
                     row.batch_reference])
    return rows


def _totals(statement: Statement) -> list[str]:
    amo, comp = statement.total("amo"), statement.total("complementary")
    return [_("Total"), "", "", "", f"{statement.total('billed'):.2f}", f"{amo:.2f}", f"{comp:.2f}",
            f"{amo + comp:.2f}", f"{statement.total('member_share'):.2f}", ""]


def statement_csv(statement: Statement) -> str:
    out = io.StringIO()
    writer = csv_safe.writer(out, lineterminator="\r\n")  # an invoice number "=HYPERLINK(...)" stays text
    writer.writerow(_header())
    writer.writerows(_rows(statement))
    writer.writerow(_totals(statement))
    return out.getvalue()


def statement_pdf(statement: Statement, *, statement_url: str) -> bytes:
    """The statement as a PDF in the active language, from the template of its page's table
    (partners/_statement_table.html): letterhead, page numbers and a QR code to the statement online."""
    from members.models import Mutual

    return pdf_from_template("partners/statement_pdf.html", {
        "statement": statement, "provider": statement.provider, "mutual": Mutual.objects.filter(is_ours=True).first(),
        "statement_url": statement_url, "qr": qr_data_uri(statement_url), "printed_on": timezone.localdate(),
    })
