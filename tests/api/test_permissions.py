"""The permission matrix: each role × each endpoint × the object of side X (own for member A and agent X,
another's for member B and agent Y) → the status the caller gets. A member never learns that another member's
object exists (404); an agent never reaches another unit's objects (404)."""

import pytest

from apitokens.services import token_issue
from tests.factories import BeneficiaryFactory, StudentPeriodFactory

from .conftest import client_for

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member_a", "member_b", "agent_x", "agent_y", "liquidator", "admin", "provider_x", "provider_y"]


def _row(anonymous, member_a, member_b, agent_x, agent_y, liquidator, admin, provider_x=None, provider_y=None) -> dict:
    """Without provider outcomes, a partner provider's staff (X: side X's provider, Y: another) get 403 where
    any other signed-in role is refused by role, else 404 where an outsider finds nothing, else what every
    signed-in role gets."""
    signed_in = [member_a, member_b, agent_x, agent_y, liquidator, admin]
    default = next((refusal for refusal in (403, 404) if refusal in signed_in), signed_in[0])
    provider_x = default if provider_x is None else provider_x
    provider_y = default if provider_y is None else provider_y
    return dict(zip(ROLES, [anonymous, member_a, member_b, agent_x, agent_y, liquidator, admin, provider_x,
                            provider_y], strict=True))


MEMBER_OWN = _row(401, 200, 404, 403, 403, 403, 403)
UNIT_SCOPED = _row(401, 403, 403, 200, 404, 200, 200)
ANY_STAFF = _row(401, 403, 403, 200, 200, 200, 200)
MEMBERS_ONLY = _row(401, 200, 200, 403, 403, 403, 403)
NETWORK_STAFF = _row(401, 403, 403, 403, 403, 200, 200)
SIGNED_IN = _row(401, 200, 200, 200, 200, 200, 200)
# The registry is network-wide: any desk agent, manager or admin writes it; liquidators only read it.
REGISTRY_WRITE = _row(401, 403, 403, 200, 200, 403, 200)
REGISTRY_CREATE = _row(401, 403, 403, 201, 201, 403, 201)
# A partner provider's own space: its staff only; side X's provider owns the objects, Y's gets 404.
PROVIDERS_ONLY = _row(401, 403, 403, 403, 403, 403, 403, 200, 200)
PROVIDER_OWN = _row(401, 403, 403, 403, 403, 403, 403, 200, 404)

# (method, url with {placeholders} filled from side X's objects, body, expected statuses)
MATRIX = [
    ("get", "/api/v1/me/", None, MEMBERS_ONLY),
    ("get", "/api/v1/me/files/", None, MEMBERS_ONLY),
    ("get", "/api/v1/me/files/{claim}/", None, MEMBER_OWN),
    ("post", "/api/v1/me/files/{claim}/submit/", None, _row(401, 409, 404, 403, 403, 403, 403)),
    ("post", "/api/v1/me/files/{claim}/complete/", None, _row(401, 409, 404, 403, 403, 403, 403)),
    ("get", "/api/v1/me/appointments/", None, MEMBERS_ONLY),
    ("get", "/api/v1/me/appointments/{appointment}/", None, MEMBER_OWN),
    ("post", "/api/v1/me/appointments/{appointment}/cancel/", None, _row(401, 200, 404, 403, 403, 403, 403)),
    ("get", "/api/v1/me/prior-agreements/", None, MEMBERS_ONLY),
    ("get", "/api/v1/members/", None, ANY_STAFF),
    ("get", "/api/v1/members/{member}/", None, ANY_STAFF),
    ("get", "/api/v1/files/", None, ANY_STAFF),
    ("get", "/api/v1/files/{claim}/", None, UNIT_SCOPED),
    ("post", "/api/v1/files/{claim}/incomplete/", {"missing_documents": "Prescription"}, UNIT_SCOPED),
    ("post", "/api/v1/files/{claim}/review/", {"decision": "approve"}, _row(401, 403, 403, 403, 403, 409, 409)),
    ("post", "/api/v1/files/{claim}/regularisations/", {"amount": "5.00", "reason": "tariff misread"},
     _row(401, 403, 403, 403, 403, 400, 400)),
    ("get", "/api/v1/slots/{slot}/", None, UNIT_SCOPED),
    ("get", "/api/v1/appointments/{appointment}/", None, UNIT_SCOPED),
    ("post", "/api/v1/appointments/{appointment}/mark/", {"status": "attended"}, UNIT_SCOPED),
    ("get", "/api/v1/visits/", None, ANY_STAFF),
    ("get", "/api/v1/visits/{visit}/", None, UNIT_SCOPED),
    ("post", "/api/v1/visits/{visit}/serve/", None, UNIT_SCOPED),
    ("get", "/api/v1/lab-orders/{lab_order}/", None, UNIT_SCOPED),
    ("post", "/api/v1/lab-orders/{lab_order}/advance/", {}, UNIT_SCOPED),
    ("get", "/api/v1/prior-agreements/{agreement}/", None, ANY_STAFF),
    ("post", "/api/v1/prior-agreements/{agreement}/decide/", {"decision": "grant"},
     _row(401, 403, 403, 403, 403, 200, 200)),
    ("get", "/api/v1/payment-batches/", None, NETWORK_STAFF),
    ("get", "/api/v1/units/", None, SIGNED_IN),
    ("get", "/api/v1/free-slots/?unit=x", None, SIGNED_IN),
    ("get", "/api/v1/acts/", None, ANY_STAFF),
    ("get", "/api/v1/categories/", None, ANY_STAFF),
    ("get", "/api/v1/tariff-versions/", None, ANY_STAFF),
    ("post", "/api/v1/acts/", {"code": "NEW", "name_en": "New", "name_fr": "Nouveau", "name_ar": "جديد"},
     _row(401, 403, 403, 403, 403, 403, 201)),
    ("post", "/api/v1/tariff-versions/", {"act": "C", "effective_from": "2030-01-01", "category": "CONSULTATION",
                                          "tnr": "140.00"}, _row(401, 403, 403, 403, 403, 403, 201)),
    ("get", "/api/v1/me/change-requests/", None, MEMBERS_ONLY),
    ("get", "/api/v1/change-requests/", None, ANY_STAFF),
    # Creating: the body names side X's unit, slot or beneficiary; out of the caller's reach it is a 400 on
    # that field (member B naming member A's beneficiary, agent Y naming unit X).
    ("post", "/api/v1/me/estimate/", "ESTIMATE", _row(401, 200, 400, 403, 403, 403, 403)),
    ("post", "/api/v1/estimate/", "ESTIMATE", _row(401, 403, 403, 200, 200, 200, 200)),
    ("post", "/api/v1/me/files/", "DRAFT", _row(401, 201, 400, 403, 403, 403, 403)),
    ("post", "/api/v1/files/", "DESK_FILE", _row(401, 403, 403, 201, 400, 201, 201)),
    ("post", "/api/v1/visits/", {"unit": "x", "visitor_name": "Fatima"}, _row(401, 403, 403, 201, 400, 201, 201)),
    ("patch", "/api/v1/visits/{visit}/", {"outcome": "Informed"}, UNIT_SCOPED),
    ("post", "/api/v1/visits/{visit}/close/", {}, UNIT_SCOPED),
    ("post", "/api/v1/visits/{visit}/reopen/", {"note": "Came back"}, UNIT_SCOPED),
    ("post", "/api/v1/lab-orders/", "LAB_ORDER", _row(401, 403, 403, 201, 400, 201, 201)),
    ("post", "/api/v1/appointments/", "BOOK_OTHER", _row(401, 403, 403, 201, 400, 201, 201)),
    ("get", "/api/v1/slots/", None, ANY_STAFF),
    ("get", "/api/v1/appointments/", None, ANY_STAFF),
    ("get", "/api/v1/lab-orders/", None, ANY_STAFF),
    ("get", "/api/v1/prior-agreements/", None, ANY_STAFF),
    ("get", "/api/v1/units/{unit}/", None, SIGNED_IN),
    ("get", "/api/v1/payment-batches/{batch}/", None, NETWORK_STAFF),
    ("post", "/api/v1/payment-batches/{batch}/export/", None, NETWORK_STAFF),
    # PB-1 holds no transfer: the bank file is refused (409 bank_file) to those who may ask for it
    ("post", "/api/v1/payment-batches/{batch}/pain001/", None, _row(401, 403, 403, 403, 403, 409, 409)),
    ("post", "/api/v1/members/", "NEW_MEMBER", REGISTRY_CREATE),
    ("patch", "/api/v1/members/{member}/", {"phone": "0612345678"}, REGISTRY_WRITE),
    ("post", "/api/v1/members/{member}/beneficiaries/", "NEW_CHILD", REGISTRY_CREATE),
    ("patch", "/api/v1/members/{member}/beneficiaries/{child}/", {"disabled_from": "2020-01-01"}, REGISTRY_WRITE),
    ("post", "/api/v1/members/{member}/beneficiaries/{child}/student-periods/",
     {"start": "2030-09-01", "end": "2031-07-31"}, REGISTRY_CREATE),
    ("delete", "/api/v1/members/{member}/beneficiaries/{child}/student-periods/{student_period}/", None,
     _row(401, 403, 403, 204, 204, 403, 204)),
    ("get", "/api/v1/me/provident-requests/", None, MEMBERS_ONLY),
    ("get", "/api/v1/me/provident-requests/{provident}/", None, MEMBER_OWN),
    ("get", "/api/v1/provident-requests/", None, ANY_STAFF),
    ("get", "/api/v1/provident-requests/{provident}/", None, UNIT_SCOPED),
    # a scan: the same readers as the page (the member's own, the staff who reach the request)
    ("get", "/api/v1/me/provident-requests/{provident}/documents/{provident_document}/", None, MEMBER_OWN),
    ("get", "/api/v1/provident-requests/{provident}/documents/{provident_document}/", None, UNIT_SCOPED),
    ("post", "/api/v1/provident-requests/{provident}/approve/", {}, _row(401, 403, 403, 403, 403, 200, 200)),
    ("get", "/api/v1/me/membership-requests/", None, MEMBERS_ONLY),
    ("get", "/api/v1/me/membership-requests/{membership_request}/", None, MEMBER_OWN),
    ("post", "/api/v1/me/membership-requests/", "STUDY_PERIOD", _row(401, 201, 400, 403, 403, 403, 403)),
    ("get", "/api/v1/membership-applications/", None, ANY_STAFF),
    ("get", "/api/v1/membership-applications/{membership_request}/", None, UNIT_SCOPED),
    # a unit's agents and managers decide for their unit, administrators for all; liquidators only read
    ("post", "/api/v1/membership-applications/{membership_request}/approve/", None,
     _row(401, 403, 403, 200, 404, 403, 200)),
    ("post", "/api/v1/members/{member}/affiliations/", {"start": "1990-01-01", "end": "1999-12-31"}, REGISTRY_CREATE),
    ("patch", "/api/v1/members/{member}/affiliations/{affiliation}/", {"complementary": False}, REGISTRY_WRITE),
    # API tokens: each account lists and revokes its own only ({token_a}: another client's token of member A).
    ("get", "/api/v1/auth/tokens/", None, SIGNED_IN),
    ("delete", "/api/v1/auth/tokens/{token_a}/", None, _row(401, 204, 404, 404, 404, 404, 404)),
    # partner providers: reference data for staff, their own space for providers' staff
    ("get", "/api/v1/providers/", None, ANY_STAFF),
    ("get", "/api/v1/providers/{provider}/", None, ANY_STAFF),
    ("patch", "/api/v1/providers/{provider}/", {"city": "Fès"}, _row(401, 403, 403, 403, 403, 403, 200)),
    ("get", "/api/v1/conventions/", None, ANY_STAFF),
    ("get", "/api/v1/provider/agreements/", None, PROVIDERS_ONLY),
    ("get", "/api/v1/provider/agreements/{provider_agreement}/", None, PROVIDER_OWN),
    ("get", "/api/v1/provider/invoices/", None, PROVIDERS_ONLY),
    ("get", "/api/v1/provider/invoices/{provider_invoice}/", None, PROVIDER_OWN),
    ("post", "/api/v1/provider/coverage-check/", "COVERAGE", PROVIDERS_ONLY),
]


def _user(cast, role: str):
    if role.startswith("provider_"):
        return _partners(cast)[0][role]
    return {"anonymous": None, "member_a": cast.x.member.user, "member_b": cast.y.member.user,
            "agent_x": cast.x.agent, "agent_y": cast.y.agent, "liquidator": cast.liquidator,
            "admin": cast.admin}[role]


def _partners(cast) -> tuple[dict, dict]:
    """Side X's provider (CHU X) asked for an agreement for member A and invoiced the stay; CHU Y is the other."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from claims.services.agreements import prior_agreement_grant
    from partners.models import Provider
    from partners.services import InvoiceLine, agreement_request_create, invoice_create
    from tests.claims.factories import upload
    from tests.partners.builders import account, papers, provider

    if not Provider.objects.filter(code="chu-x").exists():
        chu, other = provider("chu-x", "CHU X", "130000009"), provider("chu-y", "CHU Y", "110000009")
        account(chu, "chu.x"), account(other, "chu.y")
        beneficiary = cast.x.member.beneficiaries.get(relation="member")
        day = timezone.localdate() - timedelta(days=3)
        agreement, _ = agreement_request_create(
            provider=chu, by=None, membership_number=cast.x.member.membership_number,
            birth_date=beneficiary.birth_date, act_code="HOSP", planned_from=day, planned_to=day, quantity=1,
            estimated_amount=Decimal("800.00"), documents=[upload("report.pdf")])
        prior_agreement_grant(agreement=agreement, by=None)
        invoice_create(provider=chu, by=None, agreement_reference=agreement.reference, number="FAC-1",
                       lines=[InvoiceLine("HOSP", day, 1, Decimal("800.00"))], documents=papers())
    chu = Provider.objects.get(code="chu-x")
    other = Provider.objects.get(code="chu-y")
    users = {"provider_x": chu.accounts.get().user, "provider_y": other.accounts.get().user}
    return users, {"provider": chu.pk, "provider_agreement": chu.agreement_requests.get().agreement_id,
                   "provider_invoice": chu.invoices.get().pk}


def _provident_scan(request_id: int) -> int:
    from django.core.files.base import ContentFile

    from provident.models import ProvidentDocument
    from tests.claims.factories import pdf_bytes

    document = ProvidentDocument(request_id=request_id, kind="retirement_decision", original_name="decision.pdf",
                                 content_type="application/pdf", size=10, sha256="0" * 64)
    document.file.save("decision.pdf", ContentFile(pdf_bytes()), save=True)
    return document.pk


def _membership_request(side) -> int:
    """Member A asked (at unit X's desk) to add a newborn, with the birth certificate: waiting for a decision."""
    from django.utils import timezone

    from memberships.services import DocumentInput, PersonInput, member_request_submit
    from tests.claims.factories import upload

    today = timezone.localdate()
    return member_request_submit(
        channel="front_desk", by=side.agent, member=side.member, kind="add_child", received_on=today,
        person=PersonInput(relation="child", first_name="Rayan", last_name="A", birth_date=today, sex="M"),
        documents=[DocumentInput("birth_certificate", upload("birth.pdf"), 1)]).pk


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_on_each_endpoint(cast, role):
    x = cast.x
    objects = {"claim": x.claim.pk, "appointment": x.appointment.pk, "member": x.member.pk, "slot": x.slot.pk,
               "visit": x.visit.pk, "lab_order": x.lab_order.pk, "agreement": x.agreement.pk}
    from claims.models import PaymentBatch

    batch = PaymentBatch.objects.create(reference="PB-1")
    objects |= {"unit": x.unit.pk, "batch": batch.pk}
    period = StudentPeriodFactory(beneficiary=BeneficiaryFactory(member=x.member))
    objects |= {"child": period.beneficiary_id, "student_period": period.pk,
                "affiliation": x.member.affiliations.get().pk}
    objects["token_a"] = token_issue(user=x.member.user, client="other-script")[0].token_key
    from provident.models import ProvidentRequest

    today = x.claim.received_on
    objects["provident"] = ProvidentRequest.objects.create(
        member=x.member, benefit="RETIREMENT", event_date=today, received_on=today, channel="front_desk",
        unit=x.unit, status="in_review", amount="15000.00").pk
    objects["provident_document"] = _provident_scan(objects["provident"])
    objects |= _partners(cast)[1]
    objects["membership_request"] = _membership_request(x)
    mine = x.member.beneficiaries.get(relation="member").pk
    other = cast.y.member.beneficiaries.get(relation="member").pk
    line = {"act": "C", "care_date": "2025-03-10", "quantity": 1, "billed_amount": "100.00"}
    bodies = {
        "ESTIMATE": {"beneficiary": mine, "received_on": "2025-03-20", "lines": [line]},
        "DRAFT": {"beneficiary": mine},
        "DESK_FILE": {"unit": "x", "member": x.member.pk, "beneficiary": mine, "received_on": "2025-03-20",
                      "lines": [line]},
        "LAB_ORDER": {"unit": "x", "beneficiary": mine, "practitioner_name": "Dr Alami", "price": "900.00"},
        "BOOK_OTHER": {"slot": x.slot.pk, "beneficiary": other},
        "NEW_MEMBER": {"cin": "AB123456", "first_name": "Amina", "last_name": "Alaoui", "birth_date": "1980-05-17",
                       "sex": "F"},
        "NEW_CHILD": {"relation": "child", "first_name": "Sara", "last_name": "A", "birth_date": "2003-01-01",
                      "sex": "F"},
        "STUDY_PERIOD": {"kind": "study_period", "target": period.beneficiary_id, "period_start": "2030-09-01",
                         "period_end": "2031-07-31"},
        "COVERAGE": {"membership_number": x.member.membership_number, "birth_date": x.member.birth_date.isoformat(),
                     "on": "2026-01-05"},
    }
    client = client_for(_user(cast, role))
    got, expected = {}, {}
    for method, template, body, statuses in MATRIX:
        url = template.format(**objects)
        body = bodies.get(body, body) if isinstance(body, str) else body
        response = getattr(client, method)(url, body, format="json") if method != "get" else client.get(url)
        got[f"{method.upper()} {template}"] = response.status_code
        expected[f"{method.upper()} {template}"] = statuses[role]
        if response.status_code >= 400:
            assert set(response.json()) == {"code", "message", "field", "errors"}, url
    assert got == expected
    assert len(MATRIX) >= 60


def test_a_member_b_reading_member_a_file_learns_nothing(cast):
    mine = client_for(cast.y.member.user).get(f"/api/v1/me/files/{cast.x.claim.pk}/")
    missing = client_for(cast.y.member.user).get("/api/v1/me/files/999999/")
    assert mine.status_code == missing.status_code == 404
    assert mine.json() == missing.json()
