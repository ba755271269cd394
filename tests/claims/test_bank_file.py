"""The bank file of a payment batch: ISO 20022 pain.001.001.03, validated against the official XSD, one credit
transfer per Transfer (members, heirs, providers), debiting the mutual's own account."""

from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
import sepaxml
import xmlschema
from django.urls import reverse

from claims.models import BatchStatus, PayeeKind, PaymentBatch, Transfer
from claims.services.bank_file import BankFileError, payment_batch_export_pain001, payment_batch_pain001
from claims.services.payments import BatchStateError
from tests.factories import MemberFactory

XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
DEBTOR_IBAN = "MA10007640000123456789012345"
D = Decimal


@pytest.fixture
def debtor(settings):
    settings.PAYMENT_DEBTOR_NAME = "Mutuelle Generale du Personnel"
    settings.PAYMENT_DEBTOR_IBAN = "MA10 0076 4000 0123 4567 8901 2345"
    settings.PAYMENT_DEBTOR_BIC = "BCMAMAMC"


@pytest.fixture
def batch(db):
    batch = PaymentBatch.objects.create(reference="PB-20260301-ABC123", total=D("3146.41"))
    amina = MemberFactory(membership_number="0000000018")
    rows = [
        (PayeeKind.MEMBER, str(amina.pk), "BENNANI Amina", amina, "MA89 0117 8000 0012 3456 7890 1234", "72.00",
         "PB-20260301-ABC123-0000000018"),
        (PayeeKind.HEIR, "17", "AÏT EL HAJ Fatima-Zahra", None, "MA89011780000012345678901234", "1875.00",
         "PB-20260301-ABC123-H17"),
        (PayeeKind.PROVIDER, "3", "CHU Hassan II de Fès", None, "MA10007640000123456789012345", "1199.41",
         "PB-20260301-ABC123-P3"),
    ]
    for kind, key, name, member, iban, amount, reference in rows:
        Transfer.objects.create(batch=batch, payee_kind=kind, payee_key=key, payee_name=name, member=member,
                                iban=iban, amount=D(amount), reference=reference)
    return batch


def _tree(document: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(document)


def test_the_bank_file_is_valid_against_the_pain_001_001_03_schema(debtor, batch):
    document = payment_batch_pain001(batch=batch, execution_date=date(2026, 3, 2))
    schema = xmlschema.XMLSchema(str(XSD))
    assert "iso20022" in XSD.read_text()[:400]  # the official message definition, not a home-made schema
    schema.validate(document.decode())
    root = _tree(document)
    assert root.tag == "{urn:iso:std:iso:20022:tech:xsd:pain.001.001.03}Document"


def test_the_bank_file_holds_one_credit_transfer_per_transfer_from_the_mutuals_account(debtor, batch):
    root = _tree(payment_batch_pain001(batch=batch, execution_date=date(2026, 3, 2)))
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert header.findtext("p:MsgId", namespaces=NS) == "PB-20260301-ABC123"
    assert header.findtext("p:NbOfTxs", namespaces=NS) == "3"
    assert header.findtext("p:CtrlSum", namespaces=NS) == "3146.41"
    payment = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert payment.findtext("p:PmtMtd", namespaces=NS) == "TRF"
    assert payment.findtext("p:ReqdExctnDt", namespaces=NS) == "2026-03-02"
    assert payment.findtext("p:Dbtr/p:Nm", namespaces=NS) == "Mutuelle Generale du Personnel"
    assert payment.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == DEBTOR_IBAN
    assert payment.findtext("p:DbtrAgt/p:FinInstnId/p:BIC", namespaces=NS) == "BCMAMAMC"
    transfers = [
        (tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS), tx.findtext("p:Cdtr/p:Nm", namespaces=NS),
         tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS), tx.find("p:Amt/p:InstdAmt", NS).get("Ccy"),
         tx.findtext("p:Amt/p:InstdAmt", namespaces=NS), tx.findtext("p:RmtInf/p:Ustrd", namespaces=NS))
        for tx in payment.findall("p:CdtTrfTxInf", NS)
    ]
    assert transfers == [
        ("PB-20260301-ABC123-0000000018", "BENNANI Amina", "MA89011780000012345678901234", "MAD", "72.00",
         "PB-20260301-ABC123-0000000018"),
        ("PB-20260301-ABC123-H17", "AIT EL HAJ Fatima-Zahra", "MA89011780000012345678901234", "MAD", "1875.00",
         "PB-20260301-ABC123-H17"),
        ("PB-20260301-ABC123-P3", "CHU Hassan II de Fes", "MA10007640000123456789012345", "MAD", "1199.41",
         "PB-20260301-ABC123-P3"),
    ]


def test_without_the_mutuals_own_account_no_file_is_made_and_the_batch_stays_open(settings, batch):
    settings.PAYMENT_DEBTOR_IBAN = ""
    with pytest.raises(BankFileError, match="PAYMENT_DEBTOR_IBAN"):
        payment_batch_export_pain001(batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.OPEN


def test_exporting_the_bank_file_marks_the_batch_exported_and_gives_the_same_transfers_again(debtor, batch):
    first = payment_batch_export_pain001(batch=batch, execution_date=date(2026, 3, 2))
    assert batch.status == BatchStatus.EXPORTED
    again = payment_batch_export_pain001(batch=batch, execution_date=date(2026, 3, 2))
    strip = [b"CreDtTm"]  # only the creation time differs
    assert [line for line in first.split(b"<") if not line.startswith(tuple(strip))] == \
        [line for line in again.split(b"<") if not line.startswith(tuple(strip))]
    PaymentBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.CONFIRMED)
    batch.refresh_from_db()
    with pytest.raises(BatchStateError):
        payment_batch_export_pain001(batch=batch)


# --- the liquidator's download ----------------------------------------------------------------------------------


@pytest.fixture
def liquidator(client, db, settings):
    from members.models import User
    from units.models import ServiceUnit
    from units.services_staff import staff_assign

    settings.STAFF_OTP_REQUIRED = False
    unit = ServiceUnit.objects.create(code="taounate", name_fr="Taounate", name_ar="تاونات", city="Taounate",
                                      region="Fès-Meknès")
    user = User.objects.create_user("liquidator-user", password="x")
    staff_assign(user=user, unit=unit, role="liquidator")
    client.force_login(user)
    return user


def test_a_liquidator_downloads_the_bank_file_of_a_batch(client, liquidator, debtor, batch):
    response = client.get(f"/review/payments/{batch.pk}/pain001.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="PB-20260301-ABC123.pain.001.xml"'
    xmlschema.XMLSchema(str(XSD)).validate(response.content.decode())
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPORTED
    page = client.get(reverse("claims:payment_detail", args=[batch.pk])).content.decode()
    assert f"/review/payments/{batch.pk}/pain001.xml" in page and f"/review/payments/{batch.pk}/export.csv" in page


def test_without_the_mutuals_account_the_liquidator_is_told_and_nothing_is_exported(client, liquidator, settings,
                                                                                     batch):
    settings.PAYMENT_DEBTOR_IBAN = ""
    response = client.get(f"/review/payments/{batch.pk}/pain001.xml", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.redirect_chain[-1][0] == "/review/payments/"
    assert "The bank file cannot be made" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.OPEN


# --- the API and the admin --------------------------------------------------------------------------------------


def test_through_the_api_a_liquidator_downloads_the_bank_file_and_an_agent_cannot(debtor, batch):
    from members.models import User
    from tests.api.conftest import client_for
    from units.models import ServiceUnit, StaffAssignment

    unit = ServiceUnit.objects.create(code="fes", name_fr="Fès", name_ar="فاس", city="Fès", region="Fès-Meknès")
    liquidator, agent = User.objects.create_user("liq"), User.objects.create_user("agent")
    StaffAssignment.objects.create(user=liquidator, unit=unit, role="liquidator")
    StaffAssignment.objects.create(user=agent, unit=unit, role="agent")
    url = f"/api/v1/payment-batches/{batch.pk}/pain001/"
    assert client_for(agent).post(url).status_code == 403
    response = client_for(liquidator).post(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="PB-20260301-ABC123.pain.001.xml"'
    xmlschema.XMLSchema(str(XSD)).validate(response.content.decode())
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPORTED
    empty = PaymentBatch.objects.create(reference="PB-EMPTY")
    refused = client_for(liquidator, language="fr").post(f"/api/v1/payment-batches/{empty.pk}/pain001/")
    assert refused.status_code == 409 and refused.json()["code"] == "bank_file"
    assert "PB-EMPTY" in refused.json()["message"] and "virement" in refused.json()["message"]


def test_the_admin_action_gives_the_bank_file_of_one_batch(client, settings, debtor, batch):
    from members.models import User

    settings.STAFF_OTP_REQUIRED = False
    admin_user = User.objects.create_superuser("root-admin", password="x")
    client.force_login(admin_user)
    changelist = reverse("admin:claims_paymentbatch_changelist")
    response = client.post(changelist, {"action": "export_pain001", "_selected_action": [batch.pk]})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="PB-20260301-ABC123.pain.001.xml"'
    xmlschema.XMLSchema(str(XSD)).validate(response.content.decode())
    empty = PaymentBatch.objects.create(reference="PB-EMPTY")
    refused = client.post(changelist, {"action": "export_pain001", "_selected_action": [empty.pk]}, follow=True,
                          HTTP_ACCEPT_LANGUAGE="en")
    assert "PB-EMPTY holds no transfer" in refused.content.decode()
