"""The HTML rendering: screen and print variants of the same document."""

from __future__ import annotations

import re

from styrkort.render.html import render_html
from styrkort.render.pdf import print_html
from styrkort.report.model import Report


def test_screen_html_keeps_the_findings_appendix(report: Report) -> None:
    html = render_html(report)
    assert 'id="h-findings">Kontrollresultat' in html
    assert "report.css" not in html and "@page" not in html


def test_print_html_has_no_findings_and_the_print_stylesheet(report: Report) -> None:
    html = print_html(report)
    assert "Kontrollresultat" not in html
    assert "target-counter(attr(href), page)" in html
    assert '"Sida " counter(page) " av " counter(pages)' in html
    assert '<html lang="sv">' in html
    assert '<meta name="author" content="Sydnärkes IT-nämnd">' in html


def test_charts_are_images_with_alt_text(report: Report) -> None:
    html = render_html(report)
    imgs = re.findall(r'<img src="data:image/png;base64,[^"]+" alt="([^"]+)"', html)
    assert len(imgs) == 2
    assert "<svg" not in html  # inline SVG from matplotlib would repeat element ids


def test_tables_keep_caption_and_header_scopes(report: Report) -> None:
    html = render_html(report)
    assert html.count("<caption>") == len(report.tables()) + 1  # + the findings table
    assert 'scope="col"' in html and 'scope="row"' in html
    assert '<span class="symbol" aria-hidden="true">◐</span> Delvis uppnått' in html
