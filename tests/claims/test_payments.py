"""Payment batches: one transfer per payee, files paid exactly once, members without an IBAN wait, payables
from several sources."""

import csv
import io
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from claims.models import BatchStatus, ClaimFile, PaidFile, PayeeKind, PaymentBatch, Transfer
from claims.services.liquidation import claim_liquidate
from claims.services.payments import (
    BatchStateError,
    ClaimFileSource,
    Payable,
    Payee,
    member_payee,
    members_waiting_for_iban,
    payment_batch_confirm,
    payment_batch_create,
    payment_batch_export,
)

from . import liquidation_builders as b

D = Decimal


def _liquidated(member, billed="100.00", day=date(2025, 3, 10)):
    claim = b.received_file(b.self_of(member), [b.consultation(day=day, billed=billed)])
    claim_liquidate(claim_id=claim.pk)
    claim.refresh_from_db()
    return claim


@pytest.fixture
def reference(db):
    b.reference()


@pytest.mark.django_db
def test_a_batch_pays_each_member_once_for_all_his_files(reference):
    amina, karim = b.member(), b.member()
    files = [_liquidated(amina), _liquidated(amina, day=date(2025, 3, 11)), _liquidated(karim)]

    batch = payment_batch_create()

    transfers = {t.member_id: t for t in batch.transfers.all()}
    assert transfers[amina.pk].amount == D("144.00") and transfers[karim.pk].amount == D("72.00")
    assert batch.total == D("216.00")
    assert PaidFile.objects.filter(claim__in=files).count() == 3


@pytest.mark.django_db
def test_running_the_batch_job_again_pays_nothing_twice(reference):
    _liquidated(b.member())
    assert payment_batch_create() is not None

    assert payment_batch_create() is None
    assert PaidFile.objects.count() == 1 and PaymentBatch.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_file_in_two_transfers(reference):
    claim = _liquidated(b.member())
    batch = payment_batch_create()
    transfer = batch.transfers.get()
    other = Transfer.objects.create(batch=PaymentBatch.objects.create(reference="PB-OTHER"), member=transfer.member,
                                    iban=transfer.iban, amount=transfer.amount, reference="OTHER-1")

    with pytest.raises(IntegrityError), transaction.atomic():
        PaidFile.objects.create(claim=claim, transfer=other, amount=transfer.amount)


@pytest.mark.django_db
def test_a_member_without_a_valid_iban_waits_and_is_flagged(reference):
    no_iban, bad_iban = b.member(iban=""), b.member(iban="MA00 1234")
    waiting = [_liquidated(no_iban), _liquidated(bad_iban)]
    paid = _liquidated(b.member())

    batch = payment_batch_create()

    assert list(PaidFile.objects.values_list("claim_id", flat=True)) == [paid.pk]
    assert {m.pk for m in members_waiting_for_iban()} == {no_iban.pk, bad_iban.pk}
    assert all(m.waiting_amount == D("72.00") for m in members_waiting_for_iban())
    assert batch.transfers.count() == 1 and not PaidFile.objects.filter(claim__in=waiting).exists()


@pytest.mark.django_db
def test_rejected_and_zero_files_are_not_paid(reference):
    member = b.member()
    late = b.received_file(b.self_of(member), [b.consultation()], received_on=date(2025, 6, 1))
    claim_liquidate(claim_id=late.pk)

    assert payment_batch_create() is None


@pytest.mark.django_db
def test_the_export_lists_iban_name_amount_and_reference_and_confirming_pays_the_files(reference, superuser):
    member = b.member()
    claim = _liquidated(member)
    batch = payment_batch_create()

    rows = list(csv.reader(io.StringIO(payment_batch_export(batch=batch))))

    transfer = batch.transfers.get()
    assert rows == [["iban", "name", "amount", "reference"],
                    [member.iban, f"{member.last_name} {member.first_name}".upper(), "72.00", transfer.reference]]
    assert payment_batch_confirm(batch=batch, by=superuser) == 1
    claim.refresh_from_db()
    assert claim.status == "paid" and claim.status_changes.last().changed_by == superuser
    assert payment_batch_confirm(batch=batch, by=superuser) == 0
    assert PaymentBatch.objects.get().status == BatchStatus.CONFIRMED
    with pytest.raises(BatchStateError):
        payment_batch_export(batch=batch)


@pytest.mark.django_db
def test_a_batch_must_be_exported_before_it_is_confirmed(reference):
    _liquidated(b.member())
    with pytest.raises(BatchStateError):
        payment_batch_confirm(batch=payment_batch_create())


@pytest.mark.django_db(transaction=True)
def test_two_batch_jobs_at_once_pay_every_file_exactly_once():
    b.reference()
    files = [_liquidated(b.member()) for _ in range(12)]
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            payment_batch_create()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(PaidFile.objects.values_list("claim_id", flat=True)) == sorted(f.pk for f in files)
    assert sum(PaidFile.objects.values_list("amount", flat=True)) == D("72.00") * 12
    assert ClaimFile.objects.filter(status="liquidated").count() == 12


# --- payees other than members, payables from several sources ------------------------------------------------


class _HeirShares:
    """A second source for these tests: shares owed to payees who are not members (heirs), with the paid links
    kept in memory. The real sources (provident, providers) keep theirs in a table unique on the item."""

    def __init__(self, shares):
        self.shares, self.linked, self.confirmed = shares, [], []

    def lock_payables(self):
        return [Payable(item_id=pk, payee=payee, amount=amount) for pk, payee, amount in self.shares]

    def link(self, *, paid):
        self.linked += [(p.item_id, t.pk) for p, t in paid]

    def confirm(self, *, batch, by):
        self.confirmed.append(batch.pk)
        return len(self.linked)


def _heir(key, name="Alaoui Sara", iban="MA64011519000001205000534921"):
    return Payee(kind=PayeeKind.HEIR, key=key, name=name, iban=iban, reference=f"H{key}")


@pytest.mark.django_db
def test_a_batch_takes_payables_from_every_source_one_transfer_per_payee(reference):
    member = b.member()
    claim = _liquidated(member)
    owed_to_member = Payable(item_id=1, payee=member_payee(member), amount=D("1500.00"))
    heirs = _HeirShares([(7, _heir("7"), D("2142.84")), (8, _heir("8", "Alaoui Omar"), D("2142.86"))])
    extra = _HeirShares([])
    extra.lock_payables = lambda: [owed_to_member]

    batch = payment_batch_create(sources=[ClaimFileSource(), heirs, extra])

    transfers = {(t.payee_kind, t.payee_key): t for t in batch.transfers.all()}
    assert set(transfers) == {("member", str(member.pk)), ("heir", "7"), ("heir", "8")}
    mine = transfers[("member", str(member.pk))]
    assert mine.amount == D("1572.00") and mine.member == member and mine.files.get().claim == claim
    assert transfers[("heir", "7")].member is None and transfers[("heir", "7")].payee_name == "Alaoui Sara"
    assert transfers[("heir", "8")].reference == f"{batch.reference}-H8"
    assert heirs.linked == [(7, transfers[("heir", "7")].pk), (8, transfers[("heir", "8")].pk)]
    assert batch.total == D("1572.00") + D("4285.70")
    rows = list(csv.reader(io.StringIO(payment_batch_export(batch=batch))))
    assert ["MA64011519000001205000534921", "ALAOUI OMAR", "2142.86", f"{batch.reference}-H8"] in rows


@pytest.mark.django_db
def test_the_database_refuses_two_transfers_to_one_payee_in_a_batch_and_a_member_transfer_without_member():
    batch = PaymentBatch.objects.create(reference="PB-X")
    Transfer.objects.create(batch=batch, payee_kind=PayeeKind.HEIR, payee_key="5", payee_name="A", iban="MA1",
                            amount=D("1.00"), reference="PB-X-H5")

    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(batch=batch, payee_kind=PayeeKind.HEIR, payee_key="5", payee_name="A", iban="MA1",
                                amount=D("2.00"), reference="PB-X-H5b")
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(batch=batch, payee_kind=PayeeKind.MEMBER, payee_key="9", payee_name="A",
                                iban="MA1", amount=D("2.00"), reference="PB-X-9")

