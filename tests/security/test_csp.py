"""Every page carries a strict Content-Security-Policy: own static files only, no inline script, no eval."""

import re


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_pages_forbid_inline_and_foreign_scripts(client, db):
    policy = _policy(client.get("/"))
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)


def test_the_style_nonce_in_the_header_is_the_one_handed_to_htmx(client, db):
    response = client.get("/login/")
    nonce = re.search(r'"inlineStyleNonce": "([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in _policy(response)["style-src"]


def test_the_admin_is_covered_by_the_policy_too(client, db):
    response = client.get("/admin/login/")
    assert _policy(response)["script-src"] == ["'self'"]


def test_pages_carry_the_other_protective_headers(client, db):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
