"""The health-data access log: every read of a claim file or a scan by someone other than its member is recorded.

One write, `health_access_record`, and three ways to call it with a one-line edit where staff read health data:
`@health_access_logged(...)` on a function view or a DRF action, and `HealthAccessAdminMixin` on a ModelAdmin.
A member reading their own file is not logged: they are the person the data is about, and the log is theirs to
read (/me/access-log/). Only successful reads (HTTP 200) are recorded; a refused or missing object leaves no row.
If the row cannot be written the read fails with it, so no health data leaves without its trace."""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

from members.models import Beneficiary, Member
from members.security import client_ip
from units.models import StaffAssignment

from ..models import AccessAction, Attachment, ClaimFile, HealthDataAccess

if TYPE_CHECKING:  # the mixin's base, for the type checker: what it is mixed into
    from django.contrib.admin import ModelAdmin as _AdminBase
else:
    _AdminBase = object


def _reader_unit_id(*, user, claim: ClaimFile) -> int | None:
    """The unit the reader acts for here: the file's unit or the member's home unit when the reader is assigned
    there, else the reader's first unit; None for network staff without an assignment (liquidators, admins)."""
    unit_ids = list(StaffAssignment.objects.filter(user=user).order_by("id").values_list("unit_id", flat=True))
    for candidate in (claim.unit_id, claim.member.home_unit_id):
        if candidate is not None and candidate in unit_ids:
            return candidate
    return unit_ids[0] if unit_ids else None


def health_access_record(*, user, claim: ClaimFile, attachment: Attachment | None = None, action: str,
                         view_name: str = "", ip: str | None = None) -> HealthDataAccess | None:
    """Appends who read `claim` (or its scan `attachment`), how and from where. Returns None, writing nothing,
    when the reader is the file's own member."""
    if action not in AccessAction.values:
        raise ValueError(f"unknown access action {action!r}")
    if attachment is not None and attachment.claim_id != claim.pk:
        raise ValueError("the attachment does not belong to this file")
    if claim.member.user_id is not None and claim.member.user_id == user.pk:
        return None
    return HealthDataAccess.objects.create(user=user, claim=claim, attachment=attachment, action=action,
                                           view_name=view_name[:100], unit_id=_reader_unit_id(user=user, claim=claim),
                                           ip=ip or None)


def _record_from_request(request: HttpRequest, *, action: str, claim_id=None, attachment_id=None) -> None:
    attachment = None
    claim: ClaimFile | None
    if attachment_id is not None:
        attachment = Attachment.objects.select_related("claim__member").filter(pk=attachment_id).first()
        if attachment is None:
            return
        claim = attachment.claim
    else:
        claim = ClaimFile.objects.select_related("member").filter(pk=claim_id).first()
        if claim is None:
            return
    match = getattr(request, "resolver_match", None)
    health_access_record(user=request.user, claim=claim, attachment=attachment, action=action,
                         view_name=match.view_name if match else "", ip=client_ip(request))


def _request_in(args: tuple) -> HttpRequest:
    """The request among a view's positional arguments: first for a function view, second for a method."""
    for arg in args[:2]:
        if hasattr(arg, "META") and hasattr(arg, "user"):
            return arg
    raise TypeError("health_access_logged decorates views only")


def health_access_logged(action: str, *, claim_kwarg: str | None = "pk",
                         attachment_kwarg: str | None = None) -> Callable:
    """Decorates a view that shows one claim file (`claim_kwarg` names its id) or one scan (`attachment_kwarg`);
    after a 200 answer to an authenticated reader, records the read. Put it outermost, above the access checks."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(*args, **kwargs) -> HttpResponse:
            response = view(*args, **kwargs)
            request = _request_in(args)
            if response.status_code == 200 and request.user.is_authenticated:
                if attachment_kwarg is not None:
                    _record_from_request(request, action=action, attachment_id=kwargs.get(attachment_kwarg))
                elif claim_kwarg is not None:
                    _record_from_request(request, action=action, claim_id=kwargs.get(claim_kwarg))
            return response

        return wrapper

    return decorate


class HealthAccessAdminMixin(_AdminBase):
    """For the ModelAdmin of ClaimFile or Attachment: opening an object's change page records the read."""

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200 and str(object_id).isdigit():
            if self.model is Attachment:
                _record_from_request(request, action=AccessAction.ADMIN_VIEW, attachment_id=int(object_id))
            else:
                _record_from_request(request, action=AccessAction.ADMIN_VIEW, claim_id=int(object_id))
        return response


def health_accesses_for_member(*, member: Member) -> QuerySet[HealthDataAccess]:
    """What the member sees of the log (a read, kept beside the write it mirrors): every recorded read of their
    files, of their family's health data (estimates, agreements) and of their provident requests' scans, newest
    first, with who and from where."""
    return (HealthDataAccess.objects.filter(Q(claim__member=member) | Q(beneficiary__member=member)
                                            | Q(provident_document__request__member=member))
            .select_related("user", "unit", "claim", "attachment", "beneficiary", "provident_document__request")
            .order_by("-at", "-id"))


def beneficiary_access_record(*, request: HttpRequest, beneficiary_ids: Iterable[int], action: str) -> int:
    """Appends one row per beneficiary whose health data staff read without opening a file: an estimate (it
    reveals past care), a list of prior agreements. The member's own reads are not logged."""
    if action not in AccessAction.values:
        raise ValueError(f"unknown access action {action!r}")
    user = request.user
    if not user.is_authenticated:  # staff pages only: an anonymous read is refused before
        return 0
    rows = list(Beneficiary.objects.filter(pk__in=set(beneficiary_ids)).exclude(member__user=user)
                .values_list("pk", "member__home_unit_id"))
    if not rows:
        return 0
    unit_ids = list(StaffAssignment.objects.filter(user=user).order_by("id").values_list("unit_id", flat=True))
    match = getattr(request, "resolver_match", None)
    HealthDataAccess.objects.bulk_create([
        HealthDataAccess(user=user, beneficiary_id=pk, action=action,
                         view_name=(match.view_name if match else "")[:100], ip=client_ip(request) or None,
                         unit_id=home if home in unit_ids else (unit_ids[0] if unit_ids else None))
        for pk, home in rows])
    return len(rows)


def other_unit_beneficiaries(*, user, beneficiary_ids: Iterable[int]) -> list[int]:
    """The beneficiaries among these whose member's home unit is not one of `user`'s units."""
    units = StaffAssignment.objects.filter(user=user).values_list("unit_id", flat=True)
    return list(Beneficiary.objects.filter(pk__in=set(beneficiary_ids))
                .exclude(member__home_unit_id__in=units).values_list("pk", flat=True))
