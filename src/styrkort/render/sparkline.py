"""The small trend chart of an indicator (a chart of kind ``trend``), drawn without matplotlib.

A report prints one per indicator with history, and the web draws one per indicator page,
so the drawing must be cheap: matplotlib spent about 60 ms on each (two layout passes and a
text engine built for large figures), which made a report with three years of history a
quarter slower than one with a single year (docs/performance.md, "History"). This module
lays the chart out once as a short list of shapes (lines, markers, texts) and writes that
list either as a PNG with Pillow (drawn at twice the size and reduced, so lines are smooth;
about 10 ms) or as SVG text. HTML, PDF and Word all show the PNG, so they show the same chart.

What makes it readable without colour: every value of the indicator is written above its
point (with the unit); each further series (a Kolada comparison) has its own marker shape
and dash pattern besides its colour, and a legend names it. The alternative text (the
chart's ``alt``) carries every figure.
"""

from __future__ import annotations

import functools
import io
import itertools
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from styrkort.report import format as fmt
from styrkort.report.model import Chart

if TYPE_CHECKING:
    from PIL import ImageFont

DPI = 150
WIDTH_IN = 6.7  # as the other charts (render/charts.py): the text width of an A4 page
SCALE = 2  # drawn at twice the size, then reduced: smooth lines without an anti-aliasing engine
# (colour, dash pattern in px, marker) per series; the first is the indicator's own outcome.
# Okabe & Ito colours, as in render/charts.py.
STYLES = (
    ("#0072B2", (), "o"),
    ("#D55E00", (12, 7), "s"),
    ("#009E73", (3, 5), "^"),
    ("#E69F00", (12, 5, 3, 5), "D"),
)
TITLE_PT, LABEL_PT = 8.5, 7.0
INK = "#000000"


class Line(NamedTuple):
    points: tuple[tuple[float, float], ...]
    colour: str
    width: float
    dash: tuple[int, ...] = ()


class Marker(NamedTuple):
    x: float
    y: float
    shape: str  # o s ^ D
    colour: str
    radius: float


class Text(NamedTuple):
    x: float
    y: float  # the baseline
    text: str
    pt: float
    bold: bool = False
    anchor: str = "middle"  # start, middle or end (SVG's names)
    halo: bool = False  # a white outline, so a line crossing the text leaves it readable


Shape = Line | Marker | Text


class Drawing(NamedTuple):
    width: int
    height: int
    shapes: tuple[Shape, ...]


def _px(pt: float) -> float:
    return pt * DPI / 72


@functools.cache
def _font_file(bold: bool) -> str:
    """DejaVu Sans, the first choice of render/charts.py's font list; matplotlib ships it."""
    import matplotlib

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name)


@functools.cache
def _font(pt: float, bold: bool, scale: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(_font_file(bold), round(_px(pt) * scale))


def _text_width(text: str, pt: float, bold: bool = False) -> float:
    return _font(pt, bold, SCALE).getlength(text) / SCALE


def _wrap(text: str, pt: float, room: float) -> list[str]:
    """Words in lines no wider than ``room`` pixels (bold, as the title)."""
    lines: list[str] = []
    for word in text.split():
        if lines and _text_width(f"{lines[-1]} {word}", pt, bold=True) <= room:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [text]


def _label(value: Decimal, decimals: int, unit: str) -> str:
    text = fmt.number(value, decimals)
    return f"{text}\u00a0{unit}" if unit else text


def layout(chart: Chart) -> Drawing:
    """The chart as shapes in pixels at 150 dpi: the title, the indicator's line with every
    value written above its point, further series as dashed lines with their own markers, the
    years under the axis, and a legend when there is more than one series."""
    width = round(WIDTH_IN * DPI)
    pad = 12.0
    title_lines = _wrap(chart.title, TITLE_PT, width - 2 * pad)
    title_h = _px(TITLE_PT) * 1.3
    label_h = _px(LABEL_PT) * 1.3
    series = [(name, values) for name, values in chart.series if any(v is not None for v in values)]
    legend = len(series) > 1
    top = pad + title_h * len(title_lines) + 6 + label_h + 6  # room for the value labels
    plot_h = 150.0
    bottom = top + plot_h
    height = round(bottom + 8 + label_h + (label_h + 10 if legend else 0) + pad)
    left, right = 60.0, width - 60.0
    n = max(len(chart.categories), 1)
    band = (right - left) / n
    xs = [left + band * (i + 0.5) for i in range(n)]
    values = [v for _, vs in series for v in vs if v is not None]
    decimals = 1 if any(v != v.to_integral_value() for v in values) else 0
    low, high = (float(min(values)), float(max(values))) if values else (0.0, 1.0)
    span = (high - low) * 0.25 or abs(high) * 0.1 or 1.0
    low, high = low - span, high + span

    def y_of(v: Decimal) -> float:
        return bottom - (float(v) - low) / (high - low) * plot_h

    shapes: list[Shape] = []
    y = pad + _px(TITLE_PT)
    for line in title_lines:
        shapes.append(Text(pad, y, line, TITLE_PT, bold=True, anchor="start"))
        y += title_h
    shapes.append(Line(((left, bottom + 4), (right, bottom + 4)), INK, 1.2))
    for x, year in zip(xs, chart.categories, strict=False):
        shapes.append(Line(((x, bottom + 4), (x, bottom + 9)), INK, 1.2))
        shapes.append(Text(x, bottom + 9 + _px(LABEL_PT) * 1.1, year, LABEL_PT))
    # comparisons first, the indicator's own line on top, its value labels (haloed) last
    for i in reversed(range(len(series))):
        colour, dash, marker = STYLES[i % len(STYLES)]
        points = [(x, v) for x, v in zip(xs, series[i][1], strict=False) if v is not None]
        shapes.append(Line(tuple((x, y_of(v)) for x, v in points), colour, 2.9, dash))
        for x, v in points:
            shapes.append(Marker(x, y_of(v), marker, colour, 5.0))
    for x, value in zip(xs, series[0][1] if series else (), strict=False):
        if value is not None:
            label = _label(value, decimals, chart.unit)
            shapes.append(Text(x, y_of(value) - 11, label, LABEL_PT, halo=True))
    if legend:
        entries = [(STYLES[i % len(STYLES)], name) for i, (name, _) in enumerate(series)]
        sample = 34.0
        widths = [sample + 6 + _text_width(name, LABEL_PT) for _, name in entries]
        total = sum(widths) + 24 * (len(widths) - 1)
        x = (width - total) / 2
        y = height - pad - 4
        for ((colour, dash, marker), name), w in zip(entries, widths, strict=True):
            mid = y - _px(LABEL_PT) * 0.35
            shapes.append(Line(((x, mid), (x + sample, mid)), colour, 2.9, dash))
            shapes.append(Marker(x + sample / 2, mid, marker, colour, 5.0))
            shapes.append(Text(x + sample + 6, y, name, LABEL_PT, anchor="start"))
            x += w + 24
    return Drawing(width, height, tuple(shapes))


# --- PNG (Pillow) ---------------------------------------------------------------------------


def _dashes(
    points: tuple[tuple[float, float], ...], pattern: tuple[int, ...]
) -> list[list[tuple[float, float]]]:
    """The visible pieces of a polyline drawn with a dash pattern (on, off, on, off …)."""
    if not pattern:
        return [list(points)]
    pieces: list[list[tuple[float, float]]] = []
    k, left, on = 0, float(pattern[0]), True
    current: list[tuple[float, float]] = [points[0]] if points else []
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        seg = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        done = 0.0
        while seg - done > left:
            done += left
            t = done / seg
            p = (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)
            if on:
                current.append(p)
                pieces.append(current)
                current = []
            else:
                current = [p]
            on = not on
            k = (k + 1) % len(pattern)
            left = float(pattern[k])
        left -= seg - done
        if on:
            current.append((x1, y1))
    if on and len(current) > 1:
        pieces.append(current)
    return pieces


def _marker_polygon(m: Marker, s: float) -> list[tuple[float, float]]:
    x, y, r = m.x * s, m.y * s, m.radius * s
    if m.shape == "s":
        r *= 0.9
        return [(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)]
    if m.shape == "^":
        return [(x, y - r * 1.15), (x + r, y + r * 0.75), (x - r, y + r * 0.75)]
    return [(x, y - r * 1.2), (x + r, y), (x, y + r * 1.2), (x - r, y)]  # D


PIL_ANCHOR = {"start": "ls", "middle": "ms", "end": "rs"}


def png(chart: Chart) -> bytes:
    """The chart as PNG bytes at 150 dpi, with its title and alternative text as metadata."""
    from PIL import Image, ImageDraw, PngImagePlugin

    d = layout(chart)
    s = SCALE
    image = Image.new("RGB", (d.width * s, d.height * s), "#FFFFFF")
    draw = ImageDraw.Draw(image)
    for shape in d.shapes:
        if isinstance(shape, Line):
            for piece in _dashes(shape.points, tuple(p * s for p in shape.dash)):
                xy = [(x * s, y * s) for x, y in piece]
                if len(xy) > 1:
                    draw.line(xy, fill=shape.colour, width=round(shape.width * s), joint="curve")
        elif isinstance(shape, Marker):
            if shape.shape == "o":
                x, y, r = shape.x * s, shape.y * s, shape.radius * s
                draw.ellipse((x - r, y - r, x + r, y + r), fill=shape.colour)
            else:
                draw.polygon(_marker_polygon(shape, s), fill=shape.colour)
        else:
            draw.text(
                (shape.x * s, shape.y * s),
                shape.text,
                font=_font(shape.pt, shape.bold, s),
                fill=INK,
                anchor=PIL_ANCHOR[shape.anchor],
                stroke_width=round(3 * s) if shape.halo else 0,
                stroke_fill="#FFFFFF",
            )
    image = image.reduce(s)
    info = PngImagePlugin.PngInfo()
    info.add_itxt("Title", chart.title)
    info.add_itxt("Description", chart.alt)
    info.add_text("Software", "Styrkort")
    buf = io.BytesIO()
    image.save(buf, "PNG", pnginfo=info, dpi=(DPI, DPI))
    return buf.getvalue()


# --- SVG ------------------------------------------------------------------------------------


def _attr(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def svg(chart: Chart) -> bytes:
    """The same shapes as SVG text (the title and alternative text as ``<title>``/``<desc>``)."""
    d = layout(chart)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{d.width}" height="{d.height}" '
        f'viewBox="0 0 {d.width} {d.height}" role="img" '
        'font-family="DejaVu Sans, Liberation Sans, sans-serif">',
        f"<title>{_attr(chart.title)}</title><desc>{_attr(chart.alt)}</desc>",
        f'<rect width="{d.width}" height="{d.height}" fill="#FFFFFF"/>',
    ]
    for shape in d.shapes:
        if isinstance(shape, Line):
            pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in shape.points)
            dash = f' stroke-dasharray="{" ".join(map(str, shape.dash))}"' if shape.dash else ""
            out.append(
                f'<polyline points="{pts}" fill="none" stroke="{shape.colour}" '
                f'stroke-width="{shape.width}" stroke-linejoin="round"{dash}/>'
            )
        elif isinstance(shape, Marker):
            if shape.shape == "o":
                out.append(
                    f'<circle cx="{shape.x:.1f}" cy="{shape.y:.1f}" r="{shape.radius}" '
                    f'fill="{shape.colour}"/>'
                )
            else:
                pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in _marker_polygon(shape, 1))
                out.append(f'<polygon points="{pts}" fill="{shape.colour}"/>')
        else:
            weight = ' font-weight="bold"' if shape.bold else ""
            if shape.halo:
                weight += ' stroke="#FFFFFF" stroke-width="3" paint-order="stroke"'
            out.append(
                f'<text x="{shape.x:.1f}" y="{shape.y:.1f}" font-size="{_px(shape.pt):.1f}" '
                f'text-anchor="{shape.anchor}"{weight}>{_attr(shape.text)}</text>'
            )
    out.append("</svg>")
    return ("\n".join(out) + "\n").encode("utf-8")
