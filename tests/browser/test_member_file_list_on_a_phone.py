"""A member's files on a 390 px phone (the list and the dashboard's latest files), in Arabic and French: each file
is a card whose reimbursed amount is on screen with its label, not in a column reached only by scrolling the table
sideways."""

import pytest

from claims.models import ClaimFile

from .conftest import assert_page_language, decimal_text, login, shot
from .test_member_understanding import MEMBER, _priced_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PAGES = {  # the page, the table holding the files, and the reimbursement column's label in ar and fr
    "list": ("/me/claims/", "main table", {"ar": "المبلغ المسترجع", "fr": "Remboursé"}),
    "dashboard": ("/me/", "section[aria-labelledby=files-title] table",
                  {"ar": "التعويض (درهم)", "fr": "Remboursement (MAD)"}),
}


@pytest.mark.parametrize("lang", ["ar", "fr"])
@pytest.mark.parametrize("name", ["list", "dashboard"])
def test_the_reimbursed_amount_of_each_file_is_on_a_phones_screen_with_its_label(name, lang, seeded, new_page):
    url, table, reimbursed = PAGES[name]
    claim = ClaimFile.objects.get(pk=_priced_file())
    page = new_page(lang, width=390, height=844)
    login(page, MEMBER)
    page.goto(url)
    assert_page_language(page, lang)
    cell = page.locator(f"{table} tbody tr").first.locator("td").last
    box = cell.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert decimal_text(claim.total_reimbursed, lang) in cell.inner_text()
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")  # the card's label, drawn by CSS
    assert label == f'"{reimbursed[lang]}"', label
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.errors == []
    shot(page, "member-files-phone", lang, name)


def test_on_a_wide_screen_the_files_stay_a_table_with_its_header(seeded, new_page):
    _priced_file()
    page = new_page("fr", width=1280)
    login(page, MEMBER)
    page.goto("/me/claims/")
    assert page.locator("main table thead th").nth(5).is_visible()
    assert page.locator("main table tbody tr").first.evaluate("row => getComputedStyle(row).display") == "table-row"
