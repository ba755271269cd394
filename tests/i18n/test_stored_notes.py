"""Stored history notes are codes with parameters, worded in the reader's language: an Arabic page shows no
English sentence, for notes written by the services today and for rows written as sentences before codes."""

import re
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse

from claims.models import ClaimFile, ClaimStatus, StatusChange
from claims.services.liquidation import claim_liquidate
from claims.services.review import review_approve
from members.models import Member

MEMBER = "0000000018"
ARABIC = re.compile(r"[\u0600-\u06ff]")


def _timeline(html: str) -> str:
    part = html.split('class="timeline"', 1)[1].split("</ol>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", part)).split())


@pytest.mark.django_db
def test_history_notes_are_worded_in_arabic_on_arabic_pages(client, db, django_user_model):
    call_command("seed_demo", with_claims=True, verbosity=0)
    member = Member.objects.get(membership_number=MEMBER)
    for pk in ClaimFile.objects.filter(member=member, status=ClaimStatus.RECEIVED).values_list("pk", flat=True):
        claim_liquidate(claim_id=pk)  # (the outbox publishes on commit, which a test transaction never reaches)
    member.user.language = "ar"
    member.user.save(update_fields=["language"])
    in_review = ClaimFile.objects.get(member=member, status=ClaimStatus.IN_REVIEW)
    liquidator = django_user_model.objects.get(username="liquidator")
    review_approve(claim=in_review, by=liquidator)  # written by the service: a code
    change = StatusChange.objects.filter(claim=in_review).latest("changed_at", "id")
    assert change.reason_code == "APPROVED_AFTER_REVIEW"
    # Rows written as English sentences before codes existed.
    other = ClaimFile.objects.filter(member=member, status=ClaimStatus.LIQUIDATED).exclude(pk=in_review.pk).first()
    StatusChange.objects.create(claim=other, from_status="liquidating", to_status="received",
                                reason="Liquidation lease expired: the worker stopped; queued again.")
    StatusChange.objects.create(claim=other, from_status="liquidated", to_status="paid",
                                reason="Paid by transfer in batch PB-2026-0007.")
    client.force_login(member.user)
    for claim, english in ((in_review, ["Approved after review"]),
                           (other, ["Liquidation lease expired", "Paid by transfer", "the worker stopped"])):
        timeline = _timeline(client.get(reverse("claims:member_claim", args=[claim.pk])).content.decode())
        assert ARABIC.search(timeline), timeline
        for sentence in english:
            assert sentence not in timeline, timeline
    assert "PB-2026-0007" in timeline  # the batch reference, a parameter, is still shown
    member.user.language = "fr"
    member.user.save(update_fields=["language"])
    french = _timeline(client.get(reverse("claims:member_claim", args=[other.pk])).content.decode())
    assert "Payé par virement bancaire (lot de paiement PB-2026-0007)" in french
