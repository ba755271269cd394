"""A member who opens a desk page reads why in his language, not the code's own words."""

from django.urls import reverse


def test_a_member_on_the_desk_reads_a_refusal_in_arabic(client, member):
    client.force_login(member.user)
    response = client.get(reverse("units:desk"), HTTP_ACCEPT_LANGUAGE="ar")
    body = response.content.decode()
    assert response.status_code == 403
    assert "هذه الصفحة مخصصة لموظفي التعاضدية." in body
    assert "not staff" not in body


def test_a_member_on_the_desk_reads_a_refusal_in_french(client, member):
    client.force_login(member.user)
    body = client.get(reverse("units:desk"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Cette page est réservée au personnel de la mutuelle." in body
