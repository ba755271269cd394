"""The API side of tokens: what a login returns, and the owner's list of their tokens (`/api/v1/auth/tokens/`)."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from members.api.permissions import ApiViewMixin
from members.api.serializers import TokenRequestSerializer as BaseTokenRequestSerializer
from members.api.serializers import error_responses

from .selectors import tokens_of
from .services import token_revoke


class TokenRequestSerializer(BaseTokenRequestSerializer):
    client = serializers.CharField(max_length=80, required=False, allow_blank=True, help_text=(
        "A name for the script or app asking (e.g. `accounting-export`). One token per client: asking again "
        "for the same client replaces its token. Default: `api`."))


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`. Shown once; only a hash is kept.")
    username = serializers.CharField(help_text="The account the token acts for.")
    client = serializers.CharField(help_text="The client this token was issued to.")
    key = serializers.CharField(help_text="The token's public identifier (its first characters), as listed.")
    expiry = serializers.DateTimeField(help_text="When the token stops working (ask for a new one then).")


class ApiTokenSerializer(serializers.Serializer):
    key = serializers.CharField(source="token_key", help_text="Public identifier; revoke with DELETE on it.")
    client = serializers.CharField(help_text="The client the token was issued to.")
    created = serializers.DateTimeField(help_text="When it was issued.")
    expiry = serializers.DateTimeField(help_text="When it stops working.")
    last_used = serializers.DateTimeField(allow_null=True, help_text="Latest call made with it (to 5 minutes).")
    second_factor = serializers.BooleanField(help_text="Issued with the authenticator's code.")
    current = serializers.SerializerMethodField(help_text="The token this very call is made with.")

    def get_current(self, token) -> bool:
        auth = self.context["request"].auth
        return getattr(auth, "digest", None) == token.digest


@extend_schema(tags=["auth"])
class TokenListView(ApiViewMixin, APIView):  # type: ignore[misc]  # the mixin narrows APIView's attributes
    pagination_class = None  # type: ignore[assignment]  # a handful of tokens, answered as a plain list (and documented so)

    @extend_schema(operation_id="auth_tokens_list", responses={200: ApiTokenSerializer(many=True),
                                                                **error_responses(401)},
                   description="The caller's API tokens still valid (one per client), newest first.")
    def get(self, request):
        return Response(ApiTokenSerializer(tokens_of(user=request.user), many=True,
                                           context={"request": request}).data)


@extend_schema(tags=["auth"])
class TokenDetailView(ApiViewMixin, APIView):  # type: ignore[misc]
    @extend_schema(operation_id="auth_tokens_destroy", request=None,
                   responses={204: None, **error_responses(401, 404)},
                   description="Revokes one of the caller's tokens, by its `key`.")
    def delete(self, request, key: str):
        if not token_revoke(user=request.user, token_key=key):
            raise exceptions.NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)
