"""The Excel workbook: the report's numbers as numbers, with the report's formats."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from styrkort.render.xlsx import sheet_name
from styrkort.report.model import Report


@pytest.fixture(scope="module")
def workbook(built: Path) -> Any:
    return openpyxl.load_workbook(built / "rapport.xlsx")


def _rows(ws: Any) -> list[list[Any]]:
    return [list(r) for r in ws.iter_rows()]


def _find(ws: Any, label: str) -> list[Any]:
    return next(r for r in _rows(ws) if r[0].value == label or (len(r) > 1 and r[1].value == label))


def test_one_sheet_per_table_plus_goals_and_findings(workbook: Any) -> None:
    assert workbook.sheetnames == [
        "Om",
        "Måluppfyllelse",
        "Driftredovisning",
        "Fördelning",
        "Investeringsredovisning",
        "Ram Sydnet 2.0",
        "Kontrollresultat",
    ]


def test_amounts_are_numbers_in_tkr(workbook: Any) -> None:
    ws = workbook["Driftredovisning"]
    header = [c.value for c in _rows(ws)[2]]
    assert header == ["Slagtext", "Budget 2020 (tkr)", "Utfall 2020 (tkr)", "Avvikelse (tkr)"]
    row = _find(ws, "DRIFTBIDRAG FR KOMMUNER")
    assert [c.value for c in row[1:]] == [-34559, -34559, 0]
    assert all(c.number_format == "#,##0" for c in row[1:])
    net = _find(ws, "NETTORESULTAT")
    assert [c.value for c in net[1:]] == [0, 823, -823]
    assert net[0].font.bold


def test_shares_are_percent_with_decimals(workbook: Any) -> None:
    row = _find(workbook["Fördelning"], "Askersund")
    assert row[1].value == 11313
    assert row[2].value == pytest.approx(11313 / 41020)
    assert row[2].number_format == "0.00%"
    assert row[3].value == -227


def test_goal_sheet_has_statuses_as_symbol_and_word(workbook: Any) -> None:
    ws = workbook["Måluppfyllelse"]
    header = [c.value for c in _rows(ws)[2]]
    assert header == [
        "Nämndmål",
        "Indikator",
        "Utfall 2020",
        "Målvärde 2020",
        "Symbol",
        "Bedömning",
        "Not",
    ]
    sick = _find(ws, "Sjukfrånvaro")
    assert sick[2].value == pytest.approx(0.0658)
    assert sick[2].number_format == "0.00%"
    assert (sick[4].value, sick[5].value) == ("●", "Uppnått")
    handling = _find(ws, "Minska genomsnittlig ärendehanteringstid")
    assert handling[2].value == 21 and handling[2].number_format == '#,##0" st"'
    assert (handling[4].value, handling[5].value) == ("◐", "Delvis uppnått")


def test_findings_sheet_lists_every_finding(workbook: Any, report: Report) -> None:
    rows = _rows(workbook["Kontrollresultat"])[3:]
    assert len(rows) == len(report.findings)
    first = report.findings[0]
    assert [c.value for c in rows[0]] == [
        "Fel" if first.severity == "error" else rows[0][0].value,
        first.code,
        first.where,
        first.message,
        first.hint,
    ]


def test_properties(workbook: Any) -> None:
    assert workbook.properties.title == "Årsredovisning 2020 – Sydnärkes IT-nämnd"
    assert workbook.properties.creator == "Sydnärkes IT-nämnd"


def test_sheet_names_are_valid_and_unique() -> None:
    taken: set[str] = set()
    a = sheet_name("Fördelning: [ny]/gammal*?" + "x" * 40, taken)
    b = sheet_name("Fördelning: [ny]/gammal*?" + "x" * 40, taken)
    assert len(a) <= 31 and len(b) <= 31 and a != b
    assert not set("[]:*?/\\") & set(a + b)
