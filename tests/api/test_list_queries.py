"""Every API list takes the same number of queries for one row and for many."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import Act, PaymentBatch, PriorAgreement
from members.models import ChangeRequest
from tests.factories import MemberFactory
from units.models import Service, ServiceUnit, Slot
from units.services import appointment_book, lab_order_create, visit_create

from .conftest import client_for

pytestmark = pytest.mark.django_db
MORE = 15
SEQ = itertools.count()


def _slots(side, n):
    service = Service.objects.get(code="dental_care")
    start = timezone.now() + timedelta(days=3)
    return [Slot.objects.create(unit=side.unit, service=service, practitioner_name=f"Dr {i}",
                                start=start + timedelta(hours=i), end=start + timedelta(hours=i, minutes=30))
            for i in range(n)]


def _appointments(cast, n):
    beneficiary = cast.x.member.beneficiaries.get(relation="member")
    for slot in _slots(cast.x, n):
        appointment_book(slot=slot, beneficiary=beneficiary, by=cast.x.agent)


def _agreements(cast, n):
    beneficiary = cast.x.member.beneficiaries.get(relation="member")
    acts = list(Act.objects.filter(code__in=["HOSP", "PAD"]))
    for _ in range(n):
        agreement = PriorAgreement.objects.create(reference=f"PA-more-{next(SEQ)}", beneficiary=beneficiary,
                                                  valid_from=timezone.localdate(),
                                                  valid_to=timezone.localdate() + timedelta(days=30))
        agreement.acts.set(acts)


def _units(cast, n):
    services = list(Service.objects.all())
    for _ in range(n):
        code = f"u{next(SEQ)}"
        ServiceUnit.objects.create(code=code, name_fr=code, name_ar="و", city="C", region="R").services.set(services)


def _change_requests(cast, n):
    for i in range(n):
        ChangeRequest.objects.create(member=cast.x.member, field="address", new_value=f"{i} rue", status="applied")


GROW = {
    "/api/v1/members/": ("agent", lambda cast, n: [MemberFactory() for _ in range(n)]),
    "/api/v1/me/appointments/": ("member", _appointments),
    "/api/v1/appointments/": ("agent", _appointments),
    "/api/v1/slots/": ("agent", lambda cast, n: _slots(cast.x, n)),
    "/api/v1/free-slots/?unit=x": ("member", lambda cast, n: _slots(cast.x, n)),
    "/api/v1/visits/": ("agent", lambda cast, n: [visit_create(unit=cast.x.unit, by=cast.x.agent,
                                                               visitor_name=f"V{i}") for i in range(n)]),
    "/api/v1/lab-orders/": ("agent", lambda cast, n: [lab_order_create(
        unit=cast.x.unit, beneficiary=cast.x.member.beneficiaries.first(), practitioner_name="Dr",
        price=Decimal("100.00"), by=cast.x.agent) for _ in range(n)]),
    "/api/v1/prior-agreements/": ("agent", _agreements),
    "/api/v1/me/prior-agreements/": ("member", _agreements),
    "/api/v1/payment-batches/": ("liquidator", lambda cast, n: [PaymentBatch.objects.create(
        reference=f"B{PaymentBatch.objects.count()}") for _ in range(n)]),
    "/api/v1/units/": ("member", _units),
    "/api/v1/change-requests/": ("agent", _change_requests),
    "/api/v1/me/change-requests/": ("member", _change_requests),
    "/api/v1/acts/": ("agent", lambda cast, n: [Act.objects.create(code=f"X{Act.objects.count()}", name_en="x",
                                                                   name_fr="x", name_ar="x") for _ in range(n)]),
}
# Reference lists already hold many rows: one row through a filter against all of them.
FILTERED = {
    "/api/v1/categories/": "?code=CONSULTATION",
    "/api/v1/category-rates/": "?effective_from=2023-01-01&category=CONSULTATION",
    "/api/v1/tariff-versions/": "?act=C&in_force_on=2025-01-01",
}


def _count(client, url) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(context.captured_queries), response.json()


def _rows(body) -> int:
    return body["count"] if isinstance(body, dict) else len(body)


def _caller(cast, who):
    return {"agent": cast.x.agent, "member": cast.x.member.user, "liquidator": cast.liquidator}[who]


@pytest.mark.parametrize("url", list(GROW))
def test_a_list_takes_as_many_queries_for_many_rows_as_for_few(cast, url):
    who, grow = GROW[url]
    client = client_for(_caller(cast, who))
    grow(cast, 1)  # at least one row: an empty page skips the page query
    few_queries, few = _count(client, url)
    grow(cast, MORE)
    many_queries, many = _count(client, url)
    assert _rows(many) >= _rows(few) + MORE
    assert many_queries == few_queries


@pytest.mark.parametrize("url", list(FILTERED))
def test_a_reference_list_takes_as_many_queries_for_all_rows_as_for_one(cast, url):
    client = client_for(cast.x.agent)
    one_queries, one = _count(client, url + FILTERED[url])
    all_queries, every = _count(client, url)
    assert one["count"] == 1 and every["count"] > 5
    assert all_queries == one_queries
