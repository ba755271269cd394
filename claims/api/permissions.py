"""Who may decide in the claims API: the review rule of claims.services.review (liquidators and admins), the
same one the liquidator pages use."""

from rest_framework.permissions import BasePermission

from claims.services.review import user_can_review


class CanReview(BasePermission):
    def has_permission(self, request, view) -> bool:
        return user_can_review(request.user)
