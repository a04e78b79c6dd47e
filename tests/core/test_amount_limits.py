"""Issue 18, High 1: an amount the database cannot store exactly is refused at every entry.

Before the fix a 17-digit amount in operating.csv was read, passed `check`, and once
stored made every screen of the period answer HTTP 500.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from styrkort.core.finance import OperatingRow, RowKind, amount_problem, unstorable_amounts
from styrkort.core.findings import Severity, Source
from styrkort.pipeline import run as run_pipeline
from styrkort.sources.workspace import load_workspace

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sydnarke-it-2020"


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("1234567890123456", False),  # 16 integer digits: NUMERIC(20, 4) holds it
        ("-1234567890123456.1234", False),
        ("12345678901234567", True),
        ("-99999999999999999", True),
        ("4985000.125", False),  # three decimals are stored exactly
        ("1.00000000", False),  # trailing zeros are no decimals
        ("1.12345", True),
        ("1E+30", True),
        ("NaN", True),
        ("Infinity", True),
    ],
)
def test_amount_problem(text: str, refused: bool) -> None:
    problem = amount_problem(Decimal(text))
    assert (problem is not None) is refused
    if refused:
        assert "Beloppet" in problem  # type: ignore[operator]


def _with_operating_amount(tmp_path: Path, amount: str) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLE, ws)
    path = ws / "operating.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("PERSONALKOSTNADER"):
            parts = line.split(",")
            parts[2] = amount
            lines[i] = ",".join(parts)
            break
    else:  # pragma: no cover - the example has the row
        raise AssertionError("no PERSONALKOSTNADER row")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ws


def test_reader_refuses_a_17_digit_amount_with_file_and_line(tmp_path: Path) -> None:
    ws = _with_operating_amount(tmp_path, "12345678901234567")
    load = load_workspace(ws)
    found = [f for f in load.findings if f.code == "workspace.amount_range"]
    assert len(found) == 1
    f = found[0]
    assert f.source.file == "operating.csv"
    line = (ws / "operating.csv").read_text(encoding="utf-8").splitlines()[f.source.line - 1]  # type: ignore[operator]
    assert line.startswith("PERSONALKOSTNADER")
    assert "17 siffror" in f.message
    assert f.severity is Severity.ERROR  # an error: `check` exits 1 and `import` refuses
    ws_value = load.workspace
    assert ws_value is None or all(amount_problem(r.budget) is None for r in ws_value.operating)


def test_three_decimals_are_read(tmp_path: Path) -> None:
    ws = _with_operating_amount(tmp_path, "4985000.125")
    load = load_workspace(ws)
    assert not [f for f in load.findings if f.code.startswith("workspace.amount")]


def test_check_flags_ledger_sized_amounts_from_any_source() -> None:
    rows = (
        OperatingRow("A", RowKind.COST, Decimal("1"), Decimal("10") ** 17, source=Source("x", 3)),
    )
    bad = list(unstorable_amounts(rows, (), ()))
    assert bad == [("A", Source("x", 3), "outcome", bad[0][3])]
    assert "18 siffror" in bad[0][3]


def test_the_check_is_registered_and_runs_on_the_pipeline() -> None:
    result = run_pipeline(EXAMPLE)
    assert not [f for f in result.findings if f.code == "finance.amount_range"]
    from styrkort.core.checks import CHECKS

    assert "finance.amount_range" in CHECKS
