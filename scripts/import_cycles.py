"""Fails when modules of the project import each other in a circle (make test runs it).

Every import counts, including imports inside functions (a lazy import is how a circle hides), except those under
`if TYPE_CHECKING:`. The graph comes from grimp (the engine of import-linter); the circles are the strongly
connected components of that graph with more than one module. Usage: python scripts/import_cycles.py
"""

import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
NOT_PACKAGES = {"tests", "bench", "scripts", "locale", "static", "templates", "docs", "var", "test-artifacts"}


def project_packages() -> list[str]:
    return sorted(p.parent.name for p in ROOT.glob("*/__init__.py")
                  if p.parent.name not in NOT_PACKAGES and not p.parent.name.startswith("."))


def import_graph(packages: list[str]) -> dict[str, set[str]]:
    graph = grimp.build_graph(*packages, exclude_type_checking_imports=True, cache_dir=None)
    return {module: {imported for imported in graph.find_modules_directly_imported_by(module)
                     if imported.split(".")[0] in packages and imported != module}
            for module in graph.modules if module.split(".")[0] in packages}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively; only those of two modules or more."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    packages = project_packages()
    graph = import_graph(packages)
    found = circles(graph)
    for component in found:
        inside = set(component)
        edges = [f"{a} -> {b}" for a in component for b in sorted(graph[a] & inside)]
        print(f"import circle between {len(component)} modules:\n  " + "\n  ".join(edges))
    if found:
        print(f"{len(found)} import circle(s) in {', '.join(packages)}: break them (move the shared code down a "
              "layer), a lazy import inside a function counts too.")
        return 1
    print(f"import cycles: none in {len(graph)} modules of {', '.join(packages)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
