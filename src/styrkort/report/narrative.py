"""Narrative written by people: Markdown with live figures ``{{ name }}`` → report blocks.

A placeholder is ``{{ name }}`` or ``{{ name | abs }}``; ``name`` is one of
the report's figures (``Report.figures``; listed in docs/workspace.md). An
unknown name is a finding with file and line, and is printed visibly as
``[okänd uppgift: name]`` so it cannot slip into a published text unnoticed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from markdown_it import MarkdownIt

from styrkort.core.findings import Finding, Source, error, warning
from styrkort.report.format import MINUS
from styrkort.report.model import (
    Block,
    BulletList,
    Cell,
    Column,
    Paragraph,
    RichList,
    RichParagraph,
    Row,
    Span,
    SubHeading,
    Table,
)


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
    findings.extend(unsupported_findings(text, source))
    return "\n".join(out_lines), findings


# CommonMark with tables (GitHub's pipe tables): what a controller writes.
_MD = MarkdownIt("commonmark").enable("table")

# Links the report may carry: web and e-mail addresses (never javascript: or a local file).
SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.I)
# What the report cannot show in every format, with what to write instead (Swedish).
_UNSUPPORTED = {
    "image": "Bilder kan inte visas i berättelsen; lägg bilden i en bilaga eller beskriv den i text.",
    "html_inline": "HTML-kod visas inte i rapporten; skriv texten utan HTML (Markdown: **fet**, *kursiv*, [länk](https://…)).",
    "html_block": "HTML-kod visas inte i rapporten; skriv texten utan HTML (Markdown: **fet**, *kursiv*, [länk](https://…)).",
    "blockquote_open": "Citatblock (rader som börjar med >) kan inte visas likadant i alla format; skriv citatet som ett stycke inom citattecken.",
    "fence": "Kodblock kan inte visas i rapporten; skriv texten som vanliga stycken.",
    "code_block": "Indragen text (fyra mellanslag) blir ett kodblock, som inte kan visas i rapporten; ta bort indraget.",
    "hr": "Horisontella linjer (---) visas inte i rapporten; använd en rubrik (## Rubrik) för att dela texten.",
}


_HTML = {"html_inline", "html_block"}


def _bad_link(href: str) -> str:
    return (
        f"Länken ”{href}” kan inte tas med i rapporten; bara webbadresser "
        "(https://…) och e-postadresser (mailto:…) går."
    )


def unsupported_markdown(markdown: str) -> list[tuple[int, str, str]]:
    """What the report cannot show the same in HTML, PDF and Word, as ``(line, kind, message)``
    (line counted from 0 in ``markdown``; kind a markdown-it token type, or ``link``).

    The one rule behind the web editor's refusal (``markdown_problems``) and the folder's
    ``narrative.unsupported`` warnings (``unsupported_findings``). Headings, paragraphs,
    emphasis, links (``https://``, ``mailto:``), bullet and numbered lists and tables are shown
    in every format; anything else is named with what to write instead, never dropped silently.
    """
    out: list[tuple[int, str, str]] = []
    # links by their exact line (a link the parser refused, javascript: or file:, would
    # otherwise print as raw Markdown, and a paragraph's token knows only its first line)
    for number, text in enumerate(markdown.splitlines()):
        for match in _LINK_TEXT.finditer(text):
            href = match.group(1).strip()
            if not SAFE_LINK.match(href):
                out.append((number, "link", _bad_link(href)))
    links = {message for _, _, message in out}

    def walk(tokens: list[object], line: int) -> None:
        for tok in tokens:
            kind = getattr(tok, "type", "")
            where = getattr(tok, "map", None)
            at = where[0] if where else line
            if kind in _UNSUPPORTED:
                out.append((at, kind, _UNSUPPORTED[kind]))
            if kind == "link_open":
                href = str(getattr(tok, "attrGet", lambda _k: "")("href") or "")
                if not SAFE_LINK.match(href) and _bad_link(href) not in links:
                    out.append((at, "link", _bad_link(href)))
            children = getattr(tok, "children", None)
            if children:
                walk(children, at)

    walk(list(_MD.parse(markdown)), 0)
    return sorted(dict.fromkeys(out), key=lambda item: item[0])


def markdown_problems(markdown: str) -> list[str]:
    """Why the narrative cannot be shown the same in HTML, PDF and Word (empty: it can); each
    message once (``unsupported_markdown``)."""
    out: list[str] = []
    for _line, _kind, message in unsupported_markdown(markdown):
        if message not in out:
            out.append(message)
    return out


def unsupported_findings(markdown: str, source: Source) -> list[Finding]:
    """``narrative.unsupported`` warnings with the line of each construct the report flattens
    (a folder's narrative is built anyway; the web editor refuses the same text). HTML is left
    to ``html_findings`` (``narrative.html``), which says what of it is lost."""
    base = source.line or 1
    return [
        warning(
            source._replace(line=base + line),
            "narrative.unsupported",
            "Berättelsen innehåller något som inte kan visas likadant i HTML, PDF och Word; "
            f"det blir vanlig text eller försvinner. {message}",
            "Skriv om stycket med rubriker, stycken, punkt- eller numrerade listor, tabeller, "
            "**fet**, *kursiv* eller länkar (https://…).",
        )
        for line, kind, message in unsupported_markdown(markdown)
        if kind not in _HTML
    ]


_LINK_TEXT = re.compile(r"(?<!!)\[[^\]\n]*\]\(([^)\s]*)[^)]*\)")


def _spans(token: object) -> tuple[Span, ...]:
    """The inline content of ``token`` as runs of text with their emphasis and links."""
    children = getattr(token, "children", None) or []
    spans: list[Span] = []
    strong = em = 0
    href = ""
    for child in children:
        kind = child.type
        if kind in {"text", "code_inline"}:
            text = child.content
        elif kind in {"softbreak", "hardbreak"}:
            text = " "
        else:
            if kind == "strong_open":
                strong += 1
            elif kind == "strong_close":
                strong -= 1
            elif kind == "em_open":
                em += 1
            elif kind == "em_close":
                em -= 1
            elif kind == "link_open":
                link = str(child.attrGet("href") or "")
                href = link if SAFE_LINK.match(link) else ""
            elif kind == "link_close":
                href = ""
            continue
        span = Span(text, strong > 0, em > 0, href)
        if spans and (spans[-1].strong, spans[-1].em, spans[-1].href) == (
            span.strong,
            span.em,
            span.href,
        ):
            spans[-1] = Span(spans[-1].text + text, span.strong, span.em, span.href)
        else:
            spans.append(span)
    return tuple(spans)


def _plain(spans: tuple[Span, ...]) -> bool:
    return all(not (s.strong or s.em or s.href) for s in spans)


def _text(spans: tuple[Span, ...]) -> str:
    return "".join(s.text for s in spans)


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


def _inline_text(token: object) -> str:
    return _text(_spans(token))


def _table(tokens: Sequence[object], start: int, number: int) -> tuple[Table, int]:
    """A Markdown pipe table from ``tokens[start]`` (``table_open``) → a report table."""
    header: list[str] = []
    rows: list[list[str]] = []
    current: list[str] | None = None
    in_head = False
    i = start
    while i < len(tokens):
        tok = tokens[i]
        kind = getattr(tok, "type", "")
        if kind == "table_close":
            break
        if kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_open":
            current = []
        elif kind == "tr_close" and current is not None:
            if in_head:
                header = current
            else:
                rows.append(current)
            current = None
        elif kind == "inline" and current is not None:
            current.append(_inline_text(tok))
        i += 1
    width = max([len(header), *(len(r) for r in rows)]) if header or rows else 0
    columns = tuple(Column(h) for h in (header + [""] * (width - len(header))))
    body = tuple(
        Row(
            tuple(
                Cell(c, "label" if j == 0 else "text")
                for j, c in enumerate(r + [""] * (width - len(r)))
            )
        )
        for r in rows
    )
    caption = "Tabell: " + ", ".join(h for h in header if h) if any(header) else "Tabell"
    digest = hashlib.sha1(repr((header, rows)).encode(), usedforsecurity=False).hexdigest()[:8]
    return Table(f"berattelse-tabell-{number}-{digest}", caption, columns, body), i


@lru_cache(maxsize=256)
def to_blocks(markdown: str) -> tuple[Block, ...]:
    """Headings, paragraphs, bullet and numbered lists and tables of a Markdown text, with
    emphasis and links kept (``RichParagraph``, ``RichList``); plain text stays a
    ``Paragraph`` or ``BulletList``. What cannot be shown is listed by ``markdown_problems``.

    Cached: the web app builds the same narratives on every request.
    """
    blocks: list[Block] = []
    tokens = _MD.parse(markdown)
    items: list[tuple[Span, ...]] | None = None
    ordered = False
    tables = 0
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type in {"bullet_list_open", "ordered_list_open"}:
            items, ordered = [], tok.type == "ordered_list_open"
        elif tok.type in {"bullet_list_close", "ordered_list_close"}:
            found = tuple(items or ())
            if ordered or not all(_plain(it) for it in found):
                blocks.append(RichList(found, ordered))
            else:
                blocks.append(BulletList(tuple(_text(it) for it in found)))
            items = None
        elif tok.type == "heading_open":
            blocks.append(SubHeading(_inline_text(tokens[i + 1])))
            i += 2
        elif tok.type == "table_open":
            tables += 1
            table, i = _table(tokens, i, tables)
            blocks.append(table)
        elif tok.type == "inline":
            spans = _spans(tok)
            if items is not None:
                items.append(spans)
            elif _plain(spans):
                blocks.append(Paragraph(_text(spans)))
            else:
                blocks.append(RichParagraph(spans))
        i += 1
    return tuple(blocks)
