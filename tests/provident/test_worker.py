"""The worked examples through the real path: the API → the provident queue of a real Celery worker → review →
the payment batch job on the worker → one transfer per payee."""

from datetime import date
from decimal import Decimal

import pytest

from claims.models import Transfer
from claims.tasks import periodic_payment_batch
from provident.models import ProvidentRequest
from tests.api.conftest import client_for
from tests.factories import UserFactory
from tests.worker import wait_for

from . import builders as b

D = Decimal
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _status(pk: int) -> str:
    return ProvidentRequest.objects.values_list("status", flat=True).get(pk=pk)


def _upload(client, pk, kind, heir=None):
    data = {"kind": kind, "scan": b.upload(f"{kind}.pdf")}
    if heir:
        data["heir"] = heir
    response = client.post(f"/api/v1/provident-requests/{pk}/documents/", data, format="multipart")
    assert response.status_code == 201, response.content


def test_example_4_heirs_file_at_taounate_the_worker_liquidates_and_each_heir_is_paid(celery_worker):
    b.reference()
    m, agent, second = b.member(), b.desk_agent("taounate"), b.liquidator()
    heirs = [{"first_name": f"Heir{i}", "last_name": "Alami", "cin": f"HT{i:05d}", "relation": relation,
              "iban": b.iban(910_000 + i), "share": share}
             for i, (relation, share) in enumerate([("spouse", "1/8"), ("son", "7/24"), ("son", "7/24"),
                                                    ("daughter", "7/24")], 1)]
    desk = client_for(agent)
    response = desk.post("/api/v1/provident-requests/", {
        "member": m.pk, "benefit": "MEMBER_DEATH", "event_date": "2025-05-20", "received_on": "2025-06-02",
        "heirs": heirs, "contact_name": "Heir1 Alami", "contact_phone": "0612345678", "language": "fr"},
        format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "incomplete"
    for kind in ("death_certificate", "heirs_certificate"):
        _upload(desk, created["id"], kind)
    for heir in created["heirs"]:
        _upload(desk, created["id"], "heir_cin", heir["id"])
        _upload(desk, created["id"], "heir_bank", heir["id"])

    wait_for(lambda: _status(created["id"]) == "in_review", what="the provident worker to liquidate the request")
    assert client_for(agent).post(f"/api/v1/provident-requests/{created['id']}/approve/").status_code == 403
    approved = client_for(second).post(f"/api/v1/provident-requests/{created['id']}/approve/", {}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "liquidated"
    assert [h["amount"] for h in approved.json()["heirs"]] == ["1875.00", "4375.00", "4375.00", "4375.00"]

    periodic_payment_batch.delay()
    periodic_payment_batch.delay()
    wait_for(lambda: Transfer.objects.filter(payee_kind="heir").count() == 4, what="the payment batch")
    wait_for(lambda: sum(1 for line in celery_worker.log.read_text().splitlines()
                         if "periodic_payment_batch" in line and "succeeded" in line) == 2, what="both jobs")
    transfers = {t.payee_key: t for t in Transfer.objects.filter(payee_kind="heir")}
    assert Transfer.objects.count() == 4
    for heir in approved.json()["heirs"]:
        assert (transfers[str(heir["id"])].iban, transfers[str(heir["id"])].amount) == (heir["iban"],
                                                                                     D(heir["amount"]))
    detail = client_for(agent).get(f"/api/v1/provident-requests/{created['id']}/").json()
    assert all(h["paid_by"] for h in detail["heirs"])


def test_example_1_a_retiree_asks_online_the_worker_sends_it_to_review_a_liquidator_approves(celery_worker):
    b.reference()
    user = UserFactory()
    m = b.member(user=user)
    client = client_for(user)

    response = client.post("/api/v1/me/provident-requests/", {"benefit": "RETIREMENT", "event_date": "2024-03-01"},
                           format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    ProvidentRequest.objects.filter(pk=pk).update(received_on=date(2024, 4, 10))  # the example's receipt date
    document = client.post(f"/api/v1/me/provident-requests/{pk}/documents/",
                           {"kind": "retirement_decision", "scan": b.upload("decision.pdf")}, format="multipart")
    assert document.status_code == 201, document.content

    wait_for(lambda: _status(pk) == "in_review", what="the worker")
    detail = client.get(f"/api/v1/me/provident-requests/{pk}/").json()
    assert (detail["seniority_days"], detail["seniority_years"], detail["amount"]) == (12235, 33, "30000.00")
    assert client_for(b.liquidator()).post(f"/api/v1/provident-requests/{pk}/approve/").status_code == 200
    periodic_payment_batch.delay()
    wait_for(lambda: Transfer.objects.filter(member=m).exists(), what="the payment batch")
    assert Transfer.objects.get(member=m).amount == D("30000.00")


def test_examples_7_and_8_child_deaths_at_a_desk_one_paid_the_second_already_paid(celery_worker):
    b.reference()
    m = b.member(periods=((date(2015, 1, 1), None, "active"),))
    child = b.child(m)
    desk = client_for(b.desk_agent("sefrou"))
    ids = []
    for _ in range(2):
        response = desk.post("/api/v1/provident-requests/", {
            "member": m.pk, "benefit": "CHILD_DEATH", "event_date": "2025-03-01", "received_on": "2025-03-20",
            "deceased": child.pk}, format="json")
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
        _upload(desk, ids[-1], "death_certificate")
        wait_for(lambda pk=ids[-1]: _status(pk) in ("liquidated", "rejected"), what="the worker")

    first, second = (ProvidentRequest.objects.get(pk=pk) for pk in ids)
    assert (first.status, first.amount) == ("liquidated", D("1500.00"))
    assert (second.status, second.reason_code) == ("rejected", "ALREADY_PAID")
