"""No input answers 5xx: hypothesis throws hostile values (NUL bytes, control characters, calendar ends, integers
past 64 bits, deep JSON, huge strings) at every route of the URL resolver and at every operation of the API
schema, as anonymous, a member, a front-desk agent and an administrator.

Bounded for `make test` (MUTUELLE_FUZZ_EXAMPLES, 25 by default, per role and per kind), deterministic, no example
database; set MUTUELLE_FUZZ_EXAMPLES=2000 for a deep run. The Django test client re-raises a view's exception, so
a crash fails the test with its traceback, and any status >= 500 fails it too."""

import json
import os
import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.api.conftest import api_token, cast  # noqa: F401

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("MUTUELLE_FUZZ_EXAMPLES", "25"))
ROLES = ["anonymous", "member", "agent", "admin"]
SKIP_PREFIXES = ("admin/", "static/", "i18n/")
SKIP_NAMES = {"logout"}  # logging out would end the session the next examples use

HOSTILE_TEXT = st.one_of(
    st.sampled_from(["\x00", "%00", "\x00\x00", "9999-12-31", "0001-01-01", "0001-01-01T00:00:00+05:00",
                     "9999-12-31T23:59:59-12:00", "2147483648", "-2147483649", "9223372036854775808",
                     "1" * 40, "-1", "0", "1e309", "NaN", "../../etc/passwd", "<script>", "' OR 1=1 --", "é" * 300,
                     "\u202e", "\ud7ff", " ", "", "x" * 5000, "[]", "{}", "2025-02-30", "24:61", "true"]),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(lambda day: day.isoformat()),
)
QUERY_NAMES = ["q", "unit", "day", "practitioner", "page", "page_size", "member", "beneficiary", "starts_after",
               "starts_before", "arrived_after", "format", "code", "service", "status", "next", "field", "slot",
               "received_on", "ordering", "search", "date", "month"]


def _routes(resolver=None, prefix: str = "") -> list[tuple[str, str]]:
    """(route pattern, name) of every URL the resolver knows."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _routes(entry, pattern)
        elif isinstance(entry, URLPattern):
            found.append((pattern, entry.name or ""))
    return found


SITE_ROUTES = sorted({(pattern.lstrip("^").rstrip("$"), name) for pattern, name in _routes()
                      if not pattern.lstrip("^").startswith(SKIP_PREFIXES + ("api/",)) and name not in SKIP_NAMES})
_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _fill(route: str, values: list[str]) -> str:
    """The route with each <converter:name> replaced: ints by an integer (real ids are small), others by text."""
    supply = iter(values)

    def one(match: re.Match) -> str:
        value = next(supply, "1")
        if match.group(1) == "int":
            digits = re.sub(r"\D", "", value)[:25]
            return digits or "1"
        return quote(value, safe="") or "x"

    return "/" + _PARAM.sub(one, route)


def _clients(cast) -> dict:  # noqa: F811
    users = {"anonymous": None, "member": cast.x.member.user, "agent": cast.x.agent, "admin": cast.admin}
    clients = {}
    for role, user in users.items():
        client = Client(raise_request_exception=True, HTTP_ACCEPT_LANGUAGE="fr")
        if user is not None:
            client.force_login(user)
        clients[role] = client
    return clients


def _settings():
    return settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("role", ROLES)
def test_no_site_route_answers_5xx_to_hostile_values(cast, role):  # noqa: F811
    client = _clients(cast)[role]
    assert len(SITE_ROUTES) > 50

    @_settings()
    @given(route=st.sampled_from(SITE_ROUTES), path_values=st.lists(HOSTILE_TEXT, min_size=3, max_size=3),
           query=st.dictionaries(st.sampled_from(QUERY_NAMES), HOSTILE_TEXT, max_size=4),
           method=st.sampled_from(["get", "get", "post"]))
    def probe(route, path_values, query, method):
        url = _fill(route[0], path_values)
        if method == "get":
            response = client.get(url, query)
        else:
            response = client.post(url, query)
        assert response.status_code < 500, (method, url, query, response.status_code)

    probe()


def _api_operations() -> list[tuple[str, str, list[str], list[str]]]:
    """(method, path, query parameter names, body property names) of every operation of the served schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})
    operations = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            query = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
            body = []
            content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            ref = content.get("schema", {}).get("$ref", "")
            if ref:
                body = list(components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}))
            operations.append((method, path, query, body))
    return operations


HOSTILE_JSON = st.recursive(
    st.one_of(HOSTILE_TEXT, st.integers(min_value=-(2**70), max_value=2**70), st.booleans(), st.none(),
              st.floats(allow_nan=False)),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=6)


@pytest.mark.parametrize("role", ROLES)
def test_no_api_operation_answers_5xx_to_hostile_values(cast, role):  # noqa: F811
    operations = [op for op in _api_operations() if not op[1].startswith("/api/v1/auth/token/")]
    assert len(operations) > 40
    users = {"anonymous": None, "member": cast.x.member.user, "agent": cast.x.agent, "admin": cast.admin}
    user = users[role]
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token(user)}"} if user else {}
    client = Client(raise_request_exception=True, HTTP_ACCEPT_LANGUAGE="ar", **headers)
    real_ids = [str(obj.pk) for obj in (cast.x.claim, cast.x.appointment, cast.x.visit, cast.x.member)]

    @_settings()
    @given(operation=st.sampled_from(operations), path_value=st.one_of(st.sampled_from(real_ids), HOSTILE_TEXT),
           query=st.data(), body=st.data())
    def probe(operation, path_value, query, body):
        method, path, query_names, body_names = operation
        url = re.sub(r"\{[^}]+\}", lambda _m: quote(path_value, safe="") or "1", path)
        params = query.draw(st.dictionaries(st.sampled_from(query_names or QUERY_NAMES), HOSTILE_TEXT, max_size=3))
        if method == "get":
            response = client.get(url, params)
        else:
            payload = body.draw(st.one_of(
                st.dictionaries(st.sampled_from(body_names or ["x"]), HOSTILE_JSON, max_size=4),
                HOSTILE_JSON))
            response = getattr(client, method)(url + "?" + "&".join(f"{k}={quote(v)}" for k, v in params.items()),
                                               json.dumps(payload), content_type="application/json")
        assert response.status_code < 500, (method, url, params, response.status_code)

    probe()


def test_the_token_endpoint_answers_4xx_to_hostile_bodies(db):
    client = Client(raise_request_exception=True)

    @_settings()
    @given(payload=st.one_of(HOSTILE_JSON, st.fixed_dictionaries({"username": HOSTILE_TEXT, "password": HOSTILE_TEXT,
                                                                  "otp": HOSTILE_TEXT, "client": HOSTILE_TEXT})))
    def probe(payload):
        response = client.post("/api/v1/auth/token/", json.dumps(payload), content_type="application/json")
        assert 400 <= response.status_code < 500, response.content[:200]

    probe()
