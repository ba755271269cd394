import pytest

from claims.models import ClaimStatus
from claims.status import TRANSITIONS, InvalidTransition, can_move


def test_every_status_has_a_row_in_the_transition_table():
    assert set(TRANSITIONS) == set(ClaimStatus.values)


@pytest.mark.parametrize(("from_status", "to_status"), [
    ("draft", "received"), ("received", "incomplete"), ("incomplete", "received"), ("received", "liquidating"),
    ("liquidating", "liquidated"), ("liquidating", "rejected"), ("liquidating", "in_review"),
    ("liquidating", "forwarded"), ("in_review", "liquidated"), ("liquidated", "paid"),
])
def test_the_pipeline_allows_the_moves_of_the_spec(from_status, to_status):
    assert can_move(from_status, to_status)


@pytest.mark.parametrize(("from_status", "to_status"), [
    ("draft", "liquidated"), ("paid", "liquidated"), ("rejected", "received"), ("liquidated", "received"),
    ("in_review", "paid"), ("forwarded", "liquidated"),
])
def test_the_pipeline_refuses_moves_outside_the_table(from_status, to_status):
    assert not can_move(from_status, to_status)


def test_invalid_transition_names_both_statuses():
    class Claim:
        tracking_code = "X1"
        status = "paid"

    error = InvalidTransition(Claim(), "received")
    assert "paid" in str(error) and "received" in str(error)
