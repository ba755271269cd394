"""Fails when a Python file of the project's code is over 400 lines (make lint and make test run it).

The code: every app, `mutuelle`, `bench` and `scripts`; not migrations (generated) and not the tests (their tables
of cases and matrices read best whole). A file that grows past the limit is split by what it does, the way
members/services.py became registry.py and change_requests.py. Usage: python scripts/file_sizes.py
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 400
NOT_CODE = {"tests", "locale", "static", "templates", "docs", "var", "test-artifacts", "node_modules"}
# Over the limit for now, with the reason; remove the entry when the file is split.
KNOWN: dict[str, str] = {}


def code_files(root: Path = ROOT) -> list[Path]:
    files = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if parts[0] in NOT_CODE or parts[0].startswith(".") or "migrations" in parts:
            continue
        files.append(path)
    return files


def too_long(root: Path = ROOT, limit: int = LIMIT) -> list[tuple[str, int]]:
    found = []
    for path in code_files(root):
        with path.open(encoding="utf-8") as handle:
            count = sum(1 for _ in handle)
        if count > limit:
            found.append((path.relative_to(root).as_posix(), count))
    return found


def main() -> int:
    over = too_long()
    new = [(name, count) for name, count in over if name not in KNOWN]
    for name, count in over:
        if name in KNOWN:
            print(f"file sizes: {name} has {count} lines (known: {KNOWN[name]})")
    for name in sorted(set(KNOWN) - {name for name, _ in over}):
        print(f"file sizes: {name} is no longer over {LIMIT} lines: remove it from KNOWN.")
    if new:
        for name, count in new:
            print(f"file sizes: {name} has {count} lines, over {LIMIT}: split it by what it does.")
        return 1
    print(f"file sizes: no file of the code over {LIMIT} lines but the {len(over)} known.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
