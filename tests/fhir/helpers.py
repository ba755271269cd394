"""Talking to /fhir/r4/ as a hospital would, and checking every answer with the FHIR library."""

import json

from django.test import Client
from fhir.resources.R4B import get_fhir_model_class


def validated(response):
    """The answer parsed and validated by fhir.resources (fails the test if it is not a valid resource)."""
    assert response["Content-Type"].startswith("application/fhir+json"), response["Content-Type"]
    data = json.loads(response.content)
    return get_fhir_model_class(data["resourceType"]).model_validate(data)


def post(token: str | None, path: str, body, *, content_type: str = "application/fhir+json"):
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    return Client().post(path, raw, content_type=content_type, **headers)


def get(token: str | None, path: str, **params):
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    return Client().get(path, params, **headers)


def adjudication(item, category: str):
    return next(a for a in item.adjudication if a.category.coding[0].code == category)
