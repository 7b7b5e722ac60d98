"""The package's shape stays as docs/modules.md draws it: every module named there, imports flowing one way
(import-linter's contracts in pyproject.toml), and no cycle of imports between modules."""

import re
import subprocess
import sys
from pathlib import Path

import grimp

from .helpers import ROOT

MAP = (ROOT / "docs" / "modules.md").read_text(encoding="utf-8")


def test_the_module_map_names_every_module_and_nothing_that_is_gone():
    modules = {path.relative_to(ROOT).as_posix() for path in (ROOT / "mpass_status").rglob("*.py")}
    named = set(re.findall(r"^\| `(mpass_status/[^`]+\.py)` \|", MAP, flags=re.M))
    assert modules - named == set(), "modules missing from docs/modules.md"
    assert named - modules == set(), "docs/modules.md names modules that do not exist"


def test_the_layer_contracts_are_kept():
    done = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    # Tarjan's strongly connected components: any component of two or more modules is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in edges[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                other = stack.pop()
                component.append(other)
                if other == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_itself_back_through_others():
    graph = grimp.build_graph("mpass_status")
    edges = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    assert _cycles(edges) == []
