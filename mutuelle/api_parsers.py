"""DRF's JSON parser, refusing what mutuelle.input_policy refuses even when called outside the middleware (a view
test through DRF's RequestFactory, a parser used directly): too deep a nesting is a 400, never a RecursionError."""

import io

from rest_framework import exceptions, parsers

from .input_policy import MAX_JSON_DEPTH, json_depth, refusal_message


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read() if stream is not None else b""
        if json_depth(body) > MAX_JSON_DEPTH:
            raise exceptions.ParseError(refusal_message("too_deep"), code="too_deep")
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(refusal_message("too_deep"), code="too_deep") from None
