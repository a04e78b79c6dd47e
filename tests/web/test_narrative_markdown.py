"""Narrative Markdown (issue 15.8): links, numbered lists, tables and emphasis are shown the
same in the editor's preview, HTML, PDF and Word; what cannot be shown is refused with a
message, never dropped silently."""

from __future__ import annotations

import html
import io
import zipfile
from typing import Any

import pytest

from styrkort.report.model import RichList, RichParagraph, Table
from styrkort.report.narrative import markdown_problems, to_blocks
from styrkort.web import models as m

pytestmark = pytest.mark.django_db

TEXT = """Se **budgeten** och *prognosen* på [kommunens webb](https://kommun.example/budget).

1. Första steget
2. Andra steget

| Projekt | Status |
|---|---|
| E-tjänst | klar |
"""


def test_markdown_becomes_rich_blocks() -> None:
    """Before: link URLs dropped, numbered lists turned into bullets, tables printed raw."""
    blocks = to_blocks(TEXT)
    para, numbered, table = blocks
    assert isinstance(para, RichParagraph)
    assert [(s.text, s.strong, s.em, s.href) for s in para.spans if s.strong or s.em or s.href] == [
        ("budgeten", True, False, ""),
        ("prognosen", False, True, ""),
        ("kommunens webb", False, False, "https://kommun.example/budget"),
    ]
    assert isinstance(numbered, RichList) and numbered.ordered
    assert isinstance(table, Table)
    assert [c.label for c in table.columns] == ["Projekt", "Status"]
    assert [c.text for c in table.rows[0].cells] == ["E-tjänst", "klar"]
    assert markdown_problems(TEXT) == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("![diagram](bild.png)", "Bilder"),
        ("Text <b>fet</b>", "HTML"),
        ("> ett citat", "Citatblock"),
        ("```\nkod\n```", "Kodblock"),
        ("[fil](file:///etc/passwd)", "bara webbadresser"),
    ],
)
def test_what_cannot_be_shown_is_refused_with_a_message(text: str, words: str) -> None:
    assert any(words in p for p in markdown_problems(text))


def _save_text(client: Any, period: m.Period, markdown: str) -> Any:
    sec = period.narrative.first()
    assert sec is not None
    return client.post(
        f"/period/{period.pk}/berattelse/{sec.pk}/",
        {"version": sec.version, "title": sec.title, "markdown": markdown},
    )


def test_the_editor_refuses_unsupported_markdown_inline(
    as_user: Any, example_period: m.Period
) -> None:
    c = as_user("controller")
    resp = _save_text(c, example_period, "Se ![bild](x.png)")
    assert resp.status_code == 422
    page = html.unescape(resp.content.decode())
    assert "Bilder kan inte visas" in page
    assert 'id="felsammanfattning"' in page
    assert "Se ![bild](x.png)" in page  # what was typed is kept


def test_html_pdf_and_word_show_the_same_markup(
    as_user: Any, example_period: m.Period, tmp_path: Any
) -> None:
    c = as_user("controller")
    assert _save_text(c, example_period, TEXT).status_code == 302
    report = c.get(f"/period/{example_period.pk}/rapport/html/").content.decode()
    assert '<a href="https://kommun.example/budget">kommunens webb</a>' in report
    assert "<strong>budgeten</strong>" in report and "<em>prognosen</em>" in report
    assert "<ol><li>Första steget</li><li>Andra steget</li></ol>" in report.replace("\n", "")
    assert '<th scope="col">Projekt</th>' in report and "| Projekt |" not in report
    docx = c.get(f"/period/{example_period.pk}/rapport/docx/")
    if docx.status_code == 200:
        with zipfile.ZipFile(io.BytesIO(docx.content)) as z:
            xml = z.read("word/document.xml").decode()
            rels = z.read("word/_rels/document.xml.rels").decode()
        assert "w:hyperlink" in xml and "https://kommun.example/budget" in rels
        assert "<w:b/>" in xml and "<w:i/>" in xml
        assert "Projekt" in xml and "| Projekt |" not in xml
        assert "w:numId" in xml  # the numbered list is numbered
    pdf = c.get(f"/period/{example_period.pk}/rapport/pdf/")
    if pdf.status_code == 200:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(pdf.content))
        uris = [
            a.get_object().get("/A", {}).get("/URI")
            for page in reader.pages
            for a in page.get("/Annots") or []
        ]
        assert "https://kommun.example/budget" in uris  # a real link, as in HTML and Word
        text = "".join(page.extract_text() for page in reader.pages)
        assert "| Projekt |" not in text and "Första steget" in text
