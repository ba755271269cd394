"""The member's own space: activation, dashboard, change requests, attestations, language, and outsiders."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import formats, timezone, translation
from pypdf import PdfReader

from claims.liquidation import anniversary
from members.models import Attestation, ChangeRequest, Member, User
from members.services import ACTIVATION_FAILED, change_request_approve
from tests.factories import PASSWORD, BeneficiaryFactory, MemberFactory, StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

STRONG = "Tamazight-Zellige-2026"


@pytest.fixture(autouse=True)
def english(client):
    """Pages and messages in English, the source language, whatever catalogues are compiled."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # the activation throttle counts failures in the cache
    yield
    cache.clear()


@pytest.fixture
def owner():
    return MemberFactory(user=UserFactory(username="0000000018"))


@pytest.fixture
def outsider():
    return MemberFactory(user=UserFactory(username="outsider"))


def log_in(client, member):
    client.force_login(member.user)
    return client


def activation(member, **changes):
    data = {"membership_number": member.membership_number, "cin": member.cin,
            "birth_date": member.birth_date.isoformat(), "password1": STRONG, "password2": STRONG}
    return {**data, **changes}


# --- activation ---------------------------------------------------------------------------------------------


def test_a_member_activates_an_account_named_by_the_membership_number_and_lands_on_the_dashboard(client):
    member = MemberFactory()
    response = client.post(reverse("activate"), activation(member, cin=member.cin.lower()))
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    member.refresh_from_db()
    assert member.user.username == member.membership_number and member.user.check_password(STRONG)
    assert member.history.first().history_user == member.user


@pytest.mark.parametrize("wrong", [
    {"membership_number": "0000000026"},
    {"cin": "QQ999999"},
    {"birth_date": "1980-05-18"},
])
def test_activation_with_a_wrong_fact_gives_the_same_message_whichever_fact_was_wrong(client, wrong):
    member = MemberFactory()
    response = client.post(reverse("activate"), activation(member, **wrong))
    assert response.status_code == 200
    assert str(ACTIVATION_FAILED) in response.content.decode()
    assert response.context["form"].errors == {"__all__": [str(ACTIVATION_FAILED)]}
    assert not User.objects.filter(username=member.membership_number).exists()


def test_activation_of_an_already_activated_membership_is_refused_with_the_same_message(client, owner):
    response = client.post(reverse("activate"), activation(owner, password1=STRONG, password2=STRONG))
    assert response.context["form"].errors == {"__all__": [str(ACTIVATION_FAILED)]}
    owner.user.refresh_from_db()
    assert owner.user.check_password(PASSWORD)


def test_activation_stops_after_ten_failures_from_one_address_even_with_the_right_facts(client):
    member = MemberFactory()
    for _ in range(10):
        client.post(reverse("activate"), activation(member, cin="QQ999999"))
    response = client.post(reverse("activate"), activation(member))
    assert "Too many attempts" in response.content.decode()
    member.refresh_from_db()
    assert member.user is None


@pytest.mark.parametrize("weak", ["short1", "password123", "12345678901", "azertyuiop"])
def test_a_weak_password_is_refused_and_no_account_is_created(client, weak):
    member = MemberFactory()
    response = client.post(reverse("activate"), activation(member, password1=weak, password2=weak))
    assert response.status_code == 200 and response.context["form"].errors["password1"]
    member.refresh_from_db()
    assert member.user is None and not User.objects.filter(username=member.membership_number).exists()


# --- pages need a member ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dashboard", "profile", "change_requests"])
def test_member_pages_send_anonymous_visitors_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_staff_account_without_a_member_file_is_refused_the_member_space(client):
    client.force_login(StaffUserFactory())
    assert client.get(reverse("dashboard")).status_code == 403


def test_the_dashboard_shows_coverage_and_each_beneficiary_with_eligibility_and_end_date(client, owner):
    today = timezone.localdate()
    born = date(today.year - 20, today.month, 1)  # 20 years old, 21 within a year
    BeneficiaryFactory(member=owner, first_name="Yasmine", birth_date=born)
    BeneficiaryFactory(member=owner, first_name="Adam", birth_date=date(1990, 1, 1))
    page = log_in(client, owner).get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Covered" in page and owner.full_name in page
    assert "Yasmine" in page and "Covered as a child under 21." in page
    assert "Adam" in page and "No longer covered: over the age limit for children." in page
    with translation.override("en"):
        last_day = formats.date_format(anniversary(born, 21) - timedelta(days=1), "DATE_FORMAT")
    assert f"last day {last_day}" in page


@pytest.mark.parametrize("children", [1, 20])
def test_the_dashboard_runs_a_constant_number_of_queries(client, owner, children, django_assert_num_queries):
    from tests.units.factories import AppointmentFactory

    for _ in range(children):
        AppointmentFactory(beneficiary=BeneficiaryFactory(member=owner))
    log_in(client, owner)
    # session, account, member (mutual, home unit), affiliations, beneficiaries, student periods, rule parameters,
    # latest files, unread-notices count, appointments, prior agreements waiting or still valid (one query with their
    # beneficiary, added with that section): the member is not fetched twice, and the login's second-factor facts
    # (not staff, no provider's account) spare the menu its provider-account query.
    with django_assert_num_queries(11):
        assert client.get(reverse("dashboard")).status_code == 200


# --- change requests ----------------------------------------------------------------------------------------


def test_a_phone_change_applies_at_once_and_is_recorded(client, owner):
    response = log_in(client, owner).post(reverse("change_requests"), {"field": "phone", "new_value": "06 12 34 56 78"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.phone == "+212612345678"
    assert ChangeRequest.objects.get(member=owner).status == "applied"
    assert owner.history.first().history_user == owner.user


def test_an_iban_change_applies_only_after_staff_approval_and_history_says_who(client, owner):
    old_iban = owner.iban
    new_iban = "MA64011519000001205000534921"
    log_in(client, owner).post(reverse("change_requests"), {"field": "iban", "new_value": new_iban})
    change = ChangeRequest.objects.get(member=owner)
    owner.refresh_from_db()
    assert change.status == "pending" and owner.iban == old_iban

    agent = StaffUserFactory(username="agent")
    change_request_approve(change_request=change, by=agent)
    owner.refresh_from_db()
    change.refresh_from_db()
    assert owner.iban == new_iban
    assert change.status == "applied" and change.decided_by == agent
    latest = owner.history.first()
    assert latest.iban == new_iban and latest.history_user == agent
    assert latest.prev_record.iban == old_iban


@pytest.mark.parametrize("iban", [
    "MA64011519000001205000534922",  # checksum wrong (last digit)
    "FR7630006000011234567890189",  # valid IBAN, not Moroccan
    "MA6401151900000120500053",  # too short
])
def test_a_bad_iban_is_refused_with_a_message(client, owner, iban):
    response = log_in(client, owner).post(reverse("change_requests"), {"field": "iban", "new_value": iban})
    assert response.status_code == 200 and response.context["form"].errors["new_value"]
    assert not ChangeRequest.objects.exists()


def test_a_good_iban_with_spaces_is_accepted_and_stored_compact(client, owner):
    log_in(client, owner).post(reverse("change_requests"),
                               {"field": "iban", "new_value": "ma64 0115 1900 0001 2050 0053 4921"})
    assert ChangeRequest.objects.get().new_value == "MA64011519000001205000534921"


def test_a_member_gets_404_on_another_members_change_request(client, owner, outsider):
    log_in(client, outsider).post(reverse("change_requests"), {"field": "address", "new_value": "3 Rue Fès, Sefrou"})
    theirs = ChangeRequest.objects.get(member=outsider)
    response = log_in(client, owner).get(reverse("change_request_detail", args=[theirs.pk]))
    assert response.status_code == 404
    assert "Sefrou" not in client.get(reverse("change_requests")).content.decode()


# --- attestations -------------------------------------------------------------------------------------------


def test_the_attestation_is_a_real_pdf_with_the_code_and_the_verify_page_confirms_it(client, owner):
    response = log_in(client, owner).post(reverse("attestation_new"))
    attestation = Attestation.objects.get(member=owner)
    assert response["Location"] == reverse("attestation_pdf", args=[attestation.code])
    pdf = client.get(response["Location"])
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    import io

    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert attestation.code in text and owner.membership_number in text

    client.logout()
    page = client.get(reverse("attestation_verify", args=[attestation.code]), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "Valid" in html and owner.full_name in html and "Covered" in html
    assert owner.cin not in html and owner.iban not in html


def test_the_attestation_pdf_renders_in_arabic(client, owner):
    owner.user.language = "ar"
    owner.user.save()
    response = log_in(client, owner).post(reverse("attestation_new"))
    pdf = client.get(response["Location"])
    assert pdf.content.startswith(b"%PDF")
    import io

    assert len(PdfReader(io.BytesIO(pdf.content)).pages) == 1


def test_the_verify_page_says_invalid_for_an_unknown_code(client):
    html = client.get(reverse("attestation_verify", args=["NOPE23456789"]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Invalid" in html.content.decode()


def test_a_member_gets_404_on_another_members_attestation(client, owner, outsider):
    log_in(client, outsider).post(reverse("attestation_new"))
    code = Attestation.objects.get(member=outsider).code
    assert log_in(client, owner).get(reverse("attestation_pdf", args=[code])).status_code == 404


# --- language ------------------------------------------------------------------------------------------------


def test_the_language_switcher_saves_the_choice_on_a_logged_in_account(client, owner):
    response = log_in(client, owner).post(reverse("language_set"), {"language": "ar", "next": "/me/"})
    assert response.status_code == 302
    owner.user.refresh_from_db()
    assert owner.user.language == "ar"
    assert client.get(reverse("dashboard")).content.decode().count('dir="rtl"') == 1


def test_an_anonymous_visitor_can_switch_language_too(client):
    response = client.post(reverse("language_set"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"


# --- password reset ------------------------------------------------------------------------------------------


def test_a_member_resets_a_forgotten_password_by_email(client, owner, mailoutbox, eager_tasks,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": owner.user.email})
    assert len(mailoutbox) == 1 and owner.user.username in mailoutbox[0].body
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("testserver", 1)[1].strip()
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    client.post(form_page.redirect_chain[-1][0], {"new_password1": STRONG, "new_password2": STRONG})
    assert Member.objects.get(pk=owner.pk).user.check_password(STRONG)


def test_the_dashboard_lists_the_members_next_appointments_and_not_anyone_elses(client, owner, outsider):
    from datetime import timedelta

    from django.utils import timezone

    from tests.units.factories import AppointmentFactory, SlotFactory

    own = owner.beneficiaries.get(relation="member")
    AppointmentFactory(beneficiary=own, slot=SlotFactory(practitioner_name="Dr Own Upcoming"))
    AppointmentFactory(beneficiary=own, slot=SlotFactory(practitioner_name="Dr Own Past",
                                                         start=timezone.now() - timedelta(days=3)))
    AppointmentFactory(beneficiary=own, status="cancelled", slot=SlotFactory(practitioner_name="Dr Own Cancelled"))
    AppointmentFactory(beneficiary=outsider.beneficiaries.get(relation="member"),
                       slot=SlotFactory(practitioner_name="Dr Someone Else"))
    page = log_in(client, owner).get("/me/").content.decode()
    assert "Dr Own Upcoming" in page
    assert "Dr Own Past" not in page and "Dr Own Cancelled" not in page and "Dr Someone Else" not in page
