"""Table audit: recompute every total and column relation of a table as published.

A published table (made in Excel, in Word, by another board) is read into a
:class:`PublishedTable`: a label per row and the numbers *as printed*, with the
number of decimals shown. A :class:`Declaration` says how the table is built:
which rows are totals of which, and how columns relate (``Avvikelse = Budget -
Utfall``). :func:`audit_table` recomputes everything and returns one finding per
break.

The rounding rule: a printed figure computed from ``n`` printed terms, each
rounded to a unit ``u`` (1 tkr, 0,1 mnkr), can differ from the sum of those
printed terms by at most ``n × u/2`` because of rounding alone. A non-zero
difference within that bound is a rounding break (a warning); a difference
beyond it is an error.

The default structure, when nothing is declared:

* a row whose label starts with *Totalt*, *Total*, *Summa* or *S:a* is a
  subtotal of the rows since the previous total; when it directly follows
  another total it sums everything not yet summed since the last grand total
  (the subtotals above it and any loose rows);
* a row whose label starts with *Netto*, has the word *resultat* ("Årets
  resultat", "Resultat efter finansiella poster") or is *Verksamhetens
  nettokostnader* is a grand total: it sums the subtotals and loose rows since
  the previous grand total (a ratio row, "... per invånare", "Andel ...", or a
  label with its own unit, "Årets resultat, mnkr", is never a default total);
* when a default total does not add up its preferred way but adds up the other
  way (subtotal vs grand total), the other reading is taken: a table that is
  consistent under one of the two readings is not flagged;
* a row whose label starts with *varav* or *därav* is part of the row above it
  and is left out of every sum;
* a row with no figure at all is a heading and is ignored; so is, for sums, a
  ratio row ("... per invånare", "Andel ...", "... %");
* with exactly one *Avvikelse* column, one *Budget* column and at least one
  *Utfall*/*Prognos*/*Bokslut* column, the relation ``Avvikelse = Budget -
  Utfall`` or ``Avvikelse = Utfall - Budget`` that most rows satisfy is checked
  (when no relation is declared); without a deviation column, a last column
  headed *Totalt*/*Summa* is checked as the sum of the others when most rows
  say so.

When nothing about the structure is declared, the figures are read too
(docs/audit.md, "Inferring the structure of a bare table"): totals printed
above their rows or without a total's label, labelled totals that nothing adds
up to read as rows, column relations of two to four signed columns
(:mod:`styrkort.core.audit.infer`); :meth:`AuditReport.inferred_declaration`
gives what was inferred as declaration lines. Breaks that share a cell are
traced to the one misprinted cell when one explains them
(:mod:`styrkort.core.audit.misprint`).

docs/audit.md documents the format, the declaration and every finding.
Standard library only: no files, no printing (readers live in
``styrkort.sources.table``).
"""

from __future__ import annotations

import bisect
import difflib
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from styrkort.core.audit import infer
from styrkort.core.audit.misprint import CAUSES, Misprint, localise
from styrkort.core.findings import Finding, Source, error, info, warning
from styrkort.core.numbers import format_amount, is_minus_only, parse_decimal

__all__ = [
    "AuditReport",
    "Cell",
    "CheckedSum",
    "Declaration",
    "PresentedTable",
    "PublishedTable",
    "Relation",
    "SumRule",
    "TableRow",
    "Term",
    "audit",
    "audit_statement",
    "audit_statements",
    "audit_table",
    "format_amount",
    "normalise_label",
    "parse_declaration",
    "presented_table",
    "printed_cell",
    "value_cell",
]

ZERO = Decimal(0)
HALF = Decimal("0.5")
_HALF_UNITS = tuple(HALF * Decimal(1).scaleb(-d) for d in range(12))

# ---------------------------------------------------------------------------
# The table as printed


@dataclass(frozen=True, slots=True)
class Cell:
    """One figure as printed.

    ``value`` is None for a blank cell. ``decimals`` is the number of decimals
    shown (the rounding unit is ``10**-decimals`` of the table's unit);
    ``exact`` marks a value that is not rounded at all (a printed "–" meaning
    nothing). ``readable`` is False when the cell holds text that is not a
    number (then ``value`` is None).
    """

    text: str = ""
    value: Decimal | None = None
    decimals: int = 0
    exact: bool = False
    readable: bool = True
    percent: bool = False

    @property
    def blank(self) -> bool:
        return self.value is None and self.readable

    @property
    def half_unit(self) -> Decimal:
        """The largest error rounding to the printed decimals can introduce."""
        if self.exact or self.value is None:
            return ZERO
        if self.decimals < len(_HALF_UNITS):
            return _HALF_UNITS[self.decimals]
        return HALF * Decimal(1).scaleb(-self.decimals)


BLANK = Cell()

_UNIT_SUFFIX = re.compile(r"\s*(tkr|mnkr|mkr|mdkr|kr|st|%)\.?$", re.IGNORECASE)
_PARENS = re.compile(r"^\((?P<inner>[^()]+)\)$")
_FOOTNOTE = re.compile(r"\s*[*\u2020\u2021\u00b9\u00b2\u00b3\u2070-\u2079]+$")
_FRACTION = re.compile(r"[,.](\d+)$")


@functools.lru_cache(maxsize=65536)
def printed_cell(text: str) -> Cell:
    """Read a printed figure: ``"−1 246"``, ``"12,5"``, ``"–"``, ``"3 970 tkr"``, ``"(104)"``.

    A lone dash is an exact zero (Swedish tables print "–" for nothing). A
    figure in parentheses is negative (accounting style). Text that is not a
    number gives an unreadable cell, never an exception. A trailing note
    marker (``*``, ``¹``, ``†``) is not part of the figure.
    """
    raw = text.replace("\u00ad", "").strip()
    if not raw:
        return BLANK
    if is_minus_only(raw):
        return Cell(text=raw, value=ZERO, decimals=0, exact=True)
    figure = _FOOTNOTE.sub("", raw)  # "1 246*", "823¹": a note marker is not part of the figure
    percent = figure.endswith("%")
    body = _UNIT_SUFFIX.sub("", figure).strip()
    negative = False
    m = _PARENS.match(body)
    if m:
        body = m.group("inner").strip()
        negative = True
    value = parse_decimal(body)
    if value is None:
        return Cell(text=raw, readable=False, percent=percent)
    if negative:
        value = -value
    frac = _FRACTION.search(body)
    decimals = len(frac.group(1)) if frac else 0
    return Cell(text=raw, value=value, decimals=decimals, percent=percent)


def value_cell(value: Decimal, decimals: int, text: str | None = None) -> Cell:
    """A cell for a number that is stored as a number (XLSX, the workspace).

    ``decimals`` is what the number format shows; the value is rounded to it
    first, since the reader of the table sees the rounded figure.
    """
    # Excel and most report tools round half away from zero.
    shown = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return Cell(
        text=text if text is not None else format_amount(shown, decimals),
        value=shown,
        decimals=max(decimals, 0),
    )


@dataclass(frozen=True, slots=True)
class TableRow:
    """A row: its label, one cell per column of figures, and where it was read."""

    label: str
    cells: tuple[Cell, ...]
    source: Source
    kind: str | None = None
    """Known structure, overriding the label rules: "detail", "subtotal", "grand",
    "varav" or "heading" (a generated table knows which rows are totals)."""

    def cell(self, column: int) -> Cell:
        return self.cells[column] if column < len(self.cells) else BLANK

    @property
    def has_figures(self) -> bool:
        return any(not c.blank for c in self.cells) and not self.is_text_row

    @property
    def is_text_row(self) -> bool:
        """Text in two or more figure columns and no number: a repeated header, a second table's header."""
        filled = [c for c in self.cells if not c.blank]
        return len(filled) >= 2 and all(not c.readable for c in filled)


@dataclass(frozen=True, slots=True)
class PublishedTable:
    """A table as published: column headers of the figures and the rows.

    ``unit`` is the money unit the figures are printed in ("tkr", "mnkr",
    "kr", or "" when unknown); it is only used in messages.
    """

    name: str
    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]
    unit: str = ""
    header: Source | None = None
    percent_columns: frozenset[int] = frozenset()


# ---------------------------------------------------------------------------
# The declaration


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a sum or relation: +1 or -1 times a row label or column name."""

    sign: int
    name: str

    def __str__(self) -> str:
        return ("- " if self.sign < 0 else "+ ") + self.name


@dataclass(frozen=True, slots=True)
class SumRule:
    """``summa: TOTAL = A + B``; ``parts`` None means "a total by the default rule"."""

    total: str
    parts: tuple[Term, ...] | None
    source: Source


@dataclass(frozen=True, slots=True)
class Relation:
    """``relation: AVVIKELSE = BUDGET - UTFALL``: holds on every row with figures.

    ``rows`` limits it to the rows named (``(rader: Intäkter, Avgifter)``); an
    unlimited relation then holds on the rows no limited relation of the same
    column names.
    """

    target: str
    terms: tuple[Term, ...]
    source: Source
    rows: tuple[str, ...] = ()

    def __str__(self) -> str:
        right = " ".join(str(t) for t in self.terms).removeprefix("+ ")
        return f"{self.target} = {right}"


@dataclass(frozen=True, slots=True)
class Declaration:
    """How a table is built. The empty declaration means: use the defaults."""

    unit: str | None = None
    sums: tuple[SumRule, ...] = ()
    relations: tuple[Relation, ...] = ()
    no_relations: bool = False
    details: tuple[tuple[str, Source], ...] = ()
    varav: tuple[tuple[str, Source], ...] = ()
    unsummed: tuple[tuple[str, Source], ...] = ()

    def merged(self, other: Declaration) -> Declaration:
        """This declaration followed by ``other`` (a header block and a sidecar file)."""
        return Declaration(
            unit=other.unit or self.unit,
            sums=self.sums + other.sums,
            relations=self.relations + other.relations,
            no_relations=self.no_relations or other.no_relations,
            details=self.details + other.details,
            varav=self.varav + other.varav,
            unsummed=self.unsummed + other.unsummed,
        )


KEYS: dict[str, str] = {
    "enhet": "unit",
    "summa": "sum",
    "relation": "relation",
    "detalj": "detail",
    "ingen summa": "detail",
    "varav": "varav",
    "osummerad": "unsummed",
    "summeras inte": "unsummed",
}
UNITS = {"kr": "kr", "tkr": "tkr", "mnkr": "mnkr", "mkr": "mnkr", "mdkr": "mdkr"}


def parse_declaration(lines: Iterable[tuple[Source, str]]) -> tuple[Declaration, list[Finding]]:
    """Read declaration lines (``enhet: tkr``, ``summa: T = A + B``, ...).

    A leading ``#`` is allowed. Lines without a known key are comments, except
    that a key that looks like a misspelt known key gives a warning.
    """
    unit: str | None = None
    sums: list[SumRule] = []
    relations: list[Relation] = []
    no_relations = False
    details: list[tuple[str, Source]] = []
    varav: list[tuple[str, Source]] = []
    unsummed: list[tuple[str, Source]] = []
    findings: list[Finding] = []
    for source, raw in lines:
        text = raw.strip().lstrip("#").strip()
        if ":" not in text:
            continue
        key_text, _, value = text.partition(":")
        key = " ".join(key_text.split()).casefold()
        value = _strip_comment(value).strip()
        kind = KEYS.get(key)
        if kind is None:
            close = difflib.get_close_matches(key, list(KEYS), n=1, cutoff=0.75)
            if close:
                findings.append(
                    warning(
                        source,
                        "audit.declaration.key",
                        f"Okänd nyckel {key_text.strip()!r} i deklarationen; raden lästes som en kommentar.",
                        f"Menade du {close[0]!r}? Kända nycklar: {', '.join(KEYS)}.",
                    )
                )
            continue
        if not value:
            findings.append(
                error(
                    source,
                    "audit.declaration.empty",
                    f"Nyckeln {key!r} saknar värde.",
                    "Skriv till exempel 'summa: TOTALT = A + B' eller ta bort raden.",
                )
            )
            continue
        if kind == "unit":
            found = UNITS.get(value.casefold().rstrip("."))
            if found is None:
                findings.append(
                    error(
                        source,
                        "audit.declaration.unit",
                        f"Okänd enhet {value!r}.",
                        "Ange kr, tkr eller mnkr.",
                    )
                )
            else:
                unit = found
        elif kind == "sum":
            target, terms, problem = _parse_equation(value)
            if problem:
                findings.append(_bad_equation(source, value, problem))
            else:
                sums.append(SumRule(target, terms, source))
        elif kind == "relation":
            if value.casefold() in {"ingen", "inga", "nej"}:
                no_relations = True
                continue
            scope = _ROW_SCOPE.search(value)
            rows = tuple(_names(scope.group(1))) if scope else ()
            equation = value[: scope.start()] if scope else value
            target, terms, problem = _parse_equation(equation)
            if problem or terms is None:
                findings.append(_bad_equation(source, value, problem or "högerled saknas"))
            else:
                relations.append(Relation(target, terms, source, rows))
        elif kind == "detail":
            details.extend((name, source) for name in _names(value))
        elif kind == "varav":
            varav.extend((name, source) for name in _names(value))
        else:
            unsummed.extend((name, source) for name in _names(value))
    declaration = Declaration(
        unit=unit,
        sums=tuple(sums),
        relations=tuple(relations),
        no_relations=no_relations,
        details=tuple(details),
        varav=tuple(varav),
        unsummed=tuple(unsummed),
    )
    return declaration, findings


def _strip_comment(value: str) -> str:
    """``A = B - C  # stämmer på 9 av 9 rader`` -> ``A = B - C``: a '#' after a space, outside quotes."""
    quoted = False
    for i, ch in enumerate(value):
        if ch == '"':
            quoted = not quoted
        elif ch == "#" and not quoted and i > 0 and value[i - 1].isspace():
            return value[:i]
    return value


_ROW_SCOPE = re.compile(r"\s*\((?:rader|rad)\s*:\s*([^)]*)\)\s*$", re.IGNORECASE)


def _bad_equation(source: Source, value: str, problem: str) -> Finding:
    return error(
        source,
        "audit.declaration.syntax",
        f"Deklarationen {value!r} kan inte läsas: {problem}.",
        "Skriv 'NAMN = A + B - C' med mellanslag runt + och -; "
        'sätt namn som innehåller " + " eller " - " inom citattecken.',
    )


def _names(value: str) -> list[str]:
    """Comma-separated names; quote a name that contains a comma."""
    names: list[str] = []
    for token in re.findall(r'"[^"]*"|[^,]+', value):
        name = token.strip().strip('"').strip()
        if name:
            names.append(name)
    return names


_OPERATOR = re.compile(r'("[^"]*")|(?:^|\s)([+\-\u2212\u2013])(?=\s|$|")')


def _parse_equation(value: str) -> tuple[str, tuple[Term, ...] | None, str]:
    """``T = A + B - C`` -> (T, terms, ""); ``T`` alone -> (T, None, ""); or a problem."""
    left, eq, right = _split_outside_quotes(value, "=")
    target = left.strip().strip('"').strip()
    if not target:
        return "", None, "vänsterled saknas"
    if not eq:
        return target, None, ""
    terms: list[Term] = []
    sign = 1
    pos = 0
    buffer = ""
    text = right.strip()
    while pos < len(text):
        ch = text[pos]
        if ch == '"':
            end = text.find('"', pos + 1)
            if end < 0:
                return "", None, "ett citattecken stängs inte"
            buffer += text[pos : end + 1]
            pos = end + 1
            continue
        at_boundary = pos == 0 or text[pos - 1].isspace()
        after = text[pos + 1] if pos + 1 < len(text) else " "
        if ch in "+-\u2212\u2013" and at_boundary and (after.isspace() or pos == 0 or after == '"'):
            if buffer.strip():
                terms.append(Term(sign, buffer.strip().strip('"').strip()))
            elif terms:
                return "", None, "två operatorer i rad"
            buffer = ""
            sign = 1 if ch == "+" else -1
            pos += 1
            continue
        buffer += ch
        pos += 1
    if buffer.strip():
        terms.append(Term(sign, buffer.strip().strip('"').strip()))
    else:
        return "", None, "ett led saknas efter sista operatorn"
    return target, tuple(terms), ""


def _split_outside_quotes(text: str, sep: str) -> tuple[str, str, str]:
    quoted = False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted:
            return text[:i], sep, text[i + 1 :]
    return text, "", ""


# ---------------------------------------------------------------------------
# Names


def normalise_label(label: str) -> str:
    """Labels compare without case, extra spaces, NBSP or a trailing colon."""
    text = label.replace("\u00a0", " ").replace("\u00ad", "")
    return " ".join(text.split()).rstrip(":").strip().casefold()


ROW_KINDS = frozenset({"detail", "subtotal", "grand", "varav", "heading"})
_SUBTOTAL_WORDS = ("totalt", "total", "summa", "s:a", "s:a.")
_GRAND_PREFIXES = ("netto", "årets resultat", "resultat")
_GRAND_WORDS = re.compile(r"(?<!\w)(resultat|verksamhetens nettokostnad(er)?)(?!\w)")
# Ratio rows ("Nettokostnad per invånare", "Andel ...") are neither totals nor parts of one.
_RATIO = re.compile(r"(?<!\w)(per|andel|procent|genomsnitt|snitt|median)(?!\w)|%")
# A label that carries its own unit ("Årets resultat, mnkr") belongs to a table of key figures.
_LABEL_UNIT = re.compile(r"(,|\()\s*(kr|tkr|mnkr|mkr|mdkr|st|dagar|timmar)\.?\)?$")
# Columns that identify rather than count: never summed.
_ID_COLUMNS = {"not", "noter", "nr", "nummer", "kod", "konto", "id", "ansvar", "objekt"}
_VARAV = re.compile(r"^(varav|därav)(?!\w)")
_PERCENT_WORDS = ("%", "procent", "andel")


_TARGET_WORDS = (
    "avvikelse",
    "avv",
    "differens",
    "diff",
    "resultat",
    "netto",
    "summa",
    "totalt",
    "total",
    "utgående",
    "saldo",
    "återstår",
    "kvar",
)


def _target_preference(norm: str) -> int:
    """A column whose header says it is computed (a deviation, a result, a net) is a relation's target."""
    return 1 if any(w in norm for w in _TARGET_WORDS) else 0


def _first_word(norm: str) -> str:
    return norm.split(" ", 1)[0] if norm else ""


def default_total_kind(label: str) -> str | None:
    """``"subtotal"``, ``"grand"`` or None, from the label alone."""
    norm = normalise_label(label)
    if _RATIO.search(_QUALIFIER.sub("", norm)) or _LABEL_UNIT.search(norm):
        return None
    if _first_word(norm) in _SUBTOTAL_WORDS:
        return "subtotal"
    if norm.startswith(_GRAND_PREFIXES) or _GRAND_WORDS.search(norm):
        return "grand"
    return None


# "Hemlöshet (75 %)": a share of something, said in parentheses, is part of a name, not a ratio.
_QUALIFIER = re.compile(r"\(\s*\d+(?:[,.]\d+)?\s*%\s*\)")


def is_ratio_label(label: str) -> bool:
    """A ratio or share ("Kostnad per invånare", "Andel ...", "... %"): never summed by default."""
    return _RATIO.search(_QUALIFIER.sub("", normalise_label(label))) is not None


def is_varav_label(label: str) -> bool:
    # "varav löner", "- varav löner", "(därav sjuklön)", "• varav …"
    norm = normalise_label(label).lstrip("-\u2013\u2212\u2022*( ")
    return _VARAV.match(norm) is not None


class _Names:
    """Resolve declared names against row labels or column headers."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)
        self.norm = [normalise_label(n) for n in names]

    def find(self, name: str) -> list[int]:
        wanted = normalise_label(name)
        exact = [i for i, n in enumerate(self.norm) if n == wanted]
        if exact:
            return exact
        # Tables cut labels ("ÖVRIGA AVG O. ERSÄTTNIN"); accept a unique prefix either way.
        prefix = [
            i
            for i, n in enumerate(self.norm)
            if n and (n.startswith(wanted) or wanted.startswith(n))
        ]
        labels = {self.norm[i] for i in prefix}
        return prefix if len(labels) == 1 else []

    def suggest(self, name: str) -> str:
        close = difflib.get_close_matches(normalise_label(name), self.norm, n=3, cutoff=0.5)
        if not close:
            return ""
        shown = [self.names[self.norm.index(c)] for c in close]
        return " Närmast: " + ", ".join(repr(s) for s in shown) + "."


# ---------------------------------------------------------------------------
# Results


@dataclass(frozen=True, slots=True)
class CheckedSum:
    """A total that was checked: its row and the rows it sums (indices into table.rows)."""

    total: int
    parts: tuple[tuple[int, int], ...]  # (sign, row index)
    declared: bool
    reading: str  # "declared", "subtotal" or "grand"


@dataclass(frozen=True, slots=True)
class AuditReport:
    """What was checked and what was found."""

    findings: tuple[Finding, ...]
    sums: tuple[CheckedSum, ...] = ()
    relations: tuple[Relation, ...] = ()
    inferred_relations: tuple[Relation, ...] = ()
    checked_cells: int = 0
    summed_columns: tuple[str, ...] = field(default=())
    unit: str = ""
    """The unit used in messages: the declaration's, else the one found in the table."""
    relation_support: tuple[tuple[int, int], ...] = ()
    """Per inferred relation: (rows it holds on, rows it was evaluated on)."""
    rows_read_as_rows: tuple[int, ...] = ()
    """Rows labelled like totals that the figures show are plain rows (``detalj:``)."""
    misprints: tuple[Misprint, ...] = ()
    """Cells whose correction explains every break around them."""

    def inferred_declaration(self, table: PublishedTable) -> list[str]:
        """What was inferred, in the declaration syntax: lines to copy into the table's header.

        Totals found by their figures (printed above their rows, or without a
        total's label), total-looking rows read as rows, and the inferred column
        relations, each preceded by how many rows support it. Totals found by
        their label need no line: the default rule finds them again.
        """
        lines: list[str] = []
        for s in self.sums:
            if s.reading in _FIGURE_READINGS:
                parts = " ".join(
                    ("- " if sign < 0 else "+ ") + _quoted(table.rows[p].label)
                    for sign, p in s.parts
                ).removeprefix("+ ")
                lines.append(f"summa: {_quoted(table.rows[s.total].label)} = {parts}")
        for i in self.rows_read_as_rows:
            lines.append(f"detalj: {_quoted(table.rows[i].label)}")
        for relation, (matches, evaluated) in zip(
            self.inferred_relations, self.relation_support, strict=False
        ):
            lines.append(f"relation: {_relation_text(relation)}")
            lines[-1] += f"  # stämmer på {matches} av {evaluated} rader" if evaluated else ""
        return lines


_FIGURE_READINGS = ("above", "below", "top")
"""Readings of a total found by its figures rather than by its label."""


def _quoted(name: str) -> str:
    """A name as the declaration reads it: quoted when it holds an operator, '=', ',' or '#'."""
    if re.search(r"(^|\s)[+\-\u2212\u2013](\s|$)|[=,#]", name):
        return f'"{name}"'
    return name


def _relation_text(relation: Relation) -> str:
    right = " ".join(
        ("- " if t.sign < 0 else "+ ") + _quoted(t.name) for t in relation.terms
    ).removeprefix("+ ")
    return f"{_quoted(relation.target)} = {right}"


# ---------------------------------------------------------------------------
# Formatting for messages


def _fmt(value: Decimal) -> str:
    return format_amount(value)


def _with_unit(value: Decimal, unit: str) -> str:
    return f"{_fmt(value)} {unit}" if unit else _fmt(value)


# ---------------------------------------------------------------------------
# The audit

_Resolved = tuple[int, tuple[tuple[int, int], ...]]  # (target column, ((sign, column), ...))


@dataclass(slots=True)
class _Outcome:
    """One column of one check: printed vs computed."""

    column: int
    printed: Cell
    computed: Decimal
    bound: Decimal

    @property
    def difference(self) -> Decimal:
        assert self.printed.value is not None
        return self.printed.value - self.computed

    @property
    def real(self) -> bool:
        return abs(self.difference) > self.bound

    @property
    def rounding(self) -> bool:
        return self.difference != 0 and not self.real


def _combine(column: int, target: Cell, terms: Sequence[tuple[int, Cell]]) -> _Outcome | None:
    """Printed target vs the signed sum of printed terms, or None when it cannot be checked."""
    if target.value is None:
        return None
    computed = ZERO
    bound = ZERO
    coarsest = ZERO
    for sign, cell in terms:
        if not cell.readable:
            return None
        if cell.value is None:
            continue
        computed += sign * cell.value
        bound += cell.half_unit
        coarsest = max(coarsest, cell.half_unit)
    if target.half_unit > coarsest:
        # A total printed coarser than its parts carries its own rounding too.
        bound += target.half_unit
    return _Outcome(column, target, computed, bound)


def audit_table(table: PublishedTable, declaration: Declaration | None = None) -> list[Finding]:
    """Every break in ``table``: sums, relations, varav rows, unreadable cells."""
    return list(audit(table, declaration).findings)


def audit(table: PublishedTable, declaration: Declaration | None = None) -> AuditReport:
    """Audit ``table`` under ``declaration`` (the defaults when None); see the module doc."""
    return _Audit(table, declaration or Declaration()).run()


class _Probe:
    """Running sums of a candidate total's parts in two columns: a cheap test before the full one.

    ``add`` adds a part and says whether either column adds up within rounding
    so far (a misprint breaks at most one of them).
    """

    __slots__ = ("columns", "grid", "sums")

    def __init__(self, grid: infer.Grid, columns: list[tuple[int, tuple[int, int]]]) -> None:
        self.grid = grid
        self.columns = columns
        self.sums = [[0, 0, 0] for _ in columns]  # value, bound, coarsest half unit

    def add(self, row: int) -> bool:
        fits = False
        for (col, total), acc in zip(self.columns, self.sums, strict=True):
            f = self.grid.cell(row, col)
            if f is not None and f is not infer.UNREADABLE:
                acc[0] += f[0]
                acc[1] += f[1]
                acc[2] = max(acc[2], f[1])
            bound = acc[1] + (total[1] if total[1] > acc[2] else 0)
            fits = fits or abs(total[0] - acc[0]) <= bound
        return fits


class _Runs:
    """Prefix sums of the detail rows between labelled totals, for the search for implicit totals.

    ``rows`` are the detail rows in order and ``position`` maps a row to its
    place there; ``run_end[p]`` is where the run of detail rows containing
    ``p`` ends (a labelled total ends a run). ``fits`` yields the ends of the
    contiguous groups after a row whose running sum matches the total in one
    of the probe's columns within rounding: a cheap filter before the full test.
    """

    def __init__(self, grid: infer.Grid, kinds: list[str], columns: Sequence[int]) -> None:
        self.rows: list[int] = []
        self.position: dict[int, int] = {}
        self.run_end: list[int] = []
        starts: list[int] = []
        for i, kind in enumerate(kinds):
            if kind in {"subtotal", "grand"}:
                starts.append(len(self.rows))
            elif kind == "detail":
                self.position[i] = len(self.rows)
                self.rows.append(i)
        starts.append(len(self.rows))
        self.run_start: list[int] = []
        self.label_before: list[int | None] = []
        labels = [i for i, kind in enumerate(kinds) if kind in {"subtotal", "grand"}]
        bound = 0
        for p in range(len(self.rows)):
            while starts[bound] <= p:
                bound += 1
            self.run_end.append(starts[bound])
            self.run_start.append(starts[bound - 1] if bound > 0 else 0)
            self.label_before.append(labels[bound - 1] if bound > 0 else None)
        self.sums: dict[int, tuple[list[int], list[int]]] = {}
        for col in columns:
            values, halves = [0], [0]
            for row in self.rows:
                f = grid.cell(row, col)
                if f is None or f is infer.UNREADABLE:
                    values.append(values[-1])
                    # An unreadable part cannot be judged: let the full test decide.
                    halves.append(halves[-1] + (1 << 60 if f is infer.UNREADABLE else 0))
                else:
                    values.append(values[-1] + f[0])
                    halves.append(halves[-1] + f[1])
            self.sums[col] = (values, halves)

    def fits(self, probe: _Probe, first: int, end: int) -> Iterator[int]:
        """Ends ``q`` (first + 1 ≤ q < end) where rows first..q may sum to the probe's total."""
        (c0, t0), (c1, t1) = probe.columns
        v0, h0 = self.sums[c0]
        v1, h1 = self.sums[c1]
        b0, g0, b1, g1 = v0[first], h0[first], v1[first], h1[first]
        for q in range(first + 1, end):
            if (
                abs(t0[0] - (v0[q + 1] - b0)) <= h0[q + 1] - g0 + t0[1]
                or abs(t1[0] - (v1[q + 1] - b1)) <= h1[q + 1] - g1 + t1[1]
            ):
                yield q

    def fits_before(self, probe: _Probe, last: int, count: int) -> Iterator[int]:
        """Counts ``k`` (2 ≤ k ≤ count) where the k detail rows before position ``last`` may sum to the total."""
        (c0, t0), (c1, t1) = probe.columns
        v0, h0 = self.sums[c0]
        v1, h1 = self.sums[c1]
        e0, f0, e1, f1 = v0[last], h0[last], v1[last], h1[last]
        for k in range(2, count + 1):
            q = last - k
            if (
                abs(t0[0] - (e0 - v0[q])) <= f0 - h0[q] + t0[1]
                or abs(t1[0] - (e1 - v1[q])) <= f1 - h1[q] + t1[1]
            ):
                yield k

    @staticmethod
    def fits_back(probe: _Probe, parts: list[int]) -> Iterator[int]:
        """Counts ``k`` ≥ 2 where the first k of ``parts`` (nearest first) may sum to the total."""
        for k, row in enumerate(parts, start=1):
            if probe.add(row) and k >= 2:
                yield k


_MAX_GROUP = 60
"""The most rows a total found by its figures alone may sum (a board's activities)."""


class _Audit:
    def __init__(self, table: PublishedTable, declaration: Declaration) -> None:
        self.table = table
        self.decl = declaration
        self.unit = declaration.unit or table.unit
        self.findings: list[Finding] = []
        self.rows = table.rows
        self.columns = _Names(list(table.columns))
        self.checked = 0
        self.kinds: list[str] = []
        self.summed: list[int] = []
        self.support: list[tuple[int, int]] = []
        self.read_as_rows: list[int] = []
        self.breaks: dict[tuple[str, int, int], int] = {}
        """A real break -> the index of its finding: ("sum", total row, column) or ("rel", relation, row)."""
        self.sum_parts: dict[int, tuple[tuple[int, int], ...]] = {}
        self.checked_relations: list[tuple[_Resolved, set[int] | None]] = []

    @functools.cached_property
    def labels(self) -> _Names:
        """Row labels for resolving declarations (built only when something is declared)."""
        return _Names([r.label for r in self.table.rows])

    # -- entry point -------------------------------------------------------

    def run(self) -> AuditReport:
        self._unreadable_cells()
        summed = self._summed_columns()
        self.summed = summed
        kinds = self._classify()
        self.kinds = kinds
        sums = self._sums(kinds, summed)
        relations, inferred = self._relations()
        declared = [r for r, _ in relations]
        for relation, resolved in relations:
            rows = self._relation_rows(relation, resolved[0], declared)
            self._check_relation(relation, resolved, inferred=False, rows=rows)
        for relation, resolved in inferred:
            self._check_relation(relation, resolved, inferred=True)
        self._varav_larger(kinds, summed)
        if not sums and not relations and not inferred and self.rows:
            self.findings.append(
                info(
                    self.table.header or Source(self.table.name),
                    "audit.nothing",
                    "Tabellen har ingen summarad och ingen relation mellan kolumner att kontrollera.",
                    "Deklarera summor ('# summa: TOTALT = A + B') eller relationer "
                    "('# relation: Avvikelse = Budget - Utfall'), se docs/audit.md.",
                )
            )
        misprints = self._localise() if self.breaks else []
        return AuditReport(
            findings=tuple(self.findings),
            sums=tuple(sums),
            relations=tuple(r for r, _ in relations),
            inferred_relations=tuple(r for r, _ in inferred),
            checked_cells=self.checked,
            summed_columns=tuple(self.table.columns[c] for c in summed),
            unit=self.unit,
            relation_support=tuple(self.support),
            rows_read_as_rows=tuple(self.read_as_rows),
            misprints=tuple(misprints),
        )

    # -- the numeric grid (structure and relation inference) ----------------

    @functools.cached_property
    def grid(self) -> infer.Grid:
        """Every figure as an integer in half units of the finest printed decimal."""
        finest = 0
        for row in self.rows:
            for cell in row.cells:
                if cell.value is not None and not cell.exact:
                    finest = max(finest, cell.decimals)
        finest = min(finest, 6)
        scale = 2 * 10**finest
        rows: list[tuple[infer.Figure, ...]] = []
        for row in self.rows:
            figures: list[infer.Figure] = []
            for cell in row.cells:
                if not cell.readable:
                    figures.append(infer.UNREADABLE)
                elif cell.value is None:
                    figures.append(None)
                else:
                    half = 0 if cell.exact else 10 ** max(finest - cell.decimals, 0)
                    figures.append((int(cell.value * scale), half))
            rows.append(tuple(figures))
        return infer.Grid(tuple(rows))

    def _group_fit(self, total: int, parts: Sequence[int], columns: Sequence[int]) -> int | None:
        """How many columns break when ``total`` is read as the sum of ``parts``; None if unusable.

        Usable: in at least two columns the total is beyond rounding of zero and
        adds up, and at least two parts have a figure other than zero.
        """
        grid = self.grid
        evaluated = broken = strong = 0
        for col in columns:
            t = grid.cell(total, col)
            if t is None or t is infer.UNREADABLE:
                continue
            computed = bound = coarsest = 0
            largest = abs(t[0])
            usable = True
            for p in parts:
                f = grid.cell(p, col)
                if f is None:
                    continue
                if f is infer.UNREADABLE:
                    usable = False
                    break
                computed += f[0]
                bound += f[1]
                coarsest = max(coarsest, f[1])
                largest = max(largest, abs(f[0]))
            if t[1] > coarsest:
                bound += t[1]
            if not usable or largest <= bound:
                # Figures within rounding of zero fit any reading: they say nothing.
                continue
            evaluated += 1
            if abs(t[0] - computed) > bound:
                broken += 1
                if broken > 1:
                    return broken
            elif abs(t[0]) > bound:
                strong += 1
        if strong < 2:
            return None
        nonzero_parts = sum(
            1
            for p in parts
            if any(
                (f := grid.cell(p, c)) not in (None, infer.UNREADABLE) and f[0] != 0
                for c in columns
            )
        )
        return broken if nonzero_parts >= 2 else None

    def _probe(self, total: int, columns: Sequence[int]) -> _Probe | None:
        """A running sum in the total's first two columns with figures beyond rounding."""
        picked: list[tuple[int, tuple[int, int]]] = []
        for col in columns:
            f = self.grid.cell(total, col)
            if f is not None and f is not infer.UNREADABLE and abs(f[0]) > f[1]:
                picked.append((col, f))
                if len(picked) == 2:
                    return _Probe(self.grid, picked)
        return None

    @staticmethod
    def _close_enough(broken: int | None, columns: int) -> bool:
        """All columns hold, or all but one of three or more (one misprinted cell)."""
        return broken is not None and (broken == 0 or (broken == 1 and columns >= 3))

    def _implicit_totals(
        self, kinds: list[str], summed: list[int]
    ) -> tuple[dict[int, tuple[int, ...]], dict[int, tuple[int, ...]]]:
        """Totals without a total's label, found by their figures.

        ``above``: a row followed by the rows it sums (a board and its
        activities), found bottom-up so that nested groups come first; their
        rows are then parts of the group only. ``below``: a row that sums the
        rows above it since the previous total (a result line such as
        "Balanskravsresultat").
        """
        above: dict[int, tuple[int, ...]] = {}
        below: dict[int, tuple[int, ...]] = {}
        absorbed: set[int] = set()
        n = len(self.rows)
        ncols = len(summed)
        runs = _Runs(self.grid, kinds, summed)
        absorbed_at: list[int] = []  # positions of the absorbed rows among the detail rows, sorted

        def group(total: int, items: list[int]) -> bool:
            return self._close_enough(self._group_fit(total, items, summed), ncols)

        for i in range(n - 1, -1, -1):
            if kinds[i] != "detail":
                continue
            probe = self._probe(i, summed)
            if probe is None:
                continue
            p = runs.position[i]
            end = min(runs.run_end[p], p + 1 + _MAX_GROUP)
            nearest = bisect.bisect_left(absorbed_at, p + 1)
            if nearest == len(absorbed_at) or absorbed_at[nearest] >= end:
                # Contiguous rows: running sums from the prefix sums, the full test on a fit.
                for q in runs.fits(probe, p + 1, end):
                    if group(i, runs.rows[p + 1 : q + 1]):
                        above[i] = tuple(runs.rows[p + 1 : q + 1])
                        absorbed.update(above[i])
                        for r in above[i]:
                            bisect.insort(absorbed_at, runs.position[r])
                        break
                continue
            items: list[int] = []
            for j in range(i + 1, n):
                if kinds[j] in {"subtotal", "grand"}:
                    break
                if kinds[j] != "detail" or j in absorbed:
                    continue
                items.append(j)
                if len(items) > _MAX_GROUP:
                    break
                fits = probe.add(j)
                if len(items) >= 2 and fits and group(i, items):
                    above[i] = tuple(items)
                    absorbed.update(items)
                    for r in items:
                        bisect.insort(absorbed_at, runs.position[r])
                    break
        last_below = -1  # position (among the detail rows) of the latest total found below its rows
        for i in range(n):
            if kinds[i] != "detail" or i in absorbed or i in above:
                continue
            probe = self._probe(i, summed)
            if probe is None:
                continue
            pos = runs.position[i]
            lo = max(runs.run_start[pos], pos - _MAX_GROUP - 1, last_below + 1)
            window = runs.rows[lo:pos]
            found: list[int] | None = None
            if not any(j in absorbed for j in window):
                # The rows since the previous total, nearest first, and that total itself.
                stop_row: int | None = None
                if last_below >= runs.run_start[pos] and lo == last_below + 1:
                    stop_row = runs.rows[last_below]
                elif lo == runs.run_start[pos]:
                    stop_row = runs.label_before[pos]
                parts = window[::-1]
                for k in runs.fits_before(probe, pos, len(parts)):
                    if group(i, parts[:k]):
                        found = parts[:k]
                        break
                if (
                    found is None
                    and stop_row is not None
                    and parts
                    and group(i, [*parts, stop_row])
                ):
                    found = [*parts, stop_row]
            else:
                back: list[int] = []
                for j in range(i - 1, -1, -1):
                    stop = kinds[j] in {"subtotal", "grand"} or j in below
                    if not stop and (kinds[j] != "detail" or j in absorbed):
                        continue
                    back.append(j)
                    if stop or len(back) > _MAX_GROUP:
                        break
                for k in runs.fits_back(probe, back):
                    if group(i, back[:k]):
                        found = back[:k]
                        break
            if found is not None:
                below[i] = tuple(sorted(found))
                last_below = pos
        for i in absorbed:
            kinds[i] = "part"
        return above, below

    # -- cells and columns -------------------------------------------------

    def _unreadable_cells(self) -> None:
        for row in self.rows:
            if row.is_text_row:
                continue
            for col, cell in enumerate(row.cells):
                if not cell.readable:
                    self.findings.append(
                        warning(
                            row.source,
                            "audit.unreadable",
                            f"Cellen {cell.text!r} på raden {row.label!r}, kolumn "
                            f"{self._col(col)!r}, är inte ett tal; summor och relationer "
                            "som använder den kontrolleras inte.",
                            "Formeln har inget sparat värde: öppna filen i Excel och spara den."
                            if cell.text.startswith("=")
                            else "Skriv talet med siffror (till exempel 1 246 eller −3 970,5), "
                            "ett streck (–) för noll, eller lämna cellen tom.",
                            row=row.label,
                            column=self._col(col),
                            printed=cell.text,
                        )
                    )

    def _col(self, column: int) -> str:
        if column < len(self.table.columns) and self.table.columns[column]:
            return self.table.columns[column]
        return f"kolumn {column + 1}"

    def _summed_columns(self) -> list[int]:
        excluded = set(self.table.percent_columns)
        for col, name in enumerate(self.table.columns):
            norm = normalise_label(name)
            if any(word in norm for word in _PERCENT_WORDS) or norm.rstrip(".") in _ID_COLUMNS:
                excluded.add(col)
            if any(r.cell(col).percent for r in self.rows):
                excluded.add(col)
        for name, source in self.decl.unsummed:
            found = self.columns.find(name)
            if not found:
                self._unknown_column(name, source)
            excluded.update(found)
        return [c for c in range(len(self.table.columns)) if c not in excluded]

    def _unknown_column(self, name: str, source: Source) -> None:
        self.findings.append(
            error(
                source,
                "audit.declaration.column",
                f"Deklarationen nämner kolumnen {name!r}, som inte finns i tabellen.{self.columns.suggest(name)}",
                "Skriv kolumnens rubrik som den står i tabellen: "
                + ", ".join(repr(c) for c in self.table.columns)
                + ".",
            )
        )

    def _unknown_row(self, name: str, source: Source) -> None:
        self.findings.append(
            error(
                source,
                "audit.declaration.row",
                f"Deklarationen nämner raden {name!r}, men ingen rad i tabellen har den etiketten.{self.labels.suggest(name)}",
                "Skriv radens etikett som den står i tabellen (stora och små bokstäver spelar ingen roll).",
            )
        )

    # -- row kinds ---------------------------------------------------------

    def _classify(self) -> list[str]:
        """Each row: "heading", "varav", "detail", "subtotal", "grand" or "declared"."""
        declared_detail: set[int] = set()
        for name, source in self.decl.details:
            found = self.labels.find(name)
            if not found:
                self._unknown_row(name, source)
            declared_detail.update(found)
        declared_varav: set[int] = set()
        for name, source in self.decl.varav:
            found = self.labels.find(name)
            if not found:
                self._unknown_row(name, source)
            declared_varav.update(found)
        kinds: list[str] = []
        for i, row in enumerate(self.rows):
            if row.kind in ROW_KINDS:
                kinds.append(row.kind if row.kind != "heading" or not row.has_figures else "detail")
            elif i in declared_varav or (i not in declared_detail and is_varav_label(row.label)):
                kinds.append("varav")
            elif not row.has_figures:
                kinds.append("heading")
            elif i in declared_detail:
                kinds.append("detail")
            elif is_ratio_label(row.label):
                kinds.append("ratio")
            else:
                kinds.append(default_total_kind(row.label) or "detail")
        return kinds

    # -- sums --------------------------------------------------------------

    def _declared_sums(self, kinds: list[str]) -> dict[int, SumRule]:
        rules: dict[int, SumRule] = {}
        for rule in self.decl.sums:
            found = self.labels.find(rule.total)
            if not found:
                self._unknown_row(rule.total, rule.source)
                continue
            for i in found:
                rules[i] = rule
                if kinds[i] in {"detail", "heading", "ratio"}:
                    kinds[i] = "subtotal"
        return rules

    def _resolve_parts(self, rule: SumRule, total: int) -> tuple[tuple[int, int], ...] | None:
        assert rule.parts is not None
        parts: list[tuple[int, int]] = []
        for term in rule.parts:
            found = self.labels.find(term.name)
            if not found:
                self._unknown_row(term.name, rule.source)
                return None
            above = [i for i in found if i < total]
            below = [i for i in found if i > total]
            # Repeated labels ("Summa"): the nearest one above the total is meant.
            index = above[-1] if above else (below[0] if below else None)
            if index is None:
                self._unknown_row(term.name, rule.source)
                return None
            parts.append((term.sign, index))
        return tuple(parts)

    def _sums(self, kinds: list[str], summed: list[int]) -> list[CheckedSum]:
        rules = self._declared_sums(kinds)
        # Structure from the figures only when nothing about it is declared or known.
        bare = not self.decl.sums and not any(r.kind in ROW_KINDS for r in self.rows)
        if not bare:
            return self._sum_pass(kinds, summed, rules, {}, {}, bare=False)
        original = list(kinds)
        state = (len(self.findings), dict(self.breaks), dict(self.sum_parts), self.checked)
        without = self._sum_pass(kinds, summed, rules, {}, {}, bare=True)
        # When the labelled totals hold and every row is part of one, the figures have
        # nothing more to say: no search for totals without a label (most long tables).
        covered = {p for parts in self.sum_parts.values() for _, p in parts}
        if not any(kind == "sum" for kind, _, _ in self.breaks) and all(
            i in covered for i, kind in enumerate(kinds) if kind == "detail"
        ):
            return without
        grouped = list(original)
        above, below = self._implicit_totals(grouped, summed)
        if not above and not below:
            return without
        # Totals found by their figures are kept only if the other totals hold at least as
        # well with them as without them (a row equal to the sum of two others by chance
        # would break the labelled total that really sums them).
        plain = (
            self.findings[state[0] :],
            dict(self.breaks),
            dict(self.sum_parts),
            self.checked,
            list(self.read_as_rows),
            list(kinds),
        )
        del self.findings[state[0] :]
        self.breaks, self.sum_parts, self.checked = dict(state[1]), dict(state[2]), state[3]
        self.read_as_rows = []
        with_groups = self._sum_pass(grouped, summed, rules, above, below, bare=True)
        found = set(above) | set(below)
        elsewhere = sum(1 for kind, total, _ in self.breaks if kind == "sum" and total not in found)
        if elsewhere <= sum(1 for kind, _, _ in plain[1] if kind == "sum"):
            kinds[:] = grouped
            return with_groups
        del self.findings[state[0] :]
        self.findings += plain[0]
        self.breaks, self.sum_parts, self.checked = plain[1], plain[2], plain[3]
        self.read_as_rows = plain[4]
        kinds[:] = plain[5]
        return without

    def _sum_pass(
        self,
        kinds: list[str],
        summed: list[int],
        rules: dict[int, SumRule],
        above: dict[int, tuple[int, ...]],
        below: dict[int, tuple[int, ...]],
        *,
        bare: bool,
    ) -> list[CheckedSum]:
        checked: list[CheckedSum] = []
        section: list[int] = []  # detail rows since the previous total
        section_varav: list[int] = []
        open_items: dict[int, None] = {}  # not yet summed since the previous grand total (ordered)
        top: set[int] = set()  # totals of rows below them: never part of a later total

        def add(
            total: int, parts: tuple[tuple[int, int], ...], declared: bool, reading: str
        ) -> None:
            self._check_sum(total, parts, summed, section_varav, declared=declared)
            checked.append(CheckedSum(total, parts, declared, reading))
            self.sum_parts[total] = parts

        for i, kind in enumerate(kinds):
            if kind == "part":
                continue
            if kind == "detail" and i in below:
                parts = tuple((1, p) for p in below[i])
                add(i, parts, False, "below")
                for p in below[i]:
                    open_items.pop(p, None)
                open_items[i] = None
                section, section_varav = [], []
                continue
            if kind == "detail":
                if i in above:
                    add(i, tuple((1, p) for p in above[i]), False, "above")
                section.append(i)
                open_items[i] = None
                continue
            if kind == "varav":
                section_varav.append(i)
                continue
            if kind in {"heading", "ratio"}:
                continue
            rule = rules.get(i)
            if rule is not None and rule.parts is not None:
                resolved = self._resolve_parts(rule, i)
                # A rule naming a missing row is reported; the total then falls back
                # to the default reading, so that one typo does not cascade.
                if resolved is not None:
                    add(i, resolved, True, "declared")
                    for _, p in resolved:
                        open_items.pop(p, None)
                    open_items[i] = None
                    section, section_varav = [], []
                    continue
            if bare and rule is None and not section:
                without_rows = self._total_without_rows(i, kinds, summed, open_items)
                if without_rows is not None:
                    name, parts = without_rows
                    add(i, parts, False, name)
                    if name == "top":
                        top.add(i)
                    else:
                        open_items = {}
                        open_items[i] = None
                    section_varav = []
                    continue
                if self.rows[i].has_figures:
                    # Labelled like a total, but no reading adds up: a row (a lonely "Summa ...").
                    kinds[i] = "detail"
                    self.read_as_rows.append(i)
                    section.append(i)
                    open_items[i] = None
                    continue
            as_subtotal = tuple((1, p) for p in section)
            # The other reading is built only when needed: open items can be many.
            order = ["grand", "subtotal"] if kind == "grand" else ["subtotal", "grand"]
            if not section:
                order = ["grand"]
            elif self.rows[i].kind in ROW_KINDS:
                order = order[:1]  # the structure is known: no second reading
            chosen: tuple[str, tuple[tuple[int, int], ...]] | None = None
            first: tuple[str, tuple[tuple[int, int], ...]] | None = None
            fewest = 0
            for name in order:
                parts = (
                    as_subtotal
                    if name == "subtotal"
                    else tuple((1, p) for p in open_items if p not in top)
                )
                if not parts or (first is not None and parts == first[1]):
                    continue
                broken = sum(1 for o in self._outcomes(i, parts, summed) if o.real)
                if not broken:
                    chosen = (name, parts)
                    break
                # Neither reading holds: the one that breaks in fewer columns is the likelier.
                if first is None or broken < fewest:
                    first, fewest = (name, parts), broken
            chosen = chosen or first
            if chosen is not None:
                reading, parts = chosen
                add(i, parts, False, reading)
                if reading == "grand":
                    open_items = {}
                else:
                    for _, p in parts:
                        open_items.pop(p, None)
            open_items[i] = None
            section, section_varav = [], []
        return checked

    def _total_without_rows(
        self,
        i: int,
        kinds: list[str],
        summed: list[int],
        open_items: dict[int, None],
    ) -> tuple[str, tuple[tuple[int, int], ...]] | None:
        """A labelled total with no rows of its own above it: what it sums, if anything adds up.

        With nothing open above it, it may total the rows *below* it (a grand
        total printed first): the later totals, or the later rows. After other
        totals, it may sum what is still open (the default grand reading).
        None when no reading adds up, in all columns or all but one.
        """
        columns = len(summed)
        readings: list[tuple[str, tuple[int, ...]]] = []
        open_parts = tuple(p for p in open_items)
        if open_parts:
            # The default grand reading stands unless it breaks in every column (at least two):
            # a total with a misprint breaks in one column, a row that only looks like a total in all.
            outcomes = self._outcomes(i, tuple((1, p) for p in open_parts), summed)
            if len(outcomes) < 2 or any(not o.real for o in outcomes):
                return "grand", tuple((1, p) for p in open_parts)
        else:
            later_totals = tuple(
                j for j in range(i + 1, len(kinds)) if kinds[j] in {"subtotal", "grand"}
            )
            later_rows = tuple(j for j in range(i + 1, len(kinds)) if kinds[j] == "detail")
            readings += [("top", later_totals), ("top", later_rows)]
        for name, parts in readings:
            if len(parts) < 1:
                continue
            broken = (
                self._group_fit(i, parts, summed)
                if len(parts) >= 2
                else self._single_fit(i, parts[0], summed)
            )
            if self._close_enough(broken, columns):
                return name, tuple((1, p) for p in parts)
        return None

    def _single_fit(self, total: int, part: int, summed: list[int]) -> int | None:
        outcomes = self._outcomes(total, ((1, part),), summed)
        if len(outcomes) < 2:
            return None
        return sum(1 for o in outcomes if o.real)

    def _outcomes(
        self, total: int, parts: Sequence[tuple[int, int]], summed: list[int]
    ) -> list[_Outcome]:
        row = self.rows[total]
        outcomes: list[_Outcome] = []
        for col in summed:
            outcome = _combine(
                col,
                row.cell(col),
                [(sign, self.rows[p].cell(col)) for sign, p in parts],
            )
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    def _check_sum(
        self,
        total: int,
        parts: Sequence[tuple[int, int]],
        summed: list[int],
        section_varav: Sequence[int],
        *,
        declared: bool,
    ) -> None:
        row = self.rows[total]
        part_rows = [p for _, p in parts]
        varav_in = [v for v in section_varav if self._varav_parent(v) in part_rows]
        what = self._describe_parts(parts)
        for outcome in self._outcomes(total, parts, summed):
            self.checked += 1
            if outcome.difference == 0:
                continue
            col = self._col(outcome.column)
            details = self._details(row, outcome)
            details["parts"] = [self.rows[p].label for p in part_rows]
            details["part_lines"] = [self.rows[p].source.line for p in part_rows]
            if outcome.rounding:
                self.findings.append(
                    self._rounding_finding(row, col, outcome, len(parts), what, details)
                )
                continue
            self.breaks[("sum", total, outcome.column)] = len(self.findings)
            diagnosis = self._diagnose_sum(outcome, parts, varav_in)
            code = "audit.varav_in_sum" if diagnosis.startswith("varav:") else "audit.sum"
            diagnosis = diagnosis.removeprefix("varav:")
            lines = self._line_range(part_rows)
            hint = (
                f"Räkna om summan av {lines} och rätta antingen summan eller den rad som är fel."
                if code == "audit.sum"
                else "Ta bort varav-raden ur summan: den är redan en del av raden ovanför."
            )
            if code == "audit.sum" and not declared:
                hint += f" Om raden summerar andra rader, deklarera det: '# summa: {row.label} = A + B'."
            self.findings.append(
                error(
                    row.source,
                    code,
                    f"Summan på raden {row.label!r}, kolumn {col!r}, stämmer inte: tryckt "
                    f"{_fmt(outcome.printed.value or ZERO)}, beräknat {_fmt(outcome.computed)} "
                    f"({what}), differens {_with_unit(outcome.difference, self.unit)}, mer än "
                    f"avrundning kan förklara (högst {_with_unit(outcome.bound, self.unit)}).{diagnosis}",
                    hint,
                    **details,
                )
            )

    def _details(self, row: TableRow, outcome: _Outcome) -> dict[str, Any]:
        return {
            "row": row.label,
            "column": self._col(outcome.column),
            "printed": outcome.printed.value,
            "computed": outcome.computed,
            "difference": outcome.difference,
            "bound": outcome.bound,
            "printed_text": outcome.printed.text,
            "unit": self.unit,
        }

    def _rounding_finding(
        self,
        row: TableRow,
        col: str,
        outcome: _Outcome,
        terms: int,
        what: str,
        details: dict[str, Any],
    ) -> Finding:
        return warning(
            row.source,
            "audit.rounding",
            f"Avrundningsdifferens på raden {row.label!r}, kolumn {col!r}: tryckt "
            f"{_fmt(outcome.printed.value or ZERO)}, beräknat {_fmt(outcome.computed)} ({what}), "
            f"differens {_with_unit(outcome.difference, self.unit)}, inom vad avrundning av {terms} "
            f"tryckta tal kan förklara (högst {_with_unit(outcome.bound, self.unit)}).",
            "Inget räknefel i sak. Fördela avrundningen (största rest) så att tabellen går jämnt "
            "ut, eller skriv en not om att avrundningsdifferenser förekommer.",
            **details,
        )

    def _describe_parts(self, parts: Sequence[tuple[int, int]]) -> str:
        labels = [("− " if s < 0 else "") + repr(self.rows[p].label) for s, p in parts]
        if len(labels) <= 4:
            return "summan av " + ", ".join(labels) if len(labels) > 1 else "lika med " + labels[0]
        return f"summan av {len(labels)} rader, {labels[0]} till {labels[-1]}"

    def _line_range(self, part_rows: Sequence[int]) -> str:
        lines = sorted(line for p in part_rows if (line := self.rows[p].source.line) is not None)
        if not lines:
            return "raderna"
        if len(lines) == 1:
            return f"rad {lines[0]}"
        contiguous = lines == list(range(lines[0], lines[-1] + 1))
        if contiguous:
            return f"raderna {lines[0]}–{lines[-1]}"
        return "raderna " + ", ".join(str(x) for x in lines)

    def _varav_parent(self, index: int) -> int | None:
        for j in range(index - 1, -1, -1):
            if self.kinds[j] not in {"varav", "heading", "ratio"}:
                return j
        return None

    def _diagnose_sum(
        self, outcome: _Outcome, parts: Sequence[tuple[int, int]], varav_in: Sequence[int]
    ) -> str:
        """A likely cause, as a sentence to add to the message ("" when none is evident)."""
        col = outcome.column
        printed = outcome.printed.value
        assert printed is not None
        bound = outcome.bound

        def near(value: Decimal, extra: Decimal = ZERO) -> bool:
            return abs(printed - value) <= bound + extra

        if printed != 0 and near(-outcome.computed):
            return " Troligen omvänt tecken: den tryckta summan är det beräknade värdet med motsatt tecken."
        # One varav row summed in, or all of them.
        groups = [[v] for v in varav_in] + ([list(varav_in)] if len(varav_in) > 1 else [])
        for group in groups:
            cells = [self.rows[v].cell(col) for v in group]
            if not all(c.readable for c in cells):
                continue
            extra = sum((c.value or ZERO for c in cells), ZERO)
            half = sum((c.half_unit for c in cells), ZERO)
            if extra != 0 and near(outcome.computed + extra, half):
                names = ", ".join(
                    f"{self.rows[v].label!r} (rad {self.rows[v].source.line})" for v in group
                )
                noun = "Varav-raden" if len(group) == 1 else "Varav-raderna"
                return (
                    f"varav: {noun} {names} har räknats med i summan: med "
                    f"{'den' if len(group) == 1 else 'dem'} blir summan "
                    f"{_fmt(outcome.computed + extra)}, som trycktes."
                )
        for sign, p in parts:
            cell = self.rows[p].cell(col)
            if cell.value is None or cell.value == 0:
                continue
            value = sign * cell.value
            label = self.rows[p].label
            line = self.rows[p].source.line
            where = f"{label!r} (rad {line})" if line is not None else repr(label)
            if near(outcome.computed - 2 * value):
                return f" Summan stämmer om tecknet på raden {where} vänds: ett tecken är troligen fel."
            if near(outcome.computed - value):
                return (
                    f" Summan stämmer om raden {where} utelämnas: den är troligen inte medräknad."
                )
            if near(outcome.computed + value):
                return f" Summan stämmer om raden {where} räknas två gånger: den är troligen dubbelräknad."
        if _transposed(printed, outcome.computed, outcome.printed.decimals):
            return " Två siffror verkar ha bytt plats (differensen är delbar med 9 och siffrorna är desamma)."
        return ""

    # -- relations ---------------------------------------------------------

    def _resolve_relation(
        self, relation: Relation
    ) -> tuple[int, tuple[tuple[int, int], ...]] | None:
        target = self.columns.find(relation.target)
        if len(target) != 1:
            self._unknown_column(relation.target, relation.source)
            return None
        terms: list[tuple[int, int]] = []
        for term in relation.terms:
            found = self.columns.find(term.name)
            if len(found) != 1:
                self._unknown_column(term.name, relation.source)
                return None
            terms.append((term.sign, found[0]))
        return target[0], tuple(terms)

    def _relations(
        self,
    ) -> tuple[list[tuple[Relation, _Resolved]], list[tuple[Relation, _Resolved]]]:
        declared: list[tuple[Relation, _Resolved]] = []
        for relation in self.decl.relations:
            resolved = self._resolve_relation(relation)
            if resolved is not None:
                declared.append((relation, resolved))
        if self.decl.relations or self.decl.no_relations:
            return declared, []
        return declared, self._infer_relations()

    def _fit(self, target: int, terms: tuple[tuple[int, int], ...]) -> tuple[int, int]:
        """(rows where ``target`` = signed sum of ``terms`` within rounding, rows evaluated)."""
        # The rule of _combine, on the integer grid (the same figures, faster).
        matches = evaluated = 0
        unreadable = infer.UNREADABLE
        for cells in self.grid.rows:
            t = cells[target] if target < len(cells) else None
            if t is None or t is unreadable:
                continue
            computed = bound = coarsest = 0
            filled = True
            usable = False
            for sign, c in terms:
                f = cells[c] if c < len(cells) else None
                if f is None:
                    continue
                if f is unreadable:
                    filled = False
                    break
                usable = True
                computed += sign * f[0]
                bound += f[1]
                coarsest = max(coarsest, f[1])
            if not filled or not usable:
                continue
            if t[1] > coarsest:
                bound += t[1]
            evaluated += 1
            matches += abs(t[0] - computed) <= bound
        return matches, evaluated

    def _relation(
        self, target: int, terms: tuple[tuple[int, int], ...]
    ) -> tuple[Relation, _Resolved]:
        columns = self.table.columns
        relation = Relation(
            columns[target],
            tuple(Term(sign, columns[c]) for sign, c in terms),
            self.table.header or Source(self.table.name),
        )
        return relation, (target, terms)

    def _infer_relations(self) -> list[tuple[Relation, _Resolved]]:
        """The deviation column, a column total, and any relation of two to four signed columns.

        The deviation (``Avvikelse = Budget - Utfall`` or the reverse) and a
        last column headed *Totalt* are recognised by their headers; every other
        relation is searched for in the figures (:mod:`styrkort.core.audit.infer`)
        and kept when it holds on at least three rows and on most rows.
        """
        norm = [normalise_label(c) for c in self.table.columns]
        usable = [
            c
            for c in range(len(norm))
            if not any(w in norm[c] for w in _PERCENT_WORDS)
            and norm[c].rstrip(".") not in _ID_COLUMNS
            and c not in self.table.percent_columns
            and not any(r.cell(c).percent for r in self.rows)
        ]
        inferred: list[tuple[Relation, _Resolved]] = []
        unknown: list[Finding] = []
        deviation = self._infer_deviation(norm, usable, unknown)
        if deviation is not None:
            inferred.append(deviation)
        totals = [c for c in usable if _first_word(norm[c]) in _SUBTOTAL_WORDS]
        if len(totals) == 1 and totals[0] == usable[-1] and len(usable) >= 3 and deviation is None:
            # "Q1; Q2; Q3; Q4; Totalt": the last column sums the others (only when most rows say so).
            terms = tuple((1, c) for c in usable[:-1])
            matches, evaluated = self._fit(totals[0], terms)
            if evaluated and 2 * matches > evaluated:
                inferred.append(self._relation(totals[0], terms))
        self.support = [
            (f.matches, f.evaluated)
            for f in (infer.fit(self.grid, t, terms) for _, (t, terms) in inferred)
        ]
        found = infer.search(
            self.grid,
            usable,
            known=[resolved for _, resolved in inferred],
            preference=[_target_preference(n) for n in norm],
        )
        for f in found:
            # "Avvikelse = Kommunbidrag - Nettokostnad": the added columns first, as people write it.
            terms = tuple(sorted(f.terms, key=lambda t: (t[0] < 0, t[1])))
            inferred.append(self._relation(f.target, terms))
            self.support.append((f.matches, f.evaluated))
        explained = {self.table.columns[t] for _, (t, _) in inferred}
        self.findings += [
            f for f in unknown if f.details is None or f.details.get("column") not in explained
        ]
        return inferred

    def _infer_deviation(
        self, norm: list[str], usable: list[int], unknown: list[Finding]
    ) -> tuple[Relation, _Resolved] | None:
        deviation = [c for c in usable if norm[c].startswith("avv")]
        budget = [c for c in usable if "budget" in norm[c] and c not in deviation]
        outcome = [
            c
            for c in usable
            if c not in deviation
            and c not in budget
            and any(w in norm[c] for w in ("utfall", "prognos", "bokslut", "redovisat"))
        ]
        if len(deviation) != 1 or len(budget) != 1 or not outcome:
            return None
        a, b = deviation[0], budget[0]
        best: tuple[int, int, tuple[tuple[int, int], ...]] | None = None
        for x in outcome:
            pairs: tuple[tuple[tuple[int, int], ...], ...] = (((1, b), (-1, x)), ((1, x), (-1, b)))
            for terms in pairs:
                matches, evaluated = self._fit(a, terms)
                if best is None or matches > best[0]:
                    best = (matches, evaluated, terms)
        if best is None or best[1] == 0:
            return None
        matches, evaluated, chosen = best
        if 2 * matches <= evaluated:
            columns = self.table.columns
            unknown.append(
                warning(
                    self.table.header or Source(self.table.name),
                    "audit.relation.unknown",
                    f"Kolumnen {columns[a]!r} stämmer varken som budget − utfall eller utfall − "
                    "budget på mer än hälften av raderna; den kontrolleras inte.",
                    f"Deklarera hur kolumnen räknas, till exempel '# relation: {columns[a]} = "
                    f"{columns[b]} - {columns[outcome[0]]}', eller '# relation: ingen'.",
                    column=columns[a],
                )
            )
            return None
        return self._relation(a, chosen)

    def _relation_rows(
        self, relation: Relation, target: int, declared: Sequence[Relation]
    ) -> set[int]:
        """Indices of the rows ``relation`` holds on."""
        if relation.rows:
            found: set[int] = set()
            for name in relation.rows:
                rows = self.labels.find(name)
                if not rows:
                    self._unknown_row(name, relation.source)
                found.update(rows)
            return found
        scoped: set[int] = set()
        for other in declared:
            if other.rows and self.columns.find(other.target) == [target]:
                for name in other.rows:
                    scoped.update(self.labels.find(name))
        return set(range(len(self.rows))) - scoped

    def _check_relation(
        self,
        relation: Relation,
        resolved: _Resolved,
        *,
        inferred: bool,
        rows: set[int] | None = None,
    ) -> None:
        target, terms = resolved
        self.checked_relations.append((resolved, rows))
        for index, row in enumerate(self.rows):
            if rows is not None and index not in rows:
                continue
            outcome = _combine(target, row.cell(target), [(s, row.cell(c)) for s, c in terms])
            if outcome is None:
                continue
            if all(row.cell(c).blank for _, c in terms):
                # A figure with no terms printed: nothing to recompute from.
                continue
            self.checked += 1
            if outcome.difference == 0:
                continue
            col = self._col(target)
            details = self._details(row, outcome)
            details["relation"] = str(relation)
            how = "härledd av Styrkort" if inferred else f"deklarerad på rad {relation.source.line}"
            if outcome.rounding:
                self.findings.append(
                    warning(
                        row.source,
                        "audit.rounding",
                        f"Avrundningsdifferens på raden {row.label!r}, kolumn {col!r}: tryckt "
                        f"{_fmt(outcome.printed.value or ZERO)}, men {relation} ger "
                        f"{_fmt(outcome.computed)}, differens {_with_unit(outcome.difference, self.unit)}, "
                        f"inom vad avrundning av {len(terms)} tryckta tal kan förklara "
                        f"(högst {_with_unit(outcome.bound, self.unit)}).",
                        "Inget räknefel i sak. Beräkna kolumnen från de avrundade talen om "
                        "tabellen ska gå jämnt ut, eller skriv en not om avrundningsdifferenser.",
                        **details,
                    )
                )
                continue
            self.breaks[("rel", len(self.checked_relations) - 1, index)] = len(self.findings)
            diagnosis = ""
            printed = outcome.printed.value or ZERO
            if printed != 0 and abs(printed + outcome.computed) <= outcome.bound:
                diagnosis = " Troligen omvänt tecken: det tryckta värdet är det beräknade med motsatt tecken."
            elif _transposed(printed, outcome.computed, outcome.printed.decimals):
                diagnosis = " Två siffror verkar ha bytt plats (differensen är delbar med 9 och siffrorna är desamma)."
            self.findings.append(
                error(
                    row.source,
                    "audit.relation",
                    f"Raden {row.label!r}, kolumn {col!r}, stämmer inte med {relation} "
                    f"({how}): tryckt {_fmt(printed)}, beräknat {_fmt(outcome.computed)}, "
                    f"differens {_with_unit(outcome.difference, self.unit)}, mer än avrundning kan "
                    f"förklara (högst {_with_unit(outcome.bound, self.unit)}).{diagnosis}",
                    f"Enligt {relation} ska det stå {_fmt(outcome.computed)}: rätta cellen, eller de "
                    "tal den räknas från om det är de som är fel.",
                    **details,
                )
            )

    # -- varav rows --------------------------------------------------------

    def _varav_larger(self, kinds: list[str], summed: list[int]) -> None:
        """The varav rows under a row cannot together exceed it (same signs)."""
        groups: dict[int, list[int]] = {}
        for i, kind in enumerate(kinds):
            if kind == "varav":
                parent = self._varav_parent(i)
                if parent is not None:
                    groups.setdefault(parent, []).append(i)
        mixed = {col for col in summed if self._mixed_signs(col, kinds)}
        for parent, children in groups.items():
            prow = self.rows[parent]
            for col in summed:
                pcell = prow.cell(col)
                cells = [self.rows[c].cell(col) for c in children]
                if pcell.value is None or pcell.value == 0 or not all(c.readable for c in cells):
                    continue
                values = [c.value for c in cells if c.value is not None and c.value != 0]
                if not values or any((v > 0) != (pcell.value > 0) for v in values):
                    continue
                total = sum(values, ZERO)
                bound = sum((c.half_unit for c in cells), ZERO) + pcell.half_unit
                if abs(total) - abs(pcell.value) > bound:
                    first = self.rows[children[0]]
                    if col in mixed:
                        # A result or deviation: the row's other parts may have the opposite sign.
                        self.findings.append(
                            info(
                                first.source,
                                "audit.varav_exceeds",
                                f"Varav-raderna under {prow.label!r}, kolumn {self._col(col)!r}, är "
                                f"tillsammans {_fmt(total)}, mer än raden själv ({_fmt(pcell.value)}). "
                                "Kolumnen har både positiva och negativa tal, så radens övriga delar "
                                "kan ha motsatt tecken: inget fel i sig.",
                                "Kontrollera att varav-raderna hör till raden ovanför.",
                                row=first.label,
                                column=self._col(col),
                                printed=total,
                                computed=pcell.value,
                                difference=total - pcell.value,
                                unit=self.unit,
                            )
                        )
                        continue
                    self.findings.append(
                        error(
                            first.source,
                            "audit.varav_exceeds",
                            f"Varav-raderna under {prow.label!r}, kolumn {self._col(col)!r}, är "
                            f"tillsammans {_fmt(total)}, mer än raden själv ({_fmt(pcell.value)}); "
                            "en del kan inte vara större än helheten.",
                            "Kontrollera varav-raderna och raden ovanför; kanske hör raden inte "
                            "till den rad den står under.",
                            row=first.label,
                            column=self._col(col),
                            printed=total,
                            computed=pcell.value,
                            difference=total - pcell.value,
                            unit=self.unit,
                        )
                    )

    def _mixed_signs(self, col: int, kinds: list[str]) -> bool:
        """Whether the column's rows have both signs (a result or deviation, not costs or revenues)."""
        signs = {
            cell.value > 0
            for i, row in enumerate(self.rows)
            if kinds[i] in {"detail", "part"}
            and (cell := row.cell(col)).value is not None
            and cell.value != 0
        }
        return len(signs) > 1

    # -- misprints ---------------------------------------------------------

    def _check_cells(self, key: tuple[str, int, int]) -> dict[tuple[int, int], int]:
        kind, a, b = key
        cells: dict[tuple[int, int], int] = {}
        if kind == "sum":
            cells[(a, b)] = 1
            for sign, p in self.sum_parts[a]:
                if self.rows[p].cell(b).value is not None:
                    cells[(p, b)] = cells.get((p, b), 0) - sign
        else:
            (target, terms), _ = self.checked_relations[a]
            cells[(b, target)] = 1
            for sign, c in terms:
                if self.rows[b].cell(c).value is not None:
                    cells[(b, c)] = cells.get((b, c), 0) - sign
        return cells

    def _outcome(self, key: tuple[str, int, int]) -> _Outcome | None:
        kind, a, b = key
        if kind == "sum":
            return _combine(
                b, self.rows[a].cell(b), [(s, self.rows[p].cell(b)) for s, p in self.sum_parts[a]]
            )
        (target, terms), _ = self.checked_relations[a]
        row = self.rows[b]
        if all(row.cell(c).blank for _, c in terms):
            return None
        return _combine(target, row.cell(target), [(s, row.cell(c)) for s, c in terms])

    def _localise(self) -> list[Misprint]:
        """Name the cell that explains each group of breaks, and mark the breaks as its consequences."""
        summed = set(self.summed)
        in_sums: dict[int, list[int]] = {}
        for total, parts in self.sum_parts.items():
            in_sums.setdefault(total, []).append(total)
            for _, p in parts:
                in_sums.setdefault(p, []).append(total)

        outcomes: dict[tuple[str, int, int], _Outcome | None] = {}
        cells: dict[tuple[str, int, int], dict[tuple[int, int], int]] = {}

        def cells_of(key: tuple[str, int, int]) -> dict[tuple[int, int], int]:
            if key not in cells:
                cells[key] = self._check_cells(key)
            return cells[key]

        def outcome_of(key: tuple[str, int, int]) -> _Outcome | None:
            # A total of many rows takes part in the checks of every one of them: compute it once.
            if key not in outcomes:
                outcomes[key] = self._outcome(key)
            return outcomes[key]

        def checks_of(cell: tuple[int, int]) -> list[tuple[str, int, int]]:
            row, col = cell
            found: list[tuple[str, int, int]] = []
            if col in summed:
                found += [("sum", t, col) for t in in_sums.get(row, [])]
            for n, ((target, terms), rows) in enumerate(self.checked_relations):
                if (rows is None or row in rows) and (
                    col == target or any(c == col for _, c in terms)
                ):
                    found.append(("rel", n, row))
            return [k for k in found if outcome_of(k) is not None]

        def residual(key: tuple[str, int, int]) -> tuple[Decimal, Decimal]:
            outcome = outcome_of(key)
            assert outcome is not None
            return outcome.difference, outcome.bound

        def value_of(cell: tuple[int, int]) -> tuple[Decimal, int] | None:
            c = self.rows[cell[0]].cell(cell[1])
            return None if c.value is None or c.exact else (c.value, c.decimals)

        found = localise(
            list(self.breaks),
            cells_of=cells_of,  # type: ignore[arg-type]
            residual=residual,  # type: ignore[arg-type]
            checks_of=checks_of,
            value_of=value_of,
        )
        for m in found:
            row, col = m.cell
            r = self.rows[row]
            cause = CAUSES.get(m.cause, "")
            why = f" Troligen {cause}." if cause else ""
            consequences = len(m.explains)
            self.findings.append(
                error(
                    r.source,
                    "audit.misprint",
                    f"Cellen på raden {r.label!r}, kolumn {self._col(col)!r}, är troligen felskriven: "
                    f"tryckt {_fmt(m.printed)}, men {_fmt(m.implied)} får "
                    f"{'brottet' if consequences == 1 else f'alla {consequences} brott'} runt den att "
                    f"stämma utan att något annat slutar stämma.{why}",
                    f"Rätta cellen till {_fmt(m.implied)}; de andra felen i samma rader och "
                    "kolumner är följder av den.",
                    row=r.label,
                    column=self._col(col),
                    printed=m.printed,
                    computed=m.implied,
                    difference=m.printed - m.implied,
                    implied=m.implied,
                    cause=m.cause,
                    consequences=consequences,
                    unit=self.unit,
                )
            )
            where = f"{r.label!r}, kolumn {self._col(col)!r}"
            for key in m.explains:
                index = self.breaks[key]  # type: ignore[index]
                f = self.findings[index]
                details = dict(f.details or {})
                details.update(
                    cause_row=r.label, cause_column=self._col(col), cause_line=r.source.line
                )
                self.findings[index] = f._replace(
                    message=f"{f.message} Följd av den troligen felskrivna cellen {where} "
                    f"(tryckt {_fmt(m.printed)}, bör vara {_fmt(m.implied)}).",
                    hint=f"Rätta i första hand cellen {where} till {_fmt(m.implied)}: då stämmer "
                    "även detta.",
                    details=details,
                )
        return found


def _transposed(printed: Decimal, computed: Decimal, decimals: int) -> bool:
    scale = Decimal(1).scaleb(decimals)
    a, b = printed * scale, computed * scale
    if a == b or a != a.to_integral_value() or b != b.to_integral_value():
        return False
    if (a - b) % 9 != 0 or (a < 0) != (b < 0):
        return False
    da, db = str(abs(int(a))), str(abs(int(b)))
    return (
        len(da) == len(db)
        and sorted(da) == sorted(db)
        and sum(x != y for x, y in zip(da, db, strict=True)) == 2
    )


# ---------------------------------------------------------------------------
# Tables Styrkort itself presents (the report model), audited as printed


class PresentedCell(Protocol):
    @property
    def text(self) -> str: ...


class PresentedColumn(Protocol):
    @property
    def label(self) -> str: ...


class PresentedRow(Protocol):
    @property
    def cells(self) -> Sequence[PresentedCell]: ...

    @property
    def kind(self) -> str: ...


class PresentedTable(Protocol):
    """The shape of ``styrkort.report.model.Table`` (core may not import report)."""

    @property
    def id(self) -> str: ...

    @property
    def caption(self) -> str: ...

    @property
    def columns(self) -> Sequence[PresentedColumn]: ...

    @property
    def rows(self) -> Sequence[PresentedRow]: ...

    @property
    def unit(self) -> str | None: ...

    @property
    def kind(self) -> str: ...


# report.model row kinds -> audit row kinds
_PRESENTED_KINDS = {"body": "detail", "subtotal": "subtotal", "total": "grand"}


def presented_table(
    table: PresentedTable,
    *,
    file: str | None = None,
    row_sources: Sequence[Source | None] | None = None,
) -> PublishedTable:
    """A report-model table as printed (cell texts, rounded to tkr), with its known structure.

    Rows are located as ``file:N`` where N counts the table's lines with the
    header as line 1 (``rapport[driftredovisning]:4`` is the third row), unless
    ``row_sources`` gives a source per row. Body rows are details, subtotal
    rows sum the body rows above them, the total row sums the subtotals.
    """
    name = file or f"rapport[{table.id}]"
    rows: list[TableRow] = []
    for i, row in enumerate(table.rows):
        cells = list(row.cells)
        label = cells[0].text if cells else ""
        source = row_sources[i] if row_sources is not None and i < len(row_sources) else None
        rows.append(
            TableRow(
                label,
                tuple(printed_cell(c.text) for c in cells[1:]),
                source or Source(name, i + 2),
                _PRESENTED_KINDS.get(row.kind, "detail"),
            )
        )
    return PublishedTable(
        name=name,
        columns=tuple(c.label for c in list(table.columns)[1:]),
        rows=tuple(rows),
        unit=table.unit or "",
        header=Source(name, 1),
    )


def audit_statement(
    table: PresentedTable,
    *,
    file: str | None = None,
    row_sources: Sequence[Source | None] | None = None,
) -> AuditReport:
    """Audit an operating or investment statement as Styrkort presents it (rounded to tkr).

    Call it on ``report.table("operating")`` or ``report.table("investments")``:
    the rounding of a generated table can still leave visible breaks (with
    totals computed from unrounded values), and they are reported like those of
    any published table. The deviation column's direction (budget − outcome or
    outcome − budget, depending on the sign convention) is inferred.
    """
    return audit(presented_table(table, file=file, row_sources=row_sources))


STATEMENT_KINDS = ("operating", "investments")


def audit_statements(tables: Iterable[PresentedTable], *, file_prefix: str = "") -> list[Finding]:
    """Findings of every operating and investment statement among ``tables`` (``report.tables()``).

    The one call a pipeline needs to add the audit of its own statements to its
    checks: ``findings += audit_statements(report.tables())``.
    """
    findings: list[Finding] = []
    for table in tables:
        if table.kind in STATEMENT_KINDS:
            name = f"{file_prefix}[{table.id}]" if file_prefix else None
            findings += audit_statement(table, file=name).findings
    return findings
