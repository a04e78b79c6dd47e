"""The renderer-neutral report model: what every output format (HTML, PDF, DOCX, XLSX) renders.

Pure data: sections of blocks (headings come from sections; paragraphs,
lists, tables, charts, notes). Numbers in cells are kept both as the exact
value and as the text to print, so renderers never format and Excel can store
the number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from styrkort.core.findings import Source

CellKind = Literal["text", "amount", "value", "target", "status", "label"]
RowKind = Literal["body", "subtotal", "total", "goal"]


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    kind: CellKind = "text"
    number: Decimal | None = None
    status: str | None = None
    """The status value (``uppnått`` …) for status cells; shown by symbol and word."""
    symbol: str | None = None
    note: str | None = None
    """A footnote marker's text (definition of a computed figure, an override)."""


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    kind: CellKind = "text"
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class Row:
    cells: tuple[Cell, ...]
    kind: RowKind = "body"
    source: Source | None = field(default=None, compare=False, metadata={"data": False})
    """Where the row's figures come from (the workspace row): the audit of the printed table
    points its findings there by the row itself, never by its position."""


@dataclass(frozen=True, slots=True)
class Table:
    id: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    unit: str | None = None
    """The unit of the amounts, printed with the caption (``tkr``)."""
    notes: tuple[str, ...] = ()
    kind: str = ""
    """What the table is (``operating``, ``investments``, ``frames``, ``goal``, ``allocation``,
    ``result``)."""
    relations: tuple[str, ...] = ()
    """Relations between its columns as the table audit declares them
    (``Utgående = Ingående + Årets resultat - Disposition``, docs/audit.md); the pipeline
    checks them on the printed figures."""


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    generated: bool = False
    """True when the sentence is generated from data (so it can never disagree with the tables)."""
    key: str = ""


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple[str, ...]
    generated: bool = False


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart to draw; the data is here, drawing is the renderer's job."""

    id: str
    kind: str
    title: str
    alt: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[Decimal | None, ...]], ...]
    unit: str = ""
    labels: tuple[tuple[str, ...], ...] = ()
    """A word per data point, by series (a risk matrix cell's level), drawn with the value."""


@dataclass(frozen=True, slots=True)
class SubHeading:
    text: str


@dataclass(frozen=True, slots=True)
class Span:
    """A run of narrative text with its emphasis, or a link (``href``)."""

    text: str
    strong: bool = False
    em: bool = False
    href: str = ""


@dataclass(frozen=True, slots=True)
class RichParagraph:
    """A narrative paragraph with emphasis or links (a plain one is a ``Paragraph``)."""

    spans: tuple[Span, ...]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True, slots=True)
class RichList:
    """A numbered list, or a list with emphasis or links (a plain bullet list is a ``BulletList``)."""

    items: tuple[tuple[Span, ...], ...]
    ordered: bool = False


Block = Paragraph | BulletList | Table | Chart | SubHeading | RichParagraph | RichList


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    number: str
    title: str
    blocks: tuple[Block, ...] = ()
    children: tuple[Section, ...] = ()

    @property
    def level(self) -> int:
        return self.number.count(".") + 1 if self.number else 1


@dataclass(frozen=True, slots=True)
class FindingView:
    code: str
    severity: str
    where: str
    message: str
    hint: str


@dataclass(frozen=True, slots=True)
class Report:
    title: str
    organisation: str
    municipality: str
    period: str
    year: int
    sections: tuple[Section, ...]
    findings: tuple[FindingView, ...] = ()
    sentences: dict[str, str] = field(default_factory=dict)
    figures: dict[str, str] = field(default_factory=dict)
    """Every live figure a narrative may embed as ``{{ name }}``, formatted."""
    lang: str = "sv"
    rounding_note: str = ""
    parts: tuple[str, ...] = field(default=(), metadata={"data": False})
    """Ids of top-level sections that are parts of their own (a municipality's report: one per
    board); Excel gives each a sheet. Empty for a board's report."""

    def walk(self) -> list[Section]:
        out: list[Section] = []

        def visit(s: Section) -> None:
            out.append(s)
            for c in s.children:
                visit(c)

        for s in self.sections:
            visit(s)
        return out

    def tables(self) -> list[Table]:
        return [b for s in self.walk() for b in s.blocks if isinstance(b, Table)]

    def table(self, kind: str) -> Table:
        return next(t for t in self.tables() if t.kind == kind)


def to_data(obj: object) -> object:
    """The model as plain JSON-able data, each block tagged with its type (for golden files and APIs)."""
    from dataclasses import fields, is_dataclass

    if is_dataclass(obj) and not isinstance(obj, type):
        data: dict[str, object] = {"type": type(obj).__name__}
        for f in fields(obj):
            if f.metadata.get("data", True):
                data[f.name] = to_data(getattr(obj, f.name))
        return data
    if isinstance(obj, tuple | list):
        return [to_data(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): to_data(v) for k, v in obj.items()}
    if isinstance(obj, Decimal):
        return str(obj)
    return obj
