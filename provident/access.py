"""Reading a provident scan is a read of health data (a death certificate gives the cause and the date of death):
it is written to the same append-only log as the claim scans (claims.HealthDataAccess), with who, when, from
which unit and from where. The member reading his own request's scan is not logged, as for his files. One path
serves a scan, to the page and to the API alike (`provident_scan_download`)."""

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest

from claims.models import AccessAction, HealthDataAccess
from members.models import Member, User
from members.security import client_ip
from units.models import StaffAssignment
from units.scoping import is_desk_staff

from .models import ProvidentDocument
from .selectors import requests_for_staff


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


def provident_scans_readable(*, user) -> QuerySet[ProvidentDocument]:
    """The scans `user` may read: those of his own requests (a member), and those of the requests he reaches as
    staff (his units' for desk staff; every request for liquidators and administrators)."""
    documents = ProvidentDocument.objects.none()
    if not getattr(user, "is_authenticated", False):
        return documents
    member = Member.objects.filter(user=user).first()
    if member is not None:
        documents = ProvidentDocument.objects.filter(request__member=member)
    if is_desk_staff(user):
        documents = documents | ProvidentDocument.objects.filter(
            request__in=requests_for_staff(user=user).values("pk"))
    return documents


def provident_scan_download(*, request: HttpRequest, pk: int,
                            documents: QuerySet[ProvidentDocument] | None = None) -> FileResponse:
    """Scan `pk` among those the caller may read (narrowed further by `documents`, e.g. one request's), as a
    download never rendered inline; 404 for any other (nothing said about whether it exists) or when its bytes
    are missing. A staff read is appended to the access log before the bytes leave."""
    readable = provident_scans_readable(user=request.user)
    if documents is not None:
        readable = readable.filter(pk__in=documents.values("pk"))
    document = readable.select_related("request__member").filter(pk=pk).first()
    if document is None:
        raise Http404("no such scan within reach")
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("scan missing from storage") from error
    provident_scan_access_record(request=request, document=document)
    response = FileResponse(handle, as_attachment=True, filename=document.original_name,
                            content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
