"""Translation catalogues: what is left to translate, and a way to fill it.

    python scripts/po_status.py                     # counts per language; exit 1 if anything is untranslated/fuzzy
    python scripts/po_status.py --list              # also print every untranslated or fuzzy entry
    python scripts/po_status.py --export todo.json  # untranslated/fuzzy entries of ar and fr, one record per msgid
    python scripts/po_status.py --import todo.json  # write the "ar"/"fr" fields of the records back (clears fuzzy)

A record: {"msgid", "msgid_plural", "msgctxt", "where", "ar", "fr"}; for a plural entry "ar" is a list of 6 forms
and "fr" a list of 2. Compile afterwards: `make messages` (makemessages + compilemessages).
"""

import argparse
import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("ar", "fr")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"), wrapwidth=120)


def todo(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


def _key(entry: polib.POEntry) -> tuple[str, str, str]:
    return entry.msgctxt or "", entry.msgid, entry.msgid_plural or ""


def export(path: Path) -> int:
    records: dict[tuple, dict] = {}
    for language in LANGUAGES:
        for entry in todo(catalogue(language)):
            record = records.setdefault(_key(entry), {
                "msgid": entry.msgid, "msgid_plural": entry.msgid_plural, "msgctxt": entry.msgctxt,
                "where": " ".join(f"{f}:{n}" for f, n in entry.occurrences[:2]), "ar": None, "fr": None})
            if "fuzzy" in entry.flags:
                record[f"{language}_fuzzy_guess"] = entry.msgstr or list(entry.msgstr_plural.values())
    path.write_text(json.dumps(list(records.values()), ensure_ascii=False, indent=1))
    return len(records)


def import_(path: Path) -> int:
    records = {(r.get("msgctxt") or "", r["msgid"], r.get("msgid_plural") or ""): r
               for r in json.loads(path.read_text())}
    written = 0
    for language in LANGUAGES:
        po = catalogue(language)
        for entry in po:
            record = records.get(_key(entry))
            value = record and record.get(language)
            if not value:
                continue
            if entry.msgid_plural:
                entry.msgstr_plural = dict(enumerate(value))
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
            written += 1
        po.save()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--export", type=Path)
    parser.add_argument("--import", dest="import_", type=Path)
    args = parser.parse_args()
    if args.import_:
        print(f"wrote {import_(args.import_)} translations")
    if args.export:
        print(f"exported {export(args.export)} entries to {args.export}")
    left = 0
    for language in LANGUAGES:
        po = catalogue(language)
        entries = [e for e in po if not e.obsolete]
        pending = todo(po)
        fuzzy = sum("fuzzy" in e.flags for e in pending)
        left += len(pending)
        print(f"{language}: {len(entries)} entries, {len(entries) - len(pending)} translated, "
              f"{len(pending) - fuzzy} untranslated, {fuzzy} fuzzy")
        if args.list:
            for entry in pending:
                print(f"  {'[fuzzy] ' if 'fuzzy' in entry.flags else ''}{entry.msgid!r}")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
