"""The project carries its own documentation: every relative link of the README and of docs/ points at a file of the
repository, and none leaves it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _pages() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_the_docs_folder_holds_the_domain_the_rules_the_architecture_and_operations():
    names = {page.name for page in _pages()}
    assert {"index.md", "domain.md", "liquidation.md", "architecture.md", "operations.md"} <= names


def test_every_relative_link_points_at_a_file_inside_the_repository():
    for page in _pages():
        for target in LINK.findall(page.read_text()):
            if re.match(r"^[a-z]+:", target):
                continue  # http:, https:, mailto:
            resolved = (page.parent / target).resolve()
            assert resolved.is_relative_to(ROOT), f"{page.name} links outside the repository: {target}"
            assert resolved.exists(), f"{page.name} links a missing file: {target}"


def test_no_page_or_docstring_sends_the_reader_outside_the_repository():
    outside = "../" + "shared"  # the brief's folder beside the repository (spelled so this file passes its own test)
    for path in [*_pages(), *ROOT.glob("*/**/*.py")]:
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        assert outside not in path.read_text(errors="ignore"), path
