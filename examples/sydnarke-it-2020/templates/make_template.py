"""Make mall.docx: an example of a municipality's own Word template for `styrkort build --format docx`.

Run from the repository root:  .venv/bin/python examples/sydnarke-it-2020/templates/make_template.py

The template has the municipality's look (fonts, colours of Word's own
heading styles, a header and footer) and the placeholders docxtpl fills in
(docs/publication.md lists them all):

    {{ titel }} {{ organisation }} {{ kommun }} {{ period }} {{ ar }}
    {{p innehallsforteckning }}   a table-of-contents field, in its own paragraph
    {{p rapport }}                the whole report, in its own paragraph
    {{ figurer['resultat'] }}     one live figure
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
GREEN = RGBColor(0x1F, 0x5C, 0x3A)


def make(path: Path) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.5)
    normal = doc.styles["Normal"]
    normal.font.name = "Liberation Serif"
    normal.font.size = Pt(11)
    for level, size in ((1, 20), (2, 15), (3, 12.5), (4, 11)):
        style = doc.styles[f"Heading {level}"]
        style.font.name = "Liberation Sans"
        style.font.size = Pt(size)
        style.font.color.rgb = GREEN
    doc.styles["Title"].font.color.rgb = GREEN

    section.different_first_page_header_footer = True
    section.header.paragraphs[0].text = "Lekebergs kommun · {{ organisation }}"
    footer = section.footer.paragraphs[0]
    footer.text = "{{ titel }} · {{ period }}"
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER

    logo = doc.add_paragraph()
    run = logo.add_run("LEKEBERGS KOMMUN")
    run.bold = True
    run.font.color.rgb = GREEN
    run.font.size = Pt(14)
    doc.add_paragraph("{{ titel }}", style="Title")
    doc.add_paragraph("{{ organisation }}", style="Subtitle")
    doc.add_paragraph("Period: {{ period }}. Värdkommun: {{ kommun }}.")
    doc.add_paragraph("Årets resultat: {{ figurer['resultat'] }}.")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph("{{p innehallsforteckning }}")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph("{{p rapport }}")
    doc.add_paragraph("Rapporten är framtagen med Styrkort ur nämndens uppföljningsdata.")
    doc.core_properties.title = "Lekebergs kommun – rapportmall"
    doc.core_properties.author = "Lekebergs kommun"
    doc.save(str(path))
    return path


if __name__ == "__main__":
    print(make(HERE / "mall.docx"))
