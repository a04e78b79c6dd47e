"""Benchmark of a municipality's report (issue 14): ``python bench/municipality.py [--small]``.

A generated municipality (bench/gen_kommun.py, ``generate_scaled``): 30 boards × 10 goals ×
5 indicators, 3 years of history per indicator (the goal tables' history columns), a
synthetic Kommun-Bas SIE 4E ledger of 500 000 transaction rows per board read through
``finance: ledger:`` (15 million rows in all), council goals linked from every board goal,
the finance administration, eliminations and a joint board's share. Generating the files is
set-up and not timed.

Timed: ``styrkort build ROOT --quiet`` in a fresh process writing all four formats (HTML,
PDF, Word, Excel), the whole process as a user runs it: wall time, CPU time (user + system
of the process and every process it started: the board workers and the PDF child), and the
peak memory of the process tree (resident set sizes summed over the tree, sampled every
0,1 s; the largest single process beside it). Target: ≤ 60 s on two cores, ≤ 2 GB.

``--small`` (5 boards × 50 000 rows) is for CI-like runs; ``--boards``, ``--rows``,
``--trend`` (trend charts on: a chart per indicator) change the size.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from gen_kommun import generate_scaled  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


class TreeMemory(threading.Thread):
    """Samples the summed RSS of a process tree until ``stop``."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.single, self.running = pid, 0, 0, True

    def run(self) -> None:
        while self.running:
            sizes = [_rss(p) for p in _tree(self.pid)]
            self.peak = max(self.peak, sum(sizes))
            self.single = max(self.single, max(sizes, default=0))
            time.sleep(0.1)


def build(root: Path, out: Path, workers: int | None) -> tuple[dict[str, float], str]:
    """The build's figures, and its line counting the findings."""
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    if workers:
        env["STYRKORT_WORKERS"] = str(workers)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "styrkort", "build", str(root), "--out", str(out), "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    mem = TreeMemory(proc.pid)
    mem.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - start
    mem.running = False
    mem.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}):\n{stdout[-3000:]}\n{stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    written = sorted(p.name for p in out.iterdir())
    assert written == ["rapport.docx", "rapport.html", "rapport.pdf", "rapport.xlsx"], written
    from pypdf import PdfReader

    counted = next((ln for ln in stdout.splitlines() if " fel, " in ln and "varningar" in ln), "")
    return {
        "wall": wall,
        "cpu": cpu,
        "tree_peak_mb": mem.peak / 1e6,
        "largest_process_mb": mem.single / 1e6,
        "pdf_pages": float(len(PdfReader(out / "rapport.pdf").pages)),
    }, counted


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="5 boards × 50 000 rows (CI-like)")
    ap.add_argument("--boards", type=int)
    ap.add_argument("--rows", type=int)
    ap.add_argument("--trend", action="store_true", help="trend charts on (a chart per indicator)")
    ap.add_argument("--workers", type=int, help="board processes (default: the cores)")
    ap.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = ap.parse_args()
    boards = args.boards or (5 if args.small else 30)
    rows = args.rows or (50_000 if args.small else 500_000)
    with tempfile.TemporaryDirectory(prefix="styrkort-kommun-") as d:
        root = args.keep or Path(d) / "kommun"
        t = time.perf_counter()
        generate_scaled(root, boards=boards, ledger_rows=rows, trend=args.trend)
        gen = time.perf_counter() - t
        size = sum(p.stat().st_size for p in root.rglob("huvudbok.se")) / 1e6
        load = os.getloadavg()
        print(
            f"municipality: {boards} boards × 10 goals × 5 indicators, 3 years of history, "
            f"{rows:,} ledger rows per board ({size:.0f} MB of SIE), trend charts "
            f"{'on' if args.trend else 'off'}; generated in {gen:.1f} s (not timed)"
        )
        print(
            f"machine: {os.cpu_count()} cores, load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        )
        r, counted = build(root, Path(d) / "out", args.workers)
        after = os.getloadavg()
        print(
            f"styrkort build, four formats, whole process: wall {r['wall']:.1f} s, CPU {r['cpu']:.1f} s"
        )
        print(
            f"peak memory: process tree {r['tree_peak_mb']:.0f} MB (largest process "
            f"{r['largest_process_mb']:.0f} MB); PDF {r['pdf_pages']:.0f} pages"
        )
        print(f"load average after {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}")
        print(f"findings: {counted}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
