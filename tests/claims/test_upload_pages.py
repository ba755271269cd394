"""What a member reads when a scan is refused on the claim pages: the file named, the limit given, a way back."""

import pytest
from django.urls import reverse
from django.utils import translation

from claims.models import Attachment, ClaimStatus
from tests.factories import MemberFactory, UserFactory

from .factories import ClaimFileFactory, pdf_bytes, reference, upload


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def draft(db):
    reference()
    member = MemberFactory(user=UserFactory())
    return ClaimFileFactory(member=member, status=ClaimStatus.DRAFT, received_on=None)


def test_a_text_file_named_pdf_is_refused_with_its_name_and_what_is_wrong(client, draft):
    client.force_login(draft.member.user)
    response = client.post(reverse("claims:member_upload", args=[draft.pk]), {
        "kind": "care_sheet", "file": upload("feuille.pdf", b"hello, not a scan\n" * 50, "application/pdf")},
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "“feuille.pdf” is named like a scan but its content is not a PDF, JPEG or PNG file" in \
        response.content.decode()
    assert not Attachment.objects.exists()


def test_the_scan_field_carries_the_limit_the_browser_checks_before_sending(client, draft, settings):
    settings.MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    client.force_login(draft.member.user)
    page = client.get(reverse("claims:member_draft", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE="en")
    field = page.context["upload_form"]["file"]
    assert field.field.widget.attrs["data-max-bytes"] == str(10 * 1024 * 1024)
    assert f'data-max-bytes="{10 * 1024 * 1024}"' in page.content.decode()
    assert "The largest accepted scan is 10.0\xa0MB" in field.field.widget.attrs["data-too-large"]


def test_a_request_over_the_limit_gives_the_scan_limit_and_a_way_back_to_the_file(client, draft, settings):
    settings.MAX_REQUEST_BYTES = 20 * 1024 * 1024
    settings.MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    client.force_login(draft.member.user)
    draft_url = "http://testserver" + reverse("claims:member_draft", args=[draft.pk])
    big = upload("scan.pdf", pdf_bytes() + b"0" * (21 * 1024 * 1024), "application/pdf")
    response = client.post(reverse("claims:member_upload", args=[draft.pk]), {"kind": "care_sheet", "file": big},
                           HTTP_ACCEPT_LANGUAGE="en", HTTP_REFERER=draft_url)
    assert response.status_code == 400
    text = response.content.decode()
    assert "The largest accepted request is 20 MB, and a scan may be at most 10 MB." in text
    assert f'href="{draft_url}">Back to the previous page' in text
    assert not Attachment.objects.exists()


def test_the_way_back_never_leads_to_another_site(client, draft, settings):
    settings.MAX_REQUEST_BYTES = 1000
    client.force_login(draft.member.user)
    response = client.post(reverse("claims:member_upload", args=[draft.pk]),
                           {"kind": "care_sheet", "file": upload("scan.pdf", pdf_bytes() + b"0" * 2000)},
                           HTTP_ACCEPT_LANGUAGE="en", HTTP_REFERER="https://evil.example/phish")
    assert response.status_code == 400
    assert "evil.example" not in response.content.decode()
    assert "Back to the previous page" not in response.content.decode()


def test_the_hint_under_the_scan_field_gives_the_limit_configured(client, draft, settings):
    settings.MAX_UPLOAD_BYTES = 5 * 1024 * 1024
    client.force_login(draft.member.user)
    page = client.get(reverse("claims:member_draft", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "PDF, JPEG or PNG, up to 5.0\xa0MB each." in page
    assert "10 MB" not in page
