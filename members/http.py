"""Requests as the views behind the access checks see them, for the type checker: after login_required the user
is a User (never anonymous); after claims' member_required the request also carries the account's Member.

At run time these are Django's own HttpRequest objects; the classes only narrow what mypy knows (django-stubs'
recommended pattern), so a view annotated `request: MemberRequest` is checked against what its decorator set."""

from django.http import HttpRequest

from .models import Member, User


class AuthenticatedRequest(HttpRequest):
    user: User


class MemberRequest(AuthenticatedRequest):
    member: Member
