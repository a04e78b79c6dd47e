"""Report model → tagged PDF (PDF/UA-1) with WeasyPrint.

The PDF is the HTML rendering with the print stylesheet (``templates/print.css``):
a cover, a table of contents whose page numbers come from CSS
``target-counter``, a running header (organisation, report) and footer
("Sida X av Y"), table header rows repeated on every page and rows never split.
Headings become the PDF's bookmarks; ``<html lang="sv">``, ``<title>`` and
``<meta name="author">`` become the document language, title and author.

The findings appendix (Kontrollresultat) is for the people preparing the
report and is never part of the published PDF.
"""

from __future__ import annotations

from pathlib import Path

from styrkort.render.html import render_html
from styrkort.report.model import Report

PDF_VARIANT = "pdf/ua-1"
FILENAME = "rapport.pdf"


def print_html(report: Report) -> str:
    """The HTML that is laid out as the PDF (print stylesheet, no findings)."""
    return render_html(report, show_findings=False, for_print=True)


def html_to_pdf(html: str) -> bytes:
    """Lay out print HTML as a PDF/UA-1 document (WeasyPrint)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(Path.cwd()))
    data = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, uncompressed_pdf=False)
    assert data is not None
    return bytes(data)


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes."""
    return html_to_pdf(print_html(report))


def write(report: Report, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILENAME
    path.write_bytes(render_pdf(report))
    return path
