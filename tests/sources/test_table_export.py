"""Styrkort's own XLSX export, read back as a published table, audits clean; edited, it does not."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from styrkort.core.audit import audit
from styrkort.sources.table import read_table

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sydnarke-it-2020"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not EXAMPLE.is_dir():
        pytest.skip("examples/sydnarke-it-2020 is not in this checkout")
    render = pytest.importorskip("styrkort.render.xlsx")
    from styrkort.pipeline import run

    report = run(EXAMPLE).report
    assert report is not None
    path = tmp_path_factory.mktemp("export") / "rapport.xlsx"
    render.render_xlsx(report, path)
    return path


@pytest.mark.parametrize("sheet", ["Driftredovisning", "Investeringsredovisning"])
def test_the_exported_statements_audit_clean(exported: Path, sheet: str) -> None:
    read = read_table(exported, sheet=sheet)
    assert read.findings == []
    assert read.table is not None
    assert read.table.unit == "tkr"
    report = audit(read.table, read.declaration)
    assert report.findings == ()
    assert report.sums
    assert report.inferred_relations


def test_an_exported_statement_edited_by_hand(exported: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(exported)
    ws = wb["Driftredovisning"]
    edited = next(row for row in ws.iter_rows() if row[0].value == "TJÄNSTER")
    edited[2].value = 4885  # outcome 4 985 typed as 4 885, deviation left as it was
    path = tmp_path / "redigerad.xlsx"
    wb.save(path)
    read = read_table(path, sheet="Driftredovisning")
    assert read.table is not None
    findings = audit(read.table, read.declaration).findings
    lines = {f.source.line for f in findings}
    assert edited[2].row in lines  # the row's own deviation no longer holds
    assert all(f.severity.value == "error" for f in findings)
    assert {f.code for f in findings} == {"audit.relation", "audit.sum", "audit.misprint"}
    misprint = next(f for f in findings if f.code == "audit.misprint")
    assert misprint.details is not None
    assert (misprint.source.line, misprint.details["implied"]) == (edited[2].row, 4985)
