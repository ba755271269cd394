"""Writes about provident requests: intake (intake.py), liquidation in the worker (liquidation.py), the
second liquidator's decision (review.py). Payment is a source of the payment batches (provident.payments)."""
