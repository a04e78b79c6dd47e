"""Reading tabular files row by row, keeping the line number of every row.

CSV (also ``.gz``), TSV/TXT and XLSX/XLS/ODS are read here into string
columns plus a ``line`` column and handed to DuckDB as an Arrow table; the
metrics then type and check the strings in SQL, so every malformed value can
be reported with the line it came from. Parquet is read by DuckDB directly
(see ``parquet_source``); its "line" is the row number in the file, 1-based,
counting the header as line 1 like the other formats do.
"""

from __future__ import annotations

import csv
import datetime
import gzip
import io
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from styrkort.core.findings import Finding, Source, warning
from styrkort.core.limits import MAX_DECOMPRESSED_BYTES, MAX_LOG_BYTES, exceeded

MAX_ROW_FINDINGS = 20
"""Row findings reported one by one; the rest are summed up in one finding."""


class UnreadableInput(Exception):
    """The file cannot be read at all (missing, not a table, wrong compression)."""

    def __init__(
        self, path: Path, message: str, hint: str = "", code: str = "metric.unreadable"
    ) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.hint = hint
        self.code = code

    @classmethod
    def from_finding(cls, path: Path, finding: Finding) -> UnreadableInput:
        return cls(path, finding.message, finding.hint, finding.code)


class _Bounded(io.RawIOBase):
    """A decompressing stream that stops at ``MAX_DECOMPRESSED_BYTES`` (a gzip bomb)."""

    def __init__(self, raw: Any, path: Path) -> None:
        self._raw = raw
        self._path = path
        self._total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n: int = self._raw.readinto(buffer)
        self._total += n
        if self._total > MAX_DECOMPRESSED_BYTES.value:
            raise UnreadableInput.from_finding(
                self._path,
                exceeded(MAX_DECOMPRESSED_BYTES, Source(self._path.name), what=self._path.name),
            )
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


@dataclass
class RowFindings:
    """Collects per-row findings, reporting the first MAX_ROW_FINDINGS of each code one by one."""

    file: str
    findings: list[Finding] = field(default_factory=list)
    _counts: dict[str, int] = field(default_factory=dict)
    _shown: dict[str, int] = field(default_factory=dict)
    _hints: dict[str, str] = field(default_factory=dict)

    def add(self, line: int | None, code: str, message: str, hint: str) -> None:
        self._counts[code] = self._counts.get(code, 0) + 1
        self._hints.setdefault(code, hint)
        if self._shown.get(code, 0) < MAX_ROW_FINDINGS:
            self._shown[code] = self._shown.get(code, 0) + 1
            self.findings.append(warning(Source(self.file, line), code, message, hint))

    def add_hidden(self, code: str, count: int, hint: str) -> None:
        """Count ``count`` more rows with ``code`` that are not listed one by one."""
        if count > 0:
            self._counts[code] = self._counts.get(code, 0) + count
            self._hints.setdefault(code, hint)

    def sql(
        self,
        con: Any,
        table: str,
        condition: str,
        value_expr: str,
        code: str,
        message: str,
        hint: str,
    ) -> int:
        """Report the rows of ``table`` matching ``condition``; ``message`` may use ``{value}``.

        Returns how many rows matched.
        """
        row = con.execute(f"SELECT count(*) FROM {table} WHERE {condition}").fetchall()[0]
        total = int(row[0]) if row else 0
        if not total:
            return 0
        room = max(MAX_ROW_FINDINGS - self._shown.get(code, 0), 0)
        rows = con.execute(
            f"SELECT line, {value_expr} FROM {table} WHERE {condition} ORDER BY line LIMIT {room}"
        ).fetchall()
        for line, value in rows:
            self.add(
                int(line) if line is not None else None, code, message.format(value=value), hint
            )
        self.add_hidden(code, total - len(rows), hint)
        return total

    def finish(self) -> list[Finding]:
        out = list(self.findings)
        for code, n in sorted(self._counts.items()):
            shown = self._shown.get(code, 0)
            if n > shown:
                out.append(
                    warning(
                        Source(self.file),
                        code,
                        f"Ytterligare {n - shown} rader med samma fel ({n} totalt) visas inte var för sig.",
                        self._hints.get(code, ""),
                        count=n,
                    )
                )
        return out


def file_kind(path: Path) -> str:
    """'csv', 'xlsx' or 'parquet' from the file name (a trailing .gz is allowed for text)."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        return "xlsx"
    return "csv"


def _open_text(path: Path, encoding: str) -> io.TextIOBase:
    if path.name.lower().endswith(".gz"):
        # the caller closes the returned stream (and with it the gzip file)
        bounded = io.BufferedReader(_Bounded(gzip.open(path, "rb"), path))  # noqa: SIM115
        return io.TextIOWrapper(bounded, encoding=encoding, newline="")
    return open(path, encoding=encoding, newline="")


def _gzip_refusal(path: Path) -> Finding | None:
    """A gzip file that unpacks past ``MAX_DECOMPRESSED_BYTES``, found by unpacking into
    nothing (about a second per 500 MB, constant memory) before any row is parsed."""
    if not path.name.lower().endswith(".gz"):
        return None
    total = 0
    try:
        with gzip.open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                total += len(chunk)
                if total > MAX_DECOMPRESSED_BYTES.value:
                    return exceeded(MAX_DECOMPRESSED_BYTES, Source(path.name), what=path.name)
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error):
        return None  # the reader reports the broken file in its own words
    return None


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in ("\t", ";", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass
class Table:
    """A file read as strings: header names and (line, cells) rows."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]


def read_table(path: Path, *, delimiter: str | None = None, encoding: str = "utf-8-sig") -> Table:
    """Open a CSV/TSV (maybe gzip) or spreadsheet and return its header and rows.

    Raises UnreadableInput when the file cannot be opened or decoded.
    """
    if not path.exists():
        raise UnreadableInput(path, f"Filen {path} finns inte.", "Kontrollera sökvägen.")
    if path.is_dir():
        raise UnreadableInput(path, f"{path} är en mapp, inte en fil.", "Ange en fil.")
    from styrkort.sources.safe_xlsx import refusal

    refused = refusal(path, Source(path.name), MAX_LOG_BYTES) or _gzip_refusal(path)
    if refused is not None:
        raise UnreadableInput.from_finding(path, refused)
    kind = file_kind(path)
    if kind == "xlsx":
        return _read_spreadsheet(path)
    if kind == "parquet":
        raise UnreadableInput(path, "Parquet läses inte rad för rad.", "")  # pragma: no cover
    try:
        fh = _open_text(path, encoding)
        first = fh.readline()
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise UnreadableInput(
            path,
            f"Filen {path.name} kan inte läsas som text ({exc}).",
            "Spara filen som CSV i UTF-8 (eller gzip av en sådan), eller som XLSX.",
        ) from exc
    if not first.strip():
        raise UnreadableInput(path, f"Filen {path.name} är tom.", "Exportera loggen igen.")
    delim = delimiter or _sniff_delimiter(first)
    header = next(csv.reader([first], delimiter=delim))
    header = [h.strip() for h in header]

    def rows() -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(fh, delimiter=delim)
        consumed = 0  # physical lines consumed after the header
        try:
            for cells in reader:
                line = consumed + 2  # the line this record starts on (header is line 1)
                consumed = reader.line_num
                if cells:
                    yield line, cells
        except (UnicodeDecodeError, OSError, EOFError, csv.Error, zlib.error) as exc:
            raise UnreadableInput(
                path,
                f"Filen {path.name} kan inte läsas efter rad {consumed + 1} ({exc}).",
                "Spara filen som CSV i UTF-8 (eller gzip av en sådan), eller som XLSX.",
            ) from exc
        finally:
            fh.close()

    return Table(header, rows())


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value.total_seconds())
    return str(value)


def _read_spreadsheet(path: Path) -> Table:
    try:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types
        raise UnreadableInput(
            path,
            f"Kalkylbladet {path.name} kan inte läsas ({exc}).",
            "Spara filen som XLSX (första bladet läses) eller som CSV.",
        ) from exc
    if not sheet:
        raise UnreadableInput(path, f"Kalkylbladet {path.name} är tomt.", "")
    header = [_cell_text(c).strip() for c in sheet[0]]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for i, row in enumerate(sheet[1:], start=2):
            cells = [_cell_text(c) for c in row]
            if any(c.strip() for c in cells):
                yield i, cells

    return Table(header, rows())


def to_arrow(names: Sequence[str], columns: Sequence[list[str | None]], lines: list[int]) -> object:
    """An Arrow table of string columns plus the int ``line`` column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays = {"line": pa.array(lines, type=pa.int64())}
    for name, col in zip(names, columns, strict=True):
        stripped = pc.utf8_trim_whitespace(pa.array(col, type=pa.string()))
        arrays[name] = pc.if_else(pc.equal(stripped, ""), None, stripped)
    return pa.table(arrays)


def select_columns(
    table: Table,
    file: str,
    wanted: dict[str, str | None],
    required: Sequence[str],
    found: RowFindings,
) -> object:
    """Pick the logical columns ``wanted`` (logical name -> header name) from ``table``.

    Rows whose number of fields differs from the header's become findings and
    are left out. Raises UnreadableInput when a required column is missing.
    """
    index: dict[str, int] = {}
    lowered = {h.lower(): i for i, h in enumerate(table.header)}
    for logical, column in wanted.items():
        if column is None:
            continue
        i = lowered.get(column.lower())
        if i is None:
            if logical in required:
                raise UnreadableInput(
                    Path(file),
                    f'Kolumnen "{column}" ({logical}) saknas i {file}. Rubrikraden har: '
                    + ", ".join(table.header[:40]),
                    f"Ange rätt kolumnnamn med parametern col.{logical}=KOLUMN eller välj en annan profil.",
                )
            continue
        index[logical] = i
    names = list(index)
    positions = [index[n] for n in names]
    picked: list[tuple[str, ...]] = []
    lines: list[int] = []
    width = len(table.header)
    for line, cells in table.rows:
        if len(cells) != width:
            found.add(
                line,
                "log.field_count",
                f"Raden har {len(cells)} fält men rubrikraden {width}; raden har lästs bort.",
                "Rätta raden i källfilen (ofta mellanslag i stället för tabb eller ett citattecken som saknas).",
            )
            continue
        lines.append(line)
        picked.append(tuple(cells[p] for p in positions))
    columns: list[list[str | None]] = (
        [list(col) for col in zip(*picked, strict=True)] if picked else [[] for _ in names]
    )
    return to_arrow(names, columns, lines)
