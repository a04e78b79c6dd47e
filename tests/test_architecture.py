"""The import direction of the layers (docs/architecture.md), checked on the source text."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "styrkort"

# layer -> the styrkort layers it may import (itself always allowed)
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "sources": {"core"},
    "metrics": {"core", "sources"},
    "report": {"core"},
    "render": {"core", "report"},
    "pipeline": {"core", "sources", "metrics", "report"},
    # the municipality's pipeline (issue 14): every board through the pipeline, then its report
    "municipality": {"core", "sources", "metrics", "report", "pipeline"},
    "web": {"core", "sources", "metrics", "report", "render", "pipeline", "municipality"},
    "commands": {
        "core",
        "sources",
        "metrics",
        "report",
        "render",
        "pipeline",
        "municipality",
        "web",
        "cli",
    },
    "cli": {"commands"},
}

# Inside core: the audit engine (core/audit.py, the table audit) is a consumer of the
# domain, never a supplier: no other core module imports it (a formatter it needs too
# lives in core/numbers.py).
CORE_LEAVES = {"audit"}


def _layer(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def _imported_layers(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "styrkort" and len(parts) > 1:
                found.add(parts[1])
    return found


SOURCES = sorted(
    p for p in SRC.rglob("*.py") if p.parent != SRC or p.name not in {"__init__.py", "__main__.py"}
)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(SRC)))
def test_layer_imports_only_what_it_may(path: Path) -> None:
    layer = _layer(path)
    allowed = ALLOWED.get(layer)
    assert allowed is not None, (
        f"{path}: layer {layer!r} is not in docs/architecture.md; add it there and here"
    )
    illegal = _imported_layers(path) - allowed - {layer, "__version__"}
    assert not illegal, f"{path.relative_to(SRC)} ({layer}) imports {sorted(illegal)}"


def test_core_uses_standard_library_only() -> None:
    import sys

    for path in (SRC / "core").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                mods = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                mods = [node.module.split(".")[0]]
            else:
                continue
            for mod in mods:
                assert mod in sys.stdlib_module_names or mod == "styrkort", f"{path}: imports {mod}"


def test_every_layer_in_the_table_exists() -> None:
    """The contract lists only layers that exist (a stale name would allow imports of nothing)."""
    existing = {p.name.removesuffix(".py") for p in SRC.iterdir() if not p.name.startswith("_")}
    assert set(ALLOWED) <= existing, sorted(set(ALLOWED) - existing)
    for layer, allowed in ALLOWED.items():
        assert allowed <= existing, (layer, sorted(allowed - existing))


def _core_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[:2] == ["styrkort", "core"] and len(parts) > 2:
                found.add(parts[2])
            elif parts == ["styrkort", "core"]:
                found.update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[:2] == ["styrkort", "core"] and len(parts) > 2:
                    found.add(parts[2])
    return found


@pytest.mark.parametrize(
    "path", sorted((SRC / "core").glob("*.py")), ids=lambda p: str(p.relative_to(SRC))
)
def test_core_modules_do_not_import_the_audit_engine(path: Path) -> None:
    module = path.name.removesuffix(".py")
    illegal = (_core_imports(path) & CORE_LEAVES) - {module}
    assert not illegal, f"core/{path.name} imports core.{sorted(illegal)} (a leaf of core)"
