"""Who and why of the next history row: django-simple-history reads `_history_user` and `_change_reason` off the
instance being saved. One typed place to set them (the models do not declare these attributes)."""

from typing import Any

from django.db import models

_UNSET: Any = object()


def history_stamp(instance: models.Model, *, by: Any = _UNSET, reason: str | None = None) -> None:
    """Names the user (a User, or None: the system, not the request's user) and, when given, the reason in the
    history row the next save() of `instance` writes. Without `by`, simple_history takes the request's user."""
    if by is not _UNSET:
        instance._history_user = by  # type: ignore[attr-defined]  # simple_history's hook, set on the instance
    if reason is not None:
        instance._change_reason = reason  # type: ignore[attr-defined]
