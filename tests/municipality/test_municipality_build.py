"""``styrkort build`` and ``check`` on the example municipality: four formats, every board's figures
consistent with that board's own report, checks that catch a disagreeing row and a broken total,
a PDF table of contents, an Excel sheet and a Word heading per board, the progress bar."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from styrkort.cli import main
from styrkort.commands._municipality import BoardProgress
from styrkort.core.numbers import parse_decimal
from styrkort.municipality import build_municipality, load_municipality
from styrkort.pipeline import audit_presented_tables, run
from styrkort.report.model import Cell, Report, Row, Table

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "exempel-kommun"
BOARDS = [
    "Kommunstyrelsen",
    "Barn- och utbildningsnämnden",
    "Socialnämnden",
    "Tekniska nämnden",
    "Kultur- och fritidsnämnden",
    "Bygg- och miljönämnden",
    "Överförmyndarnämnden",
    "Valnämnden",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kommun") / "build"
    code = main(["build", str(EXAMPLE), "--out", str(out), "--strict", "--quiet"])
    assert code == 0
    return out


@pytest.fixture(scope="module")
def report() -> Report:
    load = load_municipality(EXAMPLE)
    assert load.ok and load.config is not None
    result = build_municipality(load.config, load.boards, EXAMPLE)
    assert result.report is not None and not result.has_errors
    return result.report


def test_build_writes_the_four_formats(built: Path) -> None:
    assert sorted(p.name for p in built.iterdir()) == [
        "rapport.docx",
        "rapport.html",
        "rapport.pdf",
        "rapport.xlsx",
    ]


def _number(cell: Cell) -> Decimal:
    value = parse_decimal(cell.text)
    assert value is not None, cell.text
    return value


def test_every_boards_row_agrees_with_that_boards_own_report(report: Report) -> None:
    """Each board built alone: its operating table (tkr, ledger signs) against its row."""
    table = report.table("municipality_operating")
    rows = {r.cells[0].text: r for r in table.rows}
    columns = [c.label for c in table.columns]
    load = load_municipality(EXAMPLE)
    assert load.config is not None
    for ref in load.config.boards:
        alone = run(EXAMPLE / ref.workspace).report
        assert alone is not None
        own = {r.cells[0].text: r for r in alone.table("operating").rows}
        budget_col = next(
            i
            for i, c in enumerate(alone.table("operating").columns)
            if c.label.startswith("Budget")
        )
        outcome_col = budget_col + 1
        revenues, costs, net = own["TOTALT INTÄKTER"], own["TOTALT KOSTNADER"], own["NETTORESULTAT"]
        row = rows[ref.name]
        figures = dict(zip(columns[1:], (_number(c) for c in row.cells[1:]), strict=True))
        by_id = {t.id: t for t in alone.tables()}
        if "resultat-kommunbidrag" in by_id:  # the net model: its result against the contribution
            res = {r.cells[0].text: r for r in by_id["resultat-kommunbidrag"].rows}
            assert figures["Kommunbidrag"] == _number(res["Kommunbidrag"].cells[2]), ref.name
            assert figures["Intäkter"] == _number(res["Intäkter"].cells[2]), ref.name
            assert figures["Kostnader"] == -_number(res["Kostnader"].cells[2]), ref.name
            assert figures["Årets resultat"] == _number(res["Årets resultat"].cells[2])
            assert figures["Budgeterat resultat"] == _number(res["Årets resultat"].cells[1])
        else:  # the gross model: the contribution is the net budget, the result its deviation
            assert figures["Kommunbidrag"] == _number(net.cells[budget_col]), ref.name
            assert figures["Intäkter"] == -_number(revenues.cells[outcome_col]), ref.name
            assert figures["Kostnader"] == _number(costs.cells[outcome_col]), ref.name
            assert figures["Årets resultat"] == _number(net.cells[-1]), ref.name
            assert figures["Budgeterat resultat"] == 0
        assert figures["Avvikelse"] == figures["Årets resultat"] - figures["Budgeterat resultat"]
        if "balanskrav" in by_id:
            (balance,) = [r for r in by_id["balanskrav"].rows if r.kind == "total"]
            assert figures["Balanskravsresultat"] == _number(balance.cells[1]), ref.name
        if "resultatoverforing" in by_id:
            carried = next(
                r for r in report.table("municipality_carried").rows if r.cells[0].text == ref.name
            )
            (own_row,) = by_id["resultatoverforing"].rows
            assert [c.text for c in carried.cells[1:]] == [c.text for c in own_row.cells[1:]]
        invested = {r.cells[0].text: r for r in report.table("municipality_investments").rows}
        if "investments" in {t.kind for t in alone.tables()}:
            own_total = alone.table("investments").rows[-1]
            assert [c.text for c in invested[ref.name].cells[1:3]] == [
                c.text for c in own_total.cells[1:3]
            ], ref.name
        else:
            assert ref.name not in invested
        # and its chapter is its own report, re-numbered
        chapter = next(s for s in report.sections if s.title == ref.name)
        titles = [s.title for s in chapter.children]
        assert titles == [s.title for s in alone.sections]
        inner = [t for s in [chapter] for t in _tables(s)]
        assert [t.rows for t in inner] == [t.rows for t in alone.tables()]
        assert all(t.id.startswith(f"{ref.id}-") for t in inner)


def _tables(s):  # type: ignore[no-untyped-def]
    out = [b for b in s.blocks if isinstance(b, Table)]
    for c in s.children:
        out += _tables(c)
    return out


def test_the_municipalitys_tables_pass_the_audit_and_a_broken_total_does_not(
    report: Report,
) -> None:
    assert audit_presented_tables(report) == []
    table = report.table("municipality_operating")
    i = next(i for i, r in enumerate(table.rows) if r.cells[0].text == "Summa nämnder")
    cells = list(table.rows[i].cells)
    cells[4] = Cell("−19 000", "amount", number=Decimal(-19000))  # Årets resultat, was −20 320
    broken_row = Row(tuple(cells), "subtotal")
    broken = replace(table, rows=(*table.rows[:i], broken_row, *table.rows[i + 1 :]))
    sections = tuple(
        replace(s, blocks=tuple(broken if b is table else b for b in s.blocks))
        for s in report.sections
    )
    findings = audit_presented_tables(replace(report, sections=sections))
    assert any(f.code == "audit.sum" and f.severity.value == "error" for f in findings), findings
    # the broken row is named where it is printed
    assert any(f.source.file == "rapport[kommun-driftredovisning]" for f in findings)


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "kommun"
    shutil.copytree(EXAMPLE, dst)
    return dst


def test_check_catches_a_board_row_that_disagrees_and_a_wrong_municipality_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _copy(tmp_path)
    main_file = root / "styrkort.yaml"
    text = main_file.read_text(encoding="utf-8")
    text = text.replace("result: -19000000", "result: -18000000")
    text = text.replace("\nresult: ", "\nresult: 1")  # the stated municipality result
    main_file.write_text(text, encoding="utf-8")
    assert main(["check", str(root)]) == 1
    out = capsys.readouterr().out
    out = out.replace("\u00a0", " ")
    assert (
        "[municipality.board_row] Socialnämnden: kommunens driftredovisning anger resultatet "
        "−18 000 tkr, men nämndens egen rapport visar −19 000 tkr" in out
    )
    assert "[municipality.total]" in out
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("result:"))
    assert f"styrkort.yaml:{line}: fel [municipality.total]" in out


def test_a_board_that_cannot_be_read_stops_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _copy(tmp_path)
    (root / "namnder" / "valnamnden" / "styrkort.yaml").write_text(
        "period: {year: 2022}\n", encoding="utf-8"
    )
    assert main(["build", str(root), "--quiet"]) == 1
    out = capsys.readouterr()
    assert "namnder/valnamnden/styrkort.yaml" in out.out  # located in the board's folder
    assert "[municipality.board_workspace] Valnämndens arbetsyta kunde inte läsas" in out.out
    assert not (root / "build").exists()


def test_the_pdf_table_of_contents_reaches_each_board(built: Path) -> None:
    text = subprocess.run(
        ["pdftotext", "-l", "4", "-layout", str(built / "rapport.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    toc = text[text.index("Innehåll") :] if "Innehåll" in text else text
    for n, name in enumerate(BOARDS, 5):
        assert f"{n} {name}" in toc, name
    from pypdf import PdfReader

    def titles(items: list) -> list[str]:  # type: ignore[type-arg]
        return [t for o in items for t in (titles(o) if isinstance(o, list) else [o.title])]

    outline = titles(PdfReader(built / "rapport.pdf").outline)
    assert all(any(name in title for title in outline) for name in BOARDS), outline


def test_excel_has_a_sheet_per_board(built: Path) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(built / "rapport.xlsx")
    assert all(name in wb.sheetnames for name in BOARDS), wb.sheetnames
    sheet = wb["Socialnämnden"]
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "Driftredovisning (tkr)" in values and "NETTORESULTAT" in values
    assert "Drift per nämnd" in wb.sheetnames


def test_word_has_a_heading_per_board(built: Path) -> None:
    import docx

    doc = docx.Document(str(built / "rapport.docx"))
    headings = [
        p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]
    assert [h for h in headings if h.split(" ", 1)[1] in BOARDS] == [
        f"{n} {name}" for n, name in enumerate(BOARDS, 5)
    ]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_names_the_board_and_the_slowest_step_only_on_a_terminal() -> None:
    tty = _Terminal()
    with BoardProgress(stream=tty, delay=0) as bar:
        bar.step(1, 8, "Kommunstyrelsen", {"läsa arbetsytan": 0.4, "bygga rapporten": 0.2})
        bar.drawn_at = None
        bar.step(2, 8, "Socialnämnden", {"läsa arbetsytan": 1.5})
    shown = tty.getvalue()
    assert "nämnd 1 av 8" in shown and "nämnd 2 av 8" in shown
    assert "långsammast: Socialnämnden, läsa arbetsytan 1,5 s" in shown
    assert shown.endswith("\r")  # the line is cleared when the boards are done
    for stream, quiet in ((_Terminal(), True), (io.StringIO(), False)):
        with BoardProgress(stream=stream, delay=0, quiet=quiet) as bar:
            bar.step(1, 8, "Kommunstyrelsen", {"läsa arbetsytan": 0.4})
        assert stream.getvalue() == ""


def test_the_command_is_quiet_when_not_on_a_terminal(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "styrkort", "check", str(EXAMPLE)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""
    assert done.stdout.strip() == "0 fel, 0 varningar, 0 info"


def test_the_example_is_the_generators_output(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "bench"))
    from gen_kommun import generate_example

    fresh = generate_example(tmp_path / "exempel-kommun")
    files = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    committed = sorted(
        p.relative_to(EXAMPLE) for p in EXAMPLE.rglob("*") if p.is_file() and "build" not in p.parts
    )
    assert files == committed
    for rel in files:
        assert (fresh / rel).read_bytes() == (EXAMPLE / rel).read_bytes(), rel


def test_a_board_missing_from_the_boards_given_stops_the_report() -> None:
    """The web passes the boards' periods; one not given is named, and no half report is built."""
    load = load_municipality(EXAMPLE)
    assert load.config is not None
    result = build_municipality(load.config, load.boards[:-1])
    assert result.report is None
    (missing,) = [f for f in result.findings if f.code == "municipality.board_workspace"]
    assert missing.message.startswith("Valnämnden saknas") and missing.source.line
