"""A form posted without its CSRF token is refused, whoever posts it."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse


@pytest.fixture
def strict_client() -> Client:
    return Client(enforce_csrf_checks=True)


def test_the_csrf_middleware_is_active():
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


def test_a_login_posted_without_a_token_is_refused(strict_client, django_user_model):
    django_user_model.objects.create_user("amina", password="Amina-Password-2026")
    response = strict_client.post(reverse("login"), {"username": "amina", "password": "Amina-Password-2026"})
    assert response.status_code == 403
    assert "_auth_user_id" not in strict_client.session


def test_a_language_switch_posted_without_a_token_is_refused(strict_client, db):
    response = strict_client.post(reverse("language_set"), {"language": "ar", "next": "/"})
    assert response.status_code == 403


def test_a_logged_in_form_posted_without_a_token_is_refused(strict_client, django_user_model):
    user = django_user_model.objects.create_user("amina", password="Amina-Password-2026")
    strict_client.force_login(user)
    response = strict_client.post(reverse("security:disable"), {"token": "123456"})
    assert response.status_code == 403


def test_the_same_login_with_its_token_goes_through(strict_client, django_user_model):
    django_user_model.objects.create_user("amina", password="Amina-Password-2026")
    strict_client.get(reverse("login"))
    token = strict_client.cookies[settings.CSRF_COOKIE_NAME].value
    response = strict_client.post(reverse("login"), {"username": "amina", "password": "Amina-Password-2026",
                                                     "csrfmiddlewaretoken": token})
    assert response.status_code == 302
