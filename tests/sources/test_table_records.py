"""The one table reader (sources/table.py) behind workspace tables, account maps and budget tables.

Each of the three used to split lines before the CSV parser saw them, so a legal quoted
line break (Excel's Alt+Enter) raised ``ValueError`` from ``zip(strict=True)`` and an
unclosed quote gave a traceback (issues 11 and 18).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from styrkort.core.findings import Severity
from styrkort.sources.accountmap import read_account_map
from styrkort.sources.ledger import _read_budget_table
from styrkort.sources.table import read_records, records_from_text
from styrkort.sources.workspace import load_workspace

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sydnarke-it-2020"


def _workspace_with(tmp_path: Path, operating: bytes) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLE, ws)
    (ws / "operating.csv").write_bytes(operating)
    return ws


def test_a_quoted_line_break_in_a_workspace_table_is_data(tmp_path: Path) -> None:
    ws = _workspace_with(
        tmp_path,
        b'category,kind,budget,outcome\n"PERSONAL-\nKOSTNADER",cost,100,90\nTJANSTER,cost,5,6\n',
    )
    got = load_workspace(ws)
    assert got.workspace is not None
    rows = got.workspace.operating
    assert [r.category for r in rows] == ["PERSONAL-\nKOSTNADER", "TJANSTER"]
    assert [r.source.line for r in rows] == [2, 4]
    assert not [f for f in got.findings if f.source.file == "operating.csv"]


@pytest.mark.parametrize(
    "text",
    [
        b'category,kind,budget,outcome\n"PERSONAL,cost,100,90\nTJANSTER,cost,5,6\n',
        b'category,kind,budget,outcome\nPERSONAL,cost,100,90\n"TJANSTER,cost,5,6\nX,cost,1,1\n',
    ],
)
def test_an_unclosed_quote_in_a_workspace_table_is_a_finding(tmp_path: Path, text: bytes) -> None:
    got = load_workspace(_workspace_with(tmp_path, text))
    found = [f for f in got.findings if f.code == "workspace.table"]
    assert len(found) == 1
    assert found[0].severity is Severity.ERROR
    assert found[0].source.file == "operating.csv"
    assert found[0].source.line in (2, 3)
    assert not got.ok


def test_windows_1252_semicolons_and_a_bom(tmp_path: Path) -> None:
    ws = _workspace_with(
        tmp_path, "category;kind;budget;outcome\nÖVRIGT;cost;1 000,50;900\n".encode("cp1252")
    )
    got = load_workspace(ws)
    assert got.workspace is not None
    assert [(r.category, str(r.budget)) for r in got.workspace.operating] == [("ÖVRIGT", "1000.50")]
    assert "workspace.encoding" in {f.code for f in got.findings}
    bom = records_from_text("\ufeffcategory\tbudget\nA\t1\n", "b.csv", code="x.read")
    assert bom.header == ("category", "budget")
    assert [r.values for r in bom.rows] == [{"category": "A", "budget": "1"}]


def test_an_unknown_column_is_a_warning(tmp_path: Path) -> None:
    got = load_workspace(
        _workspace_with(tmp_path, b"category,kind,budget,outcome,colour\nA,cost,1,1,red\n")
    )
    unknown = [f for f in got.findings if f.code == "workspace.unknown_key"]
    assert [(f.source.file, f.source.line, f.severity) for f in unknown] == [
        ("operating.csv", 1, Severity.WARNING)
    ]


def test_a_workspace_table_may_be_xlsx(tmp_path: Path) -> None:
    import openpyxl

    ws = _workspace_with(tmp_path, b"")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (("category", "kind", "budget", "outcome"), ("Personal", "cost", 100, 90.5)):
        sheet.append(row)
    book.save(ws / "drift.xlsx")
    main = ws / "styrkort.yaml"
    main.write_text(
        main.read_text(encoding="utf-8").replace(
            "operating: operating.csv", "operating: drift.xlsx"
        ),
        encoding="utf-8",
    )
    got = load_workspace(ws)
    assert got.workspace is not None, [str(f) for f in got.findings]
    assert [(r.category, str(r.budget), str(r.outcome)) for r in got.workspace.operating] == [
        ("Personal", "100", "90.5")
    ]


def test_account_map_and_budget_table_read_quoted_line_breaks(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text('prefix,category\n5,"PERSONAL\nKOSTNADER"\n6,Övrigt\n', encoding="utf-8")
    amap, findings = read_account_map(accounts)
    assert findings == []
    assert amap is not None
    assert amap.category("5011") == "PERSONAL\nKOSTNADER"
    assert [r.source.line for r in amap.rules] == [2, 4]
    budget = tmp_path / "budget.csv"
    budget.write_text('category;budget\n"A\nB";1 000\nC;"5"\n', encoding="utf-8")
    table, found = _read_budget_table(budget, "budget.csv")
    assert found == []
    assert table is not None and {k: str(v) for k, v in table.items()} == {"A\nB": "1000", "C": "5"}


def test_account_map_with_an_unclosed_quote_is_a_finding(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text('prefix,category\n5,"Personal\n6,Övrigt\n', encoding="utf-8")
    amap, findings = read_account_map(accounts)
    assert amap is None
    assert [(f.code, f.source.line) for f in findings] == [("accountmap.read", 2)]


def test_read_records_never_raises_on_a_missing_or_binary_file(tmp_path: Path) -> None:
    missing = read_records(tmp_path / "nej.csv", code="x.read")
    assert missing.header is None
    assert [f.code for f in missing.findings] == ["x.read"]
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"a,b\n\x00\x01,\xff\n")
    got = read_records(binary, code="x.read")
    assert got.header is None or got.header == ("a", "b")


def test_xlsx_formula_rows_and_columns_are_unreadable_never_clean(tmp_path: Path) -> None:
    """Issue 18, item 13: a table of formulas without saved values said 'inga brott'."""
    import openpyxl

    from styrkort.core.audit import audit
    from styrkort.sources.table import read_table

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (
        ("Driftredovisning tkr", None, None, None),
        ("Slag", "Budget", "Utfall", "Avvikelse"),
        ("Intäkter", -100, -90, "=B3-C3"),
        ("Kostnader", 200, 150, "=B4-C4"),
        ("Resultat", "=B3+B4", "=C3+C4", "=D3+D4"),
    ):
        sheet.append(row)
    path = tmp_path / "formler.xlsx"
    book.save(path)
    read = read_table(path)
    assert read.table is not None
    assert read.table.columns == ("Budget", "Utfall", "Avvikelse")
    findings = read.findings + list(audit(read.table, read.declaration).findings)
    unreadable = sorted(
        (f.source.line, f.severity.value) for f in findings if f.code == "audit.unreadable"
    )
    assert unreadable == [(3, "warning"), (4, "warning"), (5, "warning")]
    assert not [f for f in findings if f.severity is Severity.ERROR]
