"""Charts: readable without colour, Swedish numbers, alternative texts, images for every format."""

from __future__ import annotations

import base64
import re
from decimal import Decimal
from pathlib import Path

from styrkort.render import charts
from styrkort.report.model import Chart, Report

STATUS = Chart(
    "s",
    "status_distribution",
    "Indikatorernas bedömning",
    "alt",
    ("Uppnått", "Delvis uppnått", "Ej uppnått", "Saknar värde", "Ej bedömt"),
    (("Antal", (Decimal(3), Decimal(2), Decimal(2), Decimal(4), Decimal(0))),),
    "st",
)
BUDGET = Chart(
    "b",
    "budget_vs_outcome",
    "Budget och utfall",
    "alt",
    ("PERSONAL", "TJÄNSTER"),
    (("Budget", (Decimal(12337), Decimal(1015))), ("Utfall", (Decimal(11091), Decimal(4985)))),
    "tkr",
)
INDICATORS = Chart(
    "i",
    "indicator_vs_target",
    "Utfall mot mål",
    "alt",
    ("Sjukfrånvaro", "Svarstid"),
    (("Utfall", (Decimal("6.58"), None)), ("Målvärde", (Decimal(7), Decimal(70)))),
    "%",
)


def _texts(fig: object) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text)]  # type: ignore[attr-defined]


def test_swedish_numbers() -> None:
    assert charts.swedish(-34559) == "\u221234\u00a0559"
    assert charts.swedish(6.58, 1) == "6,6"
    assert charts.swedish(0) == "0"


def test_axis_ticks_are_swedish() -> None:
    fig = charts.draw(BUDGET)
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert "12\u00a0000" in ticks or "10\u00a0000" in ticks
    assert not any("," in t and "." in t for t in ticks)


def test_status_bars_differ_by_pattern_not_only_colour() -> None:
    fig = charts.draw(STATUS)
    bars = [p for p in fig.axes[0].patches if p.get_width() > 0]
    styles = [(p.get_facecolor(), p.get_hatch()) for p in bars]
    assert len({h for _, h in styles}) == len(styles)  # every status has its own hatching
    texts = _texts(fig)
    assert "3 st" in texts and "4 st" in texts  # every bar is labelled with its count
    assert any(t.startswith("●") for t in texts)  # the status symbol, as in the tables


def test_budget_chart_labels_values_and_deviation() -> None:
    texts = _texts(charts.draw(BUDGET))
    assert "12\u00a0337" in texts and "4\u00a0985" in texts
    assert "avvikelse \u22123\u00a0970" in texts and "avvikelse +1\u00a0246" in texts
    hatches = {p.get_hatch() for p in charts.draw(BUDGET).axes[0].patches}
    assert len(hatches) == 2  # budget and outcome differ by pattern too


def test_indicator_chart_shows_outcome_and_target_in_words() -> None:
    texts = _texts(charts.draw(INDICATORS))
    assert "utfall 6,6, målvärde 7,0" in texts
    assert "målvärde 70,0" in texts and " saknar utfall" in texts


def test_palette_is_okabe_ito() -> None:
    assert set(charts.SERIES_COLOURS) <= set(charts.OKABE_ITO.values())


def test_data_uri_is_a_png_and_svg_ids_are_stable() -> None:
    uri = charts.data_uri(STATUS)
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    svg = charts.svg(STATUS).decode()
    ids = re.findall(r'id="([^"]+)"', svg)
    assert len(ids) == len(set(ids))
    assert charts.svg(STATUS) == charts._save(STATUS, "svg")  # deterministic: same chart, same file


def test_write_file(tmp_path: Path) -> None:
    png = charts.write_file(BUDGET, tmp_path)
    svg = charts.write_file(BUDGET, tmp_path, "svg")
    assert png.name == "b.png" and png.read_bytes()[:4] == b"\x89PNG"
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    w, h = charts.pixel_size(BUDGET)
    assert w > 600 and h > 200


def test_report_charts_have_alternative_texts_with_the_data(report: Report) -> None:
    found = [b for s in report.walk() for b in s.blocks if isinstance(b, Chart)]
    assert {c.kind for c in found} >= {"status_distribution", "budget_vs_outcome"}
    for chart in found:
        assert chart.alt and chart.alt != chart.title
        assert re.search(r"\d", chart.alt)


def test_computed_indicators_get_an_outcome_against_target_chart() -> None:
    from styrkort.pipeline import run

    example = Path(__file__).resolve().parents[2] / "examples" / "exempel-delar-2021"
    report = run(example).report
    assert report is not None
    found = [
        b
        for s in report.walk()
        for b in s.blocks
        if isinstance(b, Chart) and b.kind == "indicator_vs_target"
    ]
    assert found, "the interim example computes indicators from data files"
    chart = found[0]
    names = [name for name, _ in chart.series]
    assert names == ["Prognos", "Målvärde"]
    assert len(chart.categories) == len(chart.series[0][1]) == len(chart.series[1][1])
    assert chart.categories[0] in chart.alt and "målvärde" in chart.alt
    texts = _texts(charts.draw(chart))
    assert any(t.startswith("prognos ") and "målvärde" in t for t in texts)


def test_the_2020_example_has_no_computed_indicators_so_no_such_chart(report: Report) -> None:
    assert not [
        b
        for s in report.walk()
        for b in s.blocks
        if isinstance(b, Chart) and b.kind == "indicator_vs_target"
    ]


def test_chart_ids_are_unique_in_a_report() -> None:
    from styrkort.pipeline import run

    example = Path(__file__).resolve().parents[2] / "examples" / "exempel-delar-2021"
    report = run(example).report
    assert report is not None
    ids = [b.id for s in report.walk() for b in s.blocks if isinstance(b, Chart)]
    assert len(ids) == len(set(ids)) >= 4
