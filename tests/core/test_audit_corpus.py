"""Real published tables, audited bare (nothing declared) and declared: every listed break is found.

``tests/audit_cases/real`` holds tables typed as printed in Swedish municipalities'
annual reports, each with its source in its header comment, a declaration of
its structure beside it (``X.deklaration.yaml``, not picked up as a sidecar)
and, in ``expected.json``, every break in it listed and classified: ``rounding``
(within what rounding the printed figures explains) or ``error``; and for the
tables with a planted misprint (``-brott``, marked as such in their header),
the cell that explains the breaks.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from styrkort.core.audit import Declaration, audit, parse_declaration
from styrkort.core.findings import Finding, Source
from styrkort.sources.table import read_table

REAL = Path(__file__).resolve().parents[1] / "audit_cases" / "real"
EXPECTED: dict[str, dict[str, Any]] = json.loads((REAL / "expected.json").read_text("utf-8"))
BREAK_CODES = {"audit.sum": "error", "audit.relation": "error", "audit.rounding": "rounding"}


def run(name: str, *, declared: bool) -> list[Finding]:
    path = REAL / name
    if declared:
        read = read_table(path, declaration_path=path.with_name(f"{path.stem}.deklaration.yaml"))
        assert read.table is not None
        return list(read.findings) + list(audit(read.table, read.declaration).findings)
    read = read_table(path)
    assert read.table is not None
    # Bare: only the unit from the header block; nothing about the structure.
    return list(read.findings) + list(
        audit(read.table, Declaration(unit=read.declaration.unit)).findings
    )


def found_breaks(findings: list[Finding]) -> Counter[tuple[int | None, str, str]]:
    return Counter(
        (f.source.line, (f.details or {})["column"], BREAK_CODES[f.code])
        for f in findings
        if f.code in BREAK_CODES
    )


def listed_breaks(name: str) -> Counter[tuple[int | None, str, str]]:
    return Counter((b["line"], b["column"], b["class"]) for b in EXPECTED[name]["breaks"])


def test_the_corpus_is_real_and_broad() -> None:
    published = {n: e for n, e in EXPECTED.items() if not e["planted"]}
    assert len(published) >= 12
    assert len({e["municipality"] for e in published.values()}) >= 8
    assert {e["unit"] for e in published.values()} == {"tkr", "mnkr"}
    for name, entry in EXPECTED.items():
        header = (REAL / name).read_text("utf-8").splitlines()[:6]
        assert any(entry["url"] in line for line in header), name
        assert any(str(entry["year"]) in line for line in header), name
        assert ("INPLANTERAT" in " ".join(header)) == entry["planted"], name
        assert (REAL / f"{Path(name).stem}.deklaration.yaml").exists(), name


@pytest.mark.parametrize("declared", [False, True], ids=["bare", "declared"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_listed_break_is_found_and_nothing_else_is_an_error(
    name: str, declared: bool
) -> None:
    findings = run(name, declared=declared)
    listed = listed_breaks(name)
    found = found_breaks(findings)
    missing = listed - found
    assert not missing, f"not found: {sorted(missing, key=str)}"
    errors = [f for f in findings if f.severity.value == "error"]
    expected_errors = {(line, col) for line, col, cls in listed if cls == "error"}
    misprint = EXPECTED[name]["misprint"]
    false = [
        f.format()
        for f in errors
        if f.code != "audit.misprint"
        and (f.source.line, (f.details or {}).get("column")) not in expected_errors
    ]
    assert false == []
    assert found - listed == Counter(), "breaks found that are not listed"
    named = [f for f in findings if f.code == "audit.misprint"]
    if misprint is None:
        assert named == []
    else:
        assert len(named) == 1
        details = named[0].details or {}
        assert (named[0].source.line, details["column"]) == (misprint["line"], misprint["column"])
        assert str(details["implied"]) == misprint["implied"]
        assert details["cause"] == misprint["cause"]
        # every other error is reported as its consequence
        for f in errors:
            if f.code != "audit.misprint":
                assert (f.details or {}).get("cause_line") == misprint["line"], f.format()


@pytest.mark.parametrize("declared", [False, True], ids=["bare", "declared"])
def test_the_corpus_score(declared: bool) -> None:
    listed = found = 0
    for name in EXPECTED:
        expected = listed_breaks(name)
        listed += sum(expected.values())
        found += sum((expected & found_breaks(run(name, declared=declared))).values())
    assert listed >= 40
    assert found / listed >= (1.0 if declared else 0.95)


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if not e["planted"]))
def test_the_inferred_structure_can_be_copied_as_a_declaration(name: str) -> None:
    read = read_table(REAL / name)
    assert read.table is not None
    bare = audit(read.table, Declaration(unit=read.declaration.unit))
    lines = bare.inferred_declaration(read.table)
    declaration, problems = parse_declaration(
        (Source("kopia", i), f"# {line}") for i, line in enumerate(lines, 1)
    )
    assert problems == []
    copied = audit(read.table, declaration.merged(Declaration(unit=read.declaration.unit)))
    assert found_breaks(list(copied.findings)) == found_breaks(list(bare.findings))
    assert [f for f in copied.findings if f.severity.value == "error"] == []


def test_helsingborg_structure_is_inferred_without_declarations() -> None:
    read = read_table(REAL / "helsingborg-2016-drift.csv")
    assert read.table is not None
    report = audit(read.table, Declaration(unit="mnkr"))
    lines = report.inferred_declaration(read.table)
    assert lines[0] == (
        "summa: Summa skatte- och avgiftsfinansierat = Summa skattefinansierat + Summa avgiftsfinansierat"
    )
    assert (
        "relation: Årets resultat = Kommunbidrag + Intäkter + Kostnader - Disposition av resultat"
        "  # stämmer på 18 av 18 rader"
    ) in lines
    assert any(line.startswith("relation: Utgående redovisat resultat = ") for line in lines)
    assert report.relation_support
    assert all(matches >= 3 for matches, _ in report.relation_support)
