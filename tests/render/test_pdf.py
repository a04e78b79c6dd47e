"""The published PDF, as a reader and a screen reader see it: text, pages, tags, bookmarks, metadata."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from styrkort.report.model import Report

NBSP = "\u00a0"
MINUS = "\u2212"


def _obj(x: Any) -> Any:
    return x.get_object() if hasattr(x, "get_object") else x


def _struct_elements(node: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    stack = [_obj(node)]
    while stack:
        n = stack.pop()
        if not isinstance(n, dict):
            continue
        if "/S" in n:
            out.append(n)
        kids = n.get("/K")
        if kids is None:
            continue
        for k in kids if isinstance(kids, list) else [kids]:
            stack.append(_obj(k))
    return out


def test_cover_comes_first_without_running_header(pdf_layout_pages: list[str]) -> None:
    cover = pdf_layout_pages[0]
    assert "Sydnärkes IT-nämnd" in cover
    assert "Årsredovisning 2020 för Lekebergs kommun" in cover
    assert "Sida 1 av" not in cover


def test_every_later_page_has_header_and_footer(pdf_layout_pages: list[str]) -> None:
    total = len(pdf_layout_pages)
    assert total >= 4
    for number, page in enumerate(pdf_layout_pages[1:], 2):
        assert f"Sida {number} av {total}" in page
        first_line = next(line for line in page.splitlines() if line.strip())
        assert "Sydnärkes IT-nämnd" in first_line and "Årsredovisning 2020" in first_line


def test_table_of_contents_has_page_numbers(pdf_layout_pages: list[str]) -> None:
    toc = pdf_layout_pages[1]
    assert "Innehållsförteckning" in toc
    entries = dict(re.findall(r"(\d(?:\.\d)*\s\S[^.\n]*?)\s*\.{3,}\s*(\d+)", toc))
    assert set(entries) >= {
        "1 Verksamheter",
        "1.1 Måluppfyllelse",
        "1.2 Verksamhetsberättelse",
        "1.3 Ekonomi",
    }
    # Each entry's page number is the page the heading is really on.
    for title, page in entries.items():
        body = pdf_layout_pages[int(page) - 1]
        assert title in body, f"{title!r} not on page {page}"


def test_headings_tables_and_numbers_as_a_reader_sees_them(pdf_pages_text: list[str]) -> None:
    text = "\n".join(pdf_pages_text)
    for heading in (
        "1 Verksamheter",
        "1.1 Måluppfyllelse",
        "1.1.1 Nämndmål",
        "1.2 Verksamhetsberättelse",
        "1.3 Ekonomi",
        "Driftredovisning",
        "Investeringsredovisning",
    ):
        assert heading in text
    assert f"{MINUS}34{NBSP}559" in text
    assert f"823{NBSP}tkr" in text
    assert f"Askersund 227{NBSP}tkr" in text
    assert "NETTORESULTAT" in text
    assert "◐ Delvis uppnått" in text and "● Uppnått" in text


def test_findings_appendix_is_not_published(pdf_pages_text: list[str], report: Report) -> None:
    assert report.findings, "the example has findings; the test needs some to be meaningful"
    text = "\n".join(pdf_pages_text)
    assert "Kontrollresultat" not in text
    assert report.findings[0].code not in text


def _row_line(page: str, texts: list[str]) -> bool:
    """True when one line of the page holds all the row's cell texts, in order."""
    pattern = r"\s*".join(re.escape(t) for t in texts if t)
    return any(re.search(pattern, line) for line in page.splitlines())


def test_rows_of_the_example_stay_whole(pdf_pages_text: list[str], report: Report) -> None:
    for table in report.tables():
        if table.kind == "goal":
            continue
        for row in table.rows:
            texts = [c.text for c in row.cells]
            assert any(_row_line(p, texts) for p in pdf_pages_text), (
                f"{table.caption}: row {texts[0]!r} is not whole on one page"
            )


def _long_report(rows: int) -> Report:
    from decimal import Decimal

    from styrkort.report.model import Cell, Column, Row, Section, Table

    table = Table(
        "lang",
        "En lång tabell",
        (
            Column("Konto"),
            Column("Text"),
            Column("Budget 2020", "amount", "tkr"),
            Column("Utfall 2020", "amount", "tkr"),
        ),
        tuple(
            Row(
                (
                    Cell(f"K{i:04d}", "label"),
                    Cell(
                        f"Rad {i} med en text som är lång nog att brytas på två rader i en smal kolumn "
                        * (1 + i % 2)
                    ),
                    Cell(f"{i}{NBSP}000", "amount", number=Decimal(i * 1000)),
                    Cell(f"{MINUS}{i}", "amount", number=Decimal(-i)),
                )
            )
            for i in range(1, rows + 1)
        ),
        unit="tkr",
    )
    return Report(
        "Testrapport",
        "Testnämnden",
        "Testkommun",
        "2020",
        2020,
        (Section("a", "1", "Avsnitt", (table,)),),
    )


def test_long_table_repeats_its_header_and_never_splits_a_row() -> None:
    from styrkort.render.pdf import render_pdf

    report = _long_report(90)
    data = render_pdf(report)
    import io

    pages = [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]
    table = report.tables()[0]
    header = [c.label for c in table.columns]
    pages_with_rows = [i for i, p in enumerate(pages) if re.search(r"K\d{4}", p)]
    assert len(pages_with_rows) >= 3, (
        "the table must cross page breaks for the test to mean anything"
    )
    for i in pages_with_rows:
        # Header cells may wrap ("Budget / 2020"); what matters is that they are all there, in order.
        assert " ".join(header) in " ".join(pages[i].split()), f"header row missing on page {i + 1}"
    for row in table.rows:
        label, amount = row.cells[0].text, row.cells[2].text
        homes = [p for p in pages if re.search(re.escape(label) + r"\b", p)]
        assert len(homes) == 1, f"row {label} on {len(homes)} pages"
        assert amount in homes[0]


def test_pdf_ua_structure(pdf_path: Path) -> None:
    reader = PdfReader(pdf_path)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    kinds = [e["/S"] for e in _struct_elements(root["/StructTreeRoot"])]
    for tag in ("/Table", "/TH", "/TD", "/THead", "/Caption", "/H2", "/H3", "/Figure", "/L", "/LI"):
        assert tag in kinds, tag
    metadata = reader.metadata
    assert metadata is not None
    assert metadata.title == "Årsredovisning 2020 – Sydnärkes IT-nämnd"
    assert metadata.author == "Sydnärkes IT-nämnd"
    assert b"pdfuaid" in bytes(_obj(root["/Metadata"]).get_data())


def test_charts_have_alternative_texts(pdf_path: Path, report: Report) -> None:
    root = PdfReader(pdf_path).trailer["/Root"]
    figures = [e for e in _struct_elements(root["/StructTreeRoot"]) if e["/S"] == "/Figure"]
    alts = {str(f.get("/Alt", "")) for f in figures}
    charts = [b for s in report.walk() for b in s.blocks if type(b).__name__ == "Chart"]
    assert charts
    for chart in charts:
        assert chart.alt in alts


def test_bookmarks_follow_the_headings(pdf_path: Path) -> None:
    reader = PdfReader(pdf_path)

    def titles(items: list[Any], depth: int = 0) -> list[tuple[int, str]]:
        out: list[tuple[int, str]] = []
        for item in items:
            if isinstance(item, list):
                out += titles(item, depth + 1)
            else:
                out.append((depth, item.title))
        return out

    marks = titles(reader.outline)
    names = [t for _, t in marks]
    assert "1 Verksamheter" in names and "1.3 Ekonomi" in names
    depth = {t: d for d, t in marks}
    assert depth["1.1 Måluppfyllelse"] == depth["1 Verksamheter"] + 1
    assert depth["1.1.1 Nämndmål"] == depth["1.1 Måluppfyllelse"] + 1


def test_pages_render_as_images(pdf_images: list[Path]) -> None:
    from PIL import Image

    assert len(pdf_images) == 3
    for path in pdf_images:
        with Image.open(path) as im:
            w, h = im.size
            assert abs(h / w - 297 / 210) < 0.02  # A4 portrait
            extrema = im.convert("L").getextrema()
            assert extrema[0] < 100 < extrema[1], f"{path.name} looks blank"


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx", "xlsx"])
def test_build_writes_every_format_by_default(built: Path, fmt: str) -> None:
    path = built / f"rapport.{fmt}"
    assert path.is_file() and path.stat().st_size > 1000


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the PDF child is forked on Linux")
def test_a_crashed_pdf_child_is_replaced_by_laying_out_here(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, report: Report
) -> None:
    from styrkort.render import pdf

    def crash(*args: Any) -> None:
        os._exit(1)  # dies without a word, as on a segmentation fault

    monkeypatch.setattr(pdf, "_lay_out_in_child", crash)
    path = pdf.start(report, tmp_path)()
    assert path.read_bytes().startswith(b"%PDF-")
    assert len(PdfReader(path).pages) > 5


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the PDF child is forked on Linux")
def test_an_error_in_the_pdf_child_is_reported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, report: Report
) -> None:
    from styrkort.render import pdf

    def fail(html_in: Any, done: Any, path: str, *rest: Any) -> None:
        done.send((False, "ValueError: trasig layout"))

    monkeypatch.setattr(pdf, "_lay_out_in_child", fail)
    with pytest.raises(RuntimeError, match="PDF:en kunde inte skrivas: ValueError: trasig layout"):
        pdf.start(report, tmp_path)()
