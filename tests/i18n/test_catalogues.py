"""The Arabic and French catalogues are complete, compiled, and every template string is marked for translation."""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from .template_text import template_files, untranslated_text

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("ar", "fr")
# Everything `make messages` scans (it ignores the same folders).
NOT_SCANNED = {".venv", ".git", "var", "static", "bench", "tests", "test-artifacts", "locale", "backups"}


def _po(language: str, root: Path = ROOT) -> polib.POFile:
    return polib.pofile(str(root / "locale" / language / "LC_MESSAGES" / "django.po"))


def _pending(po: polib.POFile) -> list[str]:
    return [("[fuzzy] " if "fuzzy" in e.flags else "") + e.msgid for e in po
            if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_of_the_catalogue_is_translated_and_none_is_fuzzy(language):
    assert _pending(_po(language)) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_holds_exactly_the_translations_of_the_po_file(language):
    mo_path = ROOT / "locale" / language / "LC_MESSAGES" / "django.mo"
    assert mo_path.exists(), "run `make messages` and commit the .mo files"
    with mo_path.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # noqa: SLF001
    stale = []
    for entry in _po(language):
        if entry.obsolete or not entry.translated():
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            ok = all(catalog.get((key, int(n))) == text for n, text in entry.msgstr_plural.items())
        else:
            ok = catalog.get(key) == entry.msgstr
        if not ok:
            stale.append(entry.msgid)
    assert stale == [], "the .mo is older than the .po: run `make messages`"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_arabic_and_french_plural_rules_are_declared(language):
    plural = _po(language).metadata["Plural-Forms"]
    assert plural.startswith("nplurals=6;" if language == "ar" else "nplurals=2;")


def test_every_translatable_string_of_the_code_is_in_the_catalogues(tmp_path):
    """makemessages, run on a copy of the code, finds no string the committed catalogues lack."""
    if not shutil.which("xgettext") or not shutil.which("msgmerge"):
        pytest.fail("GNU gettext is missing: `make test` installs it (apt-get install gettext)")
    for source in ROOT.iterdir():
        if source.is_dir() and source.name not in NOT_SCANNED and not source.name.endswith(".egg-info"):
            shutil.copytree(source, tmp_path / source.name, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(ROOT / "manage.py", tmp_path)
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mutuelle.settings", "MUTUELLE_VAR_DIR": str(tmp_path / "var"),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "PYTHONPATH": str(tmp_path)}
    env.pop("CELERY_BROKER_URL", None)
    result = subprocess.run([sys.executable, "manage.py", "makemessages", *(f"-l{lang}" for lang in LANGUAGES),
                             "--ignore=var/*"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    missing = {language: _pending(_po(language, tmp_path)) for language in LANGUAGES}
    assert missing == {language: [] for language in LANGUAGES}, "new strings: run `make messages` and translate them"


def test_every_template_text_a_user_reads_is_marked_for_translation():
    found = {}
    for path in template_files(ROOT / "templates"):
        texts = untranslated_text(path.read_text(encoding="utf-8"), plain=path.suffix == ".txt")
        if texts:
            found[str(path.relative_to(ROOT))] = texts
    assert found == {}


@pytest.mark.parametrize("source, expected", [
    ("<p>Hello there</p>", ["Hello there"]),
    ('<input type="submit" value="Send">', ['<input value="Send">']),
    ('<img alt="A photo" src="x.png">', ['<img alt="A photo">']),
    ("<p>{% translate 'Hello' %} {{ name }}</p>", []),
    ("<p>{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}</p>", []),
    ("<script>var a = 'text';</script><style>p { color: red }</style>", []),
    ("<p>Mutuelle · 0000000018 · MAD</p>", []),
    ('<span aria-label="{% translate "Close" %}">×</span>', []),
    ("{# a comment with words #}<p>{% if x %}—{% endif %}</p>", []),
])
def test_the_template_checker_finds_unmarked_text_and_only_that(source, expected):
    assert untranslated_text(source) == expected
