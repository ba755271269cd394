"""Lists in running text take the reader's comma: "،" in Arabic, "," in French."""

from django.urls import reverse

from .factories import VisitFactory


def test_a_visits_requests_in_the_queue_are_joined_with_the_arabic_comma_in_arabic(client, agent_taounate, taounate):
    VisitFactory(unit=taounate, member=None, visitor_name="Karim Lahlou", request_types=["information", "membership"])
    client.force_login(agent_taounate)
    arabic = client.get(reverse("units:desk_queue"), HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="ar")
    assert "الإرشاد، الانخراط" in arabic.content.decode()
    french = client.get(reverse("units:desk_queue"), HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Information, Adhésion" in french.content.decode()
