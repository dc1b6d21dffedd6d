"""The layers stay visible and enforced: the rules are pure, the use cases know no front."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What each layer may not import: the modules themselves and everything below them.
FORBIDDEN = {
    "domain/rules": (
        "domain.services",
        "domain.store",
        "bot",
        "slack_bolt",
        "slack_sdk",
        "sqlalchemy",
        "sqlmodel",
        "alembic",
        "psycopg",
        "time",
    ),
    "domain/services": ("bot", "slack_bolt", "slack_sdk"),
    "domain/store": ("domain.services", "bot", "slack_bolt", "slack_sdk"),
}
# Reading the clock: the rules are given the date.
CLOCK_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("date", "today"),
    ("datetime", "today"),
}


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _clock_reads(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id, node.attr) in CLOCK_CALLS
        ):
            found.append((node.lineno, f"{node.value.id}.{node.attr}"))
    return found


def _modules(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


def _breaches(path: Path, forbidden: tuple[str, ...]) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    where = path.relative_to(ROOT)
    return [
        f"{where}:{line} imports {name}"
        for line, name in _imports(tree)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_each_layer_imports_only_what_it_may(layer: str) -> None:
    assert _modules(layer), f"{layer} has no modules"
    breaches = [b for path in _modules(layer) for b in _breaches(path, FORBIDDEN[layer])]
    assert breaches == []


def test_the_rules_never_read_the_clock() -> None:
    reads = [
        f"{path.relative_to(ROOT)}:{line} calls {call}"
        for path in _modules("domain/rules")
        for line, call in _clock_reads(ast.parse(path.read_text()))
    ]
    assert reads == []


def test_the_check_catches_a_breach(tmp_path: Path) -> None:
    """The checks above can fail: a module that imports the store and reads the clock."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from datetime import date\nfrom domain.store.tables import EventRow\nx = date.today()\n"
    )
    tree = ast.parse(bad.read_text())
    assert [name for _, name in _imports(tree)] == ["datetime", "domain.store.tables"]
    assert _clock_reads(tree) == [(3, "date.today")]
