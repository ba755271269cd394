"""FHIR errors: an OperationOutcome (validated by the library) with a 4xx status. Nothing is stored when one
is raised: the services refuse before writing, inside one transaction."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.http import HttpResponse
from fhir.resources.R4B.operationoutcome import OperationOutcome

CONTENT_TYPE = "application/fhir+json; charset=utf-8"


@dataclass(frozen=True)
class Issue:
    code: str  # invalid, required, structure, code-invalid, security, forbidden, not-found, not-supported...
    diagnostics: str
    expression: str = ""


class FhirError(Exception):
    def __init__(self, status: int, issues: Iterable[Issue]) -> None:
        self.status = status
        self.issues = list(issues)
        super().__init__("; ".join(issue.diagnostics for issue in self.issues))


def invalid(diagnostics: str, expression: str = "", code: str = "invalid", status: int = 400) -> FhirError:
    return FhirError(status, [Issue(code, diagnostics, expression)])


def outcome(issues: Iterable[Issue], severity: str = "error") -> OperationOutcome:
    return OperationOutcome.model_validate({
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": issue.code, "diagnostics": issue.diagnostics[:1000],
                   **({"expression": [issue.expression]} if issue.expression else {})} for issue in issues],
    })


def fhir_response(resource, status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(resource.model_dump_json(exclude_none=True), status=status, content_type=CONTENT_TYPE)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def error_response(error: FhirError) -> HttpResponse:
    return fhir_response(outcome(error.issues), status=error.status)
