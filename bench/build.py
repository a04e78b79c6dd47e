"""Benchmark of the publication outputs: ``.venv/bin/python bench/build.py`` (one command).

Part 1, the example (examples/sydnarke-it-2020) in all four formats, cold:
``styrkort build`` in a fresh process, as a user runs it. The baseline,
measured in the same run on the same HTML, is WeasyPrint alone, also cold
(a fresh process that imports WeasyPrint and writes the PDF/UA file); the
ratio says how much Styrkort adds around the PDF engine. Target: ≤ 3 s.

Part 2, a generated municipality: 20 boards × 10 goals × 5 indicators, with a
ledger of 2 million transaction rows (100 000 per board) in synthetic Kommun-Bas
SIE 4E files (styrkort.sources.sie.synthetic). The timed part reads each
ledger with the streaming SIE reader (``sum_sie``), maps the accounts to the
operating statement's categories (operating.csv), runs the pipeline and writes
HTML, PDF, DOCX and XLSX, with the boards shared among worker processes (one
per core). Generating the files is set-up and not timed. Target: ≤ 30 s.

Options: ``--boards N`` (default 20), ``--rows N`` (ledger rows per board,
default 100 000), ``--workers N`` (default: the number of cores), ``--repeat N``
(cold runs of part 1, default 3), ``--skip-municipality``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "sydnarke-it-2020"
PY = sys.executable
FORMATS = ("html", "pdf", "docx", "xlsx")

WEASYPRINT_ALONE = """
import sys, time
t = time.perf_counter()
from weasyprint import HTML
HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], pdf_variant="pdf/ua-1", pdf_tags=True)
"""


CPU: dict[str, list[float]] = {}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cold(cmd: list[str], label: str = "") -> float:
    """Wall time of a fresh process; its CPU time (user + system) is kept under ``label``."""
    cpu = _children_cpu()
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
    wall = time.perf_counter() - start
    if label:
        CPU.setdefault(label, []).append(_children_cpu() - cpu)
    return wall


def part_example(repeat: int, tmp: Path) -> dict[str, float]:
    sys.path.insert(0, str(REPO / "src"))
    from styrkort.pipeline import run
    from styrkort.render.pdf import print_html

    report = run(EXAMPLE).report
    assert report is not None
    html_file = tmp / "print.html"
    html_file.write_text(print_html(report), encoding="utf-8")

    build = [PY, "-m", "styrkort", "build", str(EXAMPLE), "--out", str(tmp / "example")]
    alone = [PY, "-c", WEASYPRINT_ALONE, str(html_file), str(tmp / "alone.pdf")]
    _cold(build)  # warm the OS file cache once, for both
    builds, engines = [], []
    for _ in range(repeat):
        builds.append(_cold(build, "build"))
        engines.append(_cold(alone, "alone"))
    per_format = {}
    for fmt in FORMATS:
        per_format[fmt] = statistics.median(
            _cold([*build, "--format", fmt], fmt) for _ in range(max(1, repeat - 1))
        )
    return {
        "all_formats": statistics.median(builds),
        "all_formats_min": min(builds),
        "weasyprint_alone": statistics.median(engines),
        "all_formats_cpu": statistics.median(CPU["build"]),
        "weasyprint_alone_cpu": statistics.median(CPU["alone"]),
        **{f"only_{k}": v for k, v in per_format.items()},
        **{f"only_{k}_cpu": statistics.median(CPU[k]) for k in per_format},
    }


# --- the generated municipality ------------------------------------------------------------

CATEGORY_OF = (
    # (first account, last account, category, kind): Kommun-Bas ranges, the board's own mapping
    ("3000", "3599", "AVGIFTER OCH ERSÄTTNINGAR", "revenue"),
    ("3600", "3699", "BIDRAG FRÅN KOMMUNER", "revenue"),
    ("3700", "3999", "FÖRSÄLJNING AV TJÄNSTER", "revenue"),
    ("4000", "4999", "KÖP AV VERKSAMHET OCH MATERIAL", "cost"),
    ("5000", "5999", "PERSONALKOSTNADER", "cost"),
    ("6000", "6399", "LOKALER", "cost"),
    ("6400", "6599", "UTRUSTNING LICENSER OCH DATAKOMMUNIKATION", "cost"),
    ("6600", "7099", "TJÄNSTER", "cost"),
    ("7100", "7799", "RESOR KURSER TELE", "cost"),
    ("7800", "8999", "KAPITALKOSTNADER", "cost"),
)
TARGETS = (
    ("%", "increase", "minst 80 %", lambda i: f"{70 + i % 25},{i % 10} %"),
    ("st", "decrease", "högst 20 st", lambda i: f"{15 + i % 9} st"),
    ("index", "increase", "Öka från 71,13", lambda i: f"{68 + i % 7},{i % 10}"),
    ("%", "decrease", "Minska från 7 %", lambda i: f"{5 + i % 4},{i % 10}0 %"),
    ("", "increase", "Ja", lambda i: "Ja" if i % 3 else "Nej"),
)


def _category(account: str) -> tuple[str, str] | None:
    for lo, hi, name, kind in CATEGORY_OF:
        if lo <= account <= hi:
            return name, kind
    return None


def generate_board(root: Path, n: int, rows: int) -> Path:
    """One board's workspace: styrkort.yaml, goals.yaml (10 × 5) and a synthetic SIE ledger."""
    from styrkort.sources.sie.synthetic import write_kommunbas_sie

    ws = root / f"namnd-{n:02d}"
    ws.mkdir(parents=True, exist_ok=True)
    (ws / "styrkort.yaml").write_text(
        f"""title: Årsredovisning 2020
organisation:
  name: Nämnd {n:02d} (genererad)
  municipality: Exempelkommun
period: {{year: 2020, kind: year}}
settings:
  sign_convention: ledger
  rounding: largest_remainder
  tolerance: {{kind: ratio, ratio: "0,8"}}
finance:
  operating: operating.csv
""",
        encoding="utf-8",
    )
    lines = ["goals:"]
    for g in range(10):
        lines += [
            f"  - id: mal-{g}",
            f"    title: Nämndmål {g + 1} för nämnd {n}",
            "    indicators:",
        ]
        for k in range(5):
            unit, direction, target, outcome = TARGETS[k]
            i = n * 50 + g * 5 + k
            lines += [
                f"      - id: ind-{g}-{k}",
                f"        text: Indikator {g + 1}.{k + 1} ({direction})",
                f'        unit: "{unit}"' if unit else '        unit: ""',
                f"        direction: {direction}",
                f'        outcome: "{outcome(i)}"',
                f'        target: "{target}"',
                "        owner: Controller",
            ]
    (ws / "goals.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with (ws / "huvudbok.se").open("wb") as f:
        write_kommunbas_sie(f, vouchers=max(1, rows // 4), rows=3, seed=n)
    return ws


def operating_from_ledger(ws: Path) -> int:
    """Sum the SIE ledger by the category mapping into operating.csv; the number of ledger rows read."""
    from styrkort.sources.sie import sum_sie

    result = sum_sie(ws / "huvudbok.se", by_period=False)
    assert result.sums is not None, [f.format() for f in result.findings]
    sums = result.sums
    outcome: dict[tuple[str, str], Decimal] = {}
    budget: dict[tuple[str, str], Decimal] = {}
    for account, amount in sums.account_totals().items():
        cat = _category(account)
        if cat:
            outcome[cat] = outcome.get(cat, Decimal(0)) + amount
    for b in sums.period_balances:
        cat = _category(b.account)
        if b.kind == "PBUDGET" and b.objects == () and cat:
            budget[cat] = budget.get(cat, Decimal(0)) + b.amount
    out = ["category,kind,budget,outcome"]
    for _lo, _hi, name, kind in CATEGORY_OF:
        key = (name, kind)
        if key in outcome or key in budget:
            out.append(
                f"{name},{kind},{budget.get(key, Decimal(0))},{outcome.get(key, Decimal(0))}"
            )
    (ws / "operating.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    return sums.transactions


def build_board(ws: str) -> tuple[str, int, float, float]:
    """Ledger → operating.csv → report in all four formats, in this (worker) process.

    Returns the CPU seconds of the ledger part and of the report part (less
    sensitive than wall time to other work on a shared machine).
    """
    sys.path.insert(0, str(REPO / "src"))
    from styrkort.pipeline import run
    from styrkort.render import docx, html, pdf, xlsx

    t0 = time.process_time()
    rows = operating_from_ledger(Path(ws))
    t1 = time.process_time()
    report = run(ws).report
    assert report is not None
    out = Path(ws) / "build"
    for module in (html, pdf, docx, xlsx):
        module.write(report, out)
    return ws, rows, t1 - t0, time.process_time() - t1


def part_municipality(boards: int, rows: int, workers: int, tmp: Path) -> dict[str, float]:
    root = tmp / "kommun"
    t = time.perf_counter()
    spaces = [generate_board(root, n, rows) for n in range(1, boards + 1)]
    generate = time.perf_counter() - t
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(build_board, [str(s) for s in spaces]))
    wall = time.perf_counter() - start
    total_rows = sum(r for _, r, _, _ in results)
    pages = 0
    from pypdf import PdfReader

    for s in spaces:
        pages += len(PdfReader(s / "build" / "rapport.pdf").pages)
    return {
        "generate_untimed": generate,
        "wall": wall,
        "ledger_rows": float(total_rows),
        "ledger_cpu": sum(r[2] for r in results),
        "build_cpu": sum(r[3] for r in results),
        "pdf_pages": float(pages),
        "workers": float(workers),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--boards", type=int, default=20)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-municipality", action="store_true")
    ap.add_argument("--skip-example", action="store_true")
    args = ap.parse_args()
    print(
        f"machine: {os.cpu_count()} cores (shared with other work), Python {sys.version.split()[0]}"
    )
    with tempfile.TemporaryDirectory(prefix="styrkort-bench-") as d:
        tmp = Path(d)
        ex: dict[str, float] = {} if args.skip_example else part_example(args.repeat, tmp)
        if ex:
            print(f"\n1. Example, all four formats, cold process (median of {args.repeat} runs)")
            print("                                           wall       CPU")
            rows = [
                ("styrkort build (html,pdf,docx,xlsx)", "all_formats"),
                ("baseline: WeasyPrint alone, same HTML", "weasyprint_alone"),
                *((f"only --format {fmt}", f"only_{fmt}") for fmt in FORMATS),
            ]
            for label, key in rows:
                print(f"   {label:<38} {ex[key]:6.2f} s  {ex[key + '_cpu']:6.2f} s")
            print(f"   best wall of all four: {ex['all_formats_min']:.2f} s (target ≤ 3 s)")
            ratio_wall = ex["all_formats"] / ex["weasyprint_alone"]
            ratio_cpu = ex["all_formats_cpu"] / ex["weasyprint_alone_cpu"]
            print(
                f"   ratio build / WeasyPrint alone: {ratio_wall:.2f} (wall), {ratio_cpu:.2f} (CPU)"
            )
        if args.skip_municipality:
            return 0
        m = part_municipality(args.boards, args.rows, args.workers, tmp)
        rows_text = f"{int(m['ledger_rows']):,}".replace(",", " ")
        print(
            f"\n2. Generated municipality: {args.boards} boards × 10 goals × 5 indicators, {rows_text} ledger rows"
        )
        print(f"   generating the files (not timed)          {m['generate_untimed']:6.2f} s")
        print(
            f"   ledger → reports in 4 formats, wall       {m['wall']:6.2f} s  ({int(m['workers'])} workers; target ≤ 30 s)"
        )
        print(f"   CPU: SIE reading, all boards              {m['ledger_cpu']:6.2f} s")
        print(
            f"   CPU: pipeline + 4 formats, all boards     {m['build_cpu']:6.2f} s  ({int(m['pdf_pages'])} PDF pages)"
        )
        ideal = (m["ledger_cpu"] + m["build_cpu"]) / m["workers"]
        print(f"   CPU / workers (the wall time on free cores) {ideal:6.2f} s")
        per_board = m["build_cpu"] / args.boards
        if ex:
            print(
                f"   ratio: report CPU per board / example build CPU (cold) {per_board / ex['all_formats_cpu']:.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
