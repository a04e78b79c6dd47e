"""Read a published table (CSV or XLSX) and its declaration for the table audit.

The table is what was printed: a title or two, a header row, a label column and
the figures as shown (Swedish formatting, "–" or "−" for minus, blanks). The
declaration of how it is built comes from lines starting with ``#`` in the
table itself (anywhere; usually a block above the header) and/or a sidecar
YAML file next to it (``drift.csv.yaml`` or ``drift.yaml``). See docs/audit.md.

Tables pasted from Word into Excel are read as they come: a title row above the
header, empty rows, merged (empty) cells and columns, numbers stored as text
with non-breaking spaces, a label wrapped onto two rows.

Readers never raise on bad input: :func:`read_table` returns the table (or
None), the declaration and findings with file and line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from styrkort.core.audit import (
    Cell,
    Declaration,
    PublishedTable,
    TableRow,
    parse_declaration,
    printed_cell,
    value_cell,
)
from styrkort.core.findings import Finding, Source, error, warning
from styrkort.core.limits import exceeded
from styrkort.sources.safe_yaml import YamlLimit as _YamlLimit
from styrkort.sources.safe_yaml import check as _yaml_limits

__all__ = [
    "GridRead",
    "Record",
    "Records",
    "TableRead",
    "decode",
    "read_grid",
    "read_records",
    "read_table",
    "records_from_grid",
    "records_from_text",
    "sidecar_for",
    "table_from_grid",
]

SIDECAR_SUFFIXES = (".yaml", ".yml")
TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")

GridCell = str | Cell

UNSUPPORTED = {
    ".xls": "det gamla Excel-formatet",
    ".ods": "OpenDocument-kalkylblad",
    ".doc": "Word-dokument",
    ".docx": "Word-dokument",
    ".pdf": "PDF",
}


@dataclass(frozen=True, slots=True)
class TableRead:
    """What reading a table gave: the table (None when unusable), its declaration, findings."""

    table: PublishedTable | None
    declaration: Declaration
    findings: list[Finding] = field(default_factory=list)
    declaration_files: tuple[str, ...] = ()


def read_table(
    path: Path,
    *,
    sheet: str | None = None,
    declaration_path: Path | None = None,
    name: str | None = None,
) -> TableRead:
    """Read ``path`` (CSV or XLSX) and its declaration (header lines and sidecar file)."""
    shown = name or str(path)
    got = read_grid(path, name=shown, sheet=sheet)
    grid, findings = got.rows, list(got.findings)
    if grid is None:
        return TableRead(None, Declaration(), findings)
    table, lines, grid_findings = table_from_grid(shown, grid)
    findings += grid_findings
    declaration, decl_findings = parse_declaration(lines)
    findings += decl_findings
    files: list[str] = []
    sidecar = declaration_path or sidecar_for(path)
    if sidecar is not None:
        sidecar_shown = str(sidecar) if declaration_path else str(Path(shown).parent / sidecar.name)
        side_lines, side_findings = _sidecar_lines(sidecar, sidecar_shown)
        findings += side_findings
        side_decl, more = parse_declaration(side_lines)
        findings += more
        declaration = declaration.merged(side_decl)
        files.append(sidecar_shown)
    return TableRead(table, declaration, findings, tuple(files))


def sidecar_for(path: Path) -> Path | None:
    """``drift.csv.yaml``, ``drift.csv.yml``, ``drift.yaml`` or ``drift.yml`` next to ``path``."""
    for suffix in SIDECAR_SUFFIXES:
        for candidate in (path.with_name(path.name + suffix), path.with_suffix(suffix)):
            if candidate.is_file():
                return candidate
    return None


# ---------------------------------------------------------------------------
# From a grid of cells to a table


def table_from_grid(
    name: str, grid: Sequence[tuple[int, Sequence[GridCell]]]
) -> tuple[PublishedTable | None, list[tuple[Source, str]], list[Finding]]:
    """Find the declaration lines, title, header, label column and figures in ``grid``.

    ``grid`` is (line number, cells) per row; a cell is the printed text or a
    ready :class:`Cell` (a number stored as a number in XLSX).
    """
    declaration: list[tuple[Source, str]] = []
    body: list[tuple[int, list[GridCell]]] = []
    for line, cells in grid:
        texts = [_text(c) for c in cells]
        nonempty = [t for t in texts if t.strip()]
        if nonempty and nonempty[0].lstrip().startswith("#"):
            declaration.append((Source(name, line), " ".join(t.strip() for t in nonempty)))
            continue
        if nonempty:
            body.append((line, list(cells)))
    findings: list[Finding] = []
    header_at = _header_row(body)
    if header_at is None:
        findings.append(
            error(
                Source(name),
                "audit.table.header",
                "Ingen tabell hittades: ingen rad har en etikett och minst en siffra eller rubrik.",
                "Tabellen ska ha en rubrikrad (till exempel 'Slagtext; Budget; Utfall; Avvikelse') "
                "och en rad per post med etiketten först.",
            )
        )
        return None, declaration, findings
    titles = body[:header_at]
    header_line, header_cells = body[header_at]
    data = body[header_at + 1 :]
    width = max(len(cells) for _, cells in body[header_at:])
    used = [
        c
        for c in range(width)
        if any(c < len(cells) and _text(cells[c]).strip() for _, cells in body[header_at:])
    ]
    label_col = used[0]
    headers = {c: _text(header_cells[c]).strip() if c < len(header_cells) else "" for c in used}

    # A second header row: no label, no figures, only text above the figure columns.
    while (
        data and not _text(_at(data[0][1], label_col)).strip() and _all_text(data[0][1], used[1:])
    ):
        for c in used[1:]:
            extra = _text(_at(data[0][1], c)).strip()
            if extra:
                headers[c] = f"{headers[c]} {extra}".strip()
        data = data[1:]

    # Parse every figure once (tables pasted from Word repeat the same texts; printed_cell caches).
    figure_candidates = set(used[1:])
    data = [
        (line, [_cell(c) if i in figure_candidates else c for i, c in enumerate(cells)])
        for line, cells in data
    ]
    figure_cols = [c for c in used[1:] if _mostly_numbers([_at(cells, c) for _, cells in data])]
    unit = _unit([_text(c) for _, cells in titles for c in cells] + [headers[c] for c in used])
    rows: list[TableRow] = []
    pending: tuple[int, str] | None = None
    for line, cells in data:
        label = " ".join(_text(_at(cells, label_col)).split())
        figures = tuple(_cell(_at(cells, c)) for c in figure_cols)
        has_figures = any(not f.blank for f in figures)
        if not has_figures:
            if pending is not None:
                rows.append(TableRow(pending[1], (), Source(name, pending[0])))
            pending = (line, label)
            continue
        if pending is not None:
            if not label:
                # A label wrapped onto two rows in Word: the figures sit on the second.
                label = pending[1]
            else:
                rows.append(TableRow(pending[1], (), Source(name, pending[0])))
            pending = None
        rows.append(TableRow(label, figures, Source(name, line)))
    if pending is not None:
        rows.append(TableRow(pending[1], (), Source(name, pending[0])))
    if not figure_cols or not any(r.has_figures for r in rows):
        findings.append(
            error(
                Source(name, header_line),
                "audit.table.figures",
                "Tabellen har inga kolumner med siffror under rubrikraden.",
                "Kontrollera att rubrikraden är tabellens första rad med flera ifyllda celler "
                "och att beloppen står i egna kolumner.",
            )
        )
        return None, declaration, findings
    findings += _formula_rows(rows)
    columns = tuple(headers[c] or f"kolumn {c + 1}" for c in figure_cols)
    table = PublishedTable(
        name=name,
        columns=columns,
        rows=tuple(rows),
        unit=unit,
        header=Source(name, header_line),
    )
    return table, declaration, findings


def _formula_rows(rows: Sequence[TableRow]) -> list[Finding]:
    """Rows whose figures are all XLSX formulas without a saved value.

    The audit takes a row without a readable figure for a repeated header and passes
    over it; a row of formulas is figures nobody can see, so it is reported here instead
    of leaving the table to look clean (issue 18).
    """
    out = []
    for row in rows:
        filled = [c for c in row.cells if not c.blank]
        if len(filled) >= 2 and all(_is_formula(c) for c in filled):
            out.append(
                warning(
                    row.source,
                    "audit.unreadable",
                    f"Raden {row.label!r} har bara formler utan sparat värde "
                    f"({', '.join(c.text for c in filled)}); raden kontrolleras inte.",
                    "Formlerna har inget sparat värde: öppna filen i Excel och spara den, "
                    "eller exportera tabellen som CSV.",
                    row=row.label,
                )
            )
    return out


def _header_row(body: Sequence[tuple[int, Sequence[GridCell]]]) -> int | None:
    """The header: the first row with two or more filled cells that has figures below it.

    A title spread over two cells ("Driftredovisning" ... "Belopp i tkr") is
    followed by the header, which has no figures, so it is passed over.
    """
    candidates = [k for k, (_, cells) in enumerate(body) if _count_nonempty(cells) >= 2]
    for k in candidates:
        if k + 1 < len(body) and any(_is_number(c) for c in body[k + 1][1][1:] if _text(c).strip()):
            return k
    return candidates[0] if candidates else None


def _text(cell: GridCell | None) -> str:
    if cell is None:
        return ""
    return cell.text if isinstance(cell, Cell) else cell


def _at(cells: Sequence[GridCell], column: int) -> GridCell:
    return cells[column] if column < len(cells) else ""


def _count_nonempty(cells: Sequence[GridCell]) -> int:
    return sum(1 for c in cells if _text(c).strip())


def _cell(cell: GridCell) -> Cell:
    return cell if isinstance(cell, Cell) else printed_cell(cell)


def _is_number(cell: GridCell) -> bool:
    parsed = _cell(cell)
    return parsed.value is not None


def _is_formula(cell: GridCell) -> bool:
    """An XLSX formula without a saved value: a figure the reader cannot see (never a blank
    or a text), so that its column stays a figure column and the audit reports it unreadable."""
    return isinstance(cell, Cell) and not cell.readable and cell.text.startswith("=")


def _all_text(cells: Sequence[GridCell], columns: Iterable[int]) -> bool:
    texts = [_at(cells, c) for c in columns]
    return any(_text(t).strip() for t in texts) and not any(
        _is_number(t) for t in texts if _text(t).strip()
    )


def _mostly_numbers(cells: Sequence[GridCell]) -> bool:
    """A figure column: at least half of its filled cells are numbers (a text column is left out)."""
    filled = [c for c in cells if _text(c).strip()]
    numbers = sum(1 for c in filled if _is_number(c) or _is_formula(c))
    return bool(filled) and 2 * numbers >= len(filled)


_UNIT_WORDS = (
    (re.compile(r"\b(mnkr|mkr|miljoner kronor|mn kr)\b", re.IGNORECASE), "mnkr"),
    (re.compile(r"\b(tkr|tusen kronor|tusental kronor|tusentals kronor)\b", re.IGNORECASE), "tkr"),
    (re.compile(r"\b(kr|kronor)\b", re.IGNORECASE), "kr"),
)


def _unit(texts: Iterable[str]) -> str:
    joined = " ".join(texts)
    for pattern, unit in _UNIT_WORDS:
        if pattern.search(joined):
            return unit
    return ""


def _unreadable_xlsx(shown: str, exc: Exception) -> Finding:
    return error(
        Source(shown),
        "audit.read",
        f"Excel-filen kan inte läsas ({type(exc).__name__}).",
        "Öppna filen i Excel och spara den igen som .xlsx, eller exportera tabellen som CSV.",
    )


def _refusal(path: Path, shown: str) -> Finding | None:
    """A file over a size or sheet limit is a finding before any reader opens it (core/limits.py)."""
    from styrkort.core.limits import MAX_FILE_BYTES, MAX_TABLE_CELLS
    from styrkort.sources.safe_xlsx import refusal

    return refusal(path, Source(shown), MAX_FILE_BYTES, MAX_TABLE_CELLS)


# ---------------------------------------------------------------------------
# The one table reader: a file (CSV or XLSX) as a grid of cells with line numbers


Grid = list[tuple[int, Sequence[GridCell]]]


@dataclass(frozen=True, slots=True)
class GridRead:
    """A table file as rows of cells, each with its line (CSV) or row number (XLSX).

    ``rows`` is None when the file cannot be read at all; ``findings`` say why. Lines
    starting with ``#`` are rows of one cell holding the whole line (comments and the
    audit's declarations). ``encoding`` is how a CSV file was decoded.
    """

    rows: Grid | None
    findings: list[Finding]
    encoding: str = "utf-8"
    text: str = ""


def decode(data: bytes) -> tuple[str, str]:
    """A text file's bytes as (text, encoding): UTF-8 (BOM or not), else Windows-1252 as
    Swedish Excel saves."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding.removesuffix("-sig")
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"  # pragma: no cover - cp1252 decodes nearly everything


def decode_text(data: bytes) -> str:
    """A text file's bytes as text (see :func:`decode`)."""
    return decode(data)[0]


def read_grid(
    path: Path, *, name: str | None = None, sheet: str | None = None, code: str = "audit.read"
) -> GridRead:
    """Read ``path`` (CSV in ``;``, ``,`` or tab; UTF-8 or Windows-1252; or XLSX) as a grid.

    Never raises on bad input: a missing, unreadable or broken file is a finding with
    ``code`` (the caller's area, e.g. ``workspace.table``) and ``rows`` None. A quoted
    line break is data; a quote that swallows rows of the table is a finding.
    """
    shown = name or str(path)
    if not path.is_file():
        return GridRead(
            None,
            [
                error(
                    Source(shown),
                    code,
                    f"Filen {shown} finns inte.",
                    "Ange sökvägen till en tabell i CSV- eller XLSX-format.",
                )
            ],
        )
    refused = _refusal(path, shown)
    if refused is not None:
        return GridRead(None, [refused])
    suffix = path.suffix.casefold()
    if suffix in {".xlsx", ".xlsm"}:
        rows, findings = _xlsx_grid(path, shown, sheet, code)
        return GridRead(rows, findings)
    if suffix in UNSUPPORTED:
        return GridRead(
            None,
            [
                error(
                    Source(shown),
                    code,
                    f"Formatet {suffix} kan inte läsas ({UNSUPPORTED[suffix]}).",
                    "Spara tabellen som .xlsx (Arkiv > Spara som > Excel-arbetsbok) eller som "
                    "CSV; en tabell i Word eller PDF kopieras in i Excel först.",
                )
            ],
        )
    try:
        text, encoding = decode(path.read_bytes())
    except OSError as exc:
        return GridRead(
            None,
            [
                error(
                    Source(shown),
                    code,
                    f"Filen {shown} kan inte läsas: {exc.strerror}.",
                    "Kontrollera behörigheten.",
                )
            ],
        )
    rows, findings = grid_from_text(text, shown, code=code)
    return GridRead(rows, findings, encoding, text)


def grid_from_text(
    text: str, shown: str, *, code: str = "audit.read"
) -> tuple[Grid | None, list[Finding]]:
    """CSV text as a grid (see :func:`read_grid`); the delimiter is sniffed."""
    lines = text.removeprefix("\ufeff").splitlines()
    # Declaration lines are taken whole, before CSV splitting: they may hold the delimiter.
    declaration = {i + 1: line for i, line in enumerate(lines) if line.lstrip().startswith("#")}
    kept = ["" if (i + 1) in declaration else line for i, line in enumerate(lines)]
    delimiter = _sniff([line for line in kept if line.strip()][:30])
    grid: list[tuple[int, Sequence[GridCell]]] = [(n, [line]) for n, line in declaration.items()]
    reader = csv.reader(io.StringIO("\n".join(kept)), delimiter=delimiter)
    previous = 0
    try:
        for row in reader:
            start = previous + 1
            previous = reader.line_num
            if _swallows_rows(row, delimiter):
                never_closed = "\n".join(kept[start - 1 : previous]).count('"') % 2 == 1
                return None, [_stray_quote(shown, start, previous, never_closed, code)]
            if row:
                grid.append((start, row))
    except csv.Error as exc:
        return None, [
            error(
                Source(shown, previous + 1),
                code,
                f"CSV-filen kan inte läsas: {exc}.",
                "Kontrollera citattecknen på raden.",
            )
        ]
    grid.sort(key=lambda item: item[0])
    return grid, []


def _swallows_rows(row: Sequence[str], delimiter: str) -> bool:
    """Whether a quoted cell of ``row`` swallowed table rows: a cell that spans lines and holds
    the delimiter is rows of the table read as one cell, because a quote was not closed where
    it should have been. A quoted line break alone (Alt+Enter in Excel) is data."""
    return any("\n" in cell.rstrip("\n") and delimiter in cell for cell in row)


def _stray_quote(shown: str, start: int, end: int, never_closed: bool, code: str) -> Finding:
    closes = "stängs aldrig" if never_closed else f"stängs först på rad {end}"
    return error(
        Source(shown, start),
        code,
        f'Ett citattecken (") på rad {start} {closes}, så raderna {start}–{end} skulle läsas '
        "som en enda cell; tabellen granskas inte.",
        'Ta bort det lösa citattecknet eller stäng det på samma rad ("text"), och kör granskningen igen.',
    )


def _sniff(lines: Sequence[str]) -> str:
    """';' (Swedish Excel), tab (pasted) or ',': the one on the most lines, in that order of preference."""
    best, best_count = ";", -1
    for candidate in (";", "\t", ","):
        count = sum(1 for line in lines if candidate in _outside_quotes(line))
        if count > best_count:
            best, best_count = candidate, count
    return best


def _outside_quotes(line: str) -> str:
    return re.sub(r'"[^"]*"', "", line)


# ---------------------------------------------------------------------------
# Records: a table with a header row (workspace tables, account maps, budget tables)


@dataclass(frozen=True, slots=True)
class Record:
    """One row under the header: its line, column (lower case) → text (stripped)."""

    line: int
    values: dict[str, str]
    extra_cells: int = 0
    """Cells beyond the header's width (a wrong delimiter or a stray quote)."""


@dataclass(frozen=True, slots=True)
class Records:
    """A table read by its header row. ``rows`` is empty and ``header`` () for an empty file;
    ``header`` is None only when the file could not be read (``findings`` say why)."""

    name: str
    header: tuple[str, ...] | None
    header_line: int = 0
    rows: tuple[Record, ...] = ()
    findings: tuple[Finding, ...] = ()
    encoding: str = "utf-8"
    text: str = ""


def records_from_grid(name: str, grid: Grid) -> Records:
    """The header (the first row that is no ``#`` comment) and the rows below it."""
    content: list[tuple[int, list[str]]] = []
    for line, cells in grid:
        texts = [_text(c) for c in cells]
        filled = [t for t in texts if t.strip()]
        if filled and not filled[0].lstrip().startswith("#"):
            content.append((line, texts))
    if not content:
        return Records(name, ())
    header_line, header_cells = content[0]
    header = tuple(h.strip().lower() for h in header_cells)
    rows = tuple(
        Record(
            line,
            {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)},
            max(0, len(cells) - len(header)),
        )
        for line, cells in content[1:]
    )
    return Records(name, header, header_line, rows)


def read_records(path: Path, *, name: str | None = None, code: str) -> Records:
    """Read a table with a header row from ``path`` (CSV or XLSX); never raises on bad input."""
    shown = name or str(path)
    got = read_grid(path, name=shown, code=code)
    if got.rows is None:
        return Records(shown, None, findings=tuple(got.findings), encoding=got.encoding)
    read = records_from_grid(shown, got.rows)
    return Records(
        shown, read.header, read.header_line, read.rows, tuple(got.findings), got.encoding, got.text
    )


def records_from_text(text: str, name: str, *, code: str) -> Records:
    """:func:`read_records` for CSV text already in memory."""
    grid, findings = grid_from_text(text, name, code=code)
    if grid is None:
        return Records(name, None, findings=tuple(findings), text=text)
    read = records_from_grid(name, grid)
    return Records(name, read.header, read.header_line, read.rows, tuple(findings), text=text)


# ---------------------------------------------------------------------------
# XLSX


def _xlsx_grid(
    path: Path, shown: str, sheet: str | None, code: str
) -> tuple[Grid | None, list[Finding]]:
    import openpyxl  # heavy; only when an XLSX is read

    refused = _refusal(path, shown)
    if refused is not None:
        return None, [refused]
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any unreadable workbook is a finding, not a crash
        return None, [
            error(
                Source(shown),
                code,
                f"Excel-filen kan inte läsas ({type(exc).__name__}).",
                "Öppna filen i Excel och spara den igen som .xlsx, eller exportera tabellen som CSV.",
            )
        ]
    try:
        if sheet is not None:
            if sheet not in workbook.sheetnames:
                return None, [
                    error(
                        Source(shown),
                        code,
                        f"Bladet {sheet!r} finns inte i arbetsboken.",
                        "Välj ett av bladen: "
                        + ", ".join(repr(s) for s in workbook.sheetnames)
                        + ".",
                    )
                ]
            worksheet = workbook[sheet]
        else:
            worksheet = workbook.active or workbook.worksheets[0]
        grid: list[tuple[int, list[GridCell]]] = []
        empty: set[tuple[int, int]] = set()  # cells present in the file but without a value
        for row in worksheet.iter_rows():
            cells: list[GridCell] = []
            line = None
            for cell in row:
                if getattr(cell, "row", None) is not None:
                    line = line or cell.row
                    if cell.value is None:
                        empty.add((cell.row, len(cells)))
                cells.append(_xlsx_cell(cell.value, getattr(cell, "number_format", "General")))
            if line is not None:
                grid.append((line, cells))
        title = worksheet.title
    except Exception as exc:  # a sheet that breaks while it is read (found by bench/fuzz.py)
        return None, [_unreadable_xlsx(shown, exc)]
    finally:
        workbook.close()
    if empty:
        _formulas_without_values(path, sheet or title, grid, empty)
    return [(line, cells) for line, cells in grid if any(_text(c).strip() for c in cells)], []


def _formulas_without_values(
    path: Path, sheet: str, grid: list[tuple[int, list[GridCell]]], empty: set[tuple[int, int]]
) -> None:
    """Put the formula text in cells whose formula has no saved value (a file never opened in Excel).

    The audit then reports them as unreadable, with a hint to save the file in
    Excel, instead of taking them for blanks.
    """
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception:  # it was readable a moment ago; without formulas the blanks stay blank
        return
    try:
        lines = dict(grid)
        for row in workbook[sheet].iter_rows():
            for index, cell in enumerate(row):
                value = getattr(cell, "value", None)
                line = getattr(cell, "row", None)
                if (
                    isinstance(line, int)
                    and isinstance(value, str)
                    and value.startswith("=")
                    and (line, index) in empty
                    # a row numbered 0 or twice (a broken file, found by bench/fuzz.py) is
                    # not in the grid as this cell's row
                    and index < len(lines.get(line, ()))
                ):
                    lines[line][index] = Cell(text=value, readable=False)
    finally:
        workbook.close()


def _xlsx_cell(value: Any, number_format: str | None) -> GridCell:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, int | float):
        return _number_cell(value, number_format or "General")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _number_cell(value: float, number_format: str) -> Cell:
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return Cell(text=str(value), readable=False)
    decimals, percent = _format_decimals(number_format, number)
    if percent:
        number *= 100
        cell = value_cell(number, decimals)
        return Cell(cell.text + " %", cell.value, cell.decimals, percent=True)
    return value_cell(number, decimals)


def _format_decimals(number_format: str, value: Decimal) -> tuple[int, bool]:
    """Decimals shown by an Excel number format ("0.0", "#,##0", "General") and whether it is %."""
    section = number_format.split(";")[0]
    section = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", section)
    percent = "%" in section
    if section.strip().casefold() in {"general", "@", ""}:
        # Excel shows at most about ten significant digits in General.
        digits = value.adjusted() + 1
        shown = value.quantize(Decimal(1).scaleb(-max(0, 10 - max(digits, 1)))).normalize()
        exponent = shown.as_tuple().exponent
        return (max(0, -exponent) if isinstance(exponent, int) else 0), percent
    m = re.search(r"\.([0#?]+)", section)
    return (len(m.group(1)) if m else 0), percent


# ---------------------------------------------------------------------------
# Sidecar YAML


def _sidecar_lines(path: Path, shown: str) -> tuple[list[tuple[Source, str]], list[Finding]]:
    import yaml

    refused = _refusal(path, shown)
    if refused is not None:
        return [], [refused]
    try:
        text = decode_text(path.read_bytes())
    except OSError as exc:
        return [], [
            error(
                Source(shown),
                "audit.read",
                f"Deklarationen {shown} kan inte läsas: {exc.strerror}.",
                "Kontrollera filen.",
            )
        ]
    try:
        _yaml_limits(text)
        node = yaml.compose(text)
    except _YamlLimit as exc:
        return [], [exceeded(exc.limit, Source(shown, exc.line), exc.actual)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        return [], [
            error(
                Source(shown, line),
                "audit.declaration.yaml",
                f"Deklarationsfilen är inte giltig YAML: {getattr(exc, 'problem', exc)}.",
                "Skriv en nyckel per rad ('summa: TOTALT = A + B'), eller en lista under "
                "nyckeln; sätt värden som innehåller ': ' inom citattecken.",
            )
        ]
    if node is None:
        return [], []
    if not isinstance(node, yaml.MappingNode):
        return [], [
            error(
                Source(shown, node.start_mark.line + 1),
                "audit.declaration.yaml",
                "Deklarationsfilen ska bestå av nycklar med värden (enhet, summa, relation, ...).",
                "Se docs/audit.md för ett exempel.",
            )
        ]
    lines: list[tuple[Source, str]] = []
    findings: list[Finding] = []
    for key_node, value_node in node.value:
        key = str(key_node.value)
        values = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for item in values:
            if not isinstance(item, yaml.ScalarNode):
                findings.append(
                    error(
                        Source(shown, item.start_mark.line + 1),
                        "audit.declaration.yaml",
                        f"Värdet under {key!r} ska vara text, till exempel 'TOTALT = A + B'.",
                        "Skriv ett värde per rad i listan.",
                    )
                )
                continue
            lines.append((Source(shown, item.start_mark.line + 1), f"{key}: {item.value}"))
    return lines, findings
