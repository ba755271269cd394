"""The member's prior agreements (/me/agreements/ and one agreement's page): his and his beneficiaries'
requests, who asked (a unit's desk or a hospital under convention), the hospital's plan, the decision with its
date, the validity and the refusal's reason; another member's agreement is a 404, staff and providers find
nothing here, and the list runs the same queries for one agreement and for twenty."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from claims.models import Act, PriorAgreement
from claims.services.agreements import prior_agreement_grant, prior_agreement_refuse
from partners.models import AgreementRequest
from partners.services import agreement_request_create
from tests.factories import BeneficiaryFactory, MemberFactory, SpouseFactory, StaffUserFactory, UserFactory
from tests.partners.builders import account, provider
from units.models import AgreementDocument
from units.roles import menu_for
from units.services_agreements import desk_agreement_request

from .factories import reference, staff, unit, upload

REASON = "Le devis ne précise pas les dents à remplacer."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def member(db):
    reference()
    return MemberFactory(user=UserFactory())


@pytest.fixture
def taounate(db):
    return unit("taounate")


@pytest.fixture
def liquidator(db):
    return StaffUserFactory(username="nadia")


def today():
    return timezone.localdate()


def day(value) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def desk_request(member, at, *, beneficiary=None, valid_from=None, valid_to=None) -> PriorAgreement:
    start = valid_from or today() - timedelta(days=5)
    return desk_agreement_request(
        unit=at, by=staff(at), beneficiary=beneficiary or member.beneficiaries.get(relation="member"),
        act_codes=["PAD"], valid_from=start, valid_to=valid_to or start + timedelta(days=90),
        documents=[upload("devis.pdf")])


def hospital_request(member, *, beneficiary=None) -> PriorAgreement:
    chu = provider("chu-ibn-sina", "CHU Ibn Sina", "110000001")
    patient = beneficiary or member.beneficiaries.get(relation="member")
    agreement, _created = agreement_request_create(
        provider=chu, by=account(chu, "chu.ibnsina"), membership_number=member.membership_number,
        birth_date=patient.birth_date, act_code="HOSP", planned_from=today() + timedelta(days=10),
        planned_to=today() + timedelta(days=12), quantity=3, estimated_amount=Decimal("2100.00"),
        documents=[upload("compte-rendu.pdf")])
    return agreement


def page(client, url: str, lang: str = "en") -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- what the member reads ------------------------------------------------------------------------------------


def test_the_list_shows_each_agreement_with_who_asked_and_its_decision_newest_first(client, member, taounate,
                                                                                   liquidator):
    spouse = SpouseFactory(member=member, first_name="Karim")
    refused = desk_request(member, taounate, beneficiary=spouse)
    prior_agreement_refuse(agreement=refused, by=liquidator, notes=REASON)
    granted = desk_request(member, taounate)
    prior_agreement_grant(agreement=granted, by=liquidator)
    waiting = hospital_request(member)
    client.force_login(member.user)

    html = page(client, reverse("claims:member_agreements"))
    positions = [html.index(f'id="agreement-{a.pk}"') for a in (waiting, granted, refused)]
    assert positions == sorted(positions)  # newest request first
    for agreement in (waiting, granted, refused):
        assert agreement.reference in html
        assert f'href="/me/agreements/{agreement.pk}/"' in html
    waiting_card, granted_card, refused_card = (
        html[positions[0]:positions[1]], html[positions[1]:positions[2]], html[positions[2]:])
    # asked by a hospital: its planned stay, the quantity and its estimate; no decision yet
    assert "CHU Ibn Sina" in waiting_card and "hospital under convention" in waiting_card and "HOSP" in waiting_card
    assert f"{day(today() + timedelta(days=10))} to {day(today() + timedelta(days=12))}, 3 units" in waiting_card
    assert "2,100.00" in waiting_card
    assert "Waiting for a decision" in waiting_card and "you are told when it is decided" in waiting_card
    # asked at the desk of Taounate, granted today, with its validity
    assert "The desk of Unité de Taounate" in granted_card and "PAD" in granted_card
    assert f"Granted · {day(today())}" in granted_card
    assert f"from {day(granted.valid_from)} to {day(granted.valid_to)}" in granted_card
    assert "Reason for the refusal" not in granted_card
    # refused, for the spouse, with the liquidator's reason as written
    assert "Karim" in refused_card and "Refused" in refused_card
    assert "Reason for the refusal" in refused_card and REASON in refused_card


def test_a_granted_agreement_whose_validity_ended_says_so(client, member, taounate, liquidator):
    old = desk_request(member, taounate, valid_from=today() - timedelta(days=100),
                       valid_to=today() - timedelta(days=1))
    prior_agreement_grant(agreement=old, by=liquidator)
    client.force_login(member.user)
    html = page(client, reverse("claims:member_agreements"))
    assert "Granted, validity ended" in html


def test_an_agreement_asked_by_the_mutuals_staff_without_a_desk_says_so(client, member):
    from claims.services.agreements import prior_agreement_request

    prior_agreement_request(beneficiary=member.beneficiaries.get(relation="member"), act_codes=["HOSP"],
                            valid_from=today(), valid_to=today() + timedelta(days=3))
    client.force_login(member.user)
    assert "The mutual's staff" in page(client, reverse("claims:member_agreements"))


def test_a_member_without_agreements_reads_that_none_was_asked(client, member):
    client.force_login(member.user)
    assert "No prior agreement has been asked for you" in page(client, reverse("claims:member_agreements"))


def test_the_agreements_page_shows_one_agreement_with_a_link_back(client, member, taounate, liquidator):
    agreement = desk_request(member, taounate)
    prior_agreement_refuse(agreement=agreement, by=liquidator, notes=REASON)
    client.force_login(member.user)
    html = page(client, reverse("claims:member_agreement", args=[agreement.pk]))
    assert agreement.reference in html and REASON in html and "The desk of Unité de Taounate" in html
    assert f'href="{reverse("claims:member_agreements")}"' in html


def test_the_scans_are_not_offered_to_the_member(client, member, taounate):
    agreement = desk_request(member, taounate)
    client.force_login(member.user)
    for url in (reverse("claims:member_agreements"), reverse("claims:member_agreement", args=[agreement.pk])):
        html = page(client, url)
        assert "devis" not in html and "/desk/agreements/documents/" not in html


def test_the_arabic_page_is_right_to_left_and_names_people_and_units_in_arabic(client, member, taounate):
    member.beneficiaries.filter(relation="member").update(first_name_ar="أمينة", last_name_ar="العلوي")
    desk_request(member, taounate)
    client.force_login(member.user)
    html = page(client, reverse("claims:member_agreements"), "ar")
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert "أمينة العلوي" in html and "وحدة taounate" in html
    assert "طقم أسنان غير ثابت" in html  # the act's Arabic name
    assert "في انتظار القرار" in html and "Waiting for a decision" not in html  # the catalogue's wording


# --- who may see what -----------------------------------------------------------------------------------------


def test_another_members_agreement_is_a_404_and_absent_from_his_list(client, member, taounate):
    mine = desk_request(member, taounate)
    other = MemberFactory(user=UserFactory())
    theirs = desk_request(other, taounate)
    client.force_login(member.user)
    assert client.get(reverse("claims:member_agreement", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("claims:member_agreement", args=[999_999])).status_code == 404
    html = page(client, reverse("claims:member_agreements"))
    assert mine.reference in html and theirs.reference not in html


def test_the_beneficiaries_agreements_are_the_members(client, member, taounate):
    child = BeneficiaryFactory(member=member, first_name="Yasmine")
    agreement = desk_request(member, taounate, beneficiary=child)
    client.force_login(member.user)
    assert "Yasmine" in page(client, reverse("claims:member_agreement", args=[agreement.pk]))


@pytest.mark.parametrize("name,args", [("claims:member_agreements", []), ("claims:member_agreement", [1])])
def test_anonymous_visitors_are_sent_to_log_in(client, db, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_staff_and_provider_accounts_find_nothing_here_as_on_the_other_member_pages(client, member, taounate):
    agreement = desk_request(member, taounate)
    chu = provider("chu-hassan-ii", "CHU Hassan II", "130000002")
    for user in (staff(taounate), StaffUserFactory(), account(chu, "chu.hassan2")):
        client.force_login(user)
        for url in (reverse("claims:member_agreements"), reverse("claims:member_agreement", args=[agreement.pk])):
            assert client.get(url).status_code == 404, (user, url)
        assert client.get(reverse("claims:member_claims")).status_code == 404  # the same answer


def test_the_members_menu_links_to_the_page(member):
    assert reverse("claims:member_agreements") in [entry.url for entry in menu_for(member.user)]


# --- queries --------------------------------------------------------------------------------------------------


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _agreements(member, at, chu, numbers: range) -> None:
    """Agreements numbered `numbers`: every other one asked by the hospital (its request row), the others at the
    desk (two scans each); one in three for two acts."""
    beneficiary = member.beneficiaries.get(relation="member")
    for index in numbers:
        agreement = PriorAgreement.objects.create(reference=f"PA-Q-{index}", beneficiary=beneficiary,
                                                  valid_from=today(), valid_to=today() + timedelta(days=30))
        agreement.acts.set(Act.objects.filter(code__in=["PAD", "HOSP"] if index % 3 == 0 else ["HOSP"]))
        if index % 2:
            AgreementRequest.objects.create(agreement=agreement, provider=chu, act_id="HOSP", planned_from=today(),
                                            planned_to=today(), quantity=1, estimated_amount=Decimal("700.00"),
                                            decision_due_at=timezone.now())
        else:
            for name in ("devis.pdf", "schema.pdf"):
                AgreementDocument.objects.create(agreement=agreement, unit=at, file=f"agreements/{name}",
                                                 original_name=name, content_type="application/pdf", size=10,
                                                 sha256="0" * 64)


def test_the_list_and_the_page_run_the_same_queries_for_one_and_twenty_agreements(client, member, taounate):
    chu = provider("chu-ibn-sina", "CHU Ibn Sina", "110000001")
    client.force_login(member.user)
    url = reverse("claims:member_agreements")
    _agreements(member, taounate, chu, range(1))
    one = _count(client, url)
    _agreements(member, taounate, chu, range(1, 20))
    twenty = _count(client, url)
    assert page(client, url).count('class="card mb-3 agreement ') == 20
    assert twenty == one
    # session, account, member, unread notices, the agreements (with the beneficiary and the hospital's request),
    # their acts, their first scans' units
    assert one <= 8, one
    detail = {_count(client, reverse("claims:member_agreement", args=[pk]))
              for pk in PriorAgreement.objects.values_list("pk", flat=True)}
    assert len(detail) == 1, detail


# --- notices --------------------------------------------------------------------------------------------------


def test_the_members_notices_of_an_agreement_lead_to_its_page_the_hospitals_do_not(client, member, liquidator):
    from notices.models import Notice

    agreement = hospital_request(member)
    prior_agreement_grant(agreement=agreement, by=liquidator)
    url = reverse("claims:member_agreement", args=[agreement.pk])
    assert list(Notice.objects.filter(user=member.user).values_list("link", flat=True)) == [url, url]
    hospital = Notice.objects.exclude(user=member.user).get()
    assert hospital.user.username == "chu.ibnsina" and hospital.link == ""
    client.force_login(member.user)
    assert f'href="{url}"' in page(client, reverse("notices:list"))
