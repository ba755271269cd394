"""Reading what a hospital sends: the JSON body (size, depth, numbers kept as exact decimals), validated by the
fhir.resources R4 models (`fhir.resources.R4B`: Claim, ClaimResponse, Coverage*, ExplanationOfBenefit and the
conformance resources used here have the same structure in R4 4.0.1 and R4B 4.3.0), then our own fields."""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext as _
from pydantic import ValidationError as PydanticValidationError

from claims.models import DocumentKind

from . import systems
from .errors import FhirError, Issue, invalid

MAX_DEPTH = 64
JSON_TYPES = ("application/fhir+json", "application/json")


def _max_body() -> int:
    # Documents travel base64-encoded inside the resource: room for a few scans of the largest accepted size.
    return settings.MAX_UPLOAD_BYTES * 4 + 256 * 1024


def _too_deep(raw: str) -> bool:
    """True when arrays/objects nest deeper than MAX_DEPTH (checked before parsing: the parser recurses)."""
    depth, in_string, escaped = 0, False, False
    for char in raw:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif char in "]}":
            depth -= 1
    return False


def read_json(request: HttpRequest) -> dict:
    content_type = (request.META.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
    if content_type not in JSON_TYPES:
        raise invalid(_("Send the resource as application/fhir+json."), code="not-supported", status=415)
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > _max_body():
        raise invalid(_("The resource is too large."), code="too-costly", status=413)
    try:
        raw = request.body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise invalid(_("The body is not UTF-8 text."), code="structure") from error
    if len(raw) > _max_body():
        raise invalid(_("The resource is too large."), code="too-costly", status=413)
    if _too_deep(raw):
        raise invalid(_("The JSON nests deeper than %(depth)d levels.") % {"depth": MAX_DEPTH}, code="structure")
    try:
        data = json.loads(raw, parse_float=Decimal)
    except (ValueError, RecursionError) as error:
        message = _("The body is not valid JSON: %(error)s") % {"error": error}
        raise invalid(message[:300], code="structure") from error
    if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
        raise invalid(_("The body is not a FHIR resource (no resourceType)."), code="structure")
    return data


def validated(model, data: dict):
    """The resource parsed and validated by the library, or a 400 OperationOutcome naming each problem."""
    expected = model.get_resource_type()
    if data.get("resourceType") != expected:
        raise invalid(_("Expected a %(expected)s, got %(got)s.") % {
            "expected": expected, "got": str(data.get("resourceType"))[:60]}, "resourceType")
    try:
        return model.model_validate(data)
    except (PydanticValidationError, ValueError, TypeError) as error:
        issues = []
        for item in getattr(error, "errors", lambda: [])()[:20]:
            path = expected + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in item["loc"])
            code = "required" if item.get("type") == "missing" else "invalid"
            issues.append(Issue(code, str(item.get("msg", "invalid"))[:300], path))
        raise FhirError(400, issues or [Issue("invalid", str(error)[:300])]) from error


# --- our fields --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PatientKey:
    membership_number: str
    birth_date: date | None


def patient_key(resource, field: str = "patient") -> PatientKey:
    """The membership number and birth date of the contained Patient the resource points at (`#id`)."""
    reference = getattr(resource, field)
    where = f"{resource.get_resource_type()}.{field}"
    target = (reference.reference or "") if reference else ""
    if not target.startswith("#"):
        raise invalid(_("Point the patient at a contained Patient (#id) with the membership number and birth date."),
                      where, code="required")
    patient = next((c for c in (resource.contained or []) if getattr(c, "id", None) == target[1:]), None)
    if patient is None or patient.get_resource_type() != "Patient":
        raise invalid(_("No contained Patient with id %(id)s.") % {"id": target[1:][:40]}, where, code="not-found")
    number = next((i.value for i in (patient.identifier or []) if i.system == systems.membership_number() and i.value),
                  None)
    if not number:
        raise invalid(_("The Patient needs an identifier in the system %(system)s.") % {
            "system": systems.membership_number()},
                      f"{resource.get_resource_type()}.contained.identifier", code="required")
    if patient.birthDate is None:
        raise invalid(_("The Patient needs its birthDate."), f"{resource.get_resource_type()}.contained.birthDate",
                      code="required")
    return PatientKey(number, patient.birthDate)


def act_code(concept, where: str) -> str:
    for coding in (concept.coding or []) if concept else []:
        if coding.system == systems.acts() and coding.code:
            return coding.code
    raise invalid(_("Code the care with our act codes (system %(system)s).") % {"system": systems.acts()}, where,
                  code="code-invalid")


def amount(money, where: str) -> Decimal:
    if money is None or money.value is None:
        raise invalid(_("The amount is required."), where, code="required")
    if money.currency not in (None, systems.CURRENCY):
        raise invalid(_("Amounts are in MAD."), where + ".currency", code="code-invalid")
    value = Decimal(money.value)
    if not value.is_finite() or abs(value) >= Decimal("1E10"):
        raise invalid(_("This amount is too large."), where + ".value")
    if value != value.quantize(Decimal("0.01")):
        raise invalid(_("An amount has at most 2 decimals (centimes)."), where + ".value")
    return value


def whole_quantity(quantity, where: str, default: int = 1) -> int:
    if quantity is None or quantity.value is None:
        return default
    value = Decimal(quantity.value)
    if not value.is_finite() or value < 1 or value > 100_000 or value != value.to_integral_value():
        raise invalid(_("The quantity is a whole number of at least 1."), where)
    return int(value)


def attachments(resource) -> list[tuple[str, SimpleUploadedFile]]:
    """The documents sent inline: supportingInfo[].valueAttachment with base64 `data`, each with its kind from
    the supportingInfo's category code (invoice, care_sheet, prescription, report...; invoice when none)."""
    files = []
    for index, info in enumerate(resource.supportingInfo or []):
        attachment = getattr(info, "valueAttachment", None)
        if attachment is None:
            continue
        where = f"{resource.get_resource_type()}.supportingInfo[{index}].valueAttachment"
        if not attachment.data:
            raise invalid(_("Send the document's bytes inline (data, base64)."), where + ".data", code="required")
        data = attachment.data  # the library has decoded (and checked) the base64 already
        if isinstance(data, str):  # pragma: no cover - older releases of the library keep the text
            try:
                data = base64.b64decode(data, validate=True)
            except (binascii.Error, ValueError) as error:
                raise invalid(_("The document's data is not base64."), where + ".data") from error
        name = (attachment.title or f"document-{index + 1}")[:200]
        codes = [coding.code for coding in (info.category.coding or [])] if info.category else []
        kind = next((code for code in codes if code in DocumentKind.values), DocumentKind.INVOICE)
        files.append((kind, SimpleUploadedFile(name, data, content_type=attachment.contentType or "")))
    return files


def service_errors(error, resource_type: str) -> FhirError:
    """A service's ValidationError ({"lines.0.billed_amount": [...], "agreement": [...]}) as FHIR issues."""
    fields = {"act_code": "productOrService", "care_date": "servicedDate", "quantity": "quantity",
              "billed_amount": "net", "agreement": "insurance[0].preAuthRef", "number": "identifier",
              "membership_number": "patient", "documents": "supportingInfo", "planned_from": "item[0].servicedPeriod",
              "planned_to": "item[0].servicedPeriod", "estimated_amount": "item[0].net", "lines": "item"}
    issues = []
    for key, messages in getattr(error, "message_dict", {"": error.messages}).items():
        parts = key.split(".")
        if parts[0] == "lines" and len(parts) == 3:
            path = f"{resource_type}.item[{parts[1]}].{fields.get(parts[2], parts[2])}"
        else:
            path = f"{resource_type}.{fields.get(key, key)}" if key and key != "__all__" else resource_type
        code = "code-invalid" if key.endswith("act_code") else ("not-found" if key == "membership_number"
                                                                  else "invalid")
        issues += [Issue(code, str(message), path) for message in messages]
    # The resource was well formed; what it asks for breaks a business rule: 422 (FHIR's "unprocessable").
    return FhirError(422, issues)
