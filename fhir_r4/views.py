"""/fhir/r4/: the provider side as FHIR R4. Thin views: read and validate the resource, call the partners
services, answer a resource validated by the library. Every refusal is an OperationOutcome with a 4xx status.

Token authentication only (the API's token classes, no session), so there is no cookie to ride and no CSRF."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from fhir.resources.R4B.claim import Claim
from fhir.resources.R4B.coverageeligibilityrequest import CoverageEligibilityRequest
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from claims.models import ClaimFile, ClaimStatus, PriorAgreement
from members.api.permissions import member_of
from partners.models import Invoice, Provider
from partners.selectors import provider_of
from partners.services import InvoiceLine, agreement_request_create, coverage_check, invoice_create

from . import parsing, resources, systems
from .errors import FhirError, Issue, error_response, fhir_response, invalid


def _token_classes() -> list:
    return [cls for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES if not issubclass(cls, SessionAuthentication)]


class FhirView(APIView):
    authentication_classes = _token_classes()
    permission_classes = [AllowAny]  # each view checks its caller and answers an OperationOutcome
    schema = None

    def handle_exception(self, exc: Exception) -> HttpResponse:
        if isinstance(exc, FhirError):
            return error_response(exc)
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            return error_response(FhirError(401, [Issue("login", _("Send Authorization: Token <key>."))]))
        if isinstance(exc, exceptions.MethodNotAllowed):
            return error_response(FhirError(405, [Issue("not-supported", _("This interaction is not supported."))]))
        if isinstance(exc, exceptions.Throttled):
            return error_response(FhirError(429, [Issue("throttled", _("Too many requests."))]))
        if isinstance(exc, exceptions.APIException):
            return error_response(FhirError(exc.status_code, [Issue("processing", str(exc.detail)[:300])]))
        return super().handle_exception(exc)

    def provider(self, request) -> Provider:
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        provider = provider_of(request.user)
        if provider is None:
            raise FhirError(403, [Issue("forbidden", _("Only a partner provider's account may do this."))])
        return provider


class Metadata(FhirView):
    def get(self, request) -> HttpResponse:
        return fhir_response(resources.capability_statement())


class CodeSystemRead(FhirView):
    def get(self, request, name: str) -> HttpResponse:
        if name == "acts":
            return fhir_response(resources.acts_code_system())
        if name == "reasons":
            return fhir_response(resources.reasons_code_system())
        raise invalid(_("No CodeSystem %(name)s.") % {"name": name[:40]}, code="not-found", status=404)


class Eligibility(FhirView):
    def post(self, request) -> HttpResponse:
        self.provider(request)
        data = parsing.read_json(request)
        resource = parsing.validated(CoverageEligibilityRequest, data)
        key = parsing.patient_key(resource)
        period = resource.servicedPeriod
        on = resource.servicedDate or (_day(period.start) if period and period.start else timezone.localdate())
        answer = coverage_check(membership_number=key.membership_number, birth_date=key.birth_date, on=on)
        return fhir_response(resources.eligibility_response(
            request_data=data, number=key.membership_number, on=on, covered=answer.covered,
            complementary=answer.complementary))


def _day(value) -> date:
    """A FHIR dateTime may come as a date or a datetime."""
    return value.date() if isinstance(value, datetime) else value


def _identifier(resource) -> str:
    return next((i.value for i in (resource.identifier or []) if i.value), "")


def _check_provider(resource, provider: Provider) -> None:
    identifier = getattr(resource.provider, "identifier", None)
    if identifier is not None and identifier.value and (identifier.system, identifier.value) != (
            systems.inpe(), provider.inpe):
        raise FhirError(403, [Issue("forbidden", _("Claim.provider names another provider than this account's."),
                                    "Claim.provider")])


class ClaimCreate(FhirView):
    def post(self, request) -> HttpResponse:
        provider = self.provider(request)
        resource = parsing.validated(Claim, parsing.read_json(request))
        _check_provider(resource, provider)
        if resource.use == "preauthorization":
            return self._preauthorization(request, provider, resource)
        if resource.use == "claim":
            return self._invoice(request, provider, resource)
        raise invalid(_("Claim.use must be preauthorization or claim."), "Claim.use", code="not-supported")

    def _preauthorization(self, request, provider: Provider, resource) -> HttpResponse:
        key = parsing.patient_key(resource)
        items = resource.item or []
        if len(items) != 1:
            raise invalid(_("A prior agreement request has exactly one item (the act asked for)."), "Claim.item")
        item = items[0]
        period = item.servicedPeriod
        start = _day(period.start) if period and period.start else item.servicedDate
        end = _day(period.end) if period and period.end else item.servicedDate
        try:
            agreement, created = agreement_request_create(
                provider=provider, by=request.user, membership_number=key.membership_number,
                birth_date=key.birth_date, act_code=parsing.act_code(item.productOrService,
                                                                      "Claim.item[0].productOrService"),
                planned_from=start, planned_to=end,
                quantity=parsing.whole_quantity(item.quantity, "Claim.item[0].quantity"),
                estimated_amount=parsing.amount(item.net, "Claim.item[0].net"),
                documents=parsing.attachments(resource),
                identifier=_identifier(resource))
        except ValidationError as error:
            raise parsing.service_errors(error, "Claim") from error
        return fhir_response(resources.agreement_claim_response(agreement=agreement), status=201 if created else 200,
                             headers={"Location": f"/fhir/r4/Claim/{agreement.reference}"})

    def _invoice(self, request, provider: Provider, resource) -> HttpResponse:
        key = parsing.patient_key(resource)
        refs = [ref for insurance in resource.insurance for ref in (insurance.preAuthRef or [])]
        if not refs:
            raise invalid(_("Name the prior agreement in insurance[0].preAuthRef."), "Claim.insurance[0].preAuthRef",
                          code="required")
        lines = []
        for index, item in enumerate(resource.item or []):
            where = f"Claim.item[{index}]"
            if item.servicedDate is None:
                raise invalid(_("Each item needs its servicedDate."), where + ".servicedDate", code="required")
            lines.append(InvoiceLine(parsing.act_code(item.productOrService, where + ".productOrService"),
                                     item.servicedDate, parsing.whole_quantity(item.quantity, where + ".quantity"),
                                     parsing.amount(item.net, where + ".net")))
        number = _identifier(resource)
        agreement = PriorAgreement.objects.filter(reference=refs[0][:32], provider_request__provider=provider).first()
        if agreement is not None and (agreement.beneficiary.member.membership_number,
                                      agreement.beneficiary.birth_date) != (key.membership_number, key.birth_date):
            raise invalid(_("The patient is not the one of the prior agreement."), "Claim.patient", status=422)
        try:
            invoice, created = invoice_create(provider=provider, by=request.user, agreement_reference=refs[0],
                                              number=number, lines=lines, documents=parsing.attachments(resource))
        except ValidationError as error:
            raise parsing.service_errors(error, "Claim") from error
        return fhir_response(_invoice_response(invoice.claim), status=201 if created else 200,
                             headers={"Location": f"/fhir/r4/Claim/{invoice.claim.tracking_code}"})


def _invoice_response(claim: ClaimFile):
    claim = (ClaimFile.objects.select_related("member", "paid_file__transfer").get(pk=claim.pk))
    return resources.invoice_claim_response(claim=claim, lines=list(claim.lines.order_by("position")))


class ClaimResponseSearch(FhirView):
    def get(self, request) -> HttpResponse:
        provider = self.provider(request)
        target = request.GET.get("request", "")
        if not target.startswith("Claim/") or len(target) > 80:
            raise invalid(_("Search with request=Claim/<id>."), "ClaimResponse.request", code="required")
        claim_id = target[len("Claim/"):]
        found = []
        invoice = Invoice.objects.filter(provider=provider, claim__tracking_code=claim_id).select_related(
            "claim").first()
        if invoice is not None:
            found.append(_invoice_response(invoice.claim))
        else:
            agreement = (PriorAgreement.objects.select_related("beneficiary__member")
                         .filter(reference=claim_id, provider_request__provider=provider).first())
            if agreement is not None:
                found.append(resources.agreement_claim_response(agreement=agreement))
        return fhir_response(resources.searchset(found))


class ExplanationOfBenefitSearch(FhirView):
    """A member's own priced files (member token); `patient` is the member's membership number."""

    def get(self, request) -> HttpResponse:
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        member = member_of(request.user)
        if member is None:
            raise FhirError(403, [Issue("forbidden", _("Only a member's account reads its explanations of benefit."))])
        patient = request.GET.get("patient", "").removeprefix("Patient/")
        if patient and patient != member.membership_number:
            raise FhirError(403, [Issue("forbidden", _("A member reads only their own files."), "patient")])
        claims = (ClaimFile.objects.filter(member=member, status__in=[ClaimStatus.LIQUIDATED, ClaimStatus.REJECTED,
                                                                      ClaimStatus.PAID])
                  .select_related("member").prefetch_related("lines").order_by("-received_on", "-pk")[:100])
        return fhir_response(resources.searchset([
            resources.explanation_of_benefit(claim=claim, lines=sorted(claim.lines.all(), key=lambda x: x.position))
            for claim in claims]))


class NotFound(FhirView):
    """Anything else under /fhir/r4/: an OperationOutcome 404 (not the site's HTML page), whatever the method."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        message = _("No such interaction here; see /fhir/r4/metadata.")
        return error_response(FhirError(404, [Issue("not-found", message)]))


# Writes run in one transaction each: a refusal half-way stores nothing.
ClaimCreate.post = transaction.atomic(ClaimCreate.post)
