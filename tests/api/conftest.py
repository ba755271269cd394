"""The API's cast: two members (A, B), front-desk agents of two units (X, Y), a liquidator and an admin, and
one object of each kind on each side, so every endpoint can be tried on the caller's own and on another's."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apitokens.services import token_issue
from claims.demo import seed_reference
from claims.models import PriorAgreement
from claims.services.intake import LineData, claim_register_at_desk
from tests.factories import PASSWORD, MemberFactory, StaffUserFactory, UserFactory
from units.models import Service, ServiceUnit, Slot, StaffRole
from units.services import appointment_book, lab_order_create, visit_create
from units.services_staff import staff_assign


def api_token(user, client: str = "tests") -> str:
    """A token for this account (one per client name: the same name reissues, revoking the previous one)."""
    cached = _TOKENS.get((user.pk, client))
    if cached is None:
        cached = _TOKENS[(user.pk, client)] = token_issue(user=user, client=client, second_factor=True)[1]
    return cached


_TOKENS: dict = {}


@pytest.fixture(autouse=True)
def _forget_tokens():
    _TOKENS.clear()
    yield
    _TOKENS.clear()


def client_for(user=None, *, language: str = "en") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
        # A token's first call records its last_used (then at most every few minutes): done here, so the
        # query-count tests compare the lists' own queries.
        client.get("/api/v1/auth/tokens/")
    return client


@dataclass
class Side:
    """Everything of one member, received at one unit."""

    unit: ServiceUnit
    agent: object
    member: object
    claim: object
    appointment: object
    visit: object
    lab_order: object
    slot: object
    agreement: object


def _unit(code: str) -> ServiceUnit:
    unit = ServiceUnit.objects.create(code=code, name_fr=f"Unité {code}", name_ar=code, city=code.title(),
                                      region="Fès-Meknès")
    return unit


def _side(code: str, service: Service) -> Side:
    unit = _unit(code)
    unit.services.add(service)
    agent = StaffUserFactory(username=f"agent.{code}")
    staff_assign(user=agent, unit=unit, role=StaffRole.FRONT_DESK)
    member = MemberFactory(user=UserFactory(username=f"member.{code}"), home_unit=unit)
    self_beneficiary = member.beneficiaries.get(relation="member")
    today = timezone.localdate()
    claim = claim_register_at_desk(
        member=member, beneficiary=self_beneficiary, unit=unit, by=agent, received_on=today,
        lines=[LineData("C", today - timedelta(days=3), 1, Decimal("100.00"))])
    start = timezone.now() + timedelta(days=2)
    slot = Slot.objects.create(unit=unit, service=service, practitioner_name="Dr Alami", start=start,
                               end=start + timedelta(minutes=30), capacity=3)
    appointment = appointment_book(slot=slot, beneficiary=self_beneficiary, by=agent)
    visit = visit_create(unit=unit, by=agent, member=member, request_types=["information"])
    lab_order = lab_order_create(unit=unit, beneficiary=self_beneficiary, practitioner_name="Dr Alami",
                                 price=Decimal("2500.00"), by=agent)
    agreement = PriorAgreement.objects.create(reference=f"PA-{code}", beneficiary=self_beneficiary,
                                              valid_from=today, valid_to=today + timedelta(days=90))
    return Side(unit=unit, agent=agent, member=member, claim=claim, appointment=appointment, visit=visit,
                lab_order=lab_order, slot=slot, agreement=agreement)


@dataclass
class Cast:
    x: Side
    y: Side
    liquidator: object
    admin: object


@pytest.fixture
def cast(db) -> Cast:
    seed_reference()
    service = Service.objects.create(code="dental_care", name_en="Dental care", name_fr="Soins dentaires",
                                     name_ar="طب الأسنان", bookable=True)
    x, y = _side("x", service), _side("y", service)
    liquidator = StaffUserFactory(username="liquidator")
    staff_assign(user=liquidator, unit=x.unit, role=StaffRole.LIQUIDATOR)
    admin = StaffUserFactory(username="admin", is_superuser=True)
    return Cast(x=x, y=y, liquidator=liquidator, admin=admin)


__all__ = ["PASSWORD", "api_token", "client_for"]
