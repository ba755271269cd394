"""Provident requests through the services on the real database: intake refusals, completeness, the decision
stored, four eyes, ALREADY_PAID held by the database, payment one transfer per payee, never twice."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from claims.models import PaymentBatch
from claims.services.payments import payment_batch_confirm, payment_batch_create, payment_batch_export
from provident.models import PaidShare, ProvidentRequest
from provident.services.intake import DocumentInput, document_add, request_create
from provident.services.liquidation import provident_liquidate
from provident.services.review import provident_approve, provident_reject

from . import builders as b

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reference(db):
    b.reference()


def _death(m, agent, shares, received=date(2025, 6, 2), documents=True):
    heirs = b.heirs(*shares)
    return request_create(by=agent, member=m, benefit="MEMBER_DEATH", event_date=date(2025, 5, 20),
                          received_on=received, channel="front_desk", heirs=heirs,
                          documents=b.death_documents(len(heirs)) if documents else [],
                          contact_name="Heir1 Alami", contact_phone="0612345678")


def _retirement(m, agent, received=date(2024, 4, 10)):
    return request_create(by=agent, member=m, benefit="RETIREMENT", event_date=date(2024, 3, 1),
                          received_on=received, channel="front_desk",
                          documents=[DocumentInput("retirement_decision", b.upload("decision.pdf"))])


def _decided(request):
    provident_liquidate(request_id=request.pk)
    request.refresh_from_db()
    return request


def test_example_4_the_heirs_file_at_the_desk_and_each_is_paid_on_his_own_iban_once_approved():
    m, agent, second = b.member(), b.desk_agent(), b.liquidator()
    request = _decided(_death(m, agent, ["1/8", "7/24", "7/24", "7/24"]))

    assert (request.status, request.amount) == ("in_review", D("15000.00"))
    assert payment_batch_create() is None  # nothing is paid before the second liquidator approves
    provident_approve(request=request, by=second)
    batch = payment_batch_create()

    transfers = {t.payee_key: t for t in batch.transfers.filter(payee_kind="heir")}
    heirs = list(request.heirs.order_by("position"))
    assert [transfers[str(h.pk)].amount for h in heirs] == [D("1875.00"), D("4375.00"), D("4375.00"),
                                                            D("4375.00")]
    assert [transfers[str(h.pk)].iban for h in heirs] == [h.iban for h in heirs]
    assert batch.total == D("15000.00") and batch.transfers.filter(payee_kind="member").count() == 0
    assert payment_batch_create() is None
    payment_batch_export(batch=batch)
    assert payment_batch_confirm(batch=batch, by=second) == 1
    request.refresh_from_db()
    assert request.status == "paid"
    assert list(request.status_changes.values_list("to_status", flat=True)) == ["received", "in_review",
                                                                                 "liquidated", "paid"]


def test_the_person_who_registered_a_request_cannot_approve_it():
    m, registrar = b.member(), b.liquidator()
    request = _decided(_retirement(m, registrar))

    with pytest.raises(ValidationError):
        provident_approve(request=request, by=registrar)
    with pytest.raises(PermissionDenied) as refused, translation.override("ar"):
        provident_approve(request=request, by=b.desk_agent())
    assert str(refused.value) == "لا يبتّ في طلبات الاحتياط الاجتماعي إلا المصفّون."  # the 403 page shows it
    request.refresh_from_db()
    assert request.status == "in_review"


def test_a_rejection_in_review_needs_a_reason_and_pays_nothing():
    m, agent, second = b.member(), b.desk_agent(), b.liquidator()
    request = _decided(_retirement(m, agent))

    with pytest.raises(ValidationError):
        provident_reject(request=request, by=second, note=" ")
    provident_reject(request=request, by=second, note="Retirement decision is not signed.")

    request.refresh_from_db()
    assert (request.status, request.decided_by, request.reason_code) == ("rejected", second, "REVIEW_REJECTED")
    assert payment_batch_create() is None


def test_example_1_the_retirement_allowance_is_paid_to_the_member_with_his_other_payables():
    m, agent = b.member(), b.desk_agent()
    request = _decided(_retirement(m, agent))
    assert (request.seniority_days, request.seniority_years, request.amount) == (12235, 33, D("30000.00"))
    provident_approve(request=request, by=b.liquidator())

    batch = payment_batch_create()

    transfer = batch.transfers.get()
    assert (transfer.payee_kind, transfer.member, transfer.amount) == ("member", m, D("30000.00"))
    assert transfer.provident_shares.get().share.request == request


def test_a_request_without_its_documents_is_incomplete_and_liquidated_once_they_are_added():
    m, agent = b.member(), b.desk_agent()
    request = _death(m, agent, ["1/2", "1/2"], documents=False)
    assert request.status == "incomplete"
    assert "death_certificate" in request.status_changes.last().reason
    assert "heir_bank (heir 2)" in request.status_changes.last().reason
    assert provident_liquidate(request_id=request.pk) is None

    for document in b.death_documents(2):
        heir = request.heirs.get(position=document.heir) if document.heir else None
        document_add(request=request, by=agent, kind=document.kind, upload=document.upload, heir=heir)

    request.refresh_from_db()
    assert request.status == "received"
    assert _decided(request).status == "in_review"


@pytest.mark.parametrize(("field", "kwargs"), [
    ("event_date", {"event_date": date(2025, 6, 3)}),
    ("received_on", {"received_on": date(2999, 1, 1), "event_date": date(2025, 1, 1)}),
])
def test_intake_refuses_impossible_dates_and_stores_nothing(field, kwargs):
    m, agent = b.member(), b.desk_agent()
    values = {"event_date": date(2025, 5, 20), "received_on": date(2025, 6, 2)} | kwargs
    with pytest.raises(ValidationError) as error:
        request_create(by=agent, member=m, benefit="MEMBER_DEATH", channel="front_desk", heirs=b.heirs("1/1"),
                       **values)
    assert field in error.value.message_dict
    assert not ProvidentRequest.objects.exists()


@pytest.mark.parametrize("bad", [{"share": "0/3"}, {"share": "-1/2"}, {"share": "half"}, {"iban": "MA00 1234"},
                                 {"cin": "123"}])
def test_intake_refuses_a_bad_share_iban_or_cin_of_an_heir(bad):
    m, agent = b.member(), b.desk_agent()
    heir = b.heirs("1/1")[0]
    with pytest.raises(ValidationError) as error:
        request_create(by=agent, member=m, benefit="MEMBER_DEATH", event_date=date(2025, 5, 20),
                       received_on=date(2025, 6, 2), channel="front_desk",
                       heirs=[type(heir)(**{**heir.__dict__, **bad})])
    assert "heirs[1]" in error.value.message_dict
    assert not ProvidentRequest.objects.exists()


def test_intake_refuses_a_deceased_who_is_not_the_members_and_the_member_death_online():
    m, other = b.member(), b.member()
    agent = b.desk_agent()
    with pytest.raises(ValidationError):
        request_create(by=agent, member=m, benefit="CHILD_DEATH", event_date=date(2025, 3, 1),
                       received_on=date(2025, 3, 20), channel="front_desk", deceased=b.child(other))
    with pytest.raises(PermissionDenied):
        request_create(by=agent, member=m, benefit="RETIREMENT", event_date=date(2024, 3, 1), channel="online")
    assert not ProvidentRequest.objects.exists()


def _child_death(m, agent, deceased, died=date(2025, 3, 1)):
    return request_create(by=agent, member=m, benefit="CHILD_DEATH", event_date=died,
                          received_on=date(2025, 9, 20), channel="front_desk", deceased=deceased,
                          documents=[DocumentInput("death_certificate", b.upload("deces.pdf"))])


def test_example_8_a_second_request_for_the_same_child_is_already_paid_another_child_is_paid():
    m, agent = b.member(periods=((date(2015, 1, 1), None, "active"),)), b.desk_agent()
    first, second_child = b.child(m), b.child(m, birth_date=date(2010, 1, 1), study=None)
    paid = _decided(_child_death(m, agent, first))
    again = _decided(_child_death(m, agent, first))
    other = _decided(_child_death(m, agent, second_child, died=date(2025, 4, 1)))

    assert (paid.status, paid.amount) == ("liquidated", D("1500.00"))
    assert (again.status, again.reason_code, again.amount) == ("rejected", "ALREADY_PAID", D("0.00"))
    assert (other.status, other.amount) == ("liquidated", D("1500.00"))
    batch = payment_batch_create()
    assert batch.transfers.get().amount == D("3000.00") and PaidShare.objects.count() == 2


def test_the_database_refuses_a_second_granted_allowance_for_the_same_deceased():
    m, agent = b.member(periods=((date(2015, 1, 1), None, "active"),)), b.desk_agent()
    deceased = b.child(m)
    _decided(_child_death(m, agent, deceased))
    twin = _child_death(m, agent, deceased)

    with pytest.raises(IntegrityError), transaction.atomic():
        ProvidentRequest.objects.filter(pk=twin.pk).update(status="liquidated")


def test_liquidating_the_same_request_again_changes_nothing():
    m, agent = b.member(), b.desk_agent()
    request = _decided(_death(m, agent, ["1/7"] * 7))

    assert provident_liquidate(request_id=request.pk) is None
    assert request.shares.count() == 7 and sum(s.amount for s in request.shares.all()) == D("15000.00")
    assert sorted(s.amount for s in request.shares.all())[0] == D("2142.84")


def test_a_member_without_a_valid_iban_waits_for_his_retirement_allowance():
    m, agent = b.member(with_iban=False), b.desk_agent()
    retirement = _decided(_retirement(m, agent))
    provident_approve(request=retirement, by=b.liquidator())

    assert payment_batch_create() is None
    assert PaymentBatch.objects.count() == 0
