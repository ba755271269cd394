"""Finds user-visible text in templates that is not marked for translation.

A template is reduced to what a user would read: comments, {% translate %}/{% blocktranslate %} blocks,
{{ expressions }} and other tags are removed, then the HTML is parsed and every text node (outside <script> and
<style>) and every user-visible attribute (alt, title, placeholder, aria-label, button values) that still holds a
letter is reported. A short allowlist covers the brand, codes and the language names of the switcher.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

ALLOWED = {
    "Mutuelle",  # the brand, the same in every language
    "CIN", "IBAN", "RIB", "PDF", "CSV", "QR", "TOTP", "TNR", "ID", "API",  # codes and acronyms used as such
    "العربية", "Français", "English", "fr", "ar", "en",  # language names in the switcher
    "x", "×", "—", "·", "/", "№",
}
VISIBLE_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description", "label"}
LETTER = re.compile(r"[^\W\d_]")

_REMOVE = [
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}", re.S),
    re.compile(r"\{%\s*blocktrans(?:late)?\b.*?%\}.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S),
    re.compile(r"\{%\s*verbatim\s*%\}.*?\{%\s*endverbatim\s*%\}", re.S),
    re.compile(r"\{\{.*?\}\}", re.S),
    re.compile(r"\{%.*?%\}", re.S),
]


def strip_template_syntax(source: str) -> str:
    for pattern in _REMOVE:
        source = pattern.sub(" ", source)
    return source


def _needs_translation(text: str) -> bool:
    text = " ".join(text.split())
    if not text or not LETTER.search(text):
        return False
    if text in ALLOWED:
        return False
    # Codes such as "CNSS", "A4", "TNR-2026" or e-mail-like tokens are not prose.
    words = [w for w in re.split(r"[\s,;:()\[\]·—–/|]+", text) if w]
    return not all(w in ALLOWED or re.fullmatch(r"[A-Z0-9][A-Z0-9._\-]*", w) for w in words)


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        attributes = dict(attrs)
        for name, value in attrs:
            visible = name in VISIBLE_ATTRIBUTES or (
                name == "value" and tag == "input" and attributes.get("type") in ("submit", "button", "reset"))
            if visible and value and _needs_translation(value):
                self.found.append(f'<{tag} {name}="{value.strip()}">')

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and _needs_translation(data):
            self.found.append(" ".join(data.split()))


def untranslated_text(source: str, *, plain: bool = False) -> list[str]:
    """The pieces of user-visible text of a template source that are not marked for translation."""
    stripped = strip_template_syntax(source)
    if plain:
        return [" ".join(line.split()) for line in stripped.splitlines() if _needs_translation(line)]
    finder = _TextFinder()
    finder.feed(stripped)
    finder.close()
    return finder.found


def template_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".html", ".txt") and p.is_file())
