"""The Word document, asserted through its XML: what Word and a screen reader rely on."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from styrkort.report.model import Report

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
NS = {"w": W, "wp": WP}
NBSP = "\u00a0"
MINUS = "\u2212"
EXAMPLE_TEMPLATE = (
    Path(__file__).resolve().parents[2]
    / "examples"
    / "sydnarke-it-2020"
    / "templates"
    / "mall.docx"
)


def _xml(path: Path, part: str) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(part))


def _text(el: etree._Element) -> str:
    return "".join(el.itertext())


def _paragraphs_by_style(doc: etree._Element) -> list[tuple[str, str]]:
    out = []
    for p in doc.iter(f"{{{W}}}p"):
        style = p.find("w:pPr/w:pStyle", NS)
        out.append(
            (
                style.get(f"{{{W}}}val") if style is not None else "",
                "".join(t.text or "" for t in p.iter(f"{{{W}}}t")),
            )
        )
    return out


@pytest.fixture(scope="module")
def docx_path(built: Path) -> Path:
    return built / "rapport.docx"


@pytest.fixture(scope="module")
def document(docx_path: Path) -> etree._Element:
    return _xml(docx_path, "word/document.xml")


def test_sections_use_words_own_heading_styles(document: etree._Element) -> None:
    headings = [(s, t) for s, t in _paragraphs_by_style(document) if s.startswith("Heading")]
    assert ("Heading1", "1 Verksamheter") in headings
    assert ("Heading2", "1.1 Måluppfyllelse") in headings
    assert ("Heading3", "1.1.1 Nämndmål") in headings
    assert ("Heading2", "1.3 Ekonomi") in headings
    assert ("Heading3", "Driftredovisning") in headings


def test_tables_are_real_tables_with_repeating_header_rows(
    document: etree._Element, report: Report
) -> None:
    tables = document.findall(".//w:tbl", NS)
    assert len(tables) == len(report.tables())
    for tbl, model in zip(tables, report.tables(), strict=True):
        rows = tbl.findall("w:tr", NS)
        assert len(rows) == 1 + len(model.rows)
        assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
        assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows)
        header = [_text(c) for c in rows[0].findall("w:tc", NS)]
        assert header == [c.label for c in model.columns]
        caption = tbl.find("w:tblPr/w:tblCaption", NS)
        assert caption is not None and model.caption in caption.get(f"{{{W}}}val")
    operating = tables[[t.kind for t in report.tables()].index("operating")]
    cells = [[_text(c) for c in r.findall("w:tc", NS)] for r in operating.findall("w:tr", NS)]
    assert ["DRIFTBIDRAG FR KOMMUNER", f"{MINUS}34{NBSP}559", f"{MINUS}34{NBSP}559", "0"] in cells


def test_status_is_symbol_and_word(document: etree._Element) -> None:
    cells = {_text(c) for c in document.iter(f"{{{W}}}tc")}
    assert "◐ Delvis uppnått" in cells
    assert "● Uppnått" in cells


def test_toc_field_updates_on_open(docx_path: Path, document: etree._Element) -> None:
    instructions = [t.text.strip() for t in document.iter(f"{{{W}}}instrText")]
    assert 'TOC \\o "1-3" \\h \\z \\u' in instructions
    settings = _xml(docx_path, "word/settings.xml")
    update = settings.find("w:updateFields", NS)
    assert update is not None and update.get(f"{{{W}}}val") == "true"


def test_charts_are_pictures_with_alternative_text(
    document: etree._Element, report: Report
) -> None:
    descriptions = [d.get("descr") for d in document.iter(f"{{{WP}}}docPr")]
    charts = [b for s in report.walk() for b in s.blocks if type(b).__name__ == "Chart"]
    assert charts and descriptions == [c.alt for c in charts]


def test_language_and_core_properties(docx_path: Path) -> None:
    styles = _xml(docx_path, "word/styles.xml")
    lang = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert lang is not None and lang.get(f"{{{W}}}val") == "sv-SE"
    core = zipfile.ZipFile(docx_path).read("docProps/core.xml").decode()
    assert "<dc:title>Årsredovisning 2020 – Sydnärkes IT-nämnd</dc:title>" in core
    assert "<dc:creator>Sydnärkes IT-nämnd</dc:creator>" in core
    assert "<dc:language>sv-SE</dc:language>" in core


def test_findings_are_not_in_the_circulated_document(
    document: etree._Element, report: Report
) -> None:
    text = _text(document)
    assert "Kontrollresultat" not in text
    assert all(f.code not in text for f in report.findings)


def test_footer_counts_pages(docx_path: Path) -> None:
    with zipfile.ZipFile(docx_path) as z:
        footers = [z.read(n).decode() for n in z.namelist() if re.match(r"word/footer\d+\.xml", n)]
    assert any("Sida " in f and "NUMPAGES" in f and "PAGE" in f for f in footers)


# --- the municipality's own template ------------------------------------------------------


def test_example_template_is_filled(report: Report, tmp_path: Path) -> None:
    from styrkort.render import docx

    assert docx.check_template(EXAMPLE_TEMPLATE) == []
    path = docx.write(report, tmp_path, template=EXAMPLE_TEMPLATE)
    doc = _xml(path, "word/document.xml")
    text = _text(doc)
    assert "{{" not in text and "{%" not in text
    assert "LEKEBERGS KOMMUN" in text  # the template's own content stays
    assert f"Årets resultat: {MINUS}823{NBSP}tkr." in text  # a live figure placeholder
    styles = [s for s, _ in _paragraphs_by_style(doc)]
    assert "Heading1" in styles and "Heading3" in styles
    assert len(doc.findall(".//w:tbl", NS)) == len(report.tables())
    assert all(
        t.find("w:tr/w:trPr/w:tblHeader", NS) is not None for t in doc.findall(".//w:tbl", NS)
    )
    assert [d.get("descr") for d in doc.iter(f"{{{WP}}}docPr")]
    assert 'TOC \\o "1-3" \\h \\z \\u' in [t.text.strip() for t in doc.iter(f"{{{W}}}instrText")]
    header = zipfile.ZipFile(path).read("word/header1.xml").decode()
    assert "Lekebergs kommun · Sydnärkes IT-nämnd" in header


def _template(tmp_path: Path, *paragraphs: str) -> Path:
    from docx import Document

    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    path = tmp_path / "mall.docx"
    doc.save(str(path))
    return path


def test_template_without_the_report_body_is_a_finding(report: Report, tmp_path: Path) -> None:
    from styrkort.render import docx

    path = _template(tmp_path, "{{ titel }}")
    with pytest.raises(docx.TemplateError) as info:
        docx.write(report, tmp_path / "out", template=path)
    [finding] = info.value.findings
    assert finding.code == "word_template.no_body"
    assert finding.source.file == str(path)
    assert "{{p rapport }}" in finding.hint
    assert not (tmp_path / "out" / "rapport.docx").exists()


def test_unknown_placeholder_is_a_finding(tmp_path: Path) -> None:
    from styrkort.render import docx

    path = _template(tmp_path, "{{ kommunalrad }}", "{{p rapport }}")
    [finding] = docx.check_template(path)
    assert finding.code == "word_template.unknown_placeholder"
    assert "{{ kommunalrad }}" in finding.message
    assert "organisation" in finding.hint


def test_unknown_figure_is_a_finding_not_a_crash(report: Report, tmp_path: Path) -> None:
    from styrkort.render import docx

    path = _template(tmp_path, "{{ figurer['finns_inte'] }}", "{{p rapport }}")
    with pytest.raises(docx.TemplateError) as info:
        docx.write(report, tmp_path / "out", template=path)
    [finding] = info.value.findings
    assert finding.code == "word_template.unknown_value"
    assert "finns_inte" in finding.message


def test_file_that_is_not_a_docx_is_a_finding(tmp_path: Path) -> None:
    from styrkort.render import docx

    path = tmp_path / "mall.docx"
    path.write_text("inte ett Word-dokument", encoding="utf-8")
    [finding] = docx.check_template(path)
    assert finding.code == "word_template.unreadable"
    [missing] = docx.check_template(tmp_path / "saknas.docx")
    assert missing.code == "word_template.missing"


def test_build_command_reports_a_bad_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from styrkort.cli import main

    path = _template(tmp_path, "{{ titel }}")
    code = main(
        [
            "build",
            str(EXAMPLE_TEMPLATE.parents[1]),
            "--format",
            "docx",
            "--out",
            str(tmp_path / "out"),
            "--word-template",
            str(path),
        ]
    )
    out = capsys.readouterr()
    assert code == 1
    assert "word_template.no_body" in out.out
    assert "ingen .docx skrevs" in out.err
    assert not (tmp_path / "out" / "rapport.docx").exists()


def test_broken_placeholder_is_a_finding(tmp_path: Path) -> None:
    from styrkort.render import docx

    path = _template(tmp_path, "{% if titel %}", "{{p rapport }}")
    [finding] = docx.check_template(path)
    assert finding.code == "word_template.syntax"
    assert "{{ namn }}" in finding.hint


def test_sections_can_be_placed_one_by_one(report: Report, tmp_path: Path) -> None:
    from styrkort.render import docx

    path = _template(
        tmp_path,
        "Först ekonomin:",
        "{{p avsnitt.ekonomi }}",
        "Sedan målen:",
        "{{p avsnitt.maluppfyllelse }}",
    )
    out = docx.write(report, tmp_path / "out", template=path)
    paragraphs = _paragraphs_by_style(_xml(out, "word/document.xml"))
    texts = [t for _, t in paragraphs]
    assert texts.index("1.3 Ekonomi") < texts.index("1.1 Måluppfyllelse")
    assert "1.2 Verksamhetsberättelse" not in texts


def test_template_without_heading_styles_gets_them_for_the_toc(
    report: Report, tmp_path: Path
) -> None:
    from docx import Document

    from styrkort.render import docx

    doc = Document()
    styles = doc.styles.element
    for style in list(styles):
        if style.get(f"{{{W}}}styleId", "").startswith("Heading"):
            styles.remove(style)
    doc.add_paragraph("{{p rapport }}")
    path = tmp_path / "utan-rubriker.docx"
    doc.save(str(path))
    out = docx.write(report, tmp_path / "out", template=path)
    styles_xml = _xml(out, "word/styles.xml")
    heading = styles_xml.find("w:style[@w:styleId='Heading1']", NS)
    assert heading is not None
    assert heading.find("w:pPr/w:outlineLvl", NS).get(f"{{{W}}}val") == "0"
    assert ("Heading1", "1 Verksamheter") in _paragraphs_by_style(_xml(out, "word/document.xml"))


def test_every_placeholder_is_documented() -> None:
    from styrkort.render import docx

    doc = (Path(__file__).resolve().parents[2] / "docs" / "publication.md").read_text(
        encoding="utf-8"
    )
    for name in docx.PLACEHOLDERS:
        assert re.search(r"\{\{p? " + re.escape(name), doc), f"{name} is not in docs/publication.md"
    for code in (
        "missing",
        "unreadable",
        "syntax",
        "no_body",
        "unknown_placeholder",
        "unknown_value",
    ):
        assert f"word_template.{code}" in doc


# --- the template is filled in a sandbox (issue 18, High 2) -----------------------
# Issue 18, High 2: a Word template is rendered in a sandbox and can run no code.
#
# Before the fix docxtpl rendered with a plain Jinja environment, so a template (which
# comes with a workspace, perhaps from someone else) reached ``os.system`` through
# ``cycler.__init__.__globals__`` or ``__subclasses__()``.

ATTACKS = [
    # the classic escape through a Jinja global's module globals
    "{{ cycler.__init__.__globals__.os.system('touch CANARY') }}",
    # through the report's own values
    "{{ titel.__class__.__mro__[1].__subclasses__() }}",
    "{% for c in titel.__class__.__mro__[1].__subclasses__() %}{% if c.__name__ == 'Popen' %}"
    "{{ c(['touch', 'CANARY']) }}{% endif %}{% endfor %}",
    # str.format reaching attributes
    "{{ '{0.__class__.__mro__}'.format(titel) }}",
    # changing the report's values
    "{{ figurer.clear() }}",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_template_that_reaches_beyond_the_values_is_a_finding_and_runs_nothing(
    report: Report, tmp_path: Path, attack: str
) -> None:
    from styrkort.render import docx

    canary = tmp_path / "pwned"
    path = _template(tmp_path, attack.replace("CANARY", str(canary)), "{{p rapport }}")
    with pytest.raises(docx.TemplateError) as info:
        docx.write(report, tmp_path / "out", template=path)
    [finding] = info.value.findings
    assert finding.code == "word_template.unsafe", finding
    assert "mallen användes inte" in finding.message
    assert not canary.exists()
    assert not (tmp_path / "out" / "rapport.docx").exists()


def test_an_ordinary_template_still_fills(report: Report, tmp_path: Path) -> None:
    from styrkort.render import docx

    path = _template(
        tmp_path,
        "{{ titel }} {{ ar }} {{ figurer | length > 0 }}",
        "{% for k, v in meningar.items() %}{% endfor %}",
        "{{p rapport }}",
    )
    out = docx.write(report, tmp_path / "out", template=path)
    assert out.stat().st_size > 0


def test_an_expression_that_fails_is_a_finding(report: Report, tmp_path: Path) -> None:
    from styrkort.render import docx

    path = _template(tmp_path, "{{ titel + 1 }}", "{{p rapport }}")
    with pytest.raises(docx.TemplateError) as info:
        docx.write(report, tmp_path / "out", template=path)
    [finding] = info.value.findings
    assert finding.code == "word_template.render"
