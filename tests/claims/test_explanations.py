"""Why a line pays what it pays: the engine's own steps (base rule, AMO rate and why, cuts with what is left,
complementary or why none), stored with the line and worded in the reader's language on the member page."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from claims.explanations import line_explanation, step_text
from claims.liquidation import AffiliationPeriod, BeneficiaryFacts, ClaimInput, LineInput, liquidate
from claims.liquidation import explain as E
from claims.liquidation.reference import sample_reference_data
from claims.models import ClaimLine
from claims.services.liquidation import claim_liquidate
from tests.claims import liquidation_builders as b
from tests.factories import UserFactory

D = Decimal
REFERENCE = sample_reference_data()
MEMBER = BeneficiaryFacts(relation="member", birth_date=date(1975, 6, 15))


def priced(*lines: LineInput, complementary: bool = True, sector: str = "private", history=()):
    claim = ClaimInput(received_on=date(2026, 1, 20), sector=sector, lines=lines)
    return liquidate(claim=claim, affiliations=(AffiliationPeriod(date(2020, 1, 1), None, complementary),),
                     beneficiary=MEMBER, agreements=(), history=history, reference=REFERENCE)


def codes(line) -> list[str]:
    return [s.code for s in line.explanation]


def test_a_consultation_above_the_tariff_is_capped_and_says_so():
    result = priced(LineInput("C", date(2026, 1, 5), 1, D("150.00")))
    line = result.lines[0]
    assert codes(line) == [E.BASE_TARIFF, E.AMO_RATE, E.COMPLEMENTARY_RATE]
    base, amo, comp = (s.params for s in line.explanation)
    assert base == {"quantity": "1", "tnr_amount": "120.00", "cap_amount": "120.00", "billed_amount": "150.00",
                    "tariff_on": "2026-01-01"}  # the 2026 tariff revision, with its date
    assert amo["amo_rate"] == "80" and amo["sector"] == "private" and amo["amo_amount"] == "96.00"
    assert comp == {"complementary_rate": "50", "rest_amount": "24.00", "complementary_amount": "12.00"}


def test_no_tariff_ald_and_no_complementary_cover_are_explained():
    result = priced(LineInput("MED", date(2026, 1, 5), 1, D("235.55"), ald=True), complementary=False)
    assert codes(result.lines[0]) == [E.BASE_BILLED, E.AMO_ALD, E.COMPLEMENTARY_NONE_COVER]
    assert result.lines[0].explanation[1].params["amo_rate"] == "100"


def test_a_ceiling_cut_says_what_was_computed_allowed_and_left():
    from claims.liquidation import PriorAgreement

    claim = ClaimInput(received_on=date(2026, 1, 20), sector="private",
                       lines=(LineInput("PAD", date(2026, 1, 5), 1, D("5000.00")),))
    result = liquidate(claim=claim, affiliations=(AffiliationPeriod(date(2020, 1, 1), None, True),),
                       beneficiary=MEMBER, reference=REFERENCE, history=(),
                       agreements=(PriorAgreement(frozenset({"PAD"}), date(2026, 1, 1), date(2026, 3, 1)),))
    line = result.lines[0]
    assert codes(line) == [E.BASE_BILLED, E.AMO_RATE, E.CEILING_CUT, E.CEILING_LEFT, E.COMPLEMENTARY_NONE_CATEGORY]
    cut = line.explanation[2].params
    assert cut["computed_amount"] == "4000.00" and cut["allowed_amount"] == "3000.00"
    assert line.explanation[3].params["left_amount"] == "0.00"


def test_a_frequency_cut_keeps_what_is_left_and_says_how_many_remain():
    result = priced(LineInput("OPT-LENS", date(2026, 1, 5), 3, D("900.00")))
    line = result.lines[0]
    assert line.accepted_quantity == 2
    assert codes(line)[0] == E.FREQUENCY_CUT and E.FREQUENCY_LEFT in codes(line)
    assert line.explanation[0].params["kept"] == "2" and line.explanation[0].params["filed"] == "3"


def test_a_rejected_line_carries_its_reason_with_figures():
    claim = ClaimInput(received_on=date(2026, 3, 20), sector="private",
                       lines=(LineInput("C", date(2026, 1, 5), 1, D("100.00")),))
    result = liquidate(claim=claim, affiliations=(AffiliationPeriod(date(2020, 1, 1), None, True),),
                       beneficiary=MEMBER, agreements=(), history=(), reference=REFERENCE)
    step = result.lines[0].explanation[0]
    assert step.code == E.REJECTED and step.params == {"reason": "LATE_FILING", "days": "74", "limit": "60"}
    with translation.override("fr"):
        text = step_text(step.code, step.params)
    assert "74" in text and "60" in text


def test_steps_are_worded_in_each_language():
    step = priced(LineInput("C", date(2026, 1, 5), 1, D("150.00"))).lines[0].explanation[0]
    with translation.override("en"):
        english = step_text(step.code, step.params)
    with translation.override("fr"):
        french = step_text(step.code, step.params)
    with translation.override("ar"):
        arabic = step_text(step.code, step.params)
    assert "reference tariff" in english and "120.00" in english and "2026" in english
    assert "tarif de référence" in french and "120,00" in french and "1 janvier 2026" in french
    assert "reference" not in arabic and "120,00" in arabic and any("\u0600" <= c <= "\u06ff" for c in arabic)


@pytest.mark.django_db
def test_the_member_page_shows_each_step_and_what_is_left_to_pay(client):
    b.reference()
    member = b.member()
    member.user = UserFactory(language="fr")
    member.save(update_fields=["user"])
    claim = b.received_file(b.self_of(member), [("C", date(2025, 3, 10), 1, "300.00")])
    claim_liquidate(claim_id=claim.pk)
    line = ClaimLine.objects.get(claim=claim)
    assert [s["code"] for s in line.explanation] == [E.BASE_TARIFF, E.AMO_RATE, E.COMPLEMENTARY_RATE]
    assert line_explanation(line).remaining == D("228.00")  # 300.00 − (64.00 + 8.00)
    client.force_login(member.user)
    body = client.get(reverse("claims:member_claim", args=[claim.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "tarif de référence" in body and "80" in body and "50" in body
    assert "Reste à votre charge" in body and "228,00" in body
    member.user.language = "ar"
    member.user.save(update_fields=["language"])
    arabic = client.get(reverse("claims:member_claim", args=[claim.pk]), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "reference tariff" not in arabic and "tarif" not in arabic
