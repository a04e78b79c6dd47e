"""The workspace's own statements, audited as presented (rounded to tkr)."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from styrkort.cli import main
from styrkort.core.audit import audit_statement, audit_statements, presented_table
from styrkort.pipeline import run
from styrkort.report.model import Cell, Column, Row, Table

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sydnarke-it-2020"


def codes(findings: object) -> list[tuple[str, str, int | None]]:
    return [(f.code, f.severity.value, f.source.line) for f in findings]  # type: ignore[attr-defined]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    if not EXAMPLE.is_dir():
        pytest.skip("examples/sydnarke-it-2020 is not in this checkout")
    target = tmp_path / "ws"
    shutil.copytree(EXAMPLE, target)
    return target


def test_the_example_statements_are_clean() -> None:
    if not EXAMPLE.is_dir():
        pytest.skip("examples/sydnarke-it-2020 is not in this checkout")
    report = run(EXAMPLE).report
    assert report is not None
    operating = audit_statement(report.table("operating"))
    assert operating.findings == ()
    assert [s.reading for s in operating.sums] == ["subtotal", "subtotal", "grand"]
    assert operating.checked_cells == 20
    investments = audit_statement(report.table("investments"))
    assert investments.findings == ()
    assert len(investments.sums[0].parts) == 5


def test_presented_rows_are_located_in_the_report_table() -> None:
    if not EXAMPLE.is_dir():
        pytest.skip("examples/sydnarke-it-2020 is not in this checkout")
    report = run(EXAMPLE).report
    assert report is not None
    table = presented_table(report.table("operating"))
    assert table.name == "rapport[driftredovisning]"
    assert table.rows[0].source.line == 2
    assert [r.kind for r in table.rows][-3:] == ["detail", "subtotal", "grand"]


def _unrounded(ws: Path) -> None:
    """Costs with 400 kr more each on three rows: every row rounds down, the total does not."""
    path = ws / "operating.csv"
    text = path.read_text(encoding="utf-8")
    for old in ("12337000", "2580000", "6000000"):
        assert old in text, f"the example's operating.csv no longer has {old}"
        text = text.replace(old, str(int(old) + 400))
    path.write_text(text, encoding="utf-8")


def test_rounding_breaks_of_totals_from_unrounded_values_are_warnings(workspace: Path) -> None:
    _unrounded(workspace)
    report = run(workspace).report
    assert report is not None
    findings = audit_statement(report.table("operating")).findings
    assert sorted(codes(findings)) == [
        ("audit.rounding", "warning", 11),
        ("audit.rounding", "warning", 11),
    ]
    columns = sorted(f.details["column"] for f in findings if f.details)
    assert columns == ["Avvikelse", "Budget 2020"]


def test_largest_remainder_rounding_leaves_no_break(workspace: Path) -> None:
    _unrounded(workspace)
    settings = workspace / "styrkort.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            "rounding: totals_from_unrounded", "rounding: largest_remainder"
        ),
        encoding="utf-8",
    )
    report = run(workspace).report
    assert report is not None
    assert audit_statement(report.table("operating")).findings == ()


def test_revenue_positive_presentation_is_clean(workspace: Path) -> None:
    settings = workspace / "styrkort.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            "sign_convention: ledger", "sign_convention: revenue_positive"
        ),
        encoding="utf-8",
    )
    report = run(workspace).report
    assert report is not None
    audited = audit_statement(report.table("operating"))
    assert audited.findings == ()
    assert [str(r) for r in audited.inferred_relations] == ["Avvikelse = Utfall 2020 - Budget 2020"]


def test_a_presented_table_with_a_break() -> None:
    def amount(value: int) -> Cell:
        text = f"{value:,}".replace(",", "\u00a0").replace("-", "\u2212")
        return Cell(text, "amount", number=Decimal(value))

    table = Table(
        "investeringsredovisning",
        "Investeringsredovisning",
        (Column("Projekt"), Column("Budget 2020"), Column("Utfall 2020"), Column("Avvikelse")),
        (
            Row((Cell("A", "label"), amount(1478), amount(2291), amount(-813))),
            Row((Cell("B", "label"), amount(1336), amount(806), amount(530))),
            # a label that does not look like a total: the row kind says it is one
            Row(
                (Cell("Alla projekt", "label"), amount(2814), amount(3197), amount(-283)),
                kind="total",
            ),
        ),
        unit="tkr",
        kind="investments",
    )
    findings = audit_statement(table).findings
    assert sorted(codes(findings)) == [
        ("audit.misprint", "error", 4),
        ("audit.relation", "error", 4),
        ("audit.sum", "error", 4),
    ]
    misprint = next(f for f in findings if f.code == "audit.misprint")
    assert misprint.details is not None
    assert (misprint.details["column"], misprint.details["implied"]) == ("Utfall 2020", 3097)
    total = next(f for f in findings if f.code == "audit.sum")
    assert total.source.file == "rapport[investeringsredovisning]"
    assert total.details is not None
    assert (total.details["column"], total.details["computed"]) == ("Utfall 2020", Decimal(3097))


def test_cli_audits_a_workspace_directory(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", str(workspace)]) == 0
    out = capsys.readouterr().out
    assert "[driftredovisning]: 3 summor" in out
    assert "[investeringsredovisning]: 1 summa" in out
    _unrounded(workspace)
    assert main(["audit", "--json", str(workspace)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [f["code"] for f in data["findings"]] == ["audit.rounding", "audit.rounding"]
    assert data["findings"][0]["file"] == f"{workspace}[driftredovisning]"


def test_cli_on_a_broken_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "styrkort.yaml").write_text("title: [\n", encoding="utf-8")
    assert main(["audit", str(tmp_path)]) == 1
    assert "audit.workspace" in capsys.readouterr().out


def test_audit_statements_picks_the_statements_of_a_report(workspace: Path) -> None:
    report = run(workspace).report
    assert report is not None
    assert audit_statements(report.tables()) == []
    _unrounded(workspace)
    report = run(workspace).report
    assert report is not None
    findings = audit_statements(report.tables(), file_prefix="ws")
    assert [(f.code, f.source.file) for f in findings] == [
        ("audit.rounding", "ws[driftredovisning]")
    ] * 2
