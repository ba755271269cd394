"""Writes of the claims app, one module per sub-domain (intake, liquidation, payments)."""
