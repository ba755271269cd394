"""Public forms that check secrets are throttled per code/number/e-mail and per address, every attempt counted:
/track/ (tracking code + birth date), activation (three facts) and password reset (mail sent by a task)."""

from datetime import date, timedelta

import pytest
from django.test import Client

from claims.models import ClaimStatus
from members.services import ACTIVATION_FAILED
from tests.claims.factories import ClaimFileFactory
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db
STRONG = "Correct-Horse-Battery-2026"


def browser(address: str = "10.0.0.1") -> Client:
    return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def claim(db):
    return ClaimFileFactory(status=ClaimStatus.RECEIVED)


def guess(client: Client, code: str, day: date):
    return client.post("/track/", {"code": code, "birth_date": day.isoformat()})


def test_guessing_a_birth_date_for_one_tracking_code_stops_after_5_tries_from_any_address(claim):
    born = claim.member.birth_date
    for attempt in range(5):
        response = guess(browser(f"10.0.1.{attempt}"), claim.tracking_code, born - timedelta(days=attempt + 1))
        assert response.status_code == 200 and not response.context["found"]
    blocked = guess(browser("10.0.2.1"), claim.tracking_code, born)  # the right date, but too late
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.content.decode() and claim.tracking_code_display not in \
        blocked.content.decode()


def test_one_address_trying_many_codes_stops_after_30_tries(claim):
    client = browser()
    for attempt in range(30):
        assert guess(client, f"ZZZZZZZ{attempt:03d}", date(1980, 1, 1)).status_code == 200
    assert guess(client, claim.tracking_code, claim.member.birth_date).status_code == 429
    assert guess(browser("10.9.9.9"), claim.tracking_code, claim.member.birth_date).context["found"]


def test_the_right_code_and_date_show_the_status(claim):
    response = guess(browser(), claim.tracking_code, claim.member.birth_date)
    assert response.status_code == 200 and response.context["found"]


def activation(member, **changes) -> dict:
    return {"membership_number": member.membership_number, "cin": member.cin,
            "birth_date": member.birth_date.isoformat(), "password1": STRONG, "password2": STRONG, **changes}


def test_activation_counts_every_attempt_per_membership_number_across_addresses():
    member = MemberFactory()
    for attempt in range(10):
        browser(f"10.0.3.{attempt}").post("/activate/", activation(member, cin=f"QQ{attempt:06d}"))
    response = browser("10.0.4.1").post("/activate/", activation(member))
    assert response.status_code == 429
    member.refresh_from_db()
    assert member.user is None


def test_weak_passwords_count_as_attempts_too():
    member = MemberFactory()
    client = browser()
    for _ in range(10):
        weak = client.post("/activate/", activation(member, password1="short1", password2="short1"))
        assert weak.status_code == 200 and weak.context["form"].errors["password1"]
    assert client.post("/activate/", activation(member)).status_code == 429


@pytest.mark.parametrize("case", ["wrong fact", "already activated", "password like the name"])
def test_every_activation_failure_gives_one_and_the_same_message(case):
    member = MemberFactory(last_name="Benjelloun", first_name="Zineb")
    changes = {"wrong fact": {"cin": "QQ999999"},
               "already activated": {},
               "password like the name": {"password1": "Benjelloun-Zineb", "password2": "Benjelloun-Zineb"}}[case]
    if case == "already activated":
        member.user = UserFactory(username=member.membership_number)
        member.save()
    response = browser().post("/activate/", activation(member, **changes))
    assert response.status_code == 200
    assert response.context["form"].errors == {"__all__": [str(ACTIVATION_FAILED)]}


def test_a_weak_password_is_refused_without_looking_at_the_facts():
    """The weak-password message comes with wrong facts too: it says nothing about them."""
    member = MemberFactory()
    response = browser().post("/activate/", activation(member, cin="QQ999999", password1="password123",
                                                       password2="password123"))
    assert set(response.context["form"].errors) == {"password1"}


def test_password_reset_mail_is_sent_by_a_task_after_the_commit(eager_tasks, mailoutbox,
                                                                django_capture_on_commit_callbacks):
    user = UserFactory(email="amina@example.ma")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = browser().post("/password-reset/", {"email": user.email})
    assert response.status_code == 302 and mailoutbox == []  # nothing sent inside the request
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mailoutbox) == 1 and "/password-reset/" in mailoutbox[0].body


def test_password_reset_queues_the_task_on_the_broker_when_tasks_are_not_eager(
        django_capture_on_commit_callbacks):
    from django.conf import settings
    from kombu import Connection

    user = UserFactory(email="karim@example.ma")
    with Connection(settings.CELERY_BROKER_URL) as connection:
        queue = connection.SimpleQueue("notifications")
        queue.clear()
        with django_capture_on_commit_callbacks(execute=True):
            browser().post("/password-reset/", {"email": user.email})
        message = queue.get(timeout=5)
        assert message.headers["task"] == "members.tasks.send_password_reset_mail"
        message.ack()
        queue.close()


def test_password_reset_is_throttled_per_email_silently_and_per_address_openly(
        eager_tasks, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(email="salma@example.ma")
    with django_capture_on_commit_callbacks(execute=True):
        answers = [browser(f"10.0.5.{i}").post("/password-reset/", {"email": user.email}) for i in range(6)]
    assert [answer.status_code for answer in answers] == [302] * 6  # the same answer every time
    assert len(mailoutbox) == 3  # but at most 3 links an hour to one address
    client = browser("10.0.6.1")
    for i in range(10):
        client.post("/password-reset/", {"email": f"nobody{i}@example.ma"})
    refused = client.post("/password-reset/", {"email": "other@example.ma"})
    assert refused.status_code == 429 and "Too many attempts" in refused.content.decode()
