"""The 19 requests an outside tester turned into 500s, each replayed: every one now gets a 400 (the API's JSON error
on /api/, the styled page on the site), or the form's own refusal on its field. One place decides:
mutuelle.input_policy (middleware, handler400, DRF's JSON parser)."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from claims.models import ClaimFile, ClaimStatus
from members.services import attestation_issue
from tests.api.conftest import cast, client_for  # noqa: F401 - the API's cast of users and objects
from tests.claims.factories import ClaimFileFactory

pytestmark = pytest.mark.django_db

DEEP = "[" * 5000 + "]" * 5000
EDGE_OF_TIME = "0001-01-01T00:00:00+05:00"


def site(user=None, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language, raise_request_exception=True)
    if user is not None:
        client.force_login(user)
    return client


def assert_api_refusal(response, code: str) -> None:
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] == code and body["message"] and body["errors"][0]["code"] == code, body


def assert_page_refusal(response) -> None:
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith("text/html")
    assert "Request refused" in response.content.decode()


@pytest.fixture
def manager(cast):  # noqa: F811
    return cast.liquidator  # reads the unit dashboard (see the access matrix)


# --- NUL bytes --------------------------------------------------------------------------------------------------


def test_a_nul_in_the_path_of_the_public_attestation_check_is_a_400_page(db):
    assert_page_refusal(site().get("/verify/%00/"))


def test_a_nul_in_a_members_attestation_path_is_a_400_page(cast):  # noqa: F811
    attestation_issue(member=cast.x.member, by=cast.x.member.user)
    assert_page_refusal(site(cast.x.member.user).get("/me/attestations/%00.pdf"))


def test_a_nul_in_the_booking_pages_unit_is_a_400_page(cast):  # noqa: F811
    assert_page_refusal(site(cast.x.member.user).get("/me/appointments/book/?unit=%00"))


@pytest.mark.parametrize("url", ["/desk/search/?q=%00%00", "/desk/day-sheet/?practitioner=%00"])
def test_a_nul_in_a_desk_query_is_a_400_page(cast, url):  # noqa: F811
    assert_page_refusal(site(cast.x.agent).get(url))


@pytest.mark.parametrize("url", ["/desk/dashboard/?unit=%00", "/desk/dashboard.csv?unit=%00"])
def test_a_nul_in_the_dashboard_and_its_csv_is_a_400_page(manager, url):
    assert_page_refusal(site(manager).get(url))


@pytest.mark.parametrize("url", ["/api/v1/members/?q=%00", "/api/v1/free-slots/?unit=%00"])
def test_a_nul_in_an_api_query_is_a_json_400(cast, url):  # noqa: F811
    response = client_for(cast.x.agent).get(url)
    assert_api_refusal(response, "nul_character")
    assert response.json()["field"] in ("q", "unit")


def test_a_nul_in_a_form_field_or_a_cookie_is_refused_too(cast):  # noqa: F811
    assert_page_refusal(site().post("/track/", {"code": "AB\x00CD", "birth_date": "1980-01-01"}))
    # Raw header: Python's cookie jar refuses to hold a control character (Debian's 3.11 since a security fix).
    assert_page_refusal(site().get("/", HTTP_COOKIE="sessionid=abc\x00def"))


def test_the_refusal_page_speaks_the_callers_language(db):
    response = site(language="fr").get("/verify/%00/")
    assert response.status_code == 400
    assert "Requête refusée" in response.content.decode()
    arabic = site(language="ar").get("/verify/%00/")
    assert 'dir="rtl"' in arabic.content.decode()


# --- dates and integers at the ends of their range ------------------------------------------------------------


def test_the_day_sheet_at_the_last_day_of_the_calendar_is_a_400_page(cast):  # noqa: F811
    assert_page_refusal(site(cast.x.agent).get("/desk/day-sheet/?day=9999-12-31"))


@pytest.mark.parametrize("suffix", ["", "&format=pdf"])
def test_the_forwarding_slip_at_the_last_day_of_the_calendar_is_refused(cast, suffix):  # noqa: F811
    response = site(cast.x.agent).get(f"/desk/claims/forwarding-slip/?day=9999-12-31{suffix}")
    assert response.status_code == 400


@pytest.mark.parametrize("path, name", [("/api/v1/appointments/", "starts_after"), ("/api/v1/slots/", "starts_after"),
                                        ("/api/v1/visits/", "arrived_after")])
def test_starts_after_at_the_first_instant_of_the_calendar_is_a_json_400(cast, path, name):  # noqa: F811
    response = client_for(cast.x.agent).get(path, {name: EDGE_OF_TIME})
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] in ("out_of_range", "invalid")


def test_a_quantity_beyond_the_databases_integers_on_the_members_line_form_is_refused_on_its_field(cast):  # noqa: F811
    draft = ClaimFileFactory(member=cast.x.member, status=ClaimStatus.DRAFT, received_on=None)
    response = site(cast.x.member.user).post(f"/me/claims/{draft.pk}/lines/", {
        "act_code": "C", "care_date": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "quantity": "2147483648", "billed_amount": "150.00"})
    assert response.status_code == 400
    assert "quantity" in response.context["line_form"].errors
    assert not draft.lines.exists()


def test_a_quantity_beyond_the_databases_integers_on_the_desk_grid_is_refused_on_its_row(cast):  # noqa: F811
    day = (timezone.localdate() - timedelta(days=2)).isoformat()
    beneficiary = cast.x.member.beneficiaries.get(relation="member")
    before = ClaimFile.objects.count()
    response = site(cast.x.agent).post(f"/desk/claims/new/?member={cast.x.member.pk}", {
        "beneficiary": beneficiary.pk, "unit": cast.x.unit.pk, "received_on": timezone.localdate().isoformat(),
        "sector": "private", "provider_name": "Clinique Atlas", "provider_ref": "", "missing_documents": "",
        "idempotency_key": "desk-big", "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "40", "lines-0-act_code": "C", "lines-0-care_date": day,
        "lines-0-quantity": "2147483648", "lines-0-billed_amount": "100.00"})
    assert response.status_code == 400
    assert "quantity" in response.context["lines"].forms[0].errors
    assert ClaimFile.objects.count() == before


# --- JSON nesting, body size, field count ---------------------------------------------------------------------


def test_a_json_body_nested_5000_deep_on_the_token_endpoint_is_a_json_400(db):
    response = client_for().post("/api/v1/auth/token/", DEEP, content_type="application/json")
    assert_api_refusal(response, "too_deep")


@pytest.mark.parametrize("path", ["/api/v1/me/estimate/", "/api/v1/me/files/", "/api/v1/visits/"])
def test_a_json_body_nested_5000_deep_on_any_json_endpoint_is_a_json_400(cast, path):  # noqa: F811
    user = cast.x.agent if path == "/api/v1/visits/" else cast.x.member.user
    response = client_for(user).post(path, '{"lines": ' + DEEP + "}", content_type="application/json")
    assert_api_refusal(response, "too_deep")


def test_an_ordinary_nested_body_still_passes_the_depth_rule(cast):  # noqa: F811
    body = {"lines": [{"act_code": "C", "care_date": timezone.localdate().isoformat(), "quantity": 1,
                       "billed_amount": "100.00", "note": "[[[[{{{{"}]}
    response = client_for(cast.x.member.user).post("/api/v1/me/estimate/", json.dumps(body),
                                                   content_type="application/json")
    assert response.status_code != 400 or response.json()["code"] != "too_deep"


def test_an_oversized_api_body_is_a_json_400(cast, settings):  # noqa: F811
    settings.MAX_REQUEST_BYTES = 1000
    response = client_for(cast.x.agent).post("/api/v1/visits/", json.dumps({"unit": "x", "visitor_name": "x" * 2000}),
                                             content_type="application/json")
    assert_api_refusal(response, "too_large")


def test_a_json_body_over_djangos_memory_limit_is_a_json_400(cast, settings):  # noqa: F811
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client_for(cast.x.agent).post("/api/v1/visits/", json.dumps({"unit": "x", "visitor_name": "x" * 2000}),
                                             content_type="application/json")
    assert_api_refusal(response, "too_large")


def test_too_many_fields_is_a_json_400_on_the_api_and_a_page_on_the_site(cast, settings):  # noqa: F811
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    fields = {f"f{i}": "x" for i in range(50)}
    assert_api_refusal(client_for(cast.x.agent).post("/api/v1/visits/", fields), "too_many_fields")
    assert_page_refusal(site().post("/track/", fields))


def test_a_nul_escaped_in_json_is_refused(cast):  # noqa: F811
    response = client_for(cast.x.agent).post("/api/v1/visits/", '{"unit": "x", "visitor_name": "a\\u0000b"}',
                                             content_type="application/json")
    assert_api_refusal(response, "nul_character")


# --- the 409 on a file already submitted ---------------------------------------------------------------------


def test_submitting_a_file_twice_is_a_409_with_a_sentence(cast):  # noqa: F811
    response = client_for(cast.x.member.user, language="en").post(f"/api/v1/me/files/{cast.x.claim.pk}/submit/")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] in ("already_submitted", "invalid_transition")
    assert body["message"] != cast.x.claim.tracking_code and len(body["message"].split()) > 5
    french = client_for(cast.x.member.user, language="fr").post(f"/api/v1/me/files/{cast.x.claim.pk}/submit/")
    assert french.json()["message"] != body["message"]
