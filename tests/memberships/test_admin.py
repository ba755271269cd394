"""The admin: required documents are edited there (dated rows); applications are read there."""

from datetime import date

import pytest

from memberships.models import RequiredDocument

pytestmark = pytest.mark.django_db


def test_the_admin_lists_adds_and_closes_required_documents(client, superuser):
    client.force_login(superuser)
    assert client.get("/admin/memberships/requireddocument/").status_code == 200
    added = client.post("/admin/memberships/requireddocument/add/", {
        "applies_to": "spouse", "document": "cin", "valid_from": "2027-01-01", "valid_to": ""})
    assert added.status_code == 302
    row = RequiredDocument.objects.get(applies_to="spouse", document="cin")
    assert (row.valid_from, row.valid_to) == (date(2027, 1, 1), None)
    refused = client.post(f"/admin/memberships/requireddocument/{row.pk}/change/", {
        "applies_to": "spouse", "document": "cin", "valid_from": "2027-01-01", "valid_to": "2026-12-31"})
    assert refused.status_code == 200  # ends before it starts: the constraint's message, nothing saved
    assert client.get("/admin/memberships/membershipapplication/").status_code == 200
