"""The layout holds: the CLI reaches the core only through flows, the AWS side imports nothing of
the core, and no module imports another that imports it back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ecrlogin

PACKAGE = Path(ecrlogin.__file__).parent
SHARED = {"ecrlogin.errors", "ecrlogin.registry"}  # the vocabulary every part may use


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, *, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ecrlogin"):
            found |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("ecrlogin")}
    modules = {module_name(p) for p in PACKAGE.rglob("*.py")}
    return {name for name in found if name in modules and name != "ecrlogin"}


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("cli/*.py")), ids=lambda p: p.name)
def test_the_cli_reaches_the_core_only_through_flows(path: Path) -> None:
    allowed = (
        "ecrlogin.cli",
        "ecrlogin.flows",
        "ecrlogin.errors",
        "ecrlogin.durations",
        "ecrlogin.text",
    )
    assert {m for m in imports(path) if not m.startswith(allowed)} == set()


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("aws/*.py")), ids=lambda p: p.name)
def test_the_aws_side_imports_nothing_of_the_core(path: Path) -> None:
    assert {m for m in imports(path) if not m.startswith("ecrlogin.aws")} <= SHARED


def test_no_module_imports_itself_back_at_import_time() -> None:
    graph = {module_name(p): imports(p, top_level_only=True) for p in PACKAGE.rglob("*.py")}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for following in graph.get(start, set()) - seen:
            seen.add(following)
            if following == goal or reaches(following, goal, seen):
                return True
        return False

    assert [name for name in graph if reaches(name, name, set())] == []
