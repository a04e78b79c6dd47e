"""The registry of finding codes (core/codes.py, sources/sie/codes.py) against the source.

Every code the source emits is registered, every registered code is emitted, each has one
English prefix per area, a check's name is a code it emits, and docs/findings.md is
generated from the registry (rewrite with ``pytest tests/test_findings_catalogue.py
--update-golden``).
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from styrkort.core.assessed import assess_workspace
from styrkort.core.checks import CHECK_CODES, CHECKS
from styrkort.core.codes import AREAS, CODES, area_of
from styrkort.sources.sie.codes import CODES as SIE_CODES
from styrkort.sources.workspace import load_workspace

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "styrkort"
DOC = REPO / "docs" / "findings.md"
CODE = re.compile(r"^[a-z][a-z_]*(\.[a-z0-9_]+)+$")
EXAMPLES = [REPO / "examples" / "sydnarke-it-2020", REPO / "examples" / "exempel-delar-2021"]


def registered() -> dict[str, str]:
    return {**CODES, **{code: text for code, (_sev, text) in SIE_CODES.items()}}


def _code_constants(tree: ast.AST) -> set[str]:
    """String constants shaped like a code of a known area, except report sentence ids."""
    sentence_ids = {
        id(node.args[0])
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "sentence"
        and node.args
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and CODE.match(node.value)
        and area_of(node.value) in AREAS
        and id(node) not in sentence_ids
    }


def emitted() -> dict[str, set[str]]:
    """Code → the source files that emit it (sources/schema.py holds field paths, not codes)."""
    out: dict[str, set[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = str(path.relative_to(SRC))
        if rel in {"sources/schema.py", "core/codes.py", "sources/sie/codes.py"}:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = _code_constants(tree)
        # ctx.err(file, line, "code", …) of the workspace reader (and of the modules it hands
        # its reader to) adds "workspace."
        if rel in {"sources/workspace.py", "sources/history.py", "sources/followup.py"}:
            found |= {
                "workspace." + node.args[2].value
                for node in ast.walk(tree)
                if isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"err", "warn"}
                and len(node.args) >= 3
                and isinstance(node.args[2], ast.Constant)
                and isinstance(node.args[2].value, str)
            }
            # … and a helper's code=… (sources/followup.py's _choice)
            found |= {
                "workspace." + kw.value.value
                for node in ast.walk(tree)
                if isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_choice"
                for kw in node.keywords
                if kw.arg == "code"
                and isinstance(kw.value, ast.Constant)
                and isinstance(kw.value.value, str)
            }
        for code in found:
            out.setdefault(code, set()).add(rel)
    return out


def test_every_emitted_code_is_registered_and_every_registered_code_emitted() -> None:
    seen, known = emitted(), registered()
    unregistered = sorted(f"{c} ({', '.join(sorted(seen[c]))})" for c in set(seen) - set(known))
    assert not unregistered, "codes emitted but not in core/codes.py: " + "; ".join(unregistered)
    # SIE codes are registered by the SIE reader, which also tests that it uses them all
    stale = sorted(c for c in set(CODES) - set(seen))
    assert not stale, "codes in core/codes.py that nothing emits: " + ", ".join(stale)


def test_codes_are_english_with_one_prefix_per_area() -> None:
    for code in registered():
        assert CODE.match(code) and code.isascii(), code
        assert area_of(code) in AREAS, f"{code}: its prefix is no area of core/codes.py"
    swedish = re.compile(
        r"(^|[._])(saknas|fel|rad|okand|okant|utfall|varde|svar|logg|berakning)($|[._])"
    )
    assert not [c for c in registered() if swedish.search(c)]


def test_check_names_are_the_codes_they_emit() -> None:
    for name, fn in CHECKS.items():
        codes = CHECK_CODES[name]
        assert codes[0] == name
        assert set(codes) <= set(CODES), (name, codes)
        body = _code_constants(ast.parse(inspect.getsource(fn).lstrip()))
        assert body <= set(codes), f"check {name} emits {sorted(body - set(codes))} undeclared"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_checks_emit_only_their_declared_codes(example: Path) -> None:
    ws = load_workspace(example).workspace
    assert ws is not None
    assessed = assess_workspace(ws)
    for name, fn in CHECKS.items():
        for finding in fn(assessed):
            assert finding.code in CHECK_CODES[name], (name, finding.code)


def catalogue() -> str:
    known = registered()
    lines = [
        "# Finding codes",
        "",
        "Every finding carries a stable code `<area>.<name>`: one English prefix per area.",
        "This file is generated from the registry (`src/styrkort/core/codes.py` and, for",
        "SIE, `src/styrkort/sources/sie/codes.py`); `tests/test_findings_catalogue.py`",
        "fails when a code is emitted without being registered or the file is out of date",
        "(rewrite it with `pytest tests/test_findings_catalogue.py --update-golden`).",
        "A check (`core/checks.py`) is named by the code it emits.",
        "",
    ]
    for area, text in AREAS.items():
        lines += [f"## {area}", "", text, "", "| code | meaning |", "|---|---|"]
        lines += [f"| `{c}` | {known[c]} |" for c in sorted(known) if area_of(c) == area]
        lines.append("")
    return "\n".join(lines)


def test_docs_findings_is_generated_from_the_registry(request: pytest.FixtureRequest) -> None:
    text = catalogue()
    if request.config.getoption("--update-golden"):
        DOC.write_text(text, encoding="utf-8")
        return
    assert DOC.exists() and DOC.read_text(encoding="utf-8") == text, (
        "docs/findings.md is out of date: pytest tests/test_findings_catalogue.py --update-golden"
    )
