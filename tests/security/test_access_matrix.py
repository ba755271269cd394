"""Who gets what on every page of the site (the API has its own matrix in tests/api/).

The URL resolver is walked; every route must have a row in MATRIX saying what each of nine roles gets: anonymous,
member A, member B, a front-desk agent of unit X, an agent of unit Y, a liquidator, the administrator, and the staff
of two partner providers (X, whose objects the world holds, and Y, the outsider). Path
parameters are filled from a small world where the objects belong to member A and to unit X, so member B and the
agent of unit Y are the outsiders: they must get 404, never the page. A new page with no row fails the suite,
so every future page declares who may see it. Every request runs in a savepoint that is rolled back, so a POST
that succeeds (approve, cancel, submit) changes nothing for the next one. Every POST row is also posted without
its CSRF token by a role allowed to post, and must be refused (403).

Outcomes: "ok" (200; for a POST, any answer that is not a refusal: 200, 302 elsewhere than the login page,
400 or 409), "login" (302 to the login page), "302" (a GET sent elsewhere than the login page), "404", "403".
Pages of the claims app answer 404 to accounts that are not staff as well as to the wrong object, and 403 to staff
whose role lacks the page's permission; the members and units apps answer 403 to the wrong role (before any object
is looked up, so nothing about the object leaks) and 404 to the wrong object."""

import sys
import types
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from apitokens.services import token_issue
from claims.models import Attachment, BatchStatus, ClaimStatus, PaymentBatch, PriorAgreement
from claims.services import intake
from members.models import ChangeRequest
from members.services import attestation_issue
from memberships.models import MembershipApplication
from provident.letter import verification_token
from provident.models import ProvidentDocument, ProvidentRequest
from tests.claims.factories import ClaimFileFactory, ClaimLineFactory, pdf_bytes, reference
from tests.claims.factories import upload as pdf_upload
from tests.factories import MemberFactory, UserFactory
from tests.units.factories import AppointmentFactory, LabOrderFactory, ServiceUnitFactory, SlotFactory, VisitFactory
from tests.units.factories import staff as unit_staff
from units.models import StaffRole

ROLES = ["anonymous", "member_a", "member_b", "agent_x", "agent_y", "liquidator", "admin", "provider_x", "provider_y"]

# Routes outside this matrix, with the reason. Anything else the resolver lists must have a MATRIX row.
EXEMPT_PREFIXES = {
    "api/": "the API has its own permission matrix (tests/api/test_permissions.py)",
    "fhir/": "the FHIR interface is token-only (no session, no CSRF); its access tests are in tests/fhir/",
    "admin/": "Django's admin: staff flag and model permissions; sampled in ADMIN_SAMPLES below",
}


@dataclass(frozen=True)
class Row:
    method: str
    kwargs: str  # which world object fills the path ("" when none); see World.kwargs
    expect: tuple[str, ...]  # one outcome per role, in ROLES order

    def outcome(self, role: str) -> str:
        return self.expect[ROLES.index(role)]


def _provider_outcome(outcomes: tuple[str, ...]) -> str:
    """What a partner provider's staff get on a page that is not theirs: the refusal the other outsiders get
    (403 where the app refuses by role, else 404), or what every signed-in account gets."""
    signed_in = outcomes[1:]
    if "admin_login" in signed_in:
        return "admin_login"  # not Django staff
    for refusal in ("403", "404"):
        if refusal in signed_in:
            return refusal
    return signed_in[0]


def row(method: str, kwargs: str, expect: str) -> Row:
    """`expect` lists one outcome per role; with the first seven only, the two providers get _provider_outcome."""
    outcomes = tuple(expect.split())
    if len(outcomes) == len(ROLES) - 2:
        outcomes += (_provider_outcome(outcomes),) * 2
    assert len(outcomes) == len(ROLES), expect
    return Row(method, kwargs, outcomes)


#                        anonymous member_a member_b agent_x agent_y liquidator admin
PUBLIC = "ok ok ok ok ok ok ok"
MEMBER_ONLY = "login ok ok 404 404 404 404"         # claims: a member's own space; staff have no member record
MEMBER_A_OBJECT = "login ok 404 404 404 404 404"    # claims: member A's object; B and every staff account get 404
MEMBERS_APP_ONLY = "login ok ok 403 403 403 403"    # members app: staff refused by role
MEMBERS_APP_A_OBJECT = "login ok 404 403 403 403 403"
DESK = "login 404 404 ok ok ok ok"                  # claims desk reads: any desk staff, scoped to their units inside
DESK_X_OBJECT = "login 404 404 ok 404 ok ok"        # claims desk, an object of unit X: the agent of unit Y gets 404
UNITS_NETWORK = "login 403 403 ok ok ok ok"         # units desk pages liquidators read too (agreements, registry)
UNITS_NETWORK_X_OBJECT = "login 403 403 ok 404 ok ok"
UNITS_DESK = "login 403 403 ok ok 403 ok"           # the front desk itself: members and liquidators refused by role
UNITS_DESK_X_OBJECT = "login 403 403 ok 404 403 ok"
DESK_WRITER = "login 403 403 ok ok 403 ok"          # units desk writes: front desk and admin roles, not liquidators
MANAGER = "login 403 403 403 403 ok ok"             # the dashboard: unit managers (none here), liquidators, admins
STAFF_LIST = "login 403 403 403 403 403 ok"         # the unit's staff: unit managers (none here) and admins
PROVIDENT_REVIEWER = "login 404 404 404 404 ok ok"  # provident review: liquidators and admins
#   claims pages refuse staff whose role lacks the permission with 403, and outsiders (members, providers) with 404
CLAIMS_DESK_WRITER = "login 404 404 ok ok 403 ok 404 404"
CLAIMS_DESK_WRITER_X_OBJECT = "login 404 404 ok 404 403 ok 404 404"
REVIEWER = "login 404 404 403 403 ok ok 404 404"    # review, agreements' decisions, payment batches
#                                                    ... provider_x provider_y
PARTNER = "login 404 404 404 404 404 404 ok ok"      # partners portal: any provider's staff, scoped inside
PARTNER_X_OBJECT = "login 404 404 404 404 404 404 ok 404"  # provider X's object: provider Y gets 404

MATRIX: dict[str, Row] = {
    # public pages
    "home": row("GET", "", PUBLIC),
    "healthz": row("GET", "", PUBLIC),
    "metrics": row("GET", "", PUBLIC),  # the test client is the host itself; tests/test_metrics.py: token, others
    "login": row("GET", "", PUBLIC),
    "activate": row("GET", "", PUBLIC),
    "password_reset": row("GET", "", PUBLIC),
    "password_reset_done": row("GET", "", PUBLIC),
    "password_reset_confirm": row("GET", "reset_token", "302 302 302 302 302 302 302"),  # token moves to session
    "password_reset_complete": row("GET", "", PUBLIC),
    "attestation_verify": row("GET", "attestation", PUBLIC),
    "claims:track": row("GET", "", PUBLIC),
    "units:list": row("GET", "", PUBLIC),
    "units:detail": row("GET", "unit_code", PUBLIC),
    "set_language": row("POST", "", PUBLIC),
    "language_set": row("POST", "", PUBLIC),
    "logout": row("POST", "", PUBLIC),
    # a member's space
    "dashboard": row("GET", "", MEMBERS_APP_ONLY),
    "profile": row("GET", "", MEMBERS_APP_ONLY),
    "change_requests": row("GET", "", MEMBERS_APP_ONLY),
    "change_request_detail": row("GET", "change_request", MEMBERS_APP_A_OBJECT),
    "attestation_new": row("POST", "", MEMBERS_APP_ONLY),
    "attestation_pdf": row("GET", "attestation", MEMBERS_APP_A_OBJECT),
    "claims:member_claims": row("GET", "", MEMBER_ONLY),
    "claims:member_new": row("GET", "", MEMBER_ONLY),
    "claims:member_access_log": row("GET", "", MEMBER_ONLY),
    "claims:member_agreements": row("GET", "", MEMBER_ONLY),
    "claims:member_agreement": row("GET", "agreement", MEMBER_A_OBJECT),
    "claims:member_claim": row("GET", "received_claim", MEMBER_A_OBJECT),
    "claims:member_draft": row("GET", "draft", MEMBER_A_OBJECT),
    "claims:member_draft_details": row("POST", "draft", MEMBER_A_OBJECT),
    "claims:member_line_add": row("POST", "draft", MEMBER_A_OBJECT),
    "claims:member_line_remove": row("POST", "draft_line", MEMBER_A_OBJECT),
    "claims:member_upload": row("POST", "draft", MEMBER_A_OBJECT),
    "claims:member_attachment_remove": row("POST", "draft_attachment", MEMBER_A_OBJECT),
    "claims:member_review": row("GET", "draft", MEMBER_A_OBJECT),
    "claims:member_draft_estimate": row("GET", "draft", MEMBER_A_OBJECT),
    "claims:member_estimate": row("GET", "", MEMBER_ONLY),
    "claims:member_submit": row("POST", "draft", MEMBER_A_OBJECT),
    "claims:member_complete": row("POST", "incomplete_claim", MEMBER_A_OBJECT),
    "units:my_appointments": row("GET", "", MEMBER_ONLY),
    "units:my_booking": row("GET", "", MEMBER_ONLY),
    "units:my_appointment_cancel": row("POST", "appointment", MEMBER_A_OBJECT),
    "units:my_appointment_reschedule": row("GET", "appointment", MEMBER_A_OBJECT),
    "units:my_lab_orders": row("GET", "", MEMBER_ONLY),
    # every account: its landing (a redirect to its role's home), its account page, its password
    "landing": row("GET", "", "login 302 302 302 302 302 302"),
    "account": row("GET", "", "login ok ok ok ok ok ok"),
    "password_change": row("GET", "", "login ok ok ok ok ok ok"),
    # a scan: its member, and staff who may reach its file
    "claims:attachment": row("GET", "received_attachment", "login ok 404 ok 404 ok ok"),
    # the notification centre: any signed-in account, each sees only their own notices
    "notices:list": row("GET", "", "login ok ok ok ok ok ok"),
    "notices:read": row("POST", "", "login ok ok ok ok ok ok"),
    "notices:delivery": row("POST", "", "login ok ok ok ok ok ok"),
    # second factor pages: any signed-in account
    "security:overview": row("GET", "", "login ok ok ok ok ok ok"),
    "security:enrol": row("GET", "", "login ok ok ok ok ok ok"),
    "security:verify": row("GET", "", "login 302 302 302 302 302 302"),  # no device yet: sent to enrol
    "security:disable": row("POST", "", "login ok ok ok ok ok ok"),
    "security:tokens": row("GET", "", "login ok ok ok ok ok ok"),
    "security:token_revoke": row("POST", "api_token", "login ok 404 404 404 404 404"),  # member A's own token
    # the front desk
    "claims:desk_claims": row("GET", "", DESK),
    "claims:desk_register": row("GET", "member_a", CLAIMS_DESK_WRITER),
    "claims:desk_forwarding_slip": row("GET", "", DESK),
    "claims:desk_claim": row("GET", "received_claim", DESK_X_OBJECT),
    "claims:desk_incomplete": row("POST", "received_claim", CLAIMS_DESK_WRITER_X_OBJECT),
    "claims:desk_complete": row("POST", "incomplete_claim", CLAIMS_DESK_WRITER_X_OBJECT),
    "claims:desk_receipt": row("GET", "received_claim", DESK_X_OBJECT),
    "claims:desk_receipt_pdf": row("GET", "received_claim", DESK_X_OBJECT),
    "units:desk": row("GET", "", UNITS_DESK),
    "units:desk_queue": row("GET", "", UNITS_DESK),
    "units:desk_search": row("GET", "", UNITS_DESK),
    "units:visit_receive": row("POST", "member_a_post", UNITS_DESK),
    "units:visit": row("GET", "visit", UNITS_DESK_X_OBJECT),
    "units:visit_action": row("POST", "visit_action", UNITS_DESK_X_OBJECT),
    "units:booking_panel": row("GET", "member_a", UNITS_DESK),
    "units:booking_create": row("POST", "booking_x", UNITS_DESK_X_OBJECT),  # a slot of unit X
    "units:appointments": row("GET", "", UNITS_DESK),
    "units:appointment": row("GET", "appointment", UNITS_DESK_X_OBJECT),
    "units:appointment_action": row("POST", "appointment_action", UNITS_DESK_X_OBJECT),
    "units:day_sheet": row("GET", "", UNITS_DESK),
    "units:lab_orders": row("GET", "", UNITS_DESK),
    "units:lab_order_new": row("GET", "member_a", UNITS_DESK),
    "units:lab_order": row("GET", "lab_order", UNITS_DESK_X_OBJECT),
    "units:lab_order_advance": row("POST", "lab_order", UNITS_DESK_X_OBJECT),
    "units:member_file": row("GET", "member_file", UNITS_NETWORK),  # the registry is network-wide
    "units:member_data_update": row("POST", "member_file", DESK_WRITER),
    "units:member_attestation": row("POST", "member_file", DESK_WRITER),
    "units:change_requests": row("GET", "", DESK_WRITER),
    "units:change_decide": row("POST", "change_request", DESK_WRITER),
    "units:agreements": row("GET", "", UNITS_NETWORK),
    "units:agreement_new": row("GET", "member_a", DESK_WRITER),
    "units:agreement": row("GET", "agreement", UNITS_NETWORK_X_OBJECT),
    "units:agreement_document": row("GET", "agreement_document", UNITS_NETWORK_X_OBJECT),
    "units:dashboard": row("GET", "", MANAGER),
    "units:dashboard_csv": row("GET", "", MANAGER),
    "units:staff": row("GET", "", STAFF_LIST),
    "units:opening_hours": row("GET", "", STAFF_LIST),  # the unit's manager (none here) and admins
    # liquidators
    "claims:review_list": row("GET", "", REVIEWER),
    "claims:review_detail": row("GET", "review_claim", REVIEWER),
    "claims:review_approve": row("POST", "review_claim", REVIEWER),
    "claims:review_adjust": row("POST", "review_claim", REVIEWER),
    "claims:agreement_list": row("GET", "", REVIEWER),
    "claims:agreement_decide": row("POST", "agreement", REVIEWER),
    "claims:payment_list": row("GET", "", REVIEWER),
    "claims:payment_create": row("POST", "", REVIEWER),
    "claims:payment_detail": row("GET", "batch", REVIEWER),
    "claims:payment_confirm_step": row("GET", "batch", REVIEWER),
    "claims:payment_export": row("GET", "batch", REVIEWER),
    "claims:payment_export_pain001": row("GET", "batch", REVIEWER),
    "claims:payment_confirm": row("POST", "batch", REVIEWER),
    # social provident: the desk (any benefit), the member's own requests, the second liquidator, the scans
    "provident:desk_list": row("GET", "", DESK),
    "provident:desk_new": row("GET", "member_a", DESK),
    "provident:desk_detail": row("GET", "provident", DESK_X_OBJECT),
    "provident:member_list": row("GET", "", MEMBER_ONLY),
    "provident:member_new": row("GET", "", MEMBER_ONLY),
    "provident:member_detail": row("GET", "provident", MEMBER_A_OBJECT),
    "provident:review_list": row("GET", "", PROVIDENT_REVIEWER),
    "provident:review_detail": row("GET", "provident", PROVIDENT_REVIEWER),
    "provident:document": row("GET", "provident_document", "login ok 404 ok 404 ok ok"),
    "provident:desk_letter": row("GET", "provident_decided", DESK_X_OBJECT),
    "provident:member_letter": row("GET", "provident_decided", MEMBER_A_OBJECT),
    "provident:verify": row("GET", "provident_token", PUBLIC),
    # memberships: the public application, the desk's applications and decision, the member's requests
    "memberships:apply": row("GET", "", PUBLIC),
    "memberships:desk_list": row("GET", "", DESK),
    "memberships:desk_apply": row("GET", "", DESK),
    "memberships:desk_member_request": row("GET", "", DESK),
    "memberships:desk_detail": row("GET", "application", DESK_X_OBJECT),
    "memberships:desk_decide": row("POST", "application", "login 404 404 ok 404 404 ok"),  # the unit decides
    "memberships:desk_letter": row("GET", "approved_application", DESK_X_OBJECT),
    "memberships:member_requests": row("GET", "", MEMBER_ONLY),
    "memberships:member_request": row("GET", "approved_application", MEMBER_A_OBJECT),
    # partner providers' portal
    "partners:portal": row("GET", "", PARTNER),
    "partners:agreements": row("GET", "", PARTNER),
    "partners:agreement_new": row("GET", "", PARTNER),
    "partners:agreement": row("GET", "provider_agreement", PARTNER_X_OBJECT),
    "partners:agreement_document": row("GET", "provider_agreement_document", "login 404 404 404 404 ok ok ok 404"),
    "partners:invoices": row("GET", "", PARTNER),
    "partners:invoice_new": row("GET", "", PARTNER),
    "partners:invoice": row("GET", "provider_invoice", PARTNER_X_OBJECT),
    "partners:statement": row("GET", "", PARTNER),
    "partners:statement_csv": row("GET", "", PARTNER),
    "partners:statement_pdf": row("GET", "", PARTNER),
}

# The admin, sampled: it is the administrators' tool. Members, anonymous visitors and staff of other roles (whose
# role groups hold model permissions for their pages) are sent to the admin login; the administrator reads all.
ADMIN_LOGIN = "admin_login"
ADMIN_ONLY = "admin_login admin_login admin_login admin_login admin_login admin_login ok"
ADMIN_SAMPLES: dict[str, Row] = {
    "admin:index": row("GET", "", ADMIN_ONLY),
    "admin:claims_claimfile_changelist": row("GET", "", ADMIN_ONLY),
    "admin:claims_claimfile_change": row("GET", "received_claim_admin", ADMIN_ONLY),
    "admin:claims_healthdataaccess_changelist": row("GET", "", ADMIN_ONLY),
    "admin:members_member_changelist": row("GET", "", ADMIN_ONLY),
}


def routes() -> dict[str, str]:
    """Every named route of the site (name -> route pattern), walking the resolver."""
    return {name: route for name, (route, _) in _walk().items()}


def _walk() -> dict[str, tuple[str, object]]:
    found: dict[str, tuple[str, object]] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else (
                    pattern.namespace or namespace)
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                if any(route.startswith(prefix) for prefix in EXEMPT_PREFIXES):
                    continue
                name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
                found[name or route] = (route, pattern.callback)

    walk(get_resolver().url_patterns, "", "")
    return found


# --- the world ---------------------------------------------------------------------------------------------------


class World:
    def __init__(self) -> None:
        reference()
        self.unit_x = ServiceUnitFactory(code="taounate")
        self.unit_y = ServiceUnitFactory(code="sefrou")
        self.member_a = MemberFactory(user=UserFactory(), home_unit=self.unit_x)
        self.member_b = MemberFactory(user=UserFactory(), home_unit=self.unit_y)
        self.users = {
            "anonymous": None,
            "member_a": self.member_a.user,
            "member_b": self.member_b.user,
            "agent_x": unit_staff(self.unit_x, StaffRole.FRONT_DESK),
            "agent_y": unit_staff(self.unit_y, StaffRole.FRONT_DESK),
            "liquidator": unit_staff(self.unit_x, StaffRole.LIQUIDATOR),
            "admin": UserFactory(username="root", is_staff=True, is_superuser=True),
        }
        self._partners()
        a = self.member_a
        self.draft = ClaimFileFactory(member=a, status=ClaimStatus.DRAFT, received_on=None, channel="online")
        self.draft_line = ClaimLineFactory(claim=self.draft, position=1)
        self.draft_attachment = self._scan(self.draft)
        self.received = ClaimFileFactory(member=a, unit=self.unit_x, channel="front_desk")
        self.received_attachment = self._scan(self.received)
        self.incomplete = ClaimFileFactory(member=a, unit=self.unit_x, channel="front_desk")
        intake.claim_mark_incomplete(claim=self.incomplete, by=self.users["agent_x"], missing_documents="prescription")
        self.in_review = ClaimFileFactory(member=a, unit=self.unit_x, status=ClaimStatus.IN_REVIEW)
        ClaimLineFactory(claim=self.in_review, position=1)
        self.change_request = ChangeRequest.objects.create(member=a, field="phone", new_value="0612345678")
        self.attestation = attestation_issue(member=a, by=a.user)
        self.api_token = token_issue(user=a.user, client="matrix")[0]
        self.visit = VisitFactory(unit=self.unit_x, member=a)
        beneficiary = a.beneficiaries.get(relation="member")
        slot = SlotFactory(unit=self.unit_x, start=timezone.now() + timedelta(days=3))
        self.free_slot = SlotFactory(unit=self.unit_x, start=timezone.now() + timedelta(days=4))
        self.appointment = AppointmentFactory(slot=slot, beneficiary=beneficiary, member=a)
        self.lab_order = LabOrderFactory(unit=self.unit_x, beneficiary=beneficiary, member=a)
        self.agreement = PriorAgreement.objects.create(
            reference="PA-MATRIX-1", beneficiary=beneficiary, valid_from=timezone.localdate(),
            valid_to=timezone.localdate() + timedelta(days=30))
        from django.core.files.base import ContentFile

        from units.models import AgreementDocument

        self.agreement_document = AgreementDocument(agreement=self.agreement, unit=self.unit_x, original_name="q.pdf",
                                                    content_type="application/pdf", size=10, sha256="0" * 64)
        self.agreement_document.file.save("q.pdf", ContentFile(pdf_bytes()), save=True)
        self.batch = PaymentBatch.objects.create(reference="PB-MATRIX-1", status=BatchStatus.EXPORTED,
                                                 total=Decimal("72.00"))
        self.batch.transfers.create(payee_kind="member", payee_key=str(a.pk), payee_name="A", member=a,
                                    iban="MA89011780000012345678901234", amount=Decimal("72.00"),
                                    reference="PB-MATRIX-1-A")
        self.provident = ProvidentRequest.objects.create(
            member=a, benefit="RETIREMENT", event_date=timezone.localdate(), received_on=timezone.localdate(),
            channel="front_desk", unit=self.unit_x, status="in_review", amount=Decimal("15000.00"))
        self.provident_document = ProvidentDocument(request=self.provident, kind="retirement_decision",
                                                    original_name="decision.pdf", content_type="application/pdf",
                                                    size=10, sha256="0" * 64)
        from django.core.files.base import ContentFile

        self.provident_document.file.save("decision.pdf", ContentFile(pdf_bytes()), save=True)
        self.provident_decided = ProvidentRequest.objects.create(
            member=a, benefit="SPOUSE_DEATH", event_date=timezone.localdate(), received_on=timezone.localdate(),
            deceased=a.beneficiaries.filter(relation="member").first(), channel="front_desk", unit=self.unit_x,
            status="rejected", reason_code="BENEFICIARY_NOT_ELIGIBLE", amount=Decimal("0.00"))
        today = timezone.localdate()
        self.application = MembershipApplication.objects.create(
            channel="online", home_unit=self.unit_x, received_on=today, cin="MX123456", first_name="Amina",
            last_name="Alaoui", birth_date=today.replace(year=today.year - 30), sex="F", took_office_on=today)
        self.approved_application = MembershipApplication.objects.create(
            channel="online", home_unit=self.unit_x, received_on=today, status="approved", member=a,
            covered_from=today, cin=a.cin, first_name=a.first_name, last_name=a.last_name, birth_date=a.birth_date)

    def _partners(self) -> None:
        """Provider X (CHU Hassan II) asked for an agreement for member A's stay and invoiced it."""
        from claims.services.agreements import prior_agreement_grant
        from partners.services import InvoiceLine, agreement_request_create, invoice_create
        from tests.partners.builders import account, papers, provider

        chu, other = provider("chu-x", "CHU X", "130000009"), provider("chu-y", "CHU Y", "110000009")
        self.users["provider_x"], self.users["provider_y"] = account(chu, "chu.x"), account(other, "chu.y")
        beneficiary = self.member_a.beneficiaries.get(relation="member")
        day = timezone.localdate() - timedelta(days=3)
        self.provider_agreement, _ = agreement_request_create(
            provider=chu, by=self.users["provider_x"], membership_number=self.member_a.membership_number,
            birth_date=beneficiary.birth_date, act_code="HOSP", planned_from=day, planned_to=day, quantity=1,
            estimated_amount=Decimal("800.00"), documents=[pdf_upload("report.pdf")])
        prior_agreement_grant(agreement=self.provider_agreement, by=None)
        self.provider_agreement_document = self.provider_agreement.provider_documents.get()
        self.provider_invoice, _ = invoice_create(
            provider=chu, by=self.users["provider_x"], agreement_reference=self.provider_agreement.reference,
            number="FAC-1", lines=[InvoiceLine("HOSP", day, 1, Decimal("800.00"))],
            documents=papers())

    @staticmethod
    def _scan(claim) -> Attachment:
        from django.core.files.base import ContentFile

        attachment = Attachment(claim=claim, kind="care_sheet", original_name="scan.pdf",
                                content_type="application/pdf", size=10, sha256="0" * 64)
        attachment.file.save("scan.pdf", ContentFile(pdf_bytes()), save=True)
        return attachment

    def kwargs(self, key: str) -> dict:
        from django.contrib.auth.tokens import default_token_generator
        from django.utils.encoding import force_bytes
        from django.utils.http import urlsafe_base64_encode

        user = self.member_a.user
        beneficiary = self.member_a.beneficiaries.get(relation="member")
        return {
            "": {},
            "member_a": {"?": {"member": self.member_a.pk}},
            "member_a_post": {"?": {"member": self.member_a.pk, "request_types": "claim_deposit"}},
            "booking_x": {"?": {"beneficiary": beneficiary.pk, "slot": self.free_slot.pk}},
            "reset_token": {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                            "token": default_token_generator.make_token(user)},
            "attestation": {"code": self.attestation.code},
            "api_token": {"key": self.api_token.token_key},
            "unit_code": {"code": self.unit_x.code},
            "change_request": {"pk": self.change_request.pk},
            "received_claim": {"pk": self.received.pk},
            "received_claim_admin": {"object_id": self.received.pk},
            "incomplete_claim": {"pk": self.incomplete.pk},
            "review_claim": {"pk": self.in_review.pk},
            "draft": {"pk": self.draft.pk},
            "draft_line": {"pk": self.draft.pk, "line_id": self.draft_line.pk},
            "draft_attachment": {"pk": self.draft.pk, "attachment_id": self.draft_attachment.pk},
            "received_attachment": {"pk": self.received_attachment.pk},
            "appointment": {"pk": self.appointment.pk},
            "appointment_action": {"pk": self.appointment.pk, "action": "cancel"},
            "visit": {"pk": self.visit.pk},
            "visit_action": {"pk": self.visit.pk, "action": "serve"},
            "lab_order": {"pk": self.lab_order.pk},
            "agreement": {"pk": self.agreement.pk},
            "batch": {"pk": self.batch.pk},
            "member_file": {"pk": self.member_a.pk},
            "agreement_document": {"pk": self.agreement_document.pk},
            "provident": {"pk": self.provident.pk},
            "provident_document": {"pk": self.provident_document.pk},
            "provident_decided": {"pk": self.provident_decided.pk},
            "provident_token": {"token": verification_token(self.provident_decided)},
            "application": {"pk": self.application.pk},
            "approved_application": {"pk": self.approved_application.pk},
            "provider_agreement": {"pk": self.provider_agreement.pk},
            "provider_agreement_document": {"pk": self.provider_agreement_document.pk},
            "provider_invoice": {"pk": self.provider_invoice.pk},
        }[key]


@pytest.fixture
def world(db, settings) -> World:
    settings.AXES_ENABLED = False  # force_login before every request; lockouts are tested elsewhere
    with translation.override("en"):
        yield World()


def observe(world: World, role: str, name: str, spec: Row, *, csrf: bool = False) -> str:
    client = Client(enforce_csrf_checks=csrf)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    kwargs = world.kwargs(spec.kwargs)
    params = kwargs.pop("?", {})
    url = reverse(name, kwargs=kwargs)
    with transaction.atomic():
        response = client.post(url, params) if spec.method == "POST" else client.get(url, params)
        transaction.set_rollback(True)
    status = response.status_code
    if status == 302:
        target = response["Location"]
        if target.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        if target.startswith(reverse("login")):
            return "login"
        if spec.method == "GET":
            return "302"
    if status == 200 or (spec.method == "POST" and status in (302, 400, 409)):
        return "ok"
    return str(status)


# --- the tests -----------------------------------------------------------------------------------------------------


def test_every_page_of_the_site_declares_who_may_see_it():
    undeclared = sorted(set(routes()) - set(MATRIX))
    assert not undeclared, (
        "These routes have no row in tests/security/test_access_matrix.py MATRIX; declare what each role gets: "
        + ", ".join(f"{name} (/{routes()[name]})" for name in undeclared))
    stale = sorted(set(MATRIX) - set(routes()))
    assert not stale, f"MATRIX rows for routes that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_matrix_says_on_every_page(world, role):
    wrong = []
    for name, spec in MATRIX.items():
        got = observe(world, role, name, spec)
        if got != spec.outcome(role):
            wrong.append(f"{name}: expected {spec.outcome(role)}, got {got}")
    assert not wrong, f"{role}:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_admin_pages_let_in_only_staff_and_model_pages_only_the_superuser(world, role):
    wrong = []
    for name, spec in ADMIN_SAMPLES.items():
        got = observe(world, role, name, spec)
        if got != spec.outcome(role):
            wrong.append(f"{name}: expected {spec.outcome(role)}, got {got}")
    assert not wrong, f"{role}:\n  " + "\n  ".join(wrong)


def test_a_new_page_without_a_row_is_reported_by_name(settings, monkeypatch):
    from django.http import HttpResponse
    from django.urls import clear_url_caches, include, path

    urlconf = types.ModuleType("tests_security_matrix_urls")
    urlconf.urlpatterns = [path("", include("mutuelle.urls")),
                           path("brand-new-page/", lambda request: HttpResponse("hi"), name="brand_new_page")]
    monkeypatch.setitem(sys.modules, urlconf.__name__, urlconf)
    settings.ROOT_URLCONF = urlconf.__name__
    clear_url_caches()
    try:
        with pytest.raises(AssertionError, match=r"brand_new_page \(/brand-new-page/\)"):
            test_every_page_of_the_site_declares_who_may_see_it()
    finally:
        clear_url_caches()


def test_no_page_of_the_site_is_exempt_from_csrf():
    exempt = [name for name, (_, callback) in _walk().items() if getattr(callback, "csrf_exempt", False)]
    assert not exempt


def test_every_form_of_the_site_refuses_a_post_without_its_csrf_token_even_from_a_role_allowed_to_post(world):
    accepted = []
    for name, spec in MATRIX.items():
        if spec.method != "POST":
            continue
        role = next(role for role in ROLES if spec.outcome(role) == "ok")
        got = observe(world, role, name, spec, csrf=True)
        if got != "403":
            accepted.append(f"{name} as {role}: {got}")
    assert not accepted, "posted without a CSRF token and not refused: " + ", ".join(accepted)
