"""The report's own charts on a screen: the Chart blocks of the period's report model, drawn by
``styrkort.render.charts`` exactly as the report draws them (the PNG is cached per chart value,
so the screen and the report share one drawing), with the report's alternative text."""

from __future__ import annotations

from dataclasses import dataclass

from styrkort.report.model import Chart, Report

# The goal-attainment charts: the status counts and the computed indicators against target.
GOAL_KINDS = ("status_distribution", "indicator_vs_target")


@dataclass(frozen=True, slots=True)
class ChartImage:
    id: str
    title: str
    alt: str
    src: str
    """A data: URI of the PNG, as in the report's HTML."""
    width: int
    height: int


def report_charts(
    report: Report | None, section: str = "maluppfyllelse", kinds: tuple[str, ...] = GOAL_KINDS
) -> list[ChartImage]:
    """The charts of ``kinds`` in ``section`` of the report (and its subsections), in order."""
    if report is None:
        return []
    try:
        from styrkort.render import charts
    except ImportError:  # the chart renderer (matplotlib) is optional, as for the report
        return []
    out = []
    for sec in report.walk():
        if sec.id != section:
            continue
        for block in sec.blocks:
            if isinstance(block, Chart) and block.kind in kinds:
                width, height = charts.pixel_size(block)
                out.append(
                    ChartImage(
                        block.id, block.title, block.alt, charts.data_uri(block), width, height
                    )
                )
    return out
