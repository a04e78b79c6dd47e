"""Benchmark of the table audit (styrkort audit) on large generated tables.

    .venv/bin/python bench/audit.py [--rows 100000] [--xlsx-rows 20000] [--bare-rows 10000]

Generates, in a temporary folder, an operating-statement-shaped table (Budget,
Utfall, Avvikelse; sections of nine rows with a Summa row, a Nettoresultat at
the end; Swedish formatting with no-break spaces and U+2212 minus) as CSV and
as XLSX, then times:

1. baseline: the bare minimum to get the numbers out of the file — csv.reader
   and parse_decimal on every cell (CSV), openpyxl's read-only iteration (XLSX);
2. styrkort: read_table (layout detection, declaration) + audit (every total,
   the inferred deviation relation, diagnoses).

Prints the times and the ratio styrkort/baseline measured in the same run.
Real published tables have tens of rows; the point is that the audit stays
linear and far from the time a person waits for.

3. bare vs declared: the same kind of table (``--bare-rows``), read once, then
   audited with its structure declared (``relation: Avvikelse = Budget -
   Utfall`` and ``summa: Nettoresultat``; the totals by their labels) and bare (nothing declared: totals
   found by their figures are searched for, relations of two to four columns
   are searched for). Each is timed as the best of three runs; the ratio
   bare/declared is printed (the target is at most 2).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from styrkort.core.audit import Declaration, audit, format_amount, parse_declaration  # noqa: E402
from styrkort.core.findings import Source  # noqa: E402
from styrkort.core.numbers import parse_decimal  # noqa: E402
from styrkort.sources.table import read_table  # noqa: E402


def table_rows(n: int, seed: int = 7) -> list[list[str]]:
    rng = random.Random(seed)
    rows = [["Post", "Budget", "Utfall", "Avvikelse"]]
    net_b = net_o = 0
    section: list[tuple[int, int]] = []
    count = 0
    while count < n - 1:
        b, o = rng.randint(-900_000, 900_000), rng.randint(-900_000, 900_000)
        section.append((b, o))
        rows.append([f"Post {count}", *(format_amount(Decimal(v)) for v in (b, o, b - o))])
        count += 1
        if len(section) == 9:
            sb, so = sum(x for x, _ in section), sum(y for _, y in section)
            rows.append([f"Summa {count}", *(format_amount(Decimal(v)) for v in (sb, so, sb - so))])
            net_b, net_o = net_b + sb, net_o + so
            section = []
            count += 1
    if section:
        sb, so = sum(x for x, _ in section), sum(y for _, y in section)
        rows.append(["Summa sista", *(format_amount(Decimal(v)) for v in (sb, so, sb - so))])
        net_b, net_o = net_b + sb, net_o + so
    rows.append(
        ["Nettoresultat", *(format_amount(Decimal(v)) for v in (net_b, net_o, net_b - net_o))]
    )
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    for row in rows:
        ws.append(row)
    wb.save(path)


def baseline_csv(path: Path) -> int:
    n = 0
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter=";"):
            for cell in row[1:]:
                if parse_decimal(cell) is not None:
                    n += 1
    return n


def baseline_xlsx(path: Path) -> int:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for row in wb.active.iter_rows(values_only=True) for v in row if v is not None)  # type: ignore[union-attr]
    wb.close()
    return n


def styrkort_audit(path: Path) -> tuple[int, int]:
    read = read_table(path)
    assert read.table is not None, read.findings
    report = audit(read.table, read.declaration)
    assert report.findings == (), report.findings[:3]
    return report.checked_cells, len(report.sums)


def bare_vs_declared(path: Path) -> tuple[float, float, float, float, int]:
    """Best-of-three audit times of the table at ``path``, declared and bare, and its rows.

    Declared: the relation and ``summa: Nettoresultat`` (a total by the label
    rule), which switches the inference of totals off; the totals are found by
    their labels in both. Returns (declared CPU, bare CPU, declared wall, bare
    wall, rows): CPU time (``time.process_time``) is what to compare on a
    loaded machine.
    """
    read = read_table(path)
    assert read.table is not None, read.findings
    declared, problems = parse_declaration(
        [
            (Source("bench", 1), "relation: Avvikelse = Budget - Utfall"),
            (Source("bench", 2), "summa: Nettoresultat"),
        ]
    )
    assert problems == []
    cpu: list[float] = []
    wall: list[float] = []
    for declaration in (declared, Declaration()):
        best_cpu = best_wall = float("inf")
        for _ in range(3):
            start_cpu, start_wall = time.process_time(), time.perf_counter()
            report = audit(read.table, declaration)
            best_cpu = min(best_cpu, time.process_time() - start_cpu)
            best_wall = min(best_wall, time.perf_counter() - start_wall)
        assert report.findings == (), report.findings[:3]
        cpu.append(best_cpu)
        wall.append(best_wall)
    return cpu[0], cpu[1], wall[0], wall[1], len(read.table.rows)


def timed(fn, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--xlsx-rows", type=int, default=20_000)
    parser.add_argument("--bare-rows", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path, xlsx_path = folder / "t.csv", folder / "t.xlsx"
        write_csv(csv_path, table_rows(args.rows))
        write_xlsx(xlsx_path, table_rows(args.xlsx_rows))
        for label, path, baseline, rows in (
            ("CSV", csv_path, baseline_csv, args.rows),
            ("XLSX", xlsx_path, baseline_xlsx, args.xlsx_rows),
        ):
            base_s, _ = timed(baseline, path)
            audit_s, (checked, sums) = timed(styrkort_audit, path)
            print(
                f"{label}: {rows} rows, {sums} totals, {checked} figures checked; "
                f"baseline {base_s:.2f} s, styrkort audit {audit_s:.2f} s, "
                f"ratio {audit_s / base_s:.1f}x, {rows / audit_s:,.0f} rows/s"
            )
        bare_path = folder / "bare.csv"
        write_csv(bare_path, table_rows(args.bare_rows))
        declared_cpu, bare_cpu, declared_wall, bare_wall, rows = bare_vs_declared(bare_path)
        print(
            f"Bare vs declared, {rows} rows: declared audit {declared_cpu:.2f} s CPU "
            f"({declared_wall:.2f} s wall), bare audit {bare_cpu:.2f} s CPU ({bare_wall:.2f} s wall), "
            f"ratio {bare_cpu / declared_cpu:.2f}x CPU, {bare_wall / declared_wall:.2f}x wall (target <= 2)"
        )
        sydnarke = ROOT / "tests" / "audit_cases" / "sydnarke-2020-drift.csv"
        if sydnarke.exists():
            repeat = 200
            read_s, _ = timed(lambda: [read_table(sydnarke) for _ in range(repeat)])
            read = read_table(sydnarke)
            assert read.table is not None
            audit_s, _ = timed(lambda: [audit(read.table, read.declaration) for _ in range(repeat)])  # type: ignore[arg-type]
            print(
                f"Sydnärke 2020 operating statement (11 rows): read {1000 * read_s / repeat:.2f} ms, "
                f"audit {1000 * audit_s / repeat:.2f} ms per table"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
