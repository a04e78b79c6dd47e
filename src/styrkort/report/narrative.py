"""Narrative written by people: Markdown with live figures ``{{ name }}`` → report blocks.

A placeholder is ``{{ name }}`` or ``{{ name | abs }}``; ``name`` is one of
the report's figures (``Report.figures``; listed in docs/workspace.md). An
unknown name is a finding with file and line, and is printed visibly as
``[okänd uppgift: name]`` so it cannot slip into a published text unnoticed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from markdown_it import MarkdownIt

from styrkort.core.findings import Finding, Source, error, warning
from styrkort.report.format import MINUS
from styrkort.report.model import Block, BulletList, Paragraph, SubHeading


@dataclass(frozen=True, slots=True)
class Figure:
    """A live figure: its number (for ``| abs``) and its formatted text."""

    text: str
    number: Decimal | None = None
    unit: str = ""


PLACEHOLDER = re.compile(r"\{\{\s*(?P<name>[\wåäöÅÄÖ.\-]+)\s*(?:\|\s*(?P<filter>\w+)\s*)?\}\}")
FILTERS = {"abs"}


def _render_figure(fig: Figure, flt: str | None) -> str:
    if flt == "abs":
        return fig.text.lstrip(MINUS).lstrip("-")
    return fig.text


def substitute(
    text: str, figures: Mapping[str, Figure], source: Source
) -> tuple[str, list[Finding]]:
    """Replace placeholders line by line; unknown names and filters become findings."""
    findings: list[Finding] = []
    out_lines = []
    base = source.line or 1
    for offset, line in enumerate(text.splitlines()):

        def repl(m: re.Match[str], offset: int = offset) -> str:
            name, flt = m.group("name"), m.group("filter")
            where = source._replace(line=base + offset)
            if flt is not None and flt not in FILTERS:
                findings.append(
                    error(
                        where,
                        "narrative.unknown_filter",
                        f"Okänt filter '{flt}' i {m.group(0)}.",
                        "Tillåtet filter: abs.",
                    )
                )
                return f"[okänt filter: {flt}]"
            fig = figures.get(name)
            if fig is None:
                close = [k for k in figures if k.split(".")[0] == name.split(".")[0]][:5]
                findings.append(
                    error(
                        where,
                        "narrative.unknown_figure",
                        f"Texten bäddar in '{name}', som inte är någon känd uppgift.",
                        "Rätta namnet"
                        + (f", t.ex. {', '.join(close)}" if close else "")
                        + " (se docs/workspace.md).",
                    )
                )
                return f"[okänd uppgift: {name}]"
            return _render_figure(fig, flt)

        out_lines.append(PLACEHOLDER.sub(repl, line))
    findings.extend(html_findings(text, source))
    return "\n".join(out_lines), findings


def html_findings(markdown: str, source: Source) -> list[Finding]:
    """HTML in a narrative is never rendered (the report escapes what people write); say so
    instead of dropping it silently: a block is lost whole (error), an inline tag alone (warning)."""
    if "<" not in markdown:
        return []
    findings: list[Finding] = []
    base = source.line or 1
    for tok in _MD.parse(markdown):
        line = base + tok.map[0] if tok.map else base
        if tok.type == "html_block":
            findings.append(
                error(
                    source._replace(line=line),
                    "narrative.html",
                    f"HTML-blocket '{' '.join(tok.content.split())[:60]}' visas inte i rapporten; texten i det "
                    "försvinner.",
                    "Skriv texten som vanlig Markdown (stycken, # rubriker, - punktlistor).",
                )
            )
        elif tok.type == "inline":
            tags = [c.content for c in tok.children or [] if c.type == "html_inline"]
            if tags:
                findings.append(
                    warning(
                        source._replace(line=line),
                        "narrative.html",
                        f"HTML-taggen {tags[0]!r} visas inte i rapporten (bara texten runt den).",
                        "Ta bort taggen; använd Markdown, t.ex. **fet** eller *kursiv*.",
                    )
                )
    return findings


_MD = MarkdownIt("commonmark")


def _inline_text(token: object) -> str:
    children = getattr(token, "children", None) or []
    parts = []
    for child in children:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
    return "".join(parts)


@lru_cache(maxsize=256)
def to_blocks(markdown: str) -> tuple[Block, ...]:
    """Paragraphs, bullet lists and sub-headings of a Markdown text (inline markup flattened).

    Cached: the web app builds the same narratives on every request.
    """
    blocks: list[Block] = []
    tokens = _MD.parse(markdown)
    items: list[str] | None = None
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type in {"bullet_list_open", "ordered_list_open"}:
            items = []
        elif tok.type in {"bullet_list_close", "ordered_list_close"}:
            blocks.append(BulletList(tuple(items or ())))
            items = None
        elif tok.type == "heading_open":
            blocks.append(SubHeading(_inline_text(tokens[i + 1])))
            i += 2
        elif tok.type == "inline":
            text = _inline_text(tok)
            if items is not None:
                items.append(text)
            else:
                blocks.append(Paragraph(text))
        i += 1
    return tuple(blocks)
