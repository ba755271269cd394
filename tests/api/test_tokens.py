"""API tokens outlive no right: they expire, one per client, and a password change, enrolling a second factor or
the staff rule switched on after they were issued all end them. Their owner lists and revokes them (API and page)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from apitokens.models import ApiToken

from .conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def login(username: str, client_name: str = "", **extra) -> str:
    body = {"username": username, "password": PASSWORD, **extra}
    if client_name:
        body["client"] = client_name
    response = client_for().post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def me(token: str):
    return client_for().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")


def test_a_token_is_stored_hashed_and_expires(cast, settings):
    token = login("member.x")
    stored = ApiToken.objects.get(user=cast.x.member.user)
    assert token not in (stored.digest, stored.token_key) and token.startswith(stored.token_key)
    assert timedelta(days=29) < stored.expiry - timezone.now() <= timedelta(days=30)
    assert me(token).status_code == 200
    ApiToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    expired = me(token)
    assert expired.status_code == 401 and expired.json()["code"] == "authentication_failed"
    assert not ApiToken.objects.filter(user=cast.x.member.user).exists()


def test_one_token_per_client_and_a_new_login_of_that_client_replaces_its_token(cast):
    phone, script = login("member.x", "phone"), login("member.x", "script")
    assert me(phone).status_code == me(script).status_code == 200
    phone_again = login("member.x", "phone")
    assert me(phone).status_code == 401
    assert me(phone_again).status_code == me(script).status_code == 200
    assert sorted(ApiToken.objects.filter(user=cast.x.member.user).values_list("client", flat=True)) == [
        "phone", "script"]


def test_a_password_change_revokes_every_token_of_the_account(cast):
    tokens = [login("member.x", "phone"), login("member.x", "script")]
    user = cast.x.member.user
    user.set_password("An-Entirely-New-Password-2026")
    user.save()
    assert [me(token).status_code for token in tokens] == [401, 401]
    other = login("member.y")
    assert me(other).status_code == 200  # another account's tokens stay


def test_a_password_changed_through_the_reset_page_revokes_the_tokens_too(cast):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    token = login("member.x")
    user = cast.x.member.user
    uid, key = urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)
    browser = Client()
    form = browser.get(f"/password-reset/{uid}/{key}/", follow=True)
    browser.post(form.redirect_chain[-1][0], {"new_password1": "Reset-Password-Long-2026",
                                              "new_password2": "Reset-Password-Long-2026"})
    assert me(token).status_code == 401


def test_saving_the_account_for_another_reason_keeps_the_tokens(cast):
    token = login("member.x")
    user = cast.x.member.user
    user.language = "fr"
    user.save()
    assert me(token).status_code == 200


def _totp_code(device) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_enrolling_a_second_factor_revokes_the_tokens_issued_with_the_password_alone(cast):
    token = login("member.x")
    device = TOTPDevice.objects.create(user=cast.x.member.user, name="phone", confirmed=False)
    assert me(token).status_code == 200  # not yet confirmed
    device.confirmed = True
    device.save()
    assert me(token).status_code == 401
    fresh = login("member.x", otp=_totp_code(device))
    assert me(fresh).status_code == 200


def test_a_staff_token_issued_before_the_second_factor_was_enforced_stops_working(cast, settings):
    settings.STAFF_OTP_REQUIRED = False
    token = login("agent.x")
    assert client_for().get("/api/v1/visits/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    settings.STAFF_OTP_REQUIRED = True
    refused = client_for().get("/api/v1/visits/", HTTP_AUTHORIZATION=f"Token {token}")
    assert refused.status_code == 401
    assert "second factor" in refused.json()["message"]
    assert not ApiToken.objects.filter(user=cast.x.agent).exists()


def test_a_staff_token_issued_with_the_code_keeps_working_under_enforcement(cast, settings):
    settings.STAFF_OTP_REQUIRED = True
    device = TOTPDevice.objects.create(user=cast.x.agent, name="phone", confirmed=True)
    token = login("agent.x", otp=_totp_code(device))
    assert client_for().get("/api/v1/visits/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def test_the_owner_lists_and_revokes_their_tokens_through_the_api(cast):
    phone, script = login("member.x", "phone"), login("member.x", "script")
    listing = client_for().get("/api/v1/auth/tokens/", HTTP_AUTHORIZATION=f"Token {phone}")
    assert listing.status_code == 200
    rows = {row["client"]: row for row in listing.json()}
    assert set(rows) == {"phone", "script"} and rows["phone"]["current"] and not rows["script"]["current"]
    assert all(phone not in str(row) and script not in str(row) for row in rows.values())  # no secret listed
    other = client_for().delete(f"/api/v1/auth/tokens/{rows['script']['key']}/",
                                HTTP_AUTHORIZATION=f"Token {login('member.y')}")
    assert other.status_code == 404  # not theirs
    revoked = client_for().delete(f"/api/v1/auth/tokens/{rows['script']['key']}/",
                                  HTTP_AUTHORIZATION=f"Token {phone}")
    assert revoked.status_code == 204
    assert me(script).status_code == 401 and me(phone).status_code == 200


def test_a_token_that_is_not_ascii_is_a_401_not_a_crash(db):
    response = client_for().get("/api/v1/me/", HTTP_AUTHORIZATION="Token é" * 1)
    assert response.status_code == 401


def test_the_owner_lists_and_revokes_their_tokens_on_a_page(cast):
    login("member.x", "phone")
    script = login("member.x", "script")
    browser = Client(HTTP_ACCEPT_LANGUAGE="fr")
    browser.force_login(cast.x.member.user)
    page = browser.get("/security/tokens/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "phone" in text and "script" in text and script not in text
    key = ApiToken.objects.get(user=cast.x.member.user, client="script").token_key
    assert browser.post(f"/security/tokens/{key}/revoke/").status_code == 302
    assert me(script).status_code == 401
    assert list(ApiToken.objects.filter(user=cast.x.member.user).values_list("client", flat=True)) == ["phone"]
    outsider = Client()
    outsider.force_login(cast.y.member.user)
    phone_key = ApiToken.objects.get(user=cast.x.member.user).token_key
    assert outsider.post(f"/security/tokens/{phone_key}/revoke/").status_code == 404


def test_an_api_call_reads_the_token_table_once_and_expired_tokens_go_at_the_next_login(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = cast.x.member.user
    login("member.x", "old-phone")
    token = login("member.x", "phone")
    assert me(token).status_code == 200  # records last_used
    ApiToken.objects.filter(user=user, client="old-phone").update(expiry=timezone.now() - timedelta(seconds=1))

    with CaptureQueriesContext(connection) as queries:
        assert me(token).status_code == 200
    assert len([q for q in queries.captured_queries if "apitokens_apitoken" in q["sql"]]) == 1
    assert ApiToken.objects.filter(user=user, client="old-phone").exists()  # not read, so not deleted: until...
    login("member.x", "tablet")  # ...the account is issued a token (an expired one never authenticates anyway)
    assert sorted(ApiToken.objects.filter(user=user).values_list("client", flat=True)) == ["phone", "tablet"]
