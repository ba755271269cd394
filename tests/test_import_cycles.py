"""The import-cycle check of make test (scripts/import_cycles.py): it finds circles, lazy imports included, and the
project has none."""

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("import_cycles", ROOT / "scripts" / "import_cycles.py")
import_cycles = importlib.util.module_from_spec(spec)
spec.loader.exec_module(import_cycles)


def test_it_finds_a_circle_of_two_and_of_three_modules_and_nothing_in_a_tree():
    graph = {"a": {"b"}, "b": {"a", "c"}, "c": set(), "x": {"y"}, "y": {"z"}, "z": {"x"}, "tree": {"c"}}
    assert import_cycles.circles(graph) == [["a", "b"], ["x", "y", "z"]]
    assert import_cycles.circles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_a_lazy_import_inside_a_function_counts(tmp_path, monkeypatch):
    package = tmp_path / "pkgcycle"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "one.py").write_text("from pkgcycle import two\n")
    (package / "two.py").write_text("def later():\n    from pkgcycle import one\n    return one\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = import_cycles.import_graph(["pkgcycle"])
    assert import_cycles.circles(graph) == [["pkgcycle.one", "pkgcycle.two"]]


def test_the_project_has_no_import_circle():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "import_cycles.py")], capture_output=True,
                            text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stdout
    assert "import cycles: none" in result.stdout
