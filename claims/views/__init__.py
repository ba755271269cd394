"""Claim pages: the member space (member.py), the front desk (desk.py), public tracking (public.py)."""
