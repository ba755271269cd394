"""Reading a provident scan is a read of health data (a death certificate gives the cause and the date of death):
it is written to the same append-only log as the claim scans (claims.HealthDataAccess), with who, when, from
which unit and from where. The member reading his own request's scan is not logged, as for his files."""

from django.http import HttpRequest

from claims.models import AccessAction, HealthDataAccess
from members.models import User
from members.security import client_ip
from units.models import StaffAssignment

from .models import ProvidentDocument


def _reader_unit_id(*, user, document: ProvidentDocument) -> int | None:
    unit_ids = list(StaffAssignment.objects.filter(user=user).order_by("id").values_list("unit_id", flat=True))
    request = document.request
    for candidate in (request.unit_id, request.member.home_unit_id):
        if candidate is not None and candidate in unit_ids:
            return candidate
    return unit_ids[0] if unit_ids else None


def provident_scan_access_record(*, request: HttpRequest, document: ProvidentDocument) -> HealthDataAccess | None:
    """Appends the read of `document` by the caller; None (nothing written) when it is the member's own."""
    user = request.user
    if not isinstance(user, User):
        return None  # the view is behind login_required
    member = document.request.member
    if member.user_id is not None and member.user_id == user.pk:
        return None
    match = getattr(request, "resolver_match", None)
    return HealthDataAccess.objects.create(
        user=user, provident_document=document, action=AccessAction.PROVIDENT_SCAN,
        view_name=(match.view_name if match else "")[:100], unit_id=_reader_unit_id(user=user, document=document),
        ip=client_ip(request) or None)
