"""Throttles on the public forms that check secrets (tracking code + birth date, the three activation facts, a
password-reset address): every attempt counts, per client address and per target (the code, the membership
number, the e-mail), so neither many addresses on one target nor one address on many targets gets far.
Counters live in the cache (Redis in production, shared by every web worker), through django-ratelimit."""

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from .security import client_ip


def attempt_count(request: HttpRequest, *, group: str, target: str, per_address: str,
                  per_target: str) -> tuple[bool, bool]:
    """Counts this attempt; says whether it is over the per-address limit and over the per-target limit (rates
    like "10/h")."""
    address = client_ip(request) or "unknown"
    over_address = is_ratelimited(request, group=f"{group}:address", key=lambda _g, _r: address, rate=per_address,
                                  increment=True)
    target = (target or "").strip().upper()
    over_target = bool(target) and is_ratelimited(request, group=f"{group}:target", key=lambda _g, _r: target,
                                                  rate=per_target, increment=True)
    return bool(over_address), bool(over_target)


def attempt_throttled(request: HttpRequest, *, group: str, target: str, per_address: str, per_target: str) -> bool:
    return any(attempt_count(request, group=group, target=target, per_address=per_address, per_target=per_target))
