"""The net-budget model in the board's own report (tests/data/nettoram-2022, fictional): the
result against the contribution, the balanskrav rows and the result transfer, audited as
printed and drawn by all four formats."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from styrkort.core.findings import Severity
from styrkort.pipeline import audit_presented_tables, run
from styrkort.report.model import Cell, Paragraph, Report, Section, Table

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "nettoram-2022"


@pytest.fixture(scope="module")
def report() -> Report:
    result = run(DATA)
    assert result.report is not None
    assert [f for f in result.findings if f.severity is not Severity.INFO] == []
    return result.report


def _table(report: Report, table_id: str) -> Table:
    return next(t for t in report.tables() if t.id == table_id)


def _texts(t: Table) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in t.rows]


def test_result_against_the_contribution(report: Report) -> None:
    t = _table(report, "resultat-kommunbidrag")
    assert [c.label for c in t.columns] == ["", "Budget 2022", "Utfall 2022", "Avvikelse"]
    assert _texts(t) == [
        ["Kommunbidrag", "24\u00a0000", "24\u00a0000", "0"],
        ["Intäkter", "8\u00a0000", "8\u00a0600", "600"],
        ["Kostnader", "−32\u00a0500", "−32\u00a0700", "−200"],
        ["Årets resultat", "−500", "−100", "400"],
        ["varav vatten och avlopp", "0", "150", "150"],
    ]
    sentences = [b.text for s in report.walk() for b in s.blocks if isinstance(b, Paragraph)]
    assert (
        "Nämnden budgeteras med nettoram. Kommunbidraget 2022 var 24\u00a0000\u00a0tkr och det "
        "budgeterade resultatet −500\u00a0tkr; årets resultat, ett underskott på 100\u00a0tkr, är "
        "400\u00a0tkr bättre än budgeterat." in sentences
    )
    # the year's result counts the contribution (the operating statement alone is the net cost)
    assert "Årets resultat för Tekniska nämnden visar ett underskott med 100\u00a0tkr." in sentences


def test_balanskrav_rows(report: Report) -> None:
    assert _texts(_table(report, "balanskrav")) == [
        ["Årets resultat", "−100"],
        ["Justering balanskrav: Realisationsvinster vid försäljning av fordon", "−150"],
        ["Balanskravsresultat", "−250"],
    ]


def test_result_transfer(report: Report) -> None:
    t = _table(report, "resultatoverforing")
    assert [c.label for c in t.columns][1:] == [
        "Ingående redovisat resultat",
        "Årets resultat",
        "Disposition",
        "Utgående redovisat resultat",
    ]
    assert _texts(t) == [["Tekniska nämnden", "2\u00a0300", "−100", "300", "1\u00a0900"]]
    assert t.relations


def _misprinted(report: Report, table_id: str, row: int, col: int, text: str) -> Report:
    def swap(t: Table) -> Table:
        if t.id != table_id:
            return t
        rows = list(t.rows)
        cells = list(rows[row].cells)
        cells[col] = Cell(text, "amount")
        rows[row] = replace(rows[row], cells=tuple(cells))
        return replace(t, rows=tuple(rows))

    def visit(s: Section) -> Section:
        blocks = tuple(swap(b) if isinstance(b, Table) else b for b in s.blocks)
        return replace(s, blocks=blocks, children=tuple(visit(c) for c in s.children))

    return replace(report, sections=tuple(visit(s) for s in report.sections))


def test_the_audit_holds_every_new_table(report: Report) -> None:
    assert audit_presented_tables(report) == []
    for table_id, row, col in (
        ("resultatoverforing", 0, 4),  # utgående ≠ ingående + resultat − disposition
        ("balanskrav", 2, 1),  # balanskravsresultat ≠ resultat + justering
        ("resultat-kommunbidrag", 3, 2),  # årets resultat ≠ its rows
    ):
        found = audit_presented_tables(_misprinted(report, table_id, row, col, "9\u00a0999"))
        assert [f.code for f in found if f.severity is Severity.ERROR], (table_id, found)


def test_a_gross_model_report_prints_none_of_them() -> None:
    result = run(REPO / "examples" / "sydnarke-it-2020")
    assert result.report is not None
    ids = {t.id for t in result.report.tables()}
    assert not ids & {"resultat-kommunbidrag", "balanskrav", "resultatoverforing"}


def test_every_format_prints_the_tables(tmp_path: Path) -> None:
    from styrkort.cli import main

    assert main(["build", str(DATA), "--out", str(tmp_path)]) == 0
    html = (tmp_path / "rapport.html").read_text(encoding="utf-8")
    for caption in ("Resultat mot kommunbidrag 2022", "Balanskravsresultat 2022"):
        assert caption in html
    assert "Resultatöverföring 2022" in html
    with zipfile.ZipFile(tmp_path / "rapport.docx") as z:
        document = z.read("word/document.xml").decode("utf-8")
    assert "Resultatöverföring 2022" in document and "Utgående redovisat resultat" in document
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "rapport.xlsx")
    names = " ".join(wb.sheetnames)
    assert "Resultatöverföring" in names and "Balanskravsresultat" in names
    from pypdf import PdfReader

    pdf = " ".join(p.extract_text() for p in PdfReader(tmp_path / "rapport.pdf").pages)
    assert "Resultatöverföring" in pdf and "Balanskravsresultat" in pdf


def _interim(tmp_path: Path, *, forecast: bool = True) -> Path:
    import shutil

    dst = tmp_path / "delar"
    shutil.copytree(DATA, dst)
    main = dst / "styrkort.yaml"
    main.write_text(
        main.read_text(encoding="utf-8").replace(
            "  year: 2022\n", "  year: 2022\n  kind: interim\n  end: 2022-08-31\n"
        ),
        encoding="utf-8",
    )
    rows = [
        ("Intäkter", "revenue", "-8 000 000", "-5 500 000", "-8 600 000"),
        ("Personalkostnader", "cost", "20 000 000", "13 900 000", "20 900 000"),
        ("Övriga kostnader", "cost", "12 500 000", "7 800 000", "11 800 000"),
    ]
    header = "category;kind;budget;outcome" + (";forecast" if forecast else "")
    lines = [";".join(r if forecast else r[:4]) for r in rows]
    (dst / "operating.csv").write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return dst


def test_an_interim_report_sets_the_contribution_against_the_forecast(tmp_path: Path) -> None:
    """The year's contribution against eight months' outcome would show a surplus of about a
    third of the contribution; the full-year forecast is what compares."""
    result = run(_interim(tmp_path))
    assert result.report is not None
    assert [f.code for f in result.findings if f.code.startswith(("finance.", "audit."))] == []
    t = _table(result.report, "resultat-kommunbidrag")
    assert [c.label for c in t.columns][2] == "Prognos 2022"
    assert _texts(t)[3] == ["Årets resultat", "−500", "−100", "400"]
    assert (
        _table(result.report, "resultatoverforing").caption == "Resultatöverföring 2022 (prognos)"
    )
    sentences = [b.text for s in result.report.walk() for b in s.blocks if isinstance(b, Paragraph)]
    assert not any(s.startswith("Periodens resultat") for s in sentences)
    assert any("prognosen för årets resultat, ett underskott på 100" in s for s in sentences)
    assert result.assessed is not None and result.assessed.board_result is not None
    assert result.assessed.board_result.result == -100_000


def test_an_interim_report_without_forecast_prints_no_result_tables(tmp_path: Path) -> None:
    result = run(_interim(tmp_path, forecast=False))
    assert result.report is not None
    ids = {t.id for t in result.report.tables()}
    assert not ids & {"resultat-kommunbidrag", "balanskrav", "resultatoverforing"}
