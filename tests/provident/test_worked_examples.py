"""The worked examples 2, 3, 5 and 6 of the spec and the rules' edges through the real path: requests filed at a
desk through the API (`POST /api/v1/provident-requests/`, scans added one by one), liquidated by a real Celery
worker on the provident queue, approved by a second liquidator through the API, paid by the payment batch job run
on the worker (one transfer per payee, each heir to his own IBAN), the batch exported and confirmed (the requests
become `paid`), and a second request or a second batch paying nothing twice. (Examples 1, 4, 7 and 8 take the same
path in test_worker.py.) Edges: the 730th and 731st day, 9 and 10 years of seniority, shares of 1/7 with the
centime rule, a second request (ALREADY_PAID)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from claims.models import PaymentBatch, Transfer
from claims.services.payments import payment_batch_confirm, payment_batch_export
from claims.tasks import periodic_payment_batch
from provident.models import ProvidentRequest
from tests.api.conftest import client_for
from tests.worker import wait_for

from . import builders as b

D = Decimal
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
DECIDED = ("in_review", "liquidated", "rejected")


def _retiree(start: date, end: date):
    """A member affiliated from `start`, closed `retired` on `end`, retired the next day."""
    return b.member(periods=((start, end, "retired"), (end + timedelta(days=1), None, "retired")))


def _upload(client, pk: int, kind: str, heir: int | None = None) -> None:
    data = {"kind": kind, "scan": b.upload(f"{kind}.pdf")}
    if heir:
        data["heir"] = heir
    response = client.post(f"/api/v1/provident-requests/{pk}/documents/", data, format="multipart")
    assert response.status_code == 201, response.content


def _retirement(desk, member, event: date, received: date) -> int:
    response = desk.post("/api/v1/provident-requests/", {
        "member": member.pk, "benefit": "RETIREMENT", "event_date": event.isoformat(),
        "received_on": received.isoformat()}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "incomplete"  # the retirement decision is missing
    _upload(desk, response.json()["id"], "retirement_decision")
    return response.json()["id"]


_heir_numbers = iter(range(1, 10_000))


def _member_death(desk, member, shares: list[str]) -> dict:
    heirs = []
    for share in shares:
        n = next(_heir_numbers)
        heirs.append({"first_name": f"Heir{n}", "last_name": "Bennani", "cin": f"WX{n:05d}", "relation": "son",
                      "iban": b.iban(930_000 + n), "share": share})
    response = desk.post("/api/v1/provident-requests/", {
        "member": member.pk, "benefit": "MEMBER_DEATH", "event_date": "2025-05-20", "received_on": "2025-06-02",
        "heirs": heirs, "contact_name": "Heir Bennani", "contact_phone": "0612345678", "language": "ar"},
        format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    for kind in ("death_certificate", "heirs_certificate"):
        _upload(desk, created["id"], kind)
    for heir in created["heirs"]:
        _upload(desk, created["id"], "heir_cin", heir["id"])
        _upload(desk, created["id"], "heir_bank", heir["id"])
    return created


def _all_decided(ids) -> bool:
    return ProvidentRequest.objects.filter(pk__in=ids, status__in=DECIDED).count() == len(ids)


def _detail(client, pk: int) -> dict:
    response = client.get(f"/api/v1/provident-requests/{pk}/")
    assert response.status_code == 200, response.content
    return response.json()


def _pay_on_the_worker(celery_worker, *, batches_before: int) -> PaymentBatch:
    """The daily batch job, run by the worker; then the bank's confirmation (export, confirm) of that batch."""
    periodic_payment_batch.delay()
    wait_for(lambda: PaymentBatch.objects.count() == batches_before + 1, what="the payment batch job")
    batch = PaymentBatch.objects.latest("pk")
    payment_batch_export(batch=batch)
    payment_batch_confirm(batch=batch, by=b.liquidator())
    return batch


def test_examples_2_and_3_the_730th_day_and_9_or_10_years_through_the_api_the_worker_and_the_payment_batch(
        celery_worker):
    b.reference()
    desk, second = client_for(b.desk_agent("taounate")), client_for(b.liquidator())
    retired_on = date(2024, 3, 1)
    m_late, m_on_time = _retiree(date(1990, 9, 1), date(2024, 2, 29)), _retiree(date(1990, 9, 1), date(2024, 2, 29))
    n = _retiree(date(2012, 1, 1), date(2025, 6, 30))
    p = _retiree(date(2015, 7, 5), date(2025, 6, 30))  # 3,649 days: 9 whole years
    q = _retiree(date(2015, 7, 4), date(2025, 6, 30))  # 3,650 days: 10 whole years
    ids = {
        "731st day": _retirement(desk, m_late, retired_on, date(2026, 3, 2)),
        "730th day": _retirement(desk, m_on_time, retired_on, date(2026, 3, 1)),
        "N": _retirement(desk, n, date(2025, 7, 1), date(2025, 8, 1)),
        "P": _retirement(desk, p, date(2025, 7, 1), date(2025, 8, 1)),
        "Q": _retirement(desk, q, date(2025, 7, 1), date(2025, 8, 1)),
    }
    wait_for(lambda: _all_decided(ids.values()), what="the provident worker to decide the five requests")

    decided = {key: _detail(desk, pk) for key, pk in ids.items()}
    summary = {key: (d["status"], d["reason_code"], d["amount"], d["seniority_days"], d["seniority_years"])
               for key, d in decided.items()}
    assert summary == {
        "731st day": ("rejected", "LATE_REQUEST", "0.00", None, None),
        "730th day": ("in_review", "", "30000.00", 12235, 33),
        "N": ("in_review", "", "15000.00", 4930, 13),
        "P": ("rejected", "INSUFFICIENT_SENIORITY", "0.00", 3649, 9),
        "Q": ("in_review", "", "15000.00", 3650, 10),
    }
    assert (decided["N"]["seniority_rate"], decided["730th day"]["seniority_rate"]) == ("0.5000", "1.0000")

    for key in ("730th day", "N", "Q"):  # above 10,000.00: a second liquidator approves
        approved = second.post(f"/api/v1/provident-requests/{ids[key]}/approve/", {}, format="json")
        assert approved.status_code == 200 and approved.json()["status"] == "liquidated", approved.content
    assert second.post(f"/api/v1/provident-requests/{ids['P']}/approve/", {}, format="json").status_code == 409

    batch = _pay_on_the_worker(celery_worker, batches_before=0)
    transfers = {t.member_id: t for t in batch.transfers.all()}
    assert {member: t.amount for member, t in transfers.items()} == {
        m_on_time.pk: D("30000.00"), n.pk: D("15000.00"), q.pk: D("15000.00")}
    assert all(transfers[m.pk].iban == m.iban for m in (m_on_time, n, q))
    assert {key: _detail(desk, pk)["status"] for key, pk in ids.items()} == {
        "731st day": "rejected", "730th day": "paid", "N": "paid", "P": "rejected", "Q": "paid"}

    # A second retirement request of a member already paid: ALREADY_PAID, and the next batch pays nothing.
    again = _retirement(desk, m_on_time, retired_on, date(2026, 3, 1))
    wait_for(lambda: _all_decided([again]), what="the worker to decide the second request")
    assert (_detail(desk, again)["status"], _detail(desk, again)["reason_code"]) == ("rejected", "ALREADY_PAID")
    periodic_payment_batch.delay()
    wait_for(lambda: sum(1 for line in celery_worker.log.read_text().splitlines()
                         if "periodic_payment_batch" in line and "succeeded" in line) == 2, what="the second job")
    assert PaymentBatch.objects.count() == 1 and Transfer.objects.count() == 3


def test_examples_5_and_6_heirs_shares_thirds_sixths_sevenths_and_shares_not_adding_up(celery_worker):
    b.reference()
    desk, second = client_for(b.desk_agent("taounate")), client_for(b.liquidator())
    share_sets = {
        "thirds": ["1/3", "1/3", "1/3"],
        "sixths": ["1/6", "1/6", "2/3"],
        "sevenths": ["1/7"] * 7,
        "half and third": ["1/2", "1/3"],
    }
    members = {key: b.member() for key in share_sets}
    created = {key: _member_death(desk, members[key], shares) for key, shares in share_sets.items()}
    ids = {key: c["id"] for key, c in created.items()}
    wait_for(lambda: _all_decided(ids.values()), what="the provident worker to decide the four requests")

    decided = {key: _detail(desk, pk) for key, pk in ids.items()}
    assert {key: (d["status"], d["reason_code"], d["amount"]) for key, d in decided.items()} == {
        "thirds": ("in_review", "", "15000.00"),  # every death of a member is reviewed
        "sixths": ("in_review", "", "15000.00"),
        "sevenths": ("in_review", "", "15000.00"),
        "half and third": ("rejected", "SHARES_INVALID", "0.00"),
    }
    expected = {
        "thirds": ["5000.00"] * 3,
        "sixths": ["2500.00", "2500.00", "10000.00"],
        "sevenths": ["2142.84"] + ["2142.86"] * 6,  # 7 × 2,142.86 = 15,000.02: the first heir gives back 0.02
        "half and third": [None, None],
    }
    assert {key: [h["amount"] for h in d["heirs"]] for key, d in decided.items()} == expected

    for key in ("thirds", "sixths", "sevenths"):
        approved = second.post(f"/api/v1/provident-requests/{ids[key]}/approve/", {}, format="json")
        assert approved.status_code == 200, approved.content

    batch = _pay_on_the_worker(celery_worker, batches_before=0)
    transfers = {t.payee_key: t for t in batch.transfers.all()}
    assert all(t.payee_kind == "heir" for t in transfers.values()) and len(transfers) == 3 + 3 + 7
    for key in ("thirds", "sixths", "sevenths"):
        paid = _detail(desk, ids[key])
        assert paid["status"] == "paid"
        for heir, amount in zip(paid["heirs"], expected[key], strict=True):
            transfer = transfers[str(heir["id"])]
            assert (transfer.iban, str(transfer.amount), heir["paid_by"]) == (heir["iban"], amount,
                                                                              transfer.reference)
        assert sum(transfers[str(h["id"])].amount for h in paid["heirs"]) == D("15000.00")
    assert batch.total == D("45000.00")

    # The heirs file again for the same member: ALREADY_PAID, nothing paid twice.
    again = _member_death(desk, members["thirds"], ["1/3", "1/3", "1/3"])
    wait_for(lambda: _all_decided([again["id"]]), what="the worker to decide the second request")
    assert _detail(desk, again["id"])["reason_code"] == "ALREADY_PAID"
    periodic_payment_batch.delay()
    wait_for(lambda: sum(1 for line in celery_worker.log.read_text().splitlines()
                         if "periodic_payment_batch" in line and "succeeded" in line) == 2, what="the second job")
    assert PaymentBatch.objects.count() == 1 and Transfer.objects.count() == 13
