"""The small trend chart (render/sparkline.py): readable without colour, Swedish numbers,
the same drawing as PNG and SVG, cheap enough to draw one per indicator."""

from __future__ import annotations

import dataclasses
import io
import time
from decimal import Decimal
from pathlib import Path

import pytest

from styrkort.render import charts, sparkline
from styrkort.report.model import Chart

TREND = Chart(
    "trend-sjukfranvaro",
    "trend",
    "Sjukfrånvaro: utveckling 2018–2020",
    "Linjediagram, Sjukfrånvaro (%), utfall per år: 2018: 7,4; 2019: 7,1; 2020: 6,8.",
    ("2018", "2019", "2020"),
    (
        ("Utfall", (Decimal("7.4"), Decimal("7.1"), Decimal("6.8"))),
        ("Riket", (Decimal("7.4"), Decimal("7.3"), None)),
        ("Laxå", (None, Decimal("-1.5"), Decimal("2"))),
    ),
    "%",
)


def _texts(chart: Chart) -> list[str]:
    return [s.text for s in sparkline.layout(chart).shapes if isinstance(s, sparkline.Text)]


def test_every_value_of_the_indicator_is_written_with_its_unit_in_swedish() -> None:
    texts = _texts(TREND)
    assert "7,4\u00a0%" in texts and "7,1\u00a0%" in texts and "6,8\u00a0%" in texts
    assert [t for t in texts if t.isdigit()] == ["2018", "2019", "2020"]
    negative = Chart("t", "trend", "Budget", "alt", ("2019", "2020"),
                     (("Utfall", (Decimal(-823), Decimal(0))),), "tkr")  # fmt: skip
    assert "\u2212823\u00a0tkr" in _texts(negative)


def test_series_differ_by_marker_and_dash_not_only_colour_and_a_legend_names_them() -> None:
    shapes = sparkline.layout(TREND).shapes
    lines = [s for s in shapes if isinstance(s, sparkline.Line) and s.colour != sparkline.INK]
    markers = {(m.colour, m.shape) for m in shapes if isinstance(m, sparkline.Marker)}
    dashes = {(ln.colour, ln.dash) for ln in lines}
    assert len({d for _, d in dashes}) == 3 and len({m for _, m in markers}) == 3
    assert {"Utfall", "Riket", "Laxå"} <= set(_texts(TREND))


def test_one_series_has_no_legend() -> None:
    one = dataclasses.replace(TREND, series=TREND.series[:1])
    assert "Utfall" not in _texts(one)


def test_a_long_title_wraps_inside_the_picture() -> None:
    long = dataclasses.replace(TREND, title="Nämnderna och styrelsen håller sin budgetram " * 3)
    d = sparkline.layout(long)
    titles = [s for s in d.shapes if isinstance(s, sparkline.Text) and s.bold]
    assert len(titles) == 2
    for t in titles:
        assert sparkline._text_width(t.text, t.pt, bold=True) <= d.width - 2 * t.x


def test_png_and_svg_are_the_same_drawing_with_the_alternative_text() -> None:
    from PIL import Image

    png = charts.png(TREND)
    image = Image.open(io.BytesIO(png))
    d = sparkline.layout(TREND)
    assert image.size == (d.width, d.height)
    assert image.text["Description"] == TREND.alt  # type: ignore[attr-defined]
    assert charts.pixel_size(TREND) == (d.width, d.height)
    svg = charts.svg(TREND).decode()
    assert f'width="{d.width}" height="{d.height}"' in svg
    assert f"<desc>{TREND.alt}</desc>" in svg
    assert "7,1\u00a0%" in svg and "Riket" in svg
    assert charts._save(TREND, "png") == png  # deterministic: same chart, same bytes


def test_matplotlib_does_not_draw_a_trend_chart() -> None:
    with pytest.raises(ValueError, match="sparkline"):
        charts.draw(TREND)


def test_dashes_cover_a_polyline_in_pieces() -> None:
    pieces = sparkline._dashes(((0, 0), (40, 0)), (10, 5))
    assert pieces == [[(0, 0), (10.0, 0.0)], [(15.0, 0.0), (25.0, 0.0)], [(30.0, 0.0), (40, 0)]]
    assert sparkline._dashes(((0, 0), (5, 0)), ()) == [[(0, 0), (5, 0)]]


def test_a_trend_chart_is_cheap() -> None:
    """One per indicator in the report and one per web indicator page: matplotlib took
    ~60 ms; the direct drawing ~10 ms (bound loose for a loaded machine)."""
    sparkline.png(TREND)
    t0 = time.perf_counter()
    for _ in range(5):
        sparkline.png(TREND)
    assert (time.perf_counter() - t0) / 5 < 0.1


def test_html_pdf_and_word_share_one_drawing_of_each_trend_chart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from styrkort.pipeline import run
    from styrkort.render import docx, html, pdf

    report = run(Path(__file__).resolve().parents[1] / "data" / "fem-ar-2020").report
    assert report is not None
    drawn: list[str] = []
    real = sparkline.png

    def counting(chart: Chart) -> bytes:
        drawn.append(chart.id)
        return real(chart)

    monkeypatch.setattr(sparkline, "png", counting)
    charts.png.cache_clear()
    page = html.render_html(report)
    printed = pdf.print_html(report)
    docx.write(report, tmp_path)
    trends = [
        b for s in report.walk() for b in s.blocks if isinstance(b, Chart) and b.kind == "trend"
    ]
    assert trends and sorted(drawn) == sorted(c.id for c in trends)  # each once
    uri = charts.data_uri(trends[0])
    assert uri in page and uri in printed
