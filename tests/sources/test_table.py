"""Reading published tables (CSV, XLSX, pasted from Word) and the `styrkort audit` command."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from styrkort.cli import main
from styrkort.core.audit import audit
from styrkort.core.findings import Finding
from styrkort.sources.table import read_table

CASES = Path(__file__).resolve().parents[1] / "audit_cases"
NBSP = "\u00a0"
MINUS = "\u2212"


def codes(findings: list[Finding] | tuple[Finding, ...]) -> list[tuple[str, str, int | None]]:
    return [(f.code, f.severity.value, f.source.line) for f in findings]


def audit_file(path: Path, **kwargs: object) -> list[Finding]:
    read = read_table(path, **kwargs)  # type: ignore[arg-type]
    assert read.table is not None, read.findings
    return list(read.findings) + list(audit(read.table, read.declaration).findings)


# --- the fixture tables -------------------------------------------------------


@pytest.mark.parametrize("name", ["sydnarke-2020-drift.csv", "sydnarke-2020-investering.csv"])
def test_the_reference_statements_are_clean(name: str) -> None:
    read = read_table(CASES / name)
    assert read.table is not None
    assert read.declaration.unit == "tkr"
    assert read.findings == []
    assert audit(read.table, read.declaration).findings == ()


def test_planted_breaks_in_the_operating_statement() -> None:
    findings = audit_file(CASES / "sydnarke-2020-drift-brott.csv")
    assert sorted(codes(findings)) == [
        ("audit.misprint", "error", 10),
        ("audit.relation", "error", 10),
        ("audit.rounding", "warning", 9),
        ("audit.sum", "error", 13),
    ]
    sign = next(f for f in findings if f.code == "audit.relation")
    assert "omvänt tecken" in sign.message
    assert sign.source.file.endswith("sydnarke-2020-drift-brott.csv")


def test_planted_breaks_in_the_investment_statement() -> None:
    findings = audit_file(CASES / "sydnarke-2020-investering-brott.csv")
    assert sorted(codes(findings)) == [
        ("audit.misprint", "error", 9),
        ("audit.relation", "error", 9),
        ("audit.sum", "error", 9),
    ]
    misprint = next(f for f in findings if f.code == "audit.misprint")
    assert misprint.details is not None
    assert (misprint.details["column"], misprint.details["implied"]) == ("BUDGET 2020", 10769)
    assert misprint.details["cause"] == "transposed"
    total = next(f for f in findings if f.code == "audit.sum")
    assert total.details is not None
    assert (total.details["column"], total.details["difference"]) == ("BUDGET 2020", Decimal(27))
    assert "bytt plats" in total.message


@pytest.mark.parametrize("path", sorted(CASES.glob("ren-*")), ids=lambda p: p.name)
def test_clean_fixtures_give_no_finding(path: Path) -> None:
    assert audit_file(path) == []


BROKEN = {
    "brott-varav-summerad.csv": [
        ("audit.varav_in_sum", "error", 9),
        ("audit.varav_in_sum", "error", 9),
    ],
    "brott-avrundning-mnkr.csv": [("audit.rounding", "warning", 8)],
    "brott-resultat.csv": [
        ("audit.misprint", "error", 6),
        ("audit.relation", "error", 6),
        ("audit.sum", "error", 8),
    ],
    "brott-positiva-intakter.csv": [("audit.misprint", "error", 9), ("audit.relation", "error", 9)],
    "brott-resultatrakning.csv": [("audit.misprint", "error", 7), ("audit.sum", "error", 9)],
    "brott-tecken.csv": [
        ("audit.misprint", "error", 7),
        ("audit.relation", "error", 7),
        ("audit.sum", "error", 8),
    ],
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_fixtures_give_exactly_their_planted_findings(name: str) -> None:
    assert sorted(codes(audit_file(CASES / name))) == sorted(BROKEN[name])


def test_a_table_of_key_figures_has_no_totals() -> None:
    # "Årets resultat, mnkr" below "Nettokostnad per invånare, kr" is not a total of them.
    findings = audit_file(CASES / "nyckeltal-utan-summor.csv")
    assert codes(findings) == [("audit.nothing", "info", 2)]


def test_the_income_statement_reads_its_grand_totals() -> None:
    read = read_table(CASES / "ren-resultatrakning.csv")
    assert read.table is not None
    assert read.table.unit == "mnkr"
    report = audit(read.table, read.declaration)
    assert report.summed_columns == ("Budget 2020", "Utfall 2020", "Utfall 2019")  # not "Not"
    labels = [read.table.rows[s.total].label for s in report.sums]
    assert labels == [
        "Verksamhetens nettokostnader",
        "Verksamhetens resultat",
        "Resultat efter finansiella poster",
        "Årets resultat",
    ]


def test_every_broken_fixture_has_a_clean_twin() -> None:
    twins = {"brott-varav-summerad.csv": "ren-varav.csv"}
    for name in BROKEN:
        assert (CASES / twins.get(name, name.replace("brott-", "ren-"))).exists(), name


# --- CSV dialects -------------------------------------------------------------


def test_comma_separated_with_quoted_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('Post,Belopp mnkr\nA,"1,2"\nB,"2,3"\nSumma,"3,5"\n', encoding="utf-8")
    read = read_table(path)
    assert read.table is not None
    assert read.table.unit == "mnkr"
    assert read.table.rows[0].cells[0].value == Decimal("1.2")
    assert audit(read.table, read.declaration).findings == ()


def test_tab_separated_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(
        "Slag\tBudget\tUtfall\nÖvrigt\t10\t12\nLöner\t5\t4\nTotalt\t15\t16\n".encode("cp1252")
    )
    read = read_table(path)
    assert read.table is not None
    assert [r.label for r in read.table.rows] == ["Övrigt", "Löner", "Totalt"]
    assert audit(read.table, read.declaration).findings == ()


def test_a_title_over_two_cells_is_not_the_header(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "Driftredovisning 2020;;;Belopp i tkr\nSlag;Budget;Utfall;Avvikelse\n"
        "A;10;12;-2\nB;5;4;1\nTotalt;15;16;-1\n",
        encoding="utf-8",
    )
    read = read_table(path)
    assert read.table is not None
    assert read.table.columns == ("Budget", "Utfall", "Avvikelse")
    assert read.table.unit == "tkr"
    assert audit(read.table, read.declaration).findings == ()


def test_years_as_column_headers(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Nettokostnad, tkr;2019;2020\nA;10;12\nB;5;4\nSumma;15;16\n", encoding="utf-8")
    read = read_table(path)
    assert read.table is not None
    assert read.table.columns == ("2019", "2020")
    assert audit(read.table, read.declaration).findings == ()


def test_declaration_lines_may_contain_the_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "# summa: Totalt = A; B + C\nPost;Belopp\nA; B;1\nC;2\nTotalt;3\n",
        encoding="utf-8",
    )
    read = read_table(path)
    assert read.table is not None
    assert read.declaration.sums[0].total == "Totalt"
    assert [t.name for t in read.declaration.sums[0].parts or ()] == ["A; B", "C"]


def test_sidecar_declaration_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "drift.csv"
    path.write_text("Post;Belopp\nA;1\nB;2\nResultat;3\n", encoding="utf-8")
    (tmp_path / "drift.csv.yaml").write_text(
        "enhet: tkr\nsumma:\n  - Resultat = A + B\n  - Resultat = A + C\n", encoding="utf-8"
    )
    read = read_table(path)
    assert read.declaration.unit == "tkr"
    assert read.declaration_files == (str(tmp_path / "drift.csv.yaml"),)
    assert read.table is not None
    findings = audit(read.table, read.declaration).findings
    assert codes(findings) == [("audit.declaration.row", "error", 4)]
    assert findings[0].source.file.endswith("drift.csv.yaml")


def test_broken_sidecar_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "drift.csv"
    path.write_text("Post;Belopp\nA;1\nTotalt;1\n", encoding="utf-8")
    (tmp_path / "drift.yaml").write_text("summa: [A\nenhet: tkr\n", encoding="utf-8")
    read = read_table(path)
    assert [f.code for f in read.findings] == ["audit.declaration.yaml"]
    assert read.table is not None


def test_missing_and_unreadable_files_are_findings(tmp_path: Path) -> None:
    assert codes(read_table(tmp_path / "nope.csv").findings) == [("audit.read", "error", None)]
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    assert codes(read_table(bad).findings) == [("audit.read", "error", None)]
    for suffix in (".xls", ".docx", ".pdf"):
        old = tmp_path / f"old{suffix}"
        old.write_bytes(b"\xd0\xcf")
        read = read_table(old)
        assert read.table is None
        assert codes(read.findings) == [("audit.read", "error", None)]
        assert "xlsx" in read.findings[0].hint
    empty = tmp_path / "empty.csv"
    empty.write_text("bara en rad\n", encoding="utf-8")
    assert codes(read_table(empty).findings) == [("audit.table.header", "error", None)]


# --- XLSX ---------------------------------------------------------------------


def test_xlsx_numbers_keep_their_number_format(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Verksamhet", "Budget", "Utfall", "Avvikelse"])
    rows = [
        ("Kultur", 12.34, 12.31, 0.03),
        ("Fritid", 8.26, 8.04, 0.22),
        ("Summa", 20.6, 20.35, 0.25),
    ]
    for row in rows:
        ws.append(list(row))
    for row in ws.iter_rows(min_row=2, min_col=2):
        for cell in row:
            cell.number_format = "0.0"
    path = tmp_path / "mnkr.xlsx"
    wb.save(path)
    read = read_table(path)
    assert read.table is not None
    assert read.table.rows[0].cells[0].value == Decimal("12.3")
    assert read.table.rows[0].cells[0].decimals == 1
    # As Excel shows them (one decimal, half away from zero): Fritid 8,3 - 8,0 = 0,3 but
    # 0,2 shown; Summa utfall 12,3 + 8,0 = 20,3 but 20,4 shown; Summa avvikelse 0,0 + 0,2 = 0,2
    # but 0,3 shown, and 20,6 - 20,4 = 0,2. All within rounding: warnings only.
    findings = audit(read.table, read.declaration).findings
    assert (
        sorted(codes(findings))
        == [("audit.rounding", "warning", 3)] + [("audit.rounding", "warning", 4)] * 3
    )


def test_xlsx_with_a_wrong_total(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Projekt", "Budget", "Utfall"])
    ws.append(["A", 1478, 2291])
    ws.append(["B", 1336, 806])
    ws.append(["Totalt investerat", 2814, 3197])
    path = tmp_path / "inv.xlsx"
    wb.save(path)
    findings = audit_file(path)
    assert codes(findings) == [("audit.sum", "error", 4)]
    assert findings[0].details is not None
    assert findings[0].details["computed"] == Decimal(3097)


def test_xlsx_sheet_choice(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    first.title = "Försättsblad"
    first.append(["Årsredovisning 2020"])
    ws = wb.create_sheet("Drift")
    ws.append(["Post", "Belopp"])
    ws.append(["A", 1])
    ws.append(["Summa", 1])
    path = tmp_path / "bok.xlsx"
    wb.save(path)
    assert codes(read_table(path, sheet="Saknas").findings) == [("audit.read", "error", None)]
    assert audit_file(path, sheet="Drift") == []


def test_xlsx_declaration_rows_and_an_explicit_declaration_file(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["# enhet: mnkr"])
    ws.append(["# osummerad: Årsarbetare"])
    ws.append(["Verksamhet", "Kostnad", "Årsarbetare"])
    ws.append(["Kultur", "12,3", 14])
    ws.append(["Fritid", "8,3", 9])
    ws.append(["Summa", "20,6", 30])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    read = read_table(path)
    assert read.declaration.unit == "mnkr"
    assert [name for name, _ in read.declaration.unsummed] == ["Årsarbetare"]
    assert audit_file(path) == []
    other = tmp_path / "annan.yaml"
    other.write_text("varav: Fritid\n", encoding="utf-8")
    read = read_table(path, declaration_path=other)
    assert read.declaration_files == (str(other),)
    assert read.table is not None
    # with Fritid declared a varav row of Kultur, Summa has summed it in
    assert codes(audit(read.table, read.declaration).findings) == [
        ("audit.varav_in_sum", "error", 6)
    ]


def test_xlsx_formulas_without_saved_values_are_not_taken_for_blanks(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Projekt", "Budget"])
    ws.append(["A", 1478])
    ws.append(["B", 1336])
    ws.append(["Totalt", "=SUM(B2:B3)"])  # openpyxl saves no value for it
    path = tmp_path / "formler.xlsx"
    wb.save(path)
    findings = audit_file(path)
    assert codes(findings) == [("audit.unreadable", "warning", 4)]
    assert "spara" in findings[0].hint


def word_paste(path: Path, rows: list[list[object]]) -> Path:
    """A sheet as Excel leaves it after pasting a Word table: a merged title, empty rows, text numbers."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["B1"] = "Driftredovisning 2020 (tkr)"
    ws.merge_cells("B1:E1")
    # row 2 empty
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row, start=2):  # column A stays empty
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    wb.save(path)
    return path


WORD_ROWS: list[list[object]] = [
    ["SLAGTEXT", "BUDGET 2020", "UTFALL 2020", "AVVIKELSE"],
    [None, None, None, None],
    ["ÖVRIGA AVG O. ERSÄTTNINGAR", "0", f"{MINUS}104", "104 "],
    ["DRIFTBIDRAG FR KOMMUNER", f"{MINUS}34{NBSP}559", f"{MINUS}34{NBSP}559", "0"],
    ["TOTALT INTÄKTER", f"{MINUS}34{NBSP}559", f"{MINUS}34{NBSP}663", "104"],
    [None, None, None, None],
    ["PERSONALKOSTNADER", f"12{NBSP}337", f"11{NBSP}091", f"1{NBSP}246"],
    ["UTRUSTNING OCH", None, None, None],
    [None, f"2{NBSP}580", f"1{NBSP}738", "842"],  # the label wrapped onto two rows in Word
    ["DATABEHANDLING, LICENSER", f"6{NBSP}000", f"6{NBSP}229", "\u2013229"],
    ["TJÄNSTER", f"1{NBSP}015", f"4{NBSP}985", f"{MINUS}3{NBSP}970"],
    ["RESOR, KURSER, TELE, HYRA", "899", "732", "167"],
    ["KAPITALKOSTNADER", f"11{NBSP}728", f"10{NBSP}711", f"1{NBSP}017"],
    ["TOTALT KOSTNADER", f"34{NBSP}559", f"35{NBSP}486", f"{MINUS}927"],
    ["NETTORESULTAT", "0", "823", f"{MINUS}823"],
]


def test_pasted_from_word_is_read_and_clean(tmp_path: Path) -> None:
    path = word_paste(tmp_path / "word.xlsx", WORD_ROWS)
    read = read_table(path)
    assert read.findings == []
    table = read.table
    assert table is not None
    assert table.unit == "tkr"
    assert table.header is not None
    assert table.header.line == 3
    assert table.columns == ("BUDGET 2020", "UTFALL 2020", "AVVIKELSE")
    labels = [r.label for r in table.rows]
    assert "UTRUSTNING OCH" in labels
    wrapped = table.rows[labels.index("UTRUSTNING OCH")]
    assert wrapped.source.line == 11
    assert wrapped.cells[1].value == Decimal(1738)
    assert audit(table, read.declaration).findings == ()


def test_pasted_from_word_with_breaks(tmp_path: Path) -> None:
    rows = [list(r) for r in WORD_ROWS]
    rows[10][3] = "3\u00a0970"  # TJÄNSTER deviation without its minus sign
    rows[13][2] = "35\u00a0468"  # TOTALT KOSTNADER outcome with two digits swapped
    path = word_paste(tmp_path / "word.xlsx", rows)
    findings = audit_file(path)
    got = sorted(codes(findings))
    assert got == [
        ("audit.relation", "error", 13),
        ("audit.relation", "error", 16),
        ("audit.sum", "error", 16),
        ("audit.sum", "error", 16),
        ("audit.sum", "error", 17),
    ]
    by_cell = {(f.code, f.source.line, f.details["column"]): f for f in findings if f.details}
    assert "bytt plats" in by_cell[("audit.sum", 16, "UTFALL 2020")].message
    assert "tecknet på raden 'TJÄNSTER' (rad 13)" in by_cell[("audit.sum", 16, "AVVIKELSE")].message


# --- the command --------------------------------------------------------------


def test_cli_clean_table_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(CASES / "sydnarke-2020-drift.csv")]) == 0
    out = capsys.readouterr().out
    assert "inga brott" in out
    assert "3 summor" in out


def test_cli_real_error_exits_1_and_json_has_details(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "--json", str(CASES / "sydnarke-2020-investering-brott.csv")]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    assert data["tables"][0]["errors"] == 3
    total = next(f for f in data["findings"] if f["code"] == "audit.sum")
    assert total["line"] == 9
    assert total["severity"] == "error"
    assert (total["row"], total["column"]) == ("TOTALT INVESTERAT 2018", "BUDGET 2020")
    assert (total["printed"], total["computed"], total["difference"]) == (10796, 10769, 27)
    assert total["hint"]


def test_cli_rounding_only_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "--json", str(CASES / "brott-avrundning-mnkr.csv")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [f["severity"] for f in data["findings"]] == ["warning"]
    assert data["findings"][0]["difference"] == pytest.approx(0.2)


def test_cli_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["audit", str(tmp_path / "saknas.csv")]) == 1
    assert "finns inte" in capsys.readouterr().out


SEED = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "seed"
    / "arsredovisning-2020-sydnarkes-it-namnd.txt"
)


@pytest.mark.parametrize(
    ("heading", "last"),
    [("DRIFTREDOVISNING", "NETTORESULTAT"), ("INVESTERINGSREDOVISNING", "TOTALT")],
)
def test_the_tables_of_the_reference_text_as_extracted(
    tmp_path: Path, heading: str, last: str
) -> None:
    """The tab-separated tables of the seed text (extracted from the PDF) audit clean."""
    if not SEED.is_file():
        pytest.skip("../shared/seed is not available in this checkout")
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = lines.index(heading)
    end = next(i for i in range(start, len(lines)) if lines[i].startswith(last))
    path = tmp_path / "tabell.txt"
    path.write_text("\n".join(lines[start : end + 1]) + "\n", encoding="utf-8")
    read = read_table(path)
    assert read.table is not None
    assert read.findings == []
    report = audit(read.table, read.declaration)
    assert report.findings == ()
    assert report.sums
    assert report.inferred_relations
