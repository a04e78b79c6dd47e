"""Report model → Excel (xlsxwriter): the numbers behind the report, as numbers.

Every table of the report gets a sheet; the goal tables share one sheet
(Måluppfyllelse) with a column for the goal, so the indicators can be filtered
and sorted together. A cell holds the model's exact number (``Cell.number``),
never the printed text, with a number format that shows it the way the report
does: tkr as ``#,##0`` (the unit in the column header), shares as percent with
decimals. Statuses are written as symbol and word. The check findings get a
sheet of their own, and a first sheet says what the workbook is.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from styrkort.report.model import Cell, Column, Report, Section, Table

FILENAME = "rapport.xlsx"
SEVERITY = {"error": "Fel", "warning": "Varning", "info": "Info"}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, none of []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub(" ", text).strip()[:31] or "Tabell"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


KIND_NAMES = {
    "operating": "Driftredovisning",
    "investments": "Investeringsredovisning",
    "allocation": "Fördelning",
    "assignments": "Uppdrag",
    "control_summary": "Intern kontroll",
    "risk_matrix": "Riskmatris",
    "risks": "Riskanalys",
    "controls": "Kontroller",
    "deviations": "Avvikelser",
    "municipality_operating": "Drift per nämnd",
    "municipality_carried": "Ackumulerat resultat",
    "municipality_investments": "Investeringar per nämnd",
    "council_goals": "KF-mål",
    "level_counts": "Måluppfyllelse per nivå",
}


def _short_name(t: Table) -> str:
    if t.kind in KIND_NAMES:
        return KIND_NAMES[t.kind]
    if t.kind == "frames":
        return "Ram " + t.caption.split(":", 1)[0]
    return t.caption


def _decimals(text: str) -> int:
    """How many decimals the printed text shows (``6,58 %`` → 2)."""
    m = re.search(r",(\d+)", text)
    return len(m.group(1)) if m else 0


def _unit_of(text: str) -> str:
    m = re.search(r"[\d\u00a0 ]([^\d\s\u00a0,−-][^\d]*)$", text.strip())
    return m.group(1).strip() if m else ""


class _Formats:
    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.cache: dict[tuple[str, bool], Any] = {}

    def get(self, num_format: str = "", bold: bool = False, **extra: Any) -> Any:
        key = (num_format + repr(sorted(extra.items())), bold)
        if key not in self.cache:
            props: dict[str, Any] = {"bold": bold, "valign": "top", **extra}
            if num_format:
                props["num_format"] = num_format
            self.cache[key] = self.wb.add_format(props)
        return self.cache[key]


def _number_format(cell: Cell, column: Column) -> tuple[Decimal, str]:
    """The number to store and its Excel format, from the cell and its column."""
    assert cell.number is not None
    unit = column.unit or _unit_of(cell.text)
    decimals = _decimals(cell.text)
    zeros = ("." + "0" * decimals) if decimals else ""
    if unit == "%":
        if column.unit == "%":
            # The model keeps a share as a fraction (0.2756 → 27,56 %).
            return cell.number, f"0{zeros}%"
        # An indicator outcome written in percent points (6,58 %): store the fraction.
        return cell.number / 100, f"0{zeros}%"
    if unit == "tkr" or column.unit == "tkr":
        return cell.number, f"#,##0{zeros}"
    if unit:
        return cell.number, f'#,##0{zeros}" {unit}"'
    return cell.number, f"#,##0{zeros}"


def _header_label(column: Column) -> str:
    return f"{column.label} ({column.unit})" if column.unit else column.label


def _write_cell(
    ws: Any, r: int, c: int, cell: Cell, column: Column, fmts: _Formats, bold: bool
) -> None:
    if cell.number is not None and cell.kind in ("amount", "value"):
        value, num_format = _number_format(cell, column)
        ws.write_number(r, c, float(value), fmts.get(num_format, bold))
    elif cell.kind == "status" and cell.status:
        ws.write_string(
            r, c, f"{cell.symbol} {cell.text}" if cell.symbol else cell.text, fmts.get("", bold)
        )
    else:
        ws.write_string(r, c, cell.text, fmts.get("", bold, text_wrap=True))


def _write_table(wb: Any, t: Table, name: str, fmts: _Formats) -> None:
    ws = wb.add_worksheet(name)
    title = t.caption + (f" ({t.unit})" if t.unit else "")
    ws.write_string(0, 0, title, fmts.get("", True, font_size=12))
    header = 2
    for c, col in enumerate(t.columns):
        ws.write_string(
            header,
            c,
            _header_label(col),
            fmts.get("", True, bottom=2, bg_color="#EEF2F6", text_wrap=True),
        )
    for i, row in enumerate(t.rows, header + 1):
        bold = row.kind in ("subtotal", "total", "goal")
        for c, (cell, col) in enumerate(zip(row.cells, t.columns, strict=False)):
            _write_cell(ws, i, c, cell, col, fmts, bold)
    last = header + len(t.rows)
    for j, note in enumerate(t.notes, last + 2):
        ws.write_string(j, 0, note, fmts.get("", False, italic=True))
    ws.set_column(0, 0, 42)
    ws.set_column(1, max(1, len(t.columns) - 1), 16)
    ws.freeze_panes(header + 1, 1)
    ws.autofilter(header, 0, last, len(t.columns) - 1)


def _write_goals(
    wb: Any, tables: list[Table], fmts: _Formats, perspective_of: dict[str, str] | None = None
) -> None:
    """Every goal table on one sheet; with perspectives (issue 12) a first column names each
    goal's perspective, as the report's sections do."""
    perspective_of = perspective_of or {}
    off = 1 if perspective_of else 0
    ws = wb.add_worksheet("Måluppfyllelse")
    ws.write_string(
        0, 0, "Nämndmål och indikatorer med bedömning", fmts.get("", True, font_size=12)
    )
    header = 2
    columns = tables[0].columns
    # The status column (symbol and word) goes last, whatever columns precede or follow it.
    si = next(i for i, c in enumerate(columns) if c.kind == "status")
    others = [c for i, c in enumerate(columns) if i != si]
    labels = [
        *(["Perspektiv"] if off else []),
        "Nämndmål",
        *(c.label for c in others),
        "Symbol",
        "Bedömning",
        "Not",
    ]
    hfmt = fmts.get("", True, bottom=2, bg_color="#EEF2F6", text_wrap=True)
    for c, label in enumerate(labels):
        ws.write_string(header, c, label, hfmt)
    r = header
    for t in tables:
        goal = t.caption.removeprefix("Nämndmål: ")
        for row in t.rows:
            r += 1
            bold = row.kind == "goal"
            if off:
                ws.write_string(
                    r, 0, perspective_of.get(t.id, ""), fmts.get("", bold, text_wrap=True)
                )
            ws.write_string(r, off, goal, fmts.get("", bold, text_wrap=True))
            cells = row.cells
            rest = [cell for i, cell in enumerate(cells) if i != si]
            for c, (cell, col) in enumerate(zip(rest, others, strict=False), 1 + off):
                _write_cell(ws, r, c, cell, col, fmts, bold)
            status = cells[si]
            ws.write_string(
                r, len(columns) + off, status.symbol or "", fmts.get("", bold, align="center")
            )
            ws.write_string(r, len(columns) + off + 1, status.text, fmts.get("", bold))
            notes = [
                n
                for n in t.notes
                if cells[0].note and n.split(".", 1)[0] in cells[0].note.split(",")
            ]
            ws.write_string(
                r, len(columns) + off + 2, " ".join(notes), fmts.get("", False, text_wrap=True)
            )
    if off:
        ws.set_column(0, 0, 20)
    ws.set_column(off, 1 + off, 40)
    ws.set_column(2 + off, 3 + off, 14)
    ws.set_column(4 + off, 4 + off, 7)
    ws.set_column(5 + off, 5 + off, 18)
    ws.set_column(6 + off, 6 + off, 60)
    ws.freeze_panes(header + 1, 2 + off)
    ws.autofilter(header, 0, r, len(labels) - 1)


def _write_stacked(wb: Any, name: str, title: str, tables: list[Table], fmts: _Formats) -> None:
    """Tables of the same columns on one sheet, with a first column naming each table (the activities)."""
    ws = wb.add_worksheet(name)
    ws.write_string(0, 0, title, fmts.get("", True, font_size=12))
    header = 2
    columns = tables[0].columns
    hfmt = fmts.get("", True, bottom=2, bg_color="#EEF2F6", text_wrap=True)
    for c, label in enumerate(["Mål", *(_header_label(col) for col in columns), "Not"]):
        ws.write_string(header, c, label, hfmt)
    r = header
    for t in tables:
        for row in t.rows:
            r += 1
            bold = row.kind == "goal"
            ws.write_string(r, 0, t.caption.split(": ", 1)[-1], fmts.get("", bold, text_wrap=True))
            for c, (cell, col) in enumerate(zip(row.cells, columns, strict=False), 1):
                _write_cell(ws, r, c, cell, col, fmts, bold)
            mark = row.cells[0].note
            notes = [n for n in t.notes if mark and n.split(".", 1)[0] in mark.split(",")]
            ws.write_string(
                r, len(columns) + 1, " ".join(notes), fmts.get("", False, text_wrap=True)
            )
    ws.set_column(0, 1, 40)
    ws.set_column(2, len(columns), 16)
    ws.set_column(len(columns) + 1, len(columns) + 1, 60)
    ws.freeze_panes(header + 1, 2)
    ws.autofilter(header, 0, r, len(columns) + 1)


def _section_tables(s: Section) -> list[Table]:
    return [b for sub in (s, *_descendants(s)) for b in sub.blocks if isinstance(b, Table)]


def _descendants(s: Section) -> list[Section]:
    out: list[Section] = []
    for c in s.children:
        out += [c, *_descendants(c)]
    return out


def _write_part(wb: Any, name: str, part: Section, fmts: _Formats) -> None:
    """A part of the report (a board's chapter in a municipality's report) on one sheet: each
    of its tables under its caption, one after the other, numbers as numbers."""
    ws = wb.add_worksheet(name)
    ws.write_string(0, 0, f"{part.number} {part.title}", fmts.get("", True, font_size=14))
    r = 2
    widest = 1
    hfmt = fmts.get("", True, bottom=2, bg_color="#EEF2F6", text_wrap=True)
    for t in _section_tables(part):
        title = t.caption + (f" ({t.unit})" if t.unit else "")
        ws.write_string(r, 0, title, fmts.get("", True, font_size=12))
        r += 1
        for c, col in enumerate(t.columns):
            ws.write_string(r, c, _header_label(col), hfmt)
        for row in t.rows:
            r += 1
            bold = row.kind in ("subtotal", "total", "goal")
            for c, (cell, col) in enumerate(zip(row.cells, t.columns, strict=False)):
                if cell.kind == "status" and cell.status:
                    ws.write_string(r, c, f"{cell.symbol} {cell.text}", fmts.get("", bold))
                else:
                    _write_cell(ws, r, c, cell, col, fmts, bold)
        for note in t.notes:
            r += 1
            ws.write_string(r, 0, note, fmts.get("", False, italic=True))
        widest = max(widest, len(t.columns))
        r += 2
    ws.set_column(0, 0, 48)
    ws.set_column(1, max(1, widest - 1), 16)


def _write_findings(wb: Any, report: Report, fmts: _Formats) -> None:
    ws = wb.add_worksheet("Kontrollresultat")
    ws.write_string(
        0,
        0,
        f"Fynd från kontrollerna ({len(report.findings)} st); visas inte i den publicerade rapporten",
        fmts.get("", True, font_size=12),
    )
    labels = ("Allvar", "Kod", "Var", "Vad", "Åtgärd")
    for c, label in enumerate(labels):
        ws.write_string(2, c, label, fmts.get("", True, bottom=2, bg_color="#EEF2F6"))
    wrap = fmts.get("", False, text_wrap=True)
    for r, f in enumerate(report.findings, 3):
        for c, value in enumerate(
            (SEVERITY.get(f.severity, f.severity), f.code, f.where, f.message, f.hint)
        ):
            ws.write_string(r, c, value, wrap)
    ws.set_column(0, 0, 9)
    ws.set_column(1, 1, 26)
    ws.set_column(2, 2, 36)
    ws.set_column(3, 4, 60)
    ws.freeze_panes(3, 0)
    ws.autofilter(2, 0, 2 + len(report.findings), len(labels) - 1)


def _write_about(wb: Any, report: Report, fmts: _Formats, sheets: list[tuple[str, str]]) -> None:
    ws = wb.add_worksheet("Om")
    rows = [
        ("Rapport", report.title),
        ("Organisation", report.organisation),
        ("Kommun", report.municipality),
        ("Period", report.period),
        ("Avrundning", report.rounding_note),
        (
            "Belopp",
            "Belopp i tkr lagras som tal (avrundade enligt rapportens avrundning); andelar som procent.",
        ),
    ]
    ws.write_string(
        0, 0, f"{report.title} – {report.organisation}", fmts.get("", True, font_size=14)
    )
    for r, (k, v) in enumerate(rows, 2):
        ws.write_string(r, 0, k, fmts.get("", True))
        ws.write_string(r, 1, v, fmts.get("", False, text_wrap=True))
    r = len(rows) + 3
    ws.write_string(r, 0, "Blad", fmts.get("", True))
    ws.write_string(r, 1, "Innehåll", fmts.get("", True))
    for i, (name, what) in enumerate(sheets, r + 1):
        ws.write_url(i, 0, f"internal:'{name}'!A1", string=name)
        ws.write_string(i, 1, what)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 90)


def render_xlsx(report: Report, path: Path) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": False})
    wb.set_properties(
        {
            "title": f"{report.title} – {report.organisation}",
            "author": report.organisation,
            "subject": report.period,
            "comments": "Byggd med Styrkort",
        }
    )
    fmts = _Formats(wb)
    taken = {"om", "måluppfyllelse", "kontrollresultat", "aktiviteter"}
    # A report in parts (a municipality's: a chapter per board) gives each part one sheet;
    # the tables outside the parts get sheets as in a board's report.
    parts = [s for s in report.sections if s.id in report.parts]
    in_parts = {id(t) for p in parts for t in _section_tables(p)}
    part_names = [(sheet_name(p.title, taken), p) for p in parts]
    tables = [t for t in report.tables() if id(t) not in in_parts]
    goal_tables = [t for t in tables if t.kind == "goal"]
    activity_tables = [t for t in tables if t.kind == "activities"]
    others = [t for t in tables if t.kind not in ("goal", "activities")]
    names = [(sheet_name(_short_name(t), taken), t) for t in others]
    sheets = [("Måluppfyllelse", "Nämndmål och indikatorer med bedömning")] if goal_tables else []
    if activity_tables:
        sheets.append(("Aktiviteter", "Aktiviteter per mål med status och färdiggrad"))
    sheets += [(n, t.caption) for n, t in names]
    sheets += [(n, f"{p.number} {p.title}: kapitlets tabeller") for n, p in part_names]
    sheets.append(("Kontrollresultat", "Kontrollernas fynd: var, vad, åtgärd"))
    _write_about(wb, report, fmts, sheets)
    if goal_tables:
        perspective_of = {
            b.id: s.title
            for s in report.walk()
            if s.id.startswith("perspektiv-")
            for b in s.blocks
            if isinstance(b, Table)
        }
        _write_goals(wb, goal_tables, fmts, perspective_of)
    if activity_tables:
        _write_stacked(wb, "Aktiviteter", "Aktiviteter per mål", activity_tables, fmts)
    for name, t in names:
        _write_table(wb, t, name, fmts)
    for name, p in part_names:
        _write_part(wb, name, p, fmts)
    _write_findings(wb, report, fmts)
    wb.close()
    return path


def write(report: Report, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    return render_xlsx(report, out_dir / FILENAME)
