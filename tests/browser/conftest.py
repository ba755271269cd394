"""Browser tests: the system's Chromium (Debian package, never a downloaded browser) driven by Playwright against
pytest-django's live server, on the seeded demo data. Full-page screenshots go to test-artifacts/screenshots/."""

import os
import re
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PASSWORD = "Demo-Mutuelle-2026"
LOCALES = {"ar": "ar-MA", "fr": "fr-MA", "en": "en-US"}


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the tests' own ORM calls stay synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def seeded(transactional_db):
    """The demo data, committed (the live server's thread reads it through its own connection)."""
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable]:
    """new_page(lang, width=1280) opens a fresh browser context whose Accept-Language is `lang`."""
    contexts = []

    def open_page(lang: str, *, width: int = 1280, height: int = 900):
        context = browser.new_context(locale=LOCALES[lang], viewport={"width": width, "height": height},
                                      base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
        return page

    yield open_page
    for context in contexts:
        context.close()


def shot(page, journey: str, lang: str, step: str) -> Path:
    """A full-page screenshot: test-artifacts/screenshots/<journey>-<lang>-<step>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{journey}-{lang}-{step}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/login/" not in page.url, page.locator("main").inner_text()


def assert_page_language(page, lang: str) -> None:
    html = page.locator("html")
    assert html.get_attribute("lang") == lang
    assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    stylesheet = "bootstrap.rtl.min.css" if lang == "ar" else "bootstrap.min.css"
    assert page.locator(f'link[href$="{stylesheet}"]').count() == 1
    if lang == "ar":  # the layout really is right-to-left, not just the attribute
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"


def decimal_text(amount, lang: str) -> str:
    """How a page's |floatformat:2 shows a Decimal: a comma before the centimes in Arabic and French."""
    text = f"{amount:.2f}"
    return text.replace(".", ",") if lang in ("ar", "fr") else text


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def tiny_pdf() -> bytes:
    """A real one-page PDF, as a scanner would produce (content checked by the upload code)."""
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "Feuille de soins - scan de test")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
