"""What the claim views share: who may enter, and attachments served to whoever may see them."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from members.http import AuthenticatedRequest, MemberRequest
from members.models import Member
from units.scoping import is_desk_staff
from units.views.common import role_permission_required

from ..models import Attachment
from ..selectors import claims_for_member, claims_for_staff
from ..services.access_log import health_access_logged


def member_of(request: HttpRequest) -> Member:
    user = request.user
    if not user.is_authenticated:
        raise Http404("no member record for an anonymous visitor")
    member = Member.objects.select_related("mutual").filter(user=user).first()
    if member is None:
        raise Http404("no member record for this account")
    return member


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A logged-in member; anyone else finds nothing here (404)."""

    @login_required
    @wraps(view)
    def wrapper(request: MemberRequest, *args, **kwargs) -> HttpResponse:
        request.member = member_of(request)
        return view(request, *args, **kwargs)

    return wrapper


def desk_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Unit staff, liquidators and admins; a member or a stranger finds nothing here (404)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_desk_staff(request.user):
            raise Http404("not staff")
        return view(request, *args, **kwargs)

    return wrapper


def staff_only(permission: str, *, write: str | None = None) -> Callable:
    """The desk, review and payment-batch pages of the claims app: the permission of the role that needs the page
    (units/roles.py). Members and other outsiders find nothing here (404); staff whose role lacks the permission
    get the styled 403."""
    return role_permission_required(permission, write=write, outsiders=Http404)


def error_messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


@health_access_logged("attachment", attachment_kwarg="pk")
@login_required
@require_GET
def attachment_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """A scan, to its member or to staff who may reach the file; always as a download, never rendered inline."""
    user = request.user
    member = Member.objects.filter(user=user).first()
    attachments = Attachment.objects.none()
    if member is not None:
        attachments = Attachment.objects.filter(claim__in=claims_for_member(member=member).values("pk"))
    if is_desk_staff(user):
        attachments = attachments | Attachment.objects.filter(claim__in=claims_for_staff(user=user).values("pk"))
    attachment = get_object_or_404(attachments, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("scan missing from storage") from error
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
