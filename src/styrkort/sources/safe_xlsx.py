"""A pre-check of a spreadsheet before a reader opens it: sizes and declared dimensions.

An XLSX file is a zip of XML parts. Readers trust what the parts declare: a
1.5 KB file whose sheet says ``<dimension ref="A1:XFD1048576"/>`` (or holds
one cell at XFD1048576) makes openpyxl pad 17 billion empty cells and
calamine allocate until the process aborts; a zip entry that unpacks a
thousandfold fills memory. ``check`` reads no more than
``core.limits.MAX_DECOMPRESSED_BYTES`` of the zip and scans each worksheet's
XML as text (streamed, constant memory) for the declared dimension and the
row and cell references, and refuses the file when it is over
``MAX_XLSX_ROWS``, ``MAX_XLSX_COLUMNS`` or ``MAX_XLSX_CELLS``, or declares a
DTD (entity expansion). A file that is no zip is left to the reader's own
"unreadable" finding.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import NamedTuple

from styrkort.core.findings import Finding, Source
from styrkort.core.limits import (
    MAX_DECOMPRESSED_BYTES,
    MAX_FILE_BYTES,
    MAX_XLSX_CELLS,
    MAX_XLSX_COLUMNS,
    MAX_XLSX_ROWS,
    Limit,
    exceeded,
)
from styrkort.sources import confine

_CHUNK = 1 << 20
_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"([A-Z]{1,4})(\d{1,9})(?::([A-Z]{1,4})(\d{1,9}))?\""
)
_ROW = re.compile(rb"<(?:\w+:)?row\b")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d{1,12})\"")
_CELL = re.compile(rb"<(?:\w+:)?c\b")
_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,6})(\d{1,12})\"")


class Over(NamedTuple):
    """What is over which limit, and the part it was found in."""

    limit: Limit
    actual: int | None
    part: str


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def is_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def check(path: Path, cells: Limit = MAX_XLSX_CELLS) -> Over | None:
    """The first limit ``path`` (an XLSX/XLSM file) is over, or None. Never raises.

    ``cells`` is the cell limit: ``MAX_XLSX_CELLS`` for logs, ``MAX_TABLE_CELLS`` for
    a published table given to the audit."""
    if not is_zip(path):
        return None
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            declared = sum(i.file_size for i in infos)
            if declared > MAX_DECOMPRESSED_BYTES.value:
                return Over(MAX_DECOMPRESSED_BYTES, declared, path.name)
            budget = MAX_DECOMPRESSED_BYTES.value
            for info in infos:
                name = info.filename
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                over, used = _scan_sheet(z, info, budget, cells)
                if over is not None:
                    return over
                budget -= used
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        RuntimeError,
        ValueError,
        NotImplementedError,
    ):
        return None  # the reader reports an unreadable file in its own words
    return None


def _scan_sheet(
    z: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, cell_limit: Limit
) -> tuple[Over | None, int]:
    name = info.filename
    max_row = max_col = 0
    rows = cells = 0
    used = 0
    tail = b""
    with z.open(info) as fh:
        first = True
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            used += len(chunk)
            if used > budget:
                return Over(MAX_DECOMPRESSED_BYTES, None, name), used
            if first and b"<!DOCTYPE" in chunk[:4096].upper():
                return Over(cell_limit, None, name), used  # entity expansion
            data = tail + chunk
            # count only in the new bytes; references may straddle the boundary, so
            # they are searched in the overlap too (a maximum does not mind twice)
            start = len(tail)
            rows += len(_ROW.findall(data, start))
            cells += len(_CELL.findall(data, start))
            if first:
                m = _DIMENSION.search(data)
                if m:
                    end_col, end_row = (
                        (m.group(3), m.group(4)) if m.group(3) else (m.group(1), m.group(2))
                    )
                    max_col = max(max_col, column_number(end_col))
                    max_row = max(max_row, int(end_row))
            for m in _ROW_REF.finditer(data):
                max_row = max(max_row, int(m.group(1)))
            for m in _CELL_REF.finditer(data):
                max_col = max(max_col, column_number(m.group(1)))
                max_row = max(max_row, int(m.group(2)))
            max_row = max(max_row, rows)
            over = _over(max_row, max_col, cells, name, cell_limit)
            if over is not None:
                return over, used
            tail = data[-256:]
            first = False
    return None, used


def _over(rows: int, cols: int, cells: int, part: str, cell_limit: Limit) -> Over | None:
    if rows > MAX_XLSX_ROWS.value:
        return Over(MAX_XLSX_ROWS, rows, part)
    if cols > MAX_XLSX_COLUMNS.value:
        return Over(MAX_XLSX_COLUMNS, cols, part)
    area = rows * cols
    if max(area, cells) > cell_limit.value:
        return Over(cell_limit, max(area, cells), part)
    return None


def refusal(
    path: Path, where: Source, size_limit: Limit = MAX_FILE_BYTES, cells: Limit = MAX_XLSX_CELLS
) -> Finding | None:
    """Why ``path`` must not be opened (not a regular file, too large, a spreadsheet over a
    limit), as a ``limit.*`` or ``workspace.not_a_file`` finding; None when it may be read."""
    try:
        confine.check_file(path, where, size_limit)
    except confine.Refused as exc:
        return exc.finding
    over = check(path, cells)
    if over is None:
        return None
    return exceeded(over.limit, where, over.actual, what=f"{path.name} ({over.part})")
