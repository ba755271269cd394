"""Staff and admins pass a TOTP code after their password before any page (the admin included); members may opt in.

These tests turn STAFF_OTP_REQUIRED on (the test settings leave it off so other staff-page tests can force_login)."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from units.models import ServiceUnit, StaffAssignment, StaffRole

PASSWORD = "Staff-Password-2026"


@pytest.fixture(autouse=True)
def otp_required(settings, client):
    settings.STAFF_OTP_REQUIRED = True
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("chief", "chief@example.ma", PASSWORD)


@pytest.fixture
def agent(django_user_model):
    """A front-desk agent: no Django staff flag, only a unit assignment."""
    user = django_user_model.objects.create_user("agent.x", password=PASSWORD)
    unit = ServiceUnit.objects.create(code="unit-x", name_fr="Unité X", name_ar="الوحدة س", city="X", region="R")
    StaffAssignment.objects.create(user=user, unit=unit, role=StaffRole.FRONT_DESK)
    return user


@pytest.fixture
def member_user(django_user_model):
    return django_user_model.objects.create_user("0000000018", password=PASSWORD)


def _code(device: TOTPDevice, *, wrong: bool = False) -> str:
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{(value + 500_000) % 1_000_000 if wrong else value:06d}"


def _device(user, *, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=confirmed)


def _log_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_an_admin_without_a_device_is_sent_to_enrol_before_the_admin(client, admin_user):
    _log_in(client, admin_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/security/enrol/?next=%2Fadmin%2F"


def test_a_front_desk_agent_without_a_device_is_sent_to_enrol_from_any_page(client, agent):
    _log_in(client, agent)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/security/enrol/")


def test_the_enrolment_page_shows_a_qr_code_and_the_key_and_a_first_code_turns_it_on(client, admin_user):
    _log_in(client, admin_user)
    page = client.get("/security/enrol/?next=/admin/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "<path" in body
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    secret = re.search(r'<code[^>]*>([A-Z2-7 ]+)</code>', body).group(1).replace(" ", "")
    assert device.config_url.split("secret=")[1].startswith(secret)

    response = client.post("/security/enrol/", {"token": _code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200


def test_a_wrong_first_code_does_not_turn_it_on(client, agent):
    _log_in(client, agent)
    client.get("/security/enrol/")
    device = TOTPDevice.objects.get(user=agent)
    response = client.post("/security/enrol/", {"token": _code(device, wrong=True)})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/").status_code == 302


def test_staff_with_a_device_are_asked_for_a_code_before_the_admin(client, admin_user):
    _device(admin_user)
    _log_in(client, admin_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/security/verify/?next=%2Fadmin%2F"


def test_a_valid_code_lets_staff_in(client, admin_user):
    device = _device(admin_user)
    _log_in(client, admin_user)
    response = client.post("/security/verify/", {"token": _code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused(client, admin_user):
    device = _device(admin_user)
    _log_in(client, admin_user)
    response = client.post("/security/verify/", {"token": _code(device, wrong=True), "next": "/admin/"})
    assert response.status_code == 200
    assert "This code is not valid" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_code_cannot_be_used_twice(client, admin_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = _device(admin_user)
    code = _code(device)
    _log_in(client, admin_user)
    assert client.post("/security/verify/", {"token": code}).status_code == 302
    client.logout()
    _log_in(client, admin_user)
    assert client.post("/security/verify/", {"token": code}).status_code == 200
    assert client.get("/admin/").status_code == 302


def test_after_a_wrong_code_further_attempts_are_throttled(client, admin_user):
    device = _device(admin_user)
    _log_in(client, admin_user)
    client.post("/security/verify/", {"token": _code(device, wrong=True)})
    response = client.post("/security/verify/", {"token": _code(device)})
    assert response.status_code == 200
    assert "Too many wrong codes" in response.content.decode()


def test_a_session_opened_without_the_login_page_is_still_held_to_the_second_factor(client, admin_user):
    client.force_login(admin_user)
    session = client.session
    session.pop("second_factor", None)
    session.save()
    assert client.get("/admin/").status_code == 302


def test_the_api_answers_forbidden_rather_than_redirecting(client, admin_user):
    _log_in(client, admin_user)
    assert client.get("/api/anything/").status_code == 403


def test_members_are_not_forced(client, member_user):
    _log_in(client, member_user)
    assert client.get("/").status_code == 200


def test_a_member_who_opted_in_is_asked_for_a_code(client, member_user):
    device = _device(member_user)
    _log_in(client, member_user)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/security/verify/")
    client.post("/security/verify/", {"token": _code(device)})
    assert client.get("/").status_code == 200


def test_a_member_opts_in_from_the_security_page(client, member_user):
    _log_in(client, member_user)
    overview = client.get("/security/")
    assert "Turn on two-step verification" in overview.content.decode()
    client.get("/security/enrol/")
    device = TOTPDevice.objects.get(user=member_user)
    client.post("/security/enrol/", {"token": _code(device)})
    client.logout()
    _log_in(client, member_user)
    assert client.get("/").status_code == 302


def test_a_member_turns_it_off_with_a_current_code(client, member_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = _device(member_user)
    _log_in(client, member_user)
    client.post("/security/verify/", {"token": _code(device)})
    device.refresh_from_db()
    wrong = client.post("/security/disable/", {"token": _code(device, wrong=True)})
    assert wrong.status_code == 400
    assert TOTPDevice.objects.filter(user=member_user).exists()
    # The code already used to log in cannot be replayed; wait for the next step by moving the device back.
    device.last_t -= 2
    device.save()
    response = client.post("/security/disable/", {"token": _code(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=member_user).exists()
    client.logout()
    _log_in(client, member_user)
    assert client.get("/").status_code == 200


def test_staff_cannot_turn_it_off(client, admin_user):
    device = _device(admin_user)
    _log_in(client, admin_user)
    client.post("/security/verify/", {"token": _code(device)})
    client.post("/security/disable/", {"token": "000000"})
    assert TOTPDevice.objects.filter(user=admin_user).exists()


def test_with_the_setting_off_staff_are_not_forced(client, admin_user, settings):
    settings.STAFF_OTP_REQUIRED = False
    _log_in(client, admin_user)
    assert client.get("/admin/").status_code == 200


def test_the_next_address_cannot_send_the_user_to_another_site(client, admin_user):
    device = _device(admin_user)
    _log_in(client, admin_user)
    response = client.post("/security/verify/", {"token": _code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_an_htmx_request_is_told_to_redirect_the_whole_page(client, admin_user):
    _log_in(client, admin_user)
    response = client.get("/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith("/security/enrol/")
