"""Issue 18, High 3: a stray quote that swallows the rest of a table is an error, never
"inga brott". Before the fix `styrkort audit` read the swallowed rows as one cell and
answered "inga brott" with exit 0 on a table whose total is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from styrkort.cli import main
from styrkort.sources.table import read_table

BROKEN_TOTAL = (
    "Slagtext;Budget;Utfall;Avvikelse\n"
    "Intäkter;100;90;10\n"
    "{row}\n"
    "Personal;-30;-35;5\n"
    "Summa;70;55;99\n"  # the deviation should be 15: a real break
)


@pytest.mark.parametrize(
    ("row", "line", "closes"),
    [
        ('"Kostnader;-50;-60;10', 3, "stängs aldrig"),  # never closed: swallows to the end
        ('Kostnader;"-50;-60;10', 3, "stängs aldrig"),  # opens a middle cell
    ],
)
def test_unclosed_quote_is_an_error_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], row: str, line: int, closes: str
) -> None:
    path = tmp_path / "drift.csv"
    path.write_text(BROKEN_TOTAL.format(row=row), encoding="utf-8")
    read = read_table(path)
    assert read.table is None
    [finding] = read.findings
    assert finding.code == "audit.read"
    assert finding.source.line == line
    assert closes in finding.message
    assert "raderna 3–5" in finding.message
    assert main(["audit", str(path)]) == 1
    out = capsys.readouterr()
    assert "inga brott" not in out.out + out.err


def test_quote_closed_rows_later_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "drift.csv"
    path.write_text(
        "Slagtext;Budget;Utfall;Avvikelse\n"
        '"Intäkter;100;90;10\n'
        'Kostnader";-50;-60;10\n'
        "Summa;50;30;99\n",
        encoding="utf-8",
    )
    read = read_table(path)
    assert read.table is None
    [finding] = read.findings
    assert finding.source.line == 2
    assert "stängs först på rad 3" in finding.message
    assert "raderna 2–3" in finding.message


def test_a_quoted_line_break_in_a_header_is_data(tmp_path: Path) -> None:
    """What Excel writes for Alt+Enter: read as one cell, the table audited as usual."""
    path = tmp_path / "drift.csv"
    path.write_text(
        'Slagtext;"Budget\n2020";Utfall;Avvikelse\n'
        "Intäkter;100;90;10\n"
        "Kostnader;-50;-60;10\n"
        "Summa;50;30;99\n",
        encoding="utf-8",
    )
    read = read_table(path)
    assert read.table is not None
    assert not read.findings
    assert main(["audit", str(path)]) == 1  # the Summa row's deviation is wrong
