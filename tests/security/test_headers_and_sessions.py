"""What a shared desk PC keeps: no health page in its disk cache (Cache-Control on every authenticated answer),
no browser feature a page could ask for (Permissions-Policy), and staff sessions that end with the browser and
after 30 idle minutes, shorter than members' 8 hours."""

import time

import pytest
from django.test import Client

from members.sessions import STAFF_KEY
from tests.api.conftest import api_token, cast, client_for  # noqa: F401
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("url", ["/me/", "/me/claims/", "/me/profile/", "/me/access-log/", "/security/"])
def test_every_member_page_is_private_and_not_stored(cast, url):  # noqa: F811
    browser = Client()
    browser.force_login(cast.x.member.user)
    response = browser.get(url)
    assert response.status_code == 200
    assert {"private", "no-store"} <= _cache_control(response)


@pytest.mark.parametrize("url", ["/desk/", "/desk/claims/", "/desk/appointments/"])
def test_every_desk_page_is_private_and_not_stored(cast, url):  # noqa: F811
    browser = Client()
    browser.force_login(cast.x.agent)
    response = browser.get(url)
    assert response.status_code == 200
    assert {"private", "no-store"} <= _cache_control(response)


@pytest.mark.parametrize("url", ["/api/v1/me/", "/api/v1/me/files/", f"/api/v1/me/files/{0}/"])
def test_api_answers_to_a_token_are_private_and_not_stored_errors_included(cast, url):  # noqa: F811
    response = client_for(cast.x.member.user).get(url)
    assert {"private", "no-store"} <= _cache_control(response)


def test_a_public_page_for_an_anonymous_visitor_may_be_cached(db):
    assert "no-store" not in _cache_control(Client().get("/units/"))


def test_every_answer_carries_a_permissions_policy_denying_powerful_features(db):
    policy = Client().get("/").get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy


def test_a_staff_login_ends_with_the_browser_and_a_member_login_lasts_eight_hours(cast, settings):  # noqa: F811
    staff = Client()
    assert staff.post("/login/", {"username": "agent.x", "password": PASSWORD}).status_code == 302
    assert staff.cookies["sessionid"]["expires"] == "" and staff.cookies["sessionid"]["max-age"] == ""
    member = Client()
    assert member.post("/login/", {"username": "member.x", "password": PASSWORD}).status_code == 302
    assert int(member.cookies["sessionid"]["max-age"]) == settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.STAFF_SESSION_IDLE_SECONDS < settings.SESSION_COOKIE_AGE


def test_a_staff_session_idle_for_more_than_30_minutes_is_ended(cast, settings):  # noqa: F811
    staff = Client()
    staff.post("/login/", {"username": "agent.x", "password": PASSWORD})
    assert staff.get("/desk/").status_code == 200
    session = staff.session
    session[STAFF_KEY] = int(time.time()) - settings.STAFF_SESSION_IDLE_SECONDS - 5
    session.save()
    response = staff.get("/desk/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_an_active_staff_session_goes_on(cast, settings):  # noqa: F811
    staff = Client()
    staff.post("/login/", {"username": "agent.x", "password": PASSWORD})
    session = staff.session
    session[STAFF_KEY] = int(time.time()) - settings.STAFF_SESSION_IDLE_SECONDS + 120
    session.save()
    assert staff.get("/desk/").status_code == 200
    assert staff.session[STAFF_KEY] >= int(time.time()) - 5  # the idle clock restarted
