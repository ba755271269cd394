"""Who may call the API: the base every v1 view starts from, and the role checks shared by the three apps.

Roles come from units.scoping (one place for "who acts for which unit"); a member is a user with a Member row."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils import translation
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission, IsAuthenticated

from apitokens.auth import ApiTokenAuthentication
from units.models import StaffAssignment, StaffRole
from units.scoping import is_desk_staff

if TYPE_CHECKING:
    from rest_framework.permissions import _PermissionClass
    from rest_framework.schemas.inspectors import ViewInspector


def member_of(user):
    """The Member behind a web account, or None (staff, anonymous). Cached on the user for the request."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_api_member"):
        from members.models import Member

        user._api_member = Member.objects.select_related("mutual", "home_unit").filter(user=user).first()
    return user._api_member


def is_admin(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or StaffAssignment.objects.filter(user=user, role=StaffRole.ADMIN).exists()
    )


class ErrorDocumentingSchema(AutoSchema):
    """Adds the errors every operation can answer (in the one error format) to what each view declares:
    401/403 where credentials are needed, 404 on object paths and paginated lists, 400 on writes and lists
    (a bad filter value). Operation-specific errors (409, 429) are declared on the view."""

    def _get_serializer_field_meta(self, field, direction):
        # Every field documented: the model's verbose name when the field has no help text of its own.
        meta = super()._get_serializer_field_meta(field, direction)
        if "description" not in meta and getattr(field, "label", None):
            meta["description"] = str(meta.get("title") or field.label)
        return meta

    def _get_response_bodies(self, direction="response"):
        from .serializers import ERROR_CODES_DOC, ERROR_DESCRIPTIONS, ErrorSerializer

        responses = super()._get_response_bodies(direction)
        codes = []
        if not all(isinstance(permission, AllowAny) for permission in self.view.get_permissions()):
            codes += [401, 403]
        if "{" in self.path or self._is_list_view():
            codes.append(404)
        if self.method in ("POST", "PUT", "PATCH") or self._is_list_view():
            codes.append(400)
        for code in sorted(codes):
            if str(code) not in responses:
                description = f"{ERROR_DESCRIPTIONS[code]} {ERROR_CODES_DOC}"
                responses[str(code)] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description), str(code), direction=direction)
        return responses


class ApiPagination(PageNumberPagination):
    """`?page=` and `?page_size=` (25 by default, at most 100)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class ApiViewMixin:
    """Token first, so an anonymous call gets 401 with `WWW-Authenticate: Token`; session for the pages.

    A token carries no session, so the account's saved language is applied here (the middleware that does it
    for the pages ran before DRF authenticated the token)."""

    # Typed as DRF's APIView types them, so the views' own lists (IsMember, CanReview...) override them cleanly.
    authentication_classes: Sequence[type[BaseAuthentication]] = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes: Sequence["_PermissionClass"] = [IsAuthenticated]
    schema: "ViewInspector | None" = ErrorDocumentingSchema()
    pagination_class: type[BasePagination] | None = ApiPagination

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        language = getattr(request.user, "language", "") if request.user.is_authenticated else ""
        if language and not request.META.get("HTTP_ACCEPT_LANGUAGE"):
            translation.activate(language)
            request.LANGUAGE_CODE = language


class IsMember(BasePermission):
    """A member's own space: the caller has a Member record."""

    def has_permission(self, request, view) -> bool:
        return member_of(request.user) is not None


class IsDeskStaff(BasePermission):
    """Front-desk agents, unit managers, liquidators and administrators (scoped further by unit)."""

    def has_permission(self, request, view) -> bool:
        return is_desk_staff(request.user)


class StaffReadAdminWrite(BasePermission):
    """Reference data: every staff account reads, administrators write."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return is_desk_staff(request.user)
        return is_admin(request.user)


class RegistryStaff(BasePermission):
    """The member registry: every staff account reads; administrators, unit managers and front-desk agents write
    (members.services decides who, and checks again)."""

    def has_permission(self, request, view) -> bool:
        if not is_desk_staff(request.user):
            return False
        if request.method in SAFE_METHODS:
            return True
        from members.services import user_may_edit_registry

        return user_may_edit_registry(user=request.user)
