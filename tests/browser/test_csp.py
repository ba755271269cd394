"""The strict Content-Security-Policy does not break our pages: a real Chromium reports no violation while it
loads them (styles, htmx, the QR code of the enrolment page) — the proof that the policy fits the pages."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Member-Password-2026"


@pytest.fixture
def browser_page(browser):
    """A page of the suite's one shared Chromium (a second Playwright in the same process would clash)."""
    context = browser.new_context()
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.messages = messages
    yield page
    context.close()


def _violations(page) -> list[str]:
    return [text for text in page.messages if "Content Security Policy" in text or "Refused to" in text]


@pytest.fixture
def amina():
    # Created before Playwright starts: its sync API runs an event loop in this thread, where the ORM refuses to.
    return get_user_model().objects.create_user("amina", password=PASSWORD)


def test_our_pages_load_with_no_policy_violation(amina, live_server, browser_page):
    page = browser_page
    for path in ("/", "/login/", "/admin/login/"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
    page.goto(live_server.url + "/login/?next=/security/enrol/")
    page.fill("#id_username", "amina")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: url.split("?")[0].endswith("/security/enrol/"))
    assert page.locator("figure svg path").count() == 1
    # htmx loaded and configured with the nonce (its indicator <style> was allowed in).
    assert page.evaluate("() => typeof htmx === 'object' && !!htmx.config.inlineStyleNonce")
    assert page.evaluate("() => [...document.querySelectorAll('style')].some(s => s.textContent.includes('htmx'))")
    assert _violations(page) == []
    # Bootstrap applied (a stylesheet from our own origin was allowed).
    assert page.evaluate("() => getComputedStyle(document.querySelector('.btn-success')).backgroundColor") != \
        "rgba(0, 0, 0, 0)"
