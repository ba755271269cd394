"""No English sentence on the Arabic pages of the member space, whatever their text comes from: templates, the
catalogue, stored history notes (codes worded when read), notices, line explanations, reasons, units' data. An
English sentence is found by its function words: a run of four or more Latin words holding one of them ("the",
"is", "your", …) is English (French words never are those; names and codes never make such a run)."""

import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.core.management import call_command
from django.utils import timezone

from claims.models import ClaimFile, ClaimStatus, PriorAgreement
from claims.services.intake import LineData, claim_draft_create, claim_line_add
from claims.services.liquidation import claim_liquidate
from members.change_requests import change_request_create, iban_change_request
from members.models import Member
from members.services import attestation_issue

MEMBER = "0000000018"
ENGLISH = {"the", "is", "are", "was", "were", "your", "you", "of", "and", "by", "for", "has", "have", "been", "with",
           "this", "that", "not", "will", "from", "at", "be", "or", "here", "there", "when", "which", "what"}
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ ,.:;()]+[A-Za-z][A-Za-z'’-]*){3,}")


def _text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<[^>]+\blang="(fr|en)"[^>]*>.*?</[^>]+>', " ", html)  # text marked as another language
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def english_sentences(text: str) -> list[str]:
    found = []
    for run in LATIN_RUN.finditer(text):
        words = [w.lower() for w in re.findall(r"[A-Za-z]+", run.group(0))]
        if any(w in ENGLISH for w in words):
            found.append(run.group(0))
    return found


def test_the_detector_finds_english_and_only_english():
    assert english_sentences("تم الأداء Paid by transfer in batch PB-2026-0007.")
    assert english_sentences("Liquidation lease expired: the worker stopped; queued again.")
    assert not english_sentences("مصحة Clinique Atlas Casablanca · INPE 130000002 · Dr Amal Bennis")
    assert not english_sentences("Mutuelle Générale du Personnel des Administrations Publiques")


@pytest.mark.django_db
def test_no_english_sentence_on_the_arabic_member_pages(client):
    call_command("seed_demo", with_claims=True, verbosity=0)
    member = Member.objects.get(membership_number=MEMBER)
    for pk in ClaimFile.objects.filter(member=member, status=ClaimStatus.RECEIVED).values_list("pk", flat=True):
        claim_liquidate(claim_id=pk)
    himself = member.beneficiaries.get(relation="member")
    draft = claim_draft_create(member=member, beneficiary=himself, by=member.user, care_on=timezone.localdate(),
                               sector="private", provider_name="Cabinet", idempotency_key="")
    claim_line_add(claim=draft, line=LineData(act_code="C", care_date=timezone.localdate() - timedelta(days=1),
                                              quantity=1, billed_amount=Decimal("150.00")))
    change_request_create(member=member, field="phone", new_value="+212611223344", by=member.user)
    iban_change_request(member=member, iban="MA64011519000001205000534921", by=member.user)
    attestation = attestation_issue(member=member, by=member.user, on=date.today())
    member.user.language = "ar"
    member.user.save(update_fields=["language"])
    client.force_login(member.user)

    urls = ["/", "/me/", "/me/profile/", "/me/changes/", "/me/claims/", "/me/claims/new/", "/me/estimate/",
            "/me/notices/", "/me/access-log/", "/me/appointments/", "/me/appointments/book/", "/me/lab-orders/",
            "/me/memberships/", "/me/provident/", "/me/provident/new/", "/security/", "/security/tokens/",
            "/account/", "/account/password/", "/units/", f"/units/{member.home_unit.code}/",
            f"/verify/{attestation.code}/", f"/me/claims/{draft.pk}/edit/", f"/me/claims/{draft.pk}/review/",
            f"/me/claims/{draft.pk}/estimate/"]
    urls += [f"/me/claims/{pk}/" for pk in member.claim_files.exclude(pk=draft.pk).values_list("pk", flat=True)]
    urls += [f"/me/changes/{pk}/" for pk in member.change_requests.values_list("pk", flat=True)]
    urls += [f"/me/memberships/{pk}/" for pk in member.applications.values_list("pk", flat=True)]
    urls += ["/me/agreements/"] + [f"/me/agreements/{pk}/" for pk in PriorAgreement.objects.filter(
        beneficiary__member=member).values_list("pk", flat=True)]
    assert PriorAgreement.objects.filter(beneficiary__member=member).count() == 3  # the demo's, in each state
    assert member.applications.count() == 2  # the demo's membership requests of this member are read too
    leaks = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        found = english_sentences(_text(response.content.decode()))
        if found:
            leaks[url] = found
    assert leaks == {}


@pytest.mark.django_db
def test_no_english_sentence_on_the_arabic_staff_pages(client, django_user_model):
    """The desk's and the liquidator's pages too: file pages with their history, the member file, the queues."""
    call_command("seed_demo", with_claims=True, verbosity=0)
    for pk in ClaimFile.objects.filter(status=ClaimStatus.RECEIVED).values_list("pk", flat=True):
        claim_liquidate(claim_id=pk)
    member = Member.objects.get(membership_number=MEMBER)
    leaks = {}
    pages = {
        f"agent.{member.home_unit.code}": ["/desk/", "/desk/claims/", "/desk/appointments/", "/desk/changes/",
                                           "/desk/agreements/", "/desk/lab-orders/", f"/desk/members/{member.pk}/"]
        + [f"/desk/claims/{pk}/" for pk in member.claim_files.values_list("pk", flat=True)],
        "liquidator": ["/review/", "/review/payments/", "/review/agreements/"]
        + [f"/review/{pk}/" for pk in ClaimFile.objects.filter(status=ClaimStatus.IN_REVIEW).values_list("pk",
                                                                                                      flat=True)],
    }
    for username, urls in pages.items():
        user = django_user_model.objects.get(username=username)
        user.language = "ar"
        user.save(update_fields=["language"])
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            found = english_sentences(_text(response.content.decode()))
            if found:
                leaks[url] = found
    assert leaks == {}
