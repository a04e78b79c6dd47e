"""A board whose goals are followed only by activities: its report in HTML, PDF, Word and Excel.

Structure checks as in the other render tests: the judged goal sections, Uppdrag från
fullmäktige and Intern kontroll (traffic lights by symbol and word, the risk matrix as a chart
with alternative text and as a table) appear in every format.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from styrkort.report.model import Chart, Report, Table

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "exempel-aktiviteter-2022"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
NS = {"w": W, "wp": WP}


@pytest.fixture(scope="module")
def report() -> Report:
    from styrkort.pipeline import run

    result = run(EXAMPLE)
    assert result.report is not None
    return result.report


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from styrkort.cli import main

    out = tmp_path_factory.mktemp("followup")
    assert main(["build", str(EXAMPLE), "--out", str(out)]) == 0
    return out


def test_model_has_judged_goal_sections_and_the_new_sections(report: Report) -> None:
    titles = [(s.number, s.title) for s in report.walk()]
    assert ("1.3", "Uppdrag från fullmäktige") in titles
    assert ("1.4", "Intern kontroll") in titles
    goal_tables = [
        t for t in report.tables() if t.kind == "activities" and t.caption.startswith("Nämndmål")
    ]
    assert len(goal_tables) == 3
    last_rows = [t.rows[-1] for t in goal_tables]
    assert [r.kind for r in last_rows] == ["goal"] * 3
    assert [r.cells[-1].status for r in last_rows] == ["uppnått", "delvis uppnått", "ej uppnått"]
    assert [v for k, v in report.sentences.items() if k.startswith("summary.aktiviteter.")] == [
        "4 st aktiviteter är klara",
        "2 st aktiviteter pågår",
        "1 st aktivitet är försenad",
        "1 st aktivitet är ej påbörjad",
        "1 st aktivitet är avbruten",
    ]
    assert report.sentences["summary.basis"].startswith(
        "Uppföljningen av målen baseras på aktiviteterna"
    )
    assert report.sentences["uppdrag.sammanfattning"] == (
        "Av 4 uppdrag från fullmäktige är 2 genomförda, 1 pågår och 1 är ej påbörjat."
    )
    lights = report.table("control_summary")
    assert [(r.cells[0].symbol, r.cells[0].text, r.cells[1].text) for r in lights.rows] == [
        ("●", "Utan anmärkning", "Grön"),
        ("◐", "Avvikelse", "Gul"),
        ("○", "Ej genomförd", "Röd"),
    ]
    chart = next(
        b
        for s in report.walk()
        for b in s.blocks
        if isinstance(b, Chart) and b.kind == "risk_matrix"
    )
    assert "riskvärde 12, hög): 1 risk (Bidrag betalas ut på felaktigt underlag)" in chart.alt
    assert chart.labels[0] == ("låg", "medel", "hög", "hög")  # probability 4 row
    matrix: Table = report.table("risk_matrix")
    assert matrix.rows[1].cells[4].text == "Hög (12): r-bidrag-underlag"


def test_html(built: Path, report: Report) -> None:
    html = (built / "rapport.html").read_text(encoding="utf-8")
    assert "<h2" in html and "Uppdrag från fullmäktige" in html and "Intern kontroll" in html
    chart = next(
        b
        for s in report.walk()
        for b in s.blocks
        if isinstance(b, Chart) and b.kind == "risk_matrix"
    )
    assert f'alt="{chart.alt}"' in html.replace("&#x27;", "'").replace("&quot;", '"')
    assert "Ej genomförd (röd)" in html
    assert "Läsfrämjande besök på alla grundskolor i årskurs 1–3" in html


def test_pdf(built: Path, report: Report) -> None:
    reader = PdfReader(built / "rapport.pdf")
    text = "\n".join(p.extract_text() for p in reader.pages)
    for words in (
        "Uppdrag från fullmäktige",
        "Intern kontroll",
        "Riskmatris",
        "Avvikelser och åtgärder",
    ):
        assert words in text, words
    assert "◐ Delvis uppnått" in text or "◐Delvis uppnått" in text
    root = reader.trailer["/Root"]
    stack, alts = [root["/StructTreeRoot"].get_object()], set()
    while stack:
        n = stack.pop()
        if not isinstance(n, dict):
            continue
        if n.get("/S") == "/Figure":
            alts.add(str(n.get("/Alt", "")))
        kids = n.get("/K")
        for k in (kids if isinstance(kids, list) else [kids]) if kids is not None else []:
            stack.append(k.get_object() if hasattr(k, "get_object") else k)
    chart = next(
        b
        for s in report.walk()
        for b in s.blocks
        if isinstance(b, Chart) and b.kind == "risk_matrix"
    )
    assert chart.alt in alts


def test_docx(built: Path) -> None:
    with zipfile.ZipFile(built / "rapport.docx") as z:
        doc = etree.fromstring(z.read("word/document.xml"))
    text = ["".join(t.text or "" for t in p.iter(f"{{{W}}}t")) for p in doc.iter(f"{{{W}}}p")]
    assert "Uppdrag från fullmäktige" in " ".join(text)
    cells = ["".join(t.text or "" for t in c.iter(f"{{{W}}}t")) for c in doc.iter(f"{{{W}}}tc")]
    assert "● Genomfört" in cells and "○ Ej genomförd (röd)" in cells and "◔ Försenad" in cells
    alts = [d.get("descr") for d in doc.iter(f"{{{WP}}}docPr")]
    assert any(a and a.startswith("Riskmatris med sannolikhet") for a in alts)


def test_xlsx(built: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(built / "rapport.xlsx")
    assert {
        "Aktiviteter",
        "Uppdrag",
        "Intern kontroll",
        "Riskmatris",
        "Riskanalys",
        "Kontroller",
    } <= set(wb.sheetnames)
    acts = wb["Aktiviteter"]
    rows = [[c.value for c in r] for r in acts.iter_rows(min_row=4)]
    assert rows[3][:2] == ["Fler barn och unga läser och lånar böcker", "Bedömning av nämndmålet"]
    assert rows[3][5] == "● Uppnått"
    row = next(
        r
        for r in acts.iter_rows(min_row=4)
        if r[1].value == "Spontanidrottsplats i Norra Exempelstad"
    )
    assert row[4].value == pytest.approx(0.4) and "%" in row[4].number_format  # a share, not text
    up = [[c.value for c in r] for r in wb["Uppdrag"].iter_rows(min_row=4)]
    assert up[3][4] == "○ Ej påbörjat"
