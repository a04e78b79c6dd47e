"""Report model → HTML (Jinja2). Swedish, accessible: real headings and tables, status by symbol and word."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from styrkort.report.model import (
    BulletList,
    Chart,
    Paragraph,
    Report,
    RichList,
    RichParagraph,
    Section,
    SubHeading,
    Table,
)


@lru_cache(maxsize=1)
def _env() -> Environment:
    """The template environment, made once (it compiles and caches the templates)."""
    env = Environment(
        loader=PackageLoader("styrkort.render", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.tests["table"] = lambda b: isinstance(b, Table)
    env.tests["paragraph"] = lambda b: isinstance(b, Paragraph)
    env.tests["bullets"] = lambda b: isinstance(b, BulletList)
    env.tests["subheading"] = lambda b: isinstance(b, SubHeading)
    env.tests["chart"] = lambda b: isinstance(b, Chart)
    env.tests["richparagraph"] = lambda b: isinstance(b, RichParagraph)
    env.tests["richlist"] = lambda b: isinstance(b, RichList)
    return env


def chart_images(report: Report) -> dict[str, str]:
    """Chart id → image source (a data: URI), when the chart renderer is available."""
    try:
        from styrkort.render import charts
    except ImportError:
        return {}
    out: dict[str, str] = {}
    for section in report.walk():
        for block in section.blocks:
            if isinstance(block, Chart):
                out[block.id] = charts.data_uri(block)
    return out


def render_html(
    report: Report,
    *,
    standalone: bool = True,
    show_findings: bool = True,
    for_print: bool = False,
    extra: dict[str, Any] | None = None,
) -> str:
    """The report as one HTML document (or a fragment when not ``standalone``)."""
    template = _env().get_template("report.html.j2")
    toc: list[Section] = report.walk()
    return template.render(
        report=report,
        toc=toc,
        standalone=standalone,
        show_findings=show_findings,
        for_print=for_print,
        charts=chart_images(report),
        **(extra or {}),
    )


def write(report: Report, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "rapport.html"
    path.write_text(render_html(report), encoding="utf-8")
    return path
