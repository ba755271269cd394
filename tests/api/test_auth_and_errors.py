"""Tokens for scripts, the one JSON error format, and the schema at /api/schema/."""

import pytest
import yaml
from django.core.management import call_command

from apitokens.models import ApiToken

from .conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def test_a_member_gets_a_token_with_his_password_and_uses_it(cast):
    response = client_for().post("/api/v1/auth/token/", {"username": "member.x", "password": PASSWORD},
                                 format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    me = client_for().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200
    assert me.json()["membership_number"] == cast.x.member.membership_number


def test_staff_get_a_token_the_same_way(cast):
    response = client_for().post("/api/v1/auth/token/", {"username": "agent.x", "password": PASSWORD},
                                 format="json")
    assert response.status_code == 200
    assert response.json()["token"].startswith(ApiToken.objects.get(user=cast.x.agent).token_key)


def test_a_wrong_password_is_a_400_with_a_stable_code_and_the_field(cast):
    response = client_for().post("/api/v1/auth/token/", {"username": "member.x", "password": "nope-nope-nope"},
                                 format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_credentials"
    assert body["field"] == "password"
    assert body["errors"] == [{"code": "invalid_credentials", "message": body["message"], "field": "password"}]


def test_repeated_failures_lock_the_username_out_with_a_json_429(cast, settings):
    client = client_for()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token/", {"username": "member.x", "password": "wrong-password"}, format="json")
    response = client.post("/api/v1/auth/token/", {"username": "member.x", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"


def test_a_revoked_token_no_longer_opens_anything(cast):
    client = client_for(cast.x.member.user)
    assert client.delete("/api/v1/auth/token/").status_code == 204
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_an_anonymous_call_is_a_401_asking_for_a_token(db):
    response = client_for().get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_messages_follow_the_callers_language(cast):
    response = client_for(language="fr").post("/api/v1/auth/token/", {"username": "member.x"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "required", "field": "password", "message": "Ce champ est obligatoire.",
        "errors": [{"code": "required", "field": "password", "message": "Ce champ est obligatoire."}]}


def test_several_errors_are_all_listed(cast):
    response = client_for().post("/api/v1/auth/token/", {}, format="json")
    assert {(error["field"], error["code"]) for error in response.json()["errors"]} == {
        ("username", "required"), ("password", "required")}


def test_the_schema_is_a_valid_openapi_3_document(db, tmp_path):
    # --validate checks the document against the OpenAPI 3 meta-schema and fails on any warning.
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/files/{id}/" in schema["paths"]
    undocumented = [f"{name}.{field}" for name, component in schema["components"]["schemas"].items()
                    if not name.startswith("Paginated")
                    for field, spec in component.get("properties", {}).items()
                    if "description" not in spec and "$ref" not in spec and "allOf" not in spec]
    assert undocumented == []
    errors = {code for path in schema["paths"].values() for operation in path.values()
              for code in operation.get("responses", {}) if code.startswith("4")}
    assert {"400", "401", "403", "404", "409", "429"} <= errors


def test_the_schema_and_the_docs_are_served_without_a_cdn(db, client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn.jsdelivr" not in docs.content and b"/static/drf_spectacular_sidecar/" in docs.content


def _totp_code(device) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_a_staff_account_owes_its_second_factor_to_get_a_token(cast, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.STAFF_OTP_REQUIRED = True
    credentials = {"username": "agent.x", "password": PASSWORD}
    no_device = client_for().post("/api/v1/auth/token/", credentials, format="json")
    assert no_device.status_code == 403 and no_device.json()["code"] == "second_factor_enrolment"

    device = TOTPDevice.objects.create(user=cast.x.agent, name="phone", confirmed=True)
    no_code = client_for().post("/api/v1/auth/token/", credentials, format="json")
    assert no_code.status_code == 400 and no_code.json() | {"message": ""} == {
        "code": "second_factor_required", "field": "otp", "message": "", "errors": no_code.json()["errors"]}
    good = client_for().post("/api/v1/auth/token/", {**credentials, "otp": _totp_code(device)}, format="json")
    assert good.status_code == 200 and good.json()["token"]
    replayed = client_for().post("/api/v1/auth/token/", {**credentials, "otp": _totp_code(device)}, format="json")
    assert replayed.status_code == 400 and replayed.json()["code"] == "invalid_otp"


def test_a_member_without_a_second_factor_needs_only_his_password(cast, settings):
    settings.STAFF_OTP_REQUIRED = True
    response = client_for().post("/api/v1/auth/token/", {"username": "member.x", "password": PASSWORD},
                                 format="json")
    assert response.status_code == 200
