"""Chart blocks → images (matplotlib, Agg backend), for HTML, PDF and Word alike.

Accessibility: the Okabe–Ito palette (safe for the common colour-vision
deficiencies) and, on top of it, a hatching pattern per series and a value
label on every bar, so that no chart depends on colour alone. The alternative
text is the chart's ``alt`` (written with the data in the report model).

Numbers on axes and labels are Swedish: decimal comma, U+2212 minus, U+00A0
between thousands (``styrkort.report.format.number``).

An indicator's small trend chart (kind ``trend``, one per indicator with history) is
drawn by render/sparkline.py, without matplotlib: it is the same PNG in every format.

A chart is drawn once per process: the model's charts are frozen values, so the
PNG is cached by the chart itself and HTML, PDF and DOCX share it.
"""

from __future__ import annotations

import base64
import functools
import io
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from styrkort.report import format as fmt
from styrkort.report.model import Chart

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
SERIES_COLOURS = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
)
SERIES_HATCHES = ("", "///", "...", "xx")
# One colour and one pattern per status, in the order of styrkort.core.goals.Status.
STATUS_STYLE = (
    (OKABE_ITO["bluish_green"], ""),  # uppnått
    (OKABE_ITO["orange"], "///"),  # delvis uppnått
    (OKABE_ITO["vermillion"], "xx"),  # ej uppnått
    ("#BBBBBB", "..."),  # saknar värde
    ("#FFFFFF", "\\\\\\"),  # ej bedömt
)
FONT = ["DejaVu Sans", "Liberation Sans", "sans-serif"]
DPI = 150
WIDTH_IN = 6.7  # about the text width of an A4 page with 2,2 cm margins


def swedish(value: float, decimals: int = 0) -> str:
    """A number as Swedish text, for axes and bar labels."""
    return fmt.number(Decimal(repr(float(value))), decimals)


def _rc() -> Any:
    return {
        "font.family": "sans-serif",
        "font.sans-serif": FONT,
        "font.size": 8.5,
        "axes.unicode_minus": True,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "hatch.linewidth": 0.8,
        "svg.hashsalt": "styrkort",
        "svg.fonttype": "none",
    }


def _wrap(label: str, width: int = 30) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def _floats(values: tuple[Decimal | None, ...]) -> list[float]:
    return [float(v) if v is not None else 0.0 for v in values]


def _axis_formatter(ax: Axes, axis: str = "x", decimals: int = 0) -> None:
    from matplotlib.ticker import FuncFormatter

    formatter = FuncFormatter(lambda v, _pos: swedish(v, decimals))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(formatter)


def _new_figure(height_in: float) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    return fig, ax


def _status_distribution(chart: Chart) -> Figure:
    counts = _floats(chart.series[0][1]) if chart.series else []
    fig, ax = _new_figure(0.45 * len(chart.categories) + 0.9)
    ys = list(range(len(chart.categories)))[::-1]
    for i, (y, n) in enumerate(zip(ys, counts, strict=True)):
        colour, hatch = STATUS_STYLE[i % len(STATUS_STYLE)]
        ax.barh(y, n, color=colour, hatch=hatch, edgecolor="#000000", linewidth=0.6, height=0.65)
        ax.text(n + 0.1, y, f"{swedish(n)} st", va="center", ha="left")
    symbols = _status_symbols()
    labels = [f"{symbols.get(c, '')} {c}".strip() for c in chart.categories]
    ax.set_yticks(ys, labels)
    ax.set_xlim(0, max([*counts, 1.0]) * 1.18 + 0.5)
    ax.set_xlabel(f"Antal indikatorer ({chart.unit})" if chart.unit else "Antal")
    _axis_formatter(ax, "x")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(chart.title, loc="left", fontweight="bold")
    return fig


def _status_symbols() -> dict[str, str]:
    from styrkort.core.goals import Status

    return {s.label: s.symbol for s in Status}


def _budget_vs_outcome(chart: Chart) -> Figure:
    """Grouped horizontal bars per category; the deviation (budget − outcome) printed beside each pair."""
    n = len(chart.categories)
    fig, ax = _new_figure(0.62 * n + 1.2)
    series = [(name, _floats(values)) for name, values in chart.series]
    k = max(len(series), 1)
    height = 0.8 / k
    ys = list(range(n))[::-1]
    span = max([abs(v) for _, vs in series for v in vs] + [1.0])
    for si, (name, values) in enumerate(series):
        offsets = [y + 0.4 - height * (si + 0.5) for y in ys]
        ax.barh(
            offsets,
            values,
            height=height * 0.95,
            color=SERIES_COLOURS[si % len(SERIES_COLOURS)],
            hatch=SERIES_HATCHES[si % len(SERIES_HATCHES)],
            edgecolor="#000000",
            linewidth=0.5,
            label=name,
        )
        for y, v in zip(offsets, values, strict=True):
            ax.text(
                v + span * 0.01 if v >= 0 else v - span * 0.01,
                y,
                swedish(v),
                va="center",
                ha="left" if v >= 0 else "right",
                fontsize=7,
            )
    if len(series) == 2:
        budget, outcome = series[0][1], series[1][1]
        for y, b, o in zip(ys, budget, outcome, strict=True):
            dev = b - o
            sign = "+" if dev > 0 else ""
            ax.text(
                1.0,
                y,
                f"avvikelse {sign}{swedish(dev)}",
                transform=ax.get_yaxis_transform(),
                va="center",
                ha="left",
                fontsize=7,
                fontstyle="italic",
            )
    ax.set_yticks(ys, [_wrap(c, 26) for c in chart.categories])
    lo = min([0.0] + [v for _, vs in series for v in vs])
    ax.set_xlim(lo * 1.25, span * 1.22)
    ax.axvline(0, color="#000000", linewidth=0.6)
    ax.set_xlabel(chart.unit or "")
    _axis_formatter(ax, "x")
    fig.legend(loc="outside lower center", ncols=len(series), frameon=False)
    ax.set_title(chart.title, loc="left", fontweight="bold")
    return fig


def _indicator_vs_target(chart: Chart) -> Figure:
    """Outcome as a hatched bar, target as a black diamond, per indicator; both also written out."""
    n = len(chart.categories)
    fig, ax = _new_figure(0.55 * n + 1.1)
    ys = list(range(n))[::-1]
    outcome_name, outcome = chart.series[0] if chart.series else ("Utfall", ())
    target_name, target = chart.series[1] if len(chart.series) > 1 else ("Målvärde", ())
    values = [float(v) for v in (*outcome, *target) if v is not None]
    decimals = 1 if any(v != int(v) for v in values) else 0
    top = max([*values, 1.0])
    first = True
    for y, o in zip(ys, outcome, strict=False):
        if o is None:
            ax.text(
                0,
                y,
                f" saknar {outcome_name.lower()}",
                va="center",
                ha="left",
                fontsize=7,
                fontstyle="italic",
            )
            continue
        ax.barh(
            y,
            float(o),
            height=0.55,
            color=OKABE_ITO["sky_blue"],
            hatch="///",
            edgecolor="#000000",
            linewidth=0.5,
            label=outcome_name if first else None,
        )
        first = False
    first = True
    for y, t in zip(ys, target, strict=False):
        if t is not None:
            ax.plot(
                [float(t)],
                [y],
                marker="D",
                color="#000000",
                markersize=6,
                linestyle="none",
                label=target_name if first else None,
            )
            first = False
    for y, o, t in zip(ys, outcome, target, strict=False):
        parts = []
        if o is not None:
            parts.append(f"{outcome_name.lower()} {swedish(float(o), decimals)}")
        if t is not None:
            parts.append(f"{target_name.lower()} {swedish(float(t), decimals)}")
        ax.text(
            1.0,
            y,
            ", ".join(parts),
            transform=ax.get_yaxis_transform(),
            va="center",
            ha="left",
            fontsize=7,
        )
    ax.set_yticks(ys, [_wrap(c, 34) for c in chart.categories])
    ax.set_xlim(0, top * 1.1)
    ax.set_xlabel(chart.unit or "")
    _axis_formatter(ax, "x")
    fig.legend(loc="outside lower center", ncols=2, frameon=False)
    ax.set_title(chart.title, loc="left", fontweight="bold")
    return fig


# One colour and one pattern per risk level, lowest first; the level word is printed in every cell.
RISK_STYLE = (
    (OKABE_ITO["bluish_green"], ""),
    (OKABE_ITO["yellow"], "..."),
    (OKABE_ITO["orange"], "///"),
    (OKABE_ITO["vermillion"], "xx"),
)


def _risk_style(index: int, levels: int) -> tuple[str, str]:
    """Spread the levels over the styles, so the lowest is green and the highest vermillion."""
    if levels <= 1:
        return RISK_STYLE[0]
    return RISK_STYLE[round(index * (len(RISK_STYLE) - 1) / (levels - 1))]


def _risk_matrix(chart: Chart) -> Figure:
    """A probability × consequence grid: each cell coloured and hatched by level, with the level word and the count."""
    from matplotlib.patches import Rectangle

    n_rows, n_cols = len(chart.series), len(chart.categories)
    fig, ax = _new_figure(0.62 * n_rows + 1.3)
    order = list(dict.fromkeys(word for row in chart.labels for word in row))
    # levels in the order they first grow along the bottom row and up: lowest first
    order.sort(
        key=lambda w: min(
            (n_rows - i) * (j + 1)
            for i, row in enumerate(chart.labels)
            for j, x in enumerate(row)
            if x == w
        )
    )
    for i, (_, counts) in enumerate(chart.series):
        y = n_rows - 1 - i
        for j, n in enumerate(counts):
            word = chart.labels[i][j] if chart.labels else ""
            colour, hatch = _risk_style(order.index(word), len(order)) if word else ("#FFFFFF", "")
            ax.add_patch(
                Rectangle(
                    (j, y),
                    1,
                    1,
                    facecolor=colour,
                    hatch=hatch,
                    edgecolor="#000000",
                    linewidth=0.6,
                    alpha=0.55,
                )
            )
            k = int(n or 0)
            count = f"{k} risk" + ("er" if k != 1 else "") if k else "–"
            ax.text(
                j + 0.5,
                y + 0.5,
                f"{word.capitalize()}\n{count}",
                ha="center",
                va="center",
                fontweight="bold" if k else "normal",
                bbox={"facecolor": "#FFFFFF", "edgecolor": "none", "alpha": 0.85, "pad": 1.5},
            )
    ax.set_xlim(0, n_cols)
    ax.set_ylim(0, n_rows)
    ax.set_xticks([j + 0.5 for j in range(n_cols)], [_wrap(c, 14) for c in chart.categories])
    ax.set_yticks([n_rows - 1 - i + 0.5 for i in range(n_rows)], [name for name, _ in chart.series])
    ax.set_xlabel("Konsekvens")
    ax.set_ylabel("Sannolikhet")
    ax.tick_params(length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(chart.title, loc="left", fontweight="bold")
    return fig


def _generic(chart: Chart) -> Figure:
    return _budget_vs_outcome(chart)


# Kinds drawn without matplotlib (render/sparkline.py): small, many, and drawn per web request.
SPARKLINE = frozenset({"trend"})

DRAWERS = {
    "status_distribution": _status_distribution,
    "budget_vs_outcome": _budget_vs_outcome,
    "indicator_vs_target": _indicator_vs_target,
    "risk_matrix": _risk_matrix,
}


def draw(chart: Chart) -> Figure:
    """The matplotlib figure of a chart (not attached to pyplot, so nothing global is kept).

    A trend chart has none: it is drawn by render/sparkline.py."""
    import matplotlib

    if chart.kind in SPARKLINE:
        raise ValueError(f"a {chart.kind} chart is drawn by render/sparkline.py, not matplotlib")

    matplotlib.use("Agg", force=False)
    with matplotlib.rc_context(_rc()):
        return DRAWERS.get(chart.kind, _generic)(chart)


def _save(chart: Chart, kind: str) -> bytes:
    if chart.kind in SPARKLINE:
        from styrkort.render import sparkline

        return sparkline.svg(chart) if kind == "svg" else sparkline.png(chart)
    import matplotlib

    matplotlib.use("Agg", force=False)
    with matplotlib.rc_context(_rc()):
        fig = DRAWERS.get(chart.kind, _generic)(chart)
        buf = io.BytesIO()
        # No date in the file: the same chart gives the same bytes.
        meta: dict[str, Any] = {"Title": chart.title, "Description": chart.alt}
        meta.update({"Date": None} if kind == "svg" else {"Software": "Styrkort"})
        fig.savefig(buf, format=kind, metadata=meta)
    return buf.getvalue()


# A municipality's report holds a trend chart per indicator of every board: each chart is drawn
# once per process and shared by HTML and Word (a cache of 64 was drawn twice beyond 64 charts).
@functools.lru_cache(maxsize=4096)
def png(chart: Chart) -> bytes:
    """The chart as PNG bytes (cached per chart)."""
    return _save(chart, "png")


@functools.lru_cache(maxsize=4096)
def svg(chart: Chart) -> bytes:
    """The chart as SVG bytes (text kept as text, ids salted deterministically)."""
    return _save(chart, "svg")


def data_uri(chart: Chart, kind: str = "png") -> str:
    """The chart as a ``data:`` URI for an ``<img src>``."""
    data, mime = (svg(chart), "image/svg+xml") if kind == "svg" else (png(chart), "image/png")
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def write_file(chart: Chart, directory: Path, kind: str = "png") -> Path:
    """Write the chart as ``<id>.png`` (or ``.svg``) into ``directory``; returns the path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{chart.id}.{kind}"
    path.write_bytes(svg(chart) if kind == "svg" else png(chart))
    return path


def pixel_size(chart: Chart) -> tuple[int, int]:
    """Width and height of the PNG in pixels (for placing it at the right size in Word)."""
    data = png(chart)
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
