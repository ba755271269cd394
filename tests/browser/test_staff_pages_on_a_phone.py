"""The front desk's and the liquidator's pages on a 390 px phone, in Arabic and French: a wide table scrolls inside
its own box, the page itself never scrolls sideways."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from claims.services.intake import LineData, claim_register_at_desk
from members.models import Member

from .conftest import assert_page_language, login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = 390


def _forwarded_file_of_a_sister_mutual_member() -> Member:
    """A member of the sister mutual receives a paper file at Taounate: it is forwarded (and on today's slip)."""
    member = Member.objects.filter(mutual__is_ours=False, home_unit__code="taounate").order_by("pk").first()
    assert member is not None, "the demo data has no sister-mutual member at Taounate"
    agent = get_user_model().objects.get(username="agent.taounate")
    claim_register_at_desk(
        member=member, beneficiary=member.beneficiaries.get(relation="member"), unit=member.home_unit, by=agent,
        received_on=timezone.localdate(),
        lines=[LineData(act_code="C", care_date=timezone.localdate() - timedelta(days=2), quantity=1,
                        billed_amount=Decimal("120.00"))])
    return member


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_desk_and_review_pages_never_scroll_sideways_on_a_phone(lang, seeded, new_page):
    member = _forwarded_file_of_a_sister_mutual_member()
    ours = Member.objects.filter(mutual__is_ours=True, home_unit__code="taounate").order_by("pk").first()
    pages = {
        "agent.taounate": [f"/desk/claims/new/?member={ours.pk}", "/desk/claims/forwarding-slip/",
                           "/desk/appointments/", "/desk/day-sheet/", "/desk/lab-orders/",
                           f"/desk/members/{member.pk}/"],
        "manager.taounate": ["/desk/hours/"],
        "liquidator": ["/review/", "/review/payments/"],
    }
    too_wide = {}
    for who, urls in pages.items():
        page = new_page(lang, width=PHONE, height=844)
        login(page, who)
        for url in urls:
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            assert_page_language(page, lang)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE:
                too_wide[url] = width
                shot(page, "staff-phone", lang, url.strip("/").replace("/", "-").split("?")[0])
        assert page.errors == []
    assert too_wide == {}, f"pages wider than the {PHONE} px phone: {too_wide}"
