"""Liquidation benchmark: `make bench` / `python -m bench --help`. Not part of the test suite."""
