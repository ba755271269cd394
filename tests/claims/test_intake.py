"""Intake: filing online and at the front desk, every refusal, double submits, sister mutuals, incomplete files."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from claims.models import ClaimFile, ClaimStatus, StatusChange
from claims.models.files import (
    TRACKING_ALPHABET,
    _luhn32_check,
    tracking_code_display,
    tracking_code_new,
    tracking_code_normalize,
)
from claims.selectors import forwarding_slip
from claims.services import intake
from claims.services.intake import LineData
from claims.status import InvalidTransition, claim_set_status
from tests.factories import BeneficiaryFactory, MemberFactory, SisterMutualFactory, UserFactory
from units.models import StaffRole

from .factories import ClaimFileFactory, reference, staff, unit, upload

D = Decimal


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English, the source language, whatever catalogues are compiled."""
    with translation.override("en"):
        yield


@pytest.fixture
def queued(monkeypatch):
    """Ids of the files handed to the liquidation task (the broker itself is not under test here)."""
    from claims import tasks

    ids: list[int] = []
    monkeypatch.setattr(tasks.liquidate_claim, "delay", lambda claim_id: ids.append(claim_id))
    return ids


@pytest.fixture
def setup(db):
    reference()
    member = MemberFactory(user=UserFactory())
    return member


def today() -> date:
    return intake.today()


def line(act="C", care_date=None, quantity=1, amount="100.00", **extra) -> LineData:
    return LineData(act_code=act, care_date=care_date or today() - timedelta(days=5), quantity=quantity,
                    billed_amount=D(amount), **extra)


def self_of(member):
    return member.beneficiaries.get(relation="member")


def draft_for(member, beneficiary=None):
    return intake.claim_draft_create(member=member, beneficiary=beneficiary or self_of(member), by=member.user)


def ready_draft(member):
    claim = draft_for(member)
    intake.claim_line_add(claim=claim, line=line())
    intake.attachment_add(claim=claim, upload=upload(), kind="care_sheet", by=member.user)
    return claim


# --- online filing --------------------------------------------------------------------------------------------


def test_a_member_files_online_and_the_file_is_received_today_and_sent_to_liquidation(
        setup, queued, django_capture_on_commit_callbacks):
    member = setup
    claim = ready_draft(member)
    with django_capture_on_commit_callbacks(execute=True):
        intake.claim_submit(claim=claim, by=member.user)
    claim.refresh_from_db()
    assert (claim.status, claim.received_on, claim.total_billed, claim.channel) == (
        "received", today(), D("100.00"), "online")
    change = claim.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == ("draft", "received", member.user)
    assert queued == [claim.pk]


def test_a_draft_is_kept_in_the_database_with_its_lines_until_sent(setup):
    claim = draft_for(setup)
    intake.claim_line_add(claim=claim, line=line())
    intake.claim_line_add(claim=claim, line=line(act="MED", amount="235.55"))
    assert ClaimFile.objects.get(pk=claim.pk).status == "draft"
    assert list(claim.lines.values_list("position", "act_id", "billed_amount")) == [
        (1, "C", D("100.00")), (2, "MED", D("235.55"))]


def test_a_file_cannot_be_sent_without_lines(setup):
    claim = draft_for(setup)
    with pytest.raises(ValidationError, match="line"):
        intake.claim_submit(claim=claim, by=setup.user)
    assert ClaimFile.objects.get(pk=claim.pk).status == "draft"


def test_an_online_file_without_its_documents_is_incomplete_with_the_list_and_not_priced(
        setup, queued, django_capture_on_commit_callbacks):
    claim = draft_for(setup)
    intake.claim_line_add(claim=claim, line=line())
    intake.claim_line_add(claim=claim, line=line(act="MED", amount="235.55"))
    with django_capture_on_commit_callbacks(execute=True):
        intake.claim_submit(claim=claim, by=setup.user)
    claim.refresh_from_db()
    assert claim.status == "incomplete"
    assert claim.missing_kinds == [{"kind": "care_sheet", "category": "CONSULTATION"},
                                   {"kind": "prescription", "category": "MEDICINE"}]
    assert claim.received_on == today() and claim.total_reimbursed == 0
    assert queued == []

    intake.attachment_add(claim=claim, upload=upload(), kind="care_sheet", by=setup.user)
    with pytest.raises(ValidationError, match="Prescription"):
        intake.claim_complete(claim=claim, by=setup.user)
    intake.attachment_add(claim=claim, upload=upload("prescription.pdf"), kind="prescription", by=setup.user)
    with django_capture_on_commit_callbacks(execute=True):
        intake.claim_complete(claim=claim, by=setup.user)
    claim.refresh_from_db()
    assert (claim.status, claim.missing_kinds, claim.received_on) == ("received", [], today())
    assert queued == [claim.pk]


def test_an_online_file_with_its_scans_is_queued_for_pricing(setup, queued, django_capture_on_commit_callbacks):
    claim = draft_for(setup)
    intake.claim_line_add(claim=claim, line=line(act="MED", amount="235.55"))
    intake.attachment_add(claim=claim, upload=upload(), kind="care_sheet", by=setup.user)
    intake.attachment_add(claim=claim, upload=upload("prescription.pdf"), kind="prescription", by=setup.user)
    with django_capture_on_commit_callbacks(execute=True):
        intake.claim_submit(claim=claim, by=setup.user)
    assert ClaimFile.objects.get(pk=claim.pk).status == "received"
    assert queued == [claim.pk]


def test_sending_the_same_file_twice_receives_it_once(setup, queued, django_capture_on_commit_callbacks):
    claim = ready_draft(setup)
    with django_capture_on_commit_callbacks(execute=True):
        intake.claim_submit(claim=claim, by=setup.user)
        with pytest.raises(intake.ClaimAlreadySubmitted):
            intake.claim_submit(claim=ClaimFile.objects.get(pk=claim.pk), by=setup.user)
    assert ClaimFile.objects.filter(member=setup).count() == 1
    assert StatusChange.objects.filter(claim=claim, to_status="received").count() == 1
    assert queued == [claim.pk]


def test_a_stale_copy_of_the_draft_cannot_be_sent_a_second_time(setup):
    claim = ready_draft(setup)
    stale = ClaimFile.objects.get(pk=claim.pk)
    intake.claim_submit(claim=claim, by=setup.user)
    with pytest.raises(intake.ClaimAlreadySubmitted):
        intake.claim_submit(claim=stale, by=setup.user)
    assert StatusChange.objects.filter(claim=claim).count() == 1


def test_the_same_idempotency_key_creates_one_draft(setup):
    first = intake.claim_draft_create(member=setup, beneficiary=self_of(setup), by=setup.user, idempotency_key="k1")
    again = intake.claim_draft_create(member=setup, beneficiary=self_of(setup), by=setup.user, idempotency_key="k1")
    assert first.pk == again.pk and ClaimFile.objects.count() == 1


def test_a_sent_file_can_no_longer_take_lines(setup):
    claim = ready_draft(setup)
    intake.claim_submit(claim=claim, by=setup.user)
    with pytest.raises(intake.ClaimAlreadySubmitted):
        intake.claim_line_add(claim=claim, line=line())


# --- refusals at intake ----------------------------------------------------------------------------------------


def refused_fields(claim, data: LineData) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        intake.claim_line_add(claim=claim, line=data)
    assert claim.lines.count() == 0
    return refused.value.message_dict


def test_a_care_date_in_the_future_is_refused(setup):
    errors = refused_fields(draft_for(setup), line(care_date=today() + timedelta(days=1)))
    assert errors["care_date"] == ["The care date cannot be in the future."]


@pytest.mark.parametrize("amount", ["0.00", "-12.00"])
def test_an_amount_of_zero_or_less_is_refused(setup, amount):
    assert refused_fields(draft_for(setup), line(amount=amount))["billed_amount"] == ["The amount must be above 0."]


def test_an_amount_with_three_decimals_is_refused(setup):
    errors = refused_fields(draft_for(setup), line(amount="100.005"))
    assert errors["billed_amount"] == ["The amount can have at most 2 decimals (centimes)."]


def test_a_quantity_below_one_is_refused(setup):
    assert "quantity" in refused_fields(draft_for(setup), line(quantity=0))


def test_an_act_code_missing_from_the_nomenclature_is_refused(setup):
    assert "Unknown act code" in refused_fields(draft_for(setup), line(act="XYZ"))["act_code"][0]


def test_a_child_over_the_age_limit_on_the_care_date_is_a_warning_not_a_refusal(setup):
    child = BeneficiaryFactory(member=setup, first_name="Omar", birth_date=date(1999, 1, 1))
    claim = intake.claim_draft_create(member=setup, beneficiary=child, by=setup.user)
    added = intake.claim_line_add(claim=claim, line=line())
    assert "Omar" in added.intake_warnings[0] and "over the age limit" in added.intake_warnings[0]
    assert claim.lines.count() == 1


def test_an_ineligible_beneficiary_gets_a_draft_with_a_warning(setup):
    spouse = BeneficiaryFactory(member=setup, relation="spouse", marriage_end=today() - timedelta(days=30))
    claim = intake.claim_draft_create(member=setup, beneficiary=spouse, by=setup.user,
                                      care_on=today() - timedelta(days=2))
    assert claim.status == "draft" and "marriage has ended" in claim.intake_warnings[0]


@pytest.mark.parametrize("care_date", [date(1, 1, 1), date(1899, 12, 31), date(1980, 5, 16)])
def test_a_care_date_before_1900_or_before_the_birth_is_refused_at_intake(setup, care_date):
    born = BeneficiaryFactory(member=setup, relation="child", birth_date=date(1980, 5, 17))
    claim = intake.claim_draft_create(member=setup, beneficiary=born, by=setup.user)
    message = refused_fields(claim, line(care_date=care_date))["care_date"][0]
    assert "1900" in message or "before the birth" in message
    assert not claim.lines.exists()


def test_a_beneficiary_of_another_member_is_refused(setup):
    stranger = MemberFactory()
    with pytest.raises(ValidationError) as refused:
        intake.claim_draft_create(member=setup, beneficiary=self_of(stranger), by=setup.user)
    assert "beneficiary" in refused.value.message_dict
    assert not ClaimFile.objects.exists()


def test_a_scan_for_a_file_already_liquidated_is_refused(setup):
    claim = ClaimFileFactory(member=setup, status=ClaimStatus.LIQUIDATED)
    with pytest.raises(ValidationError, match="no longer"):
        intake.attachment_add(claim=claim, upload=upload(), kind="invoice", by=setup.user)


# --- front desk ----------------------------------------------------------------------------------------------


@pytest.fixture
def desk(setup):
    taounate = unit("taounate")
    return taounate, staff(taounate)


def register(member, at, agent, **overrides):
    values = {"member": member, "beneficiary": self_of(member), "unit": at, "by": agent, "received_on": today(),
              "lines": [line(), line(act="MED", amount="45.20")], "provider_name": "Dr Alami"}
    values.update(overrides)
    return intake.claim_register_at_desk(**values)


def test_an_agent_registers_a_paper_file_received_yesterday(setup, desk, queued, django_capture_on_commit_callbacks):
    at, agent = desk
    with django_capture_on_commit_callbacks(execute=True):
        claim = register(setup, at, agent, received_on=today() - timedelta(days=1))
    claim.refresh_from_db()
    assert (claim.status, claim.channel, claim.unit, claim.received_on, claim.total_billed) == (
        "received", "front_desk", at, today() - timedelta(days=1), D("145.20"))
    assert list(claim.lines.values_list("position", "act_id")) == [(1, "C"), (2, "MED")]
    assert claim.status_changes.get().changed_by == agent
    assert queued == [claim.pk]


def test_a_receipt_date_in_the_future_is_refused(setup, desk):
    with pytest.raises(ValidationError) as refused:
        register(setup, *desk, received_on=today() + timedelta(days=1))
    assert "received_on" in refused.value.message_dict
    assert not ClaimFile.objects.exists()


def test_a_care_date_after_the_receipt_date_is_refused_on_its_line(setup, desk):
    received = today() - timedelta(days=10)
    with pytest.raises(ValidationError) as refused:
        register(setup, *desk, received_on=received, lines=[line(care_date=received - timedelta(days=1)),
                                                            line(care_date=received + timedelta(days=1))])
    assert list(refused.value.message_dict) == ["lines.1.care_date"]
    assert not ClaimFile.objects.exists()


def test_an_agent_cannot_register_a_file_for_another_unit(setup, desk):
    _taounate, agent = desk
    with pytest.raises(PermissionDenied):
        register(setup, unit("sefrou"), agent)


def test_a_liquidator_may_register_at_any_unit(setup):
    liquidator = staff(unit("taounate"), role=StaffRole.LIQUIDATOR)
    assert register(setup, unit("sefrou"), liquidator).unit.code == "sefrou"


def test_a_double_click_at_the_desk_registers_one_file(setup, desk):
    first = register(setup, *desk, idempotency_key="form-123")
    second = register(setup, *desk, idempotency_key="form-123")
    assert first.pk == second.pk and ClaimFile.objects.count() == 1


# --- sister mutuals ----------------------------------------------------------------------------------------------


def test_a_sister_mutual_members_file_is_received_then_forwarded_and_never_liquidated(
        db, queued, django_capture_on_commit_callbacks):
    reference()
    at = unit()
    agent = staff(at)
    member = MemberFactory(mutual=SisterMutualFactory())
    with django_capture_on_commit_callbacks(execute=True):
        claim = register(member, at, agent)
    assert ClaimFile.objects.get(pk=claim.pk).status == "forwarded"
    assert list(claim.status_changes.values_list("to_status", flat=True)) == ["received", "forwarded"]
    assert queued == []
    slip = forwarding_slip(files=ClaimFile.objects.all(), day=today())
    assert [(group.mutual.code, [c.pk for c in group.files]) for group in slip] == [("sister", [claim.pk])]


def test_the_forwarding_slip_of_another_day_is_empty(db):
    reference()
    member = MemberFactory(mutual=SisterMutualFactory())
    register(member, unit(), staff(unit()))
    assert forwarding_slip(files=ClaimFile.objects.all(), day=today() - timedelta(days=1)) == []


# --- incomplete files --------------------------------------------------------------------------------------------


def test_a_paper_file_with_missing_documents_waits_for_them_instead_of_liquidation(
        setup, desk, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        claim = register(setup, *desk, missing_documents="Ordonnance\nVignettes")
    claim.refresh_from_db()
    assert (claim.status, claim.missing_documents) == ("incomplete", "Ordonnance\nVignettes")
    assert queued == []


def test_the_member_adds_the_missing_document_and_the_file_is_received_again(
        setup, desk, queued, django_capture_on_commit_callbacks):
    at, agent = desk
    claim = register(setup, at, agent)
    intake.claim_mark_incomplete(claim=claim, by=agent, missing_documents="Prescription")
    with pytest.raises(ValidationError, match="missing documents first"):
        intake.claim_complete(claim=claim, by=setup.user)
    intake.attachment_add(claim=claim, upload=upload("prescription.pdf"), kind="prescription", by=setup.user)
    with django_capture_on_commit_callbacks(execute=True):
        intake.claim_complete(claim=claim, by=setup.user)
    claim.refresh_from_db()
    assert (claim.status, claim.missing_documents) == ("received", "")
    assert list(claim.status_changes.values_list("to_status", flat=True)) == ["received", "incomplete", "received"]
    assert queued == [claim.pk]


def test_marking_incomplete_needs_the_list_of_missing_documents(setup, desk):
    claim = register(setup, *desk)
    with pytest.raises(ValidationError):
        intake.claim_mark_incomplete(claim=claim, by=desk[1], missing_documents="  ")


# --- status moves and tracking codes -------------------------------------------------------------------------


def test_a_liquidated_file_cannot_be_marked_incomplete(setup):
    claim = ClaimFileFactory(member=setup, status=ClaimStatus.LIQUIDATED)
    with pytest.raises(InvalidTransition):
        intake.claim_mark_incomplete(claim=claim, by=None, missing_documents="Invoice")
    assert ClaimFile.objects.get(pk=claim.pk).status == "liquidated"


@pytest.mark.parametrize(("from_status", "to_status"), [("draft", "liquidated"), ("received", "paid"),
                                                        ("forwarded", "received"), ("paid", "incomplete")])
def test_invalid_moves_raise_and_change_nothing(setup, from_status, to_status):
    claim = ClaimFileFactory(member=setup, status=from_status)
    with pytest.raises(InvalidTransition):
        claim_set_status(claim=claim, to_status=to_status)
    assert ClaimFile.objects.get(pk=claim.pk).status == from_status
    assert not StatusChange.objects.exists()


def test_tracking_codes_are_read_back_however_they_are_typed():
    code = tracking_code_new()
    typed = tracking_code_display(code).lower().replace("0", "o").replace("1", "l")
    assert tracking_code_normalize(f"  {typed} ") == code


def test_a_tracking_code_with_one_wrong_symbol_or_two_swapped_neighbours_is_not_a_code():
    rng = random.Random(4)
    for _ in range(300):
        payload = "".join(rng.choice(TRACKING_ALPHABET) for _ in range(9))
        code = payload + _luhn32_check(payload)
        i = rng.randrange(9)
        other = TRACKING_ALPHABET[(TRACKING_ALPHABET.index(code[i]) + rng.randrange(1, 32)) % 32]
        wrong = code[:i] + other + code[i + 1:]
        assert tracking_code_normalize(wrong) is None
        # Luhn mod 32 misses only the swap of "0" and "Z" (like 09/90 in base 10).
        if code[i] != code[i + 1] and {code[i], code[i + 1]} != {"0", "Z"}:
            assert tracking_code_normalize(code[:i] + code[i + 1] + code[i] + code[i + 2:]) is None
