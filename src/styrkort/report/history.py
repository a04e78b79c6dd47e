"""History in the report: previous-year columns and the trend in the goal tables, a trend
chart per indicator with history, Kolada comparisons, and last year's outcome in the
operating statement. Pure: assessed values in, report-model blocks out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from styrkort.core.assess import IndicatorResult
from styrkort.core.assessed import Assessed
from styrkort.core.history import (
    KoladaSpec,
    Trend,
    comparable,
    in_unit,
    series,
    trend,
    trend_symbol,
)
from styrkort.core.model import Workspace
from styrkort.core.values import Quantity, parse_value
from styrkort.report import format as fmt
from styrkort.report.model import Cell, Chart, Column


def history_years(ws: Workspace) -> list[int]:
    """The earlier years the goal tables print (the last ``history.columns`` years that any
    indicator has an outcome for), oldest first."""
    n = ws.history.columns
    if n <= 0:
        return []
    years = {p.year for g in ws.goals for i in g.indicators for p in i.history}
    return sorted(y for y in years if y < ws.period.year)[-n:]


def has_trends(ws: Workspace) -> bool:
    return ws.history.trend and any(i.history for g in ws.goals for i in g.indicators)


def comparisons(ws: Workspace) -> list[tuple[str, str]]:
    """``(municipality code, name)`` that some indicator compares with, in first-seen order."""
    seen: dict[str, str] = {}
    for g in ws.goals:
        for i in g.indicators:
            if i.kolada is not None:
                for code, name in i.kolada.compare:
                    seen.setdefault(code, name)
    return list(seen.items())


@dataclass(frozen=True, slots=True)
class Layout:
    """What the goal tables print around this year's columns; computed once per report."""

    years: tuple[int, ...]
    trends: bool
    comparisons: tuple[tuple[str, str], ...]


def layout(ws: Workspace) -> Layout:
    return Layout(tuple(history_years(ws)), has_trends(ws), tuple(comparisons(ws)))


def history_columns(lay: Layout) -> list[Column]:
    return [Column(f"Utfall {y}", "value") for y in lay.years]


def trailing_columns(lay: Layout) -> list[Column]:
    cols = [Column("Trend", "text")] if lay.trends else []
    return cols + [Column(f"{name} (Kolada)", "value") for _code, name in lay.comparisons]


def history_cells(r: IndicatorResult, years: Sequence[int]) -> list[Cell]:
    by_year = {p.year: p for p in r.indicator.history}
    cells = []
    for y in years:
        p = by_year.get(y)
        if p is None:
            cells.append(Cell("—", "value"))
            continue
        v = p.value
        number = v.value if isinstance(v, Quantity) else None
        cells.append(Cell(fmt.value(v, p.text), "value", number=number))
    return cells


def trend_of(r: IndicatorResult, year: int) -> tuple[str, Trend | None]:
    """The arrow and the trend word from last year's outcome to this year's."""
    hist = [p for p in r.indicator.history if p.year < year]
    if not hist:
        return "", None
    before = hist[-1].value
    unit = r.indicator.unit
    pair = comparable(before, r.outcome, unit)
    if pair is None:
        return "", None
    arrow = trend_symbol(pair[0], pair[1])
    return arrow, trend(before, r.outcome, r.indicator.direction, unit)


def trend_text(r: IndicatorResult, year: int) -> str:
    """The trend as the goal tables print it: arrow and word (``↘ Förbättring``), the arrow
    alone when the indicator has no direction, empty when there is nothing to compare."""
    arrow, word = trend_of(r, year)
    return f"{arrow} {word.label}" if word is not None else arrow


def trailing_cells(ws: Workspace, r: IndicatorResult, lay: Layout) -> list[Cell]:
    cells = [Cell(trend_text(r, ws.period.year) or "—", "text")] if lay.trends else []
    return cells + [kolada_cell(ws, r.indicator.kolada, code) for code, _ in lay.comparisons]


def empty_trailing(lay: Layout) -> list[Cell]:
    return [Cell("") for _ in trailing_columns(lay)]


def kolada_cell(ws: Workspace, spec: KoladaSpec | None, code: str) -> Cell:
    if spec is None or code not in {c for c, _ in spec.compare}:
        return Cell("—", "value")
    year, value = latest_kolada(ws, spec, code)
    if value is None or year is None:
        return Cell("—", "value")
    shown = fmt.number(value, 1) if value != value.to_integral_value() else fmt.number(value)
    suffix = "" if year == ws.period.year else f" ({year})"
    return Cell(f"{shown}{suffix}", "value", number=value)


def latest_kolada(ws: Workspace, spec: KoladaSpec, code: str) -> tuple[int | None, Decimal | None]:
    """The newest Kolada value for ``code`` up to this year (Kolada publishes with a lag)."""
    for y in sorted(ws.history.kolada_years(spec.kpi), reverse=True):
        if y > ws.period.year:
            continue
        v = ws.history.kolada_value(spec.kpi, code, y, spec.gender)
        if v is not None:
            return y, v
    return None, None


def trend_charts(
    a: Assessed, outcome_texts: dict[str, str], *, only: str | None = None
) -> list[Chart]:
    """One small line chart per indicator with history: the outcome per year (and the Kolada
    comparisons), the figures in the alternative text so no reader depends on the picture.

    The report draws them when the workspace prints trends; ``only`` (an indicator id) draws
    that indicator's chart whatever the setting (the web's indicator page)."""
    ws = a.workspace
    year = ws.period.year
    charts = []
    if only is None and not has_trends(ws):
        return []
    for r in a.indicator_results():
        if only is not None and r.indicator.id != only:
            continue
        ind = r.indicator
        if not ind.history:
            continue
        points = series(ind.history, year, outcome_texts.get(ind.id, ind.outcome))
        values: list[Decimal | None] = []
        for _y, text in points:
            values.append(in_unit(parse_value(text), ind.unit))
        if sum(v is not None for v in values) < 2:
            continue
        years = [y for y, _ in points]
        label = "Prognos" if ws.period.is_interim else "Utfall"
        chart_series: list[tuple[str, tuple[Decimal | None, ...]]] = [(label, tuple(values))]
        alt_parts = [
            f"{y}: {fmt.number(v, keep=True) if v is not None else 'saknas'}"
            for y, v in zip(years, values, strict=True)
        ]
        extra = []
        if ind.kolada is not None:
            for code, name in ind.kolada.compare:
                kv = tuple(
                    ws.history.kolada_value(ind.kolada.kpi, code, y, ind.kolada.gender)
                    for y in years
                )
                if any(v is not None for v in kv):
                    chart_series.append((name, kv))
                    extra.append(
                        f"{name}: "
                        + ", ".join(
                            f"{y} {fmt.number(v, keep=True)}"
                            for y, v in zip(years, kv, strict=True)
                            if v is not None
                        )
                    )
        _arrow, word = trend_of(r, year)
        unit = ind.unit or ""
        alt = (
            f"Linjediagram, {ind.text}{f' ({unit})' if unit else ''}, {label.lower()} per år: "
            + "; ".join(alt_parts)
            + (f". Jämförelse: {'; '.join(extra)}" if extra else "")
            + (f". Trend: {word.value}" if word else "")
            + "."
        )
        charts.append(
            Chart(
                f"trend-{ind.id}",
                "trend",
                f"{ind.text}: utveckling {years[0]}–{years[-1]}",
                alt,
                tuple(str(y) for y in years),
                tuple(chart_series),
                unit,
            )
        )
    return charts


def has_operating_history(ws: Workspace) -> bool:
    last = ws.period.year - 1
    return any(p.year == last for p in ws.history.operating)
