"""Repeated wrong passwords lock a username from one address only; the right password then waits the cool-off."""

import pytest
from django.urls import reverse

PASSWORD = "Amina-Password-2026"


@pytest.fixture(autouse=True)
def in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def amina(django_user_model):
    return django_user_model.objects.create_user("amina", password=PASSWORD)


def _log_in(client, password: str, ip: str):
    return client.post(reverse("login"), {"username": "amina", "password": password}, REMOTE_ADDR=ip)


def _fail(client, times: int, ip: str) -> None:
    for _ in range(times):
        _log_in(client, "wrong-password", ip)
        assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_lock_the_username_from_that_address_even_with_the_right_password(client, amina):
    _fail(client, 5, "10.0.0.1")
    response = _log_in(client, PASSWORD, "10.0.0.1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "blocked for 15 minutes" in response.content.decode()


def test_four_wrong_passwords_do_not_lock(client, amina):
    _fail(client, 4, "10.0.0.1")
    response = _log_in(client, PASSWORD, "10.0.0.1")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(amina.pk)


def test_an_attacker_elsewhere_cannot_lock_the_member_out(client, amina):
    _fail(client, 6, "203.0.113.9")
    response = _log_in(client, PASSWORD, "10.0.0.2")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(amina.pk)


def test_the_lock_is_on_the_username_not_the_whole_address(client, amina, django_user_model):
    django_user_model.objects.create_user("karim", password=PASSWORD)
    _fail(client, 5, "10.0.0.1")
    response = client.post(reverse("login"), {"username": "karim", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302


def test_a_successful_login_resets_the_count(client, amina):
    _fail(client, 4, "10.0.0.1")
    assert _log_in(client, PASSWORD, "10.0.0.1").status_code == 302
    client.logout()
    _fail(client, 4, "10.0.0.1")
    assert _log_in(client, PASSWORD, "10.0.0.1").status_code == 302


def test_the_lockout_page_is_a_translated_page_of_the_site(client, amina):
    _fail(client, 5, "10.0.0.1")

    def locked_page(language: str) -> str:
        response = client.post(reverse("login"), {"username": "amina", "password": PASSWORD},
                               REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 429
        return response.content.decode()

    french, arabic = locked_page("fr"), locked_page("ar")
    assert "Connexion temporairement bloquée" in french and "bloquée pendant 15 minutes" in french
    assert '<html lang="ar" dir="rtl">' in arabic and "تسجيل الدخول محظور مؤقتًا" in arabic


def test_behind_a_trusted_proxy_the_lock_follows_the_forwarded_address(client, amina, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        client.post(reverse("login"), {"username": "amina", "password": "wrong"},
                    REMOTE_ADDR="172.18.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    # Another client behind the same proxy still gets in; a forged extra hop does not dodge the lock.
    ok = client.post(reverse("login"), {"username": "amina", "password": PASSWORD},
                     REMOTE_ADDR="172.18.0.2", HTTP_X_FORWARDED_FOR="192.0.2.44")
    assert ok.status_code == 302
    client.logout()
    forged = client.post(reverse("login"), {"username": "amina", "password": PASSWORD},
                         REMOTE_ADDR="172.18.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert forged.status_code == 429
