"""One input policy for the whole site and the API: what a request may carry, and how a refusal looks.

A request is refused with 400 before any view sees it when it carries a NUL character (path, query, cookies,
form fields, JSON text), a body over the size limit, too many fields, or JSON nested deeper than
MAX_JSON_DEPTH. A view that trips on a value out of range anyway (a date at the end of the calendar, an integer
too large for the database, a recursion) is answered the same way instead of a 500. On `/api/` the answer is the
API's JSON error (`{"code", "message", "field", "errors"}`), on `/fhir/` a FHIR OperationOutcome; on the site, a
styled page in the caller's language.
Django's own refusals (RequestDataTooBig, TooManyFieldsSent raised in another middleware) reach the same answer
through `bad_request`, installed as handler400."""

import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import (
    DisallowedHost,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MAX_JSON_DEPTH = 32
API_PREFIX = "/api/"
FHIR_PREFIX = "/fhir/"
JSON_TYPES = ("application/json", "application/merge-patch+json", "application/problem+json")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKETS = re.compile(rb"[\[\]{}]")
_JSON_NUL = re.compile(rb"\\u0000", re.IGNORECASE)


class InputRefused(Exception):
    """A request the policy refuses: `code` is stable (API clients branch on it), `message` is for people."""

    def __init__(self, code: str, field: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.field = field


def _messages() -> dict[str, str]:
    return {
        "nul_character": _("The request contains a NUL character, which no field accepts."),
        "out_of_range": _("A value in the request is out of the accepted range (a date too far in the past or the "
                          "future, or a number too large)."),
        "too_deep": _("The JSON body is nested too deeply (at most %(depth)s levels).") % {"depth": MAX_JSON_DEPTH},
        "too_large": _("The request is too large. The largest accepted request is %(size)s MB, and a scan may be "
                       "at most %(scan)s MB.")
        % {"size": settings.MAX_REQUEST_BYTES // (1024 * 1024), "scan": settings.MAX_UPLOAD_BYTES // (1024 * 1024)},
        "too_many_fields": _("The request has too many fields."),
        "bad_request": _("The request could not be understood. Check the address and the values sent."),
    }


def refusal_message(code: str) -> str:
    messages = _messages()
    return messages.get(code, messages["bad_request"])


def json_depth(body: bytes) -> int:
    """How deeply a JSON text nests arrays and objects (brackets inside strings do not count). Never recurses."""
    depth = deepest = 0
    for bracket in _JSON_BRACKETS.findall(_JSON_STRING.sub(b'""', body)):
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _has_nul(values) -> str | None:
    """The first key whose name or one of whose values contains a NUL character."""
    for key, items in values.lists():
        if "\x00" in key or any(isinstance(item, str) and "\x00" in item for item in items):
            return key.replace("\x00", "") or None
    return None


def check_request(request: HttpRequest) -> None:
    """Raises InputRefused for anything the policy refuses; reads (and so caches) the body of form and JSON
    requests, which also applies Django's size and field-count limits here, in one place."""
    if "\x00" in request.path or "\x00" in request.path_info:
        raise InputRefused("nul_character")
    field = _has_nul(request.GET)
    if field is not None or "\x00" in request.META.get("QUERY_STRING", ""):
        raise InputRefused("nul_character", field)
    if any("\x00" in key or "\x00" in value for key, value in request.COOKIES.items()):
        raise InputRefused("nul_character")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise InputRefused("bad_request") from None
    if length > settings.MAX_REQUEST_BYTES:
        raise InputRefused("too_large")
    content_type = request.content_type or ""
    try:
        if content_type in FORM_TYPES and request.method not in ("GET", "HEAD"):
            field = _has_nul(request.POST)
            if field is not None:
                raise InputRefused("nul_character", field)
        elif content_type in JSON_TYPES or content_type.endswith("+json"):
            body = request.body
            if b"\x00" in body or _JSON_NUL.search(body):
                raise InputRefused("nul_character")
            if json_depth(body) > MAX_JSON_DEPTH:
                raise InputRefused("too_deep")
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) as error:
        raise InputRefused(_code_of(error)) from error


def _code_of(error: BaseException) -> str:
    if isinstance(error, RequestDataTooBig):
        return "too_large"
    if isinstance(error, TooManyFieldsSent | TooManyFilesSent):
        return "too_many_fields"
    if isinstance(error, InputRefused):
        return error.code
    if isinstance(error, OverflowError | DataError | RecursionError):
        return "out_of_range"
    return "bad_request"


# Exceptions a view raises on a value it could not hold: the request's fault, answered 400 (see the docstring).
INPUT_ERRORS = (OverflowError, RecursionError, DataError)


def refusal_response(request: HttpRequest, code: str, field: str | None = None, status: int = 400) -> HttpResponse:
    """The 400 answer: the API's JSON error on /api/, a styled page in the caller's language elsewhere."""
    if not getattr(request, "LANGUAGE_CODE", None):
        translation.activate(translation.get_language_from_request(request))
    message = refusal_message(code)
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        error = {"code": code, "message": message, "field": field}
        response = JsonResponse({**error, "errors": [error]}, status=status)
    elif request.path.startswith(FHIR_PREFIX):  # FHIR clients read an OperationOutcome
        from fhir_r4.errors import FhirError, Issue, error_response

        response = error_response(FhirError(status, [Issue("invalid", message, field or "")]))
    else:
        response = render(request, "400.html", {"message": message, "code": code, "back_url": _back_url(request)},
                          status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def _back_url(request: HttpRequest) -> str:
    """The page the refused form was on (the Referer, when it is one of ours), so the visitor can go back to it
    instead of starting again from the home page."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={host}, require_https=request.is_secure()):
        return referer
    return ""


class InputPolicyMiddleware:
    """Install early (right after SecurityMiddleware and CSP): refuses bad input before sessions, CSRF or views
    read it, and turns a view's out-of-range crash into the same 400."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request(request)
        except InputRefused as refused:
            return refusal_response(request, refused.code, refused.field)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, INPUT_ERRORS):
            logger.warning("Input refused on %s %s: %r", request.method, request.path, exception)
            return refusal_response(request, _code_of(exception))
        if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
            return refusal_response(request, _code_of(exception))
        return None


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: Django's own refusals (SuspiciousOperation and friends) in the policy's format."""
    code = _code_of(exception) if exception is not None else "bad_request"
    if isinstance(exception, SuspiciousOperation) and code == "bad_request":
        code = "bad_request"
    return refusal_response(request, code)
