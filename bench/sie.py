"""Benchmark of the SIE reader on the variety of real exports: ``.venv/bin/python bench/sie.py``.

Generates, with the project's own generator (``styrkort.sources.sie.synthetic.
write_variety_sie``, documented there and in docs/performance.md), a matrix of
files of ``--mb`` MB each (default 50): the plain file (CP437, LF, unquoted
series and numbers, four rows per voucher on 3 000 object lists), the plain file
plus one feature each, and one with all features at once:

    corrections  #BTRANS/#RTRANS on 2 % of vouchers
    escapes      an escaped quote (\\") in 1 % of the texts
    row_fields   a date, a text and a quantity on every #TRANS
    objects      150 000 distinct object lists over three dimensions
    periods      50 000 #PSALDO/#PBUDGET lines with objects
    tabs         rows indented with a tab
    quoting      quoted and unquoted series and numbers
    crlf         CRLF line ends
    utf8         UTF-8 instead of CP437
    disorder     0.1 % of vouchers unbalanced, 0.1 % out of order

For each file it measures, each in a fresh process and as the whole process
(Python's start-up and the imports included), CPU time (user + system, steadier
than wall time on a shared machine), wall time and peak memory (max RSS):

- floor: read the bytes, decode them (the file's encoding), ``str.split()`` every line;
- summary: ``styrkort sie summary --json FILE``;
- sums: ``sum_sie(FILE, dimensions=("1",))`` (sums per account × ansvar × month);
- tree: ``read_sie(FILE)`` (every voucher kept; on the plain file and the one with everything);

and prints the ratio of summary and sums to the floor measured in the same run (the
kinds run in turns, floor, summary, sums, floor …, so that a slow spell of the shared
machine weighs on both sides of the ratio).
Peak memory of the sums is also measured on the plain file at a quarter of the
size: it must not grow with the file. Each figure is the best (memory: the
largest) of ``--repeat`` runs (default 3). ``--quick`` is a CI-sized smoke run
(2 MB files, one run each). ``--keep DIR`` keeps the generated files.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

FLOOR = """
import sys
text = open(sys.argv[1], "rb").read().decode(sys.argv[2])
for line in text.split("\\n"):
    line.split()
"""
SUMS = """
import sys
from styrkort.sources.sie import sum_sie
result = sum_sie(sys.argv[1], dimensions=("1",))
assert result.findings is not None
"""
TREE = """
import sys
from styrkort.sources.sie import read_sie
result = read_sie(sys.argv[1])
assert result.findings is not None
"""


def _child(argv: list[str]) -> dict[str, float]:
    """CPU seconds (user + system), wall seconds and peak RSS (MB) of one child process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    wall = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - wall
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    # summary exits 1 for a file with errors (the disorder file); a traceback is a failure
    if code not in (0, 1) or "Traceback" in err:
        raise SystemExit(f"{argv} failed ({code}): {err}")
    return {
        "cpu": usage.ru_utime + usage.ru_stime,
        "wall": wall,
        "rss": usage.ru_maxrss / 1024,
    }


def _argv(kind: str, path: Path, encoding: str) -> list[str]:
    py = sys.executable
    return {
        "floor": [py, "-c", FLOOR, str(path), encoding],
        "summary": [py, "-m", "styrkort", "sie", "summary", "--json", str(path)],
        "sums": [py, "-c", SUMS, str(path)],
        "tree": [py, "-c", TREE, str(path)],
    }[kind]


def measure_all(
    kinds: list[str], path: Path, encoding: str, repeat: int
) -> dict[str, dict[str, float]]:
    """The best of ``repeat`` fresh processes of each kind (the machine is shared: the minimum
    is the signal), taken in turns (floor, summary, sums, floor, …) so that a slow spell of the
    machine falls on the floor and on what is compared with it alike."""
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
    for _ in range(repeat):
        for kind in kinds:
            runs[kind].append(_child(_argv(kind, path, encoding)))
    return {
        kind: {
            "cpu": min(r["cpu"] for r in done),
            "wall": min(r["wall"] for r in done),
            "rss": max(r["rss"] for r in done),
        }
        for kind, done in runs.items()
    }


def measure(kind: str, path: Path, encoding: str, repeat: int) -> dict[str, float]:
    """The best of ``repeat`` fresh processes of one kind."""
    return measure_all([kind], path, encoding, repeat)[kind]


def matrix() -> list[tuple[str, frozenset[str]]]:
    from styrkort.sources.sie.synthetic import VARIETY

    return [
        ("plain", frozenset()),
        *((name, frozenset({name})) for name in VARIETY),
        ("all", frozenset(VARIETY)),
    ]


def generate(path: Path, size: int, features: frozenset[str]) -> None:
    from styrkort.sources.sie.synthetic import write_variety_sie

    with path.open("wb") as stream:
        write_variety_sie(stream, size=size, features=features)


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of each file (default 50)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="2 MB files, one run each (CI)")
    parser.add_argument("--only", nargs="*", help="only these files of the matrix")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep the files")
    args = parser.parse_args()
    if args.quick:
        args.mb, args.repeat = 2.0, 1
    size = int(args.mb * 1e6)
    rows: list[tuple[str, float, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="styrkort-bench-sie-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        print(
            f"SIE variety matrix, {args.mb:g} MB files, best of {args.repeat}; "
            f"{os.cpu_count()} cores, load at start {_load()}",
            flush=True,
        )
        for name, features in matrix():
            if args.only and name not in args.only:
                continue
            path = folder / f"{name}.se"
            if not path.exists():
                generate(path, size, features)
            encoding = "utf-8" if "utf8" in features else "cp437"
            mb = path.stat().st_size / 1e6
            kinds = ["floor", "summary", "sums"] + (["tree"] if name in ("plain", "all") else [])
            r: dict[str, Any] = measure_all(kinds, path, encoding, args.repeat)
            rows.append((name, mb, r))
            _print_row(name, mb, r)
        if not args.only or "plain" in args.only:
            small = folder / "plain-quarter.se"
            generate(small, size // 4, frozenset())
            quarter = measure("sums", small, "cp437", args.repeat)
            plain = next(r for name, _mb, r in rows if name == "plain")
            print(
                f"memory of the sums: peak RSS {quarter['rss']:.0f} MB on "
                f"{small.stat().st_size / 1e6:.0f} MB, {plain['sums']['rss']:.0f} MB on "
                f"{next(mb for name, mb, _r in rows if name == 'plain'):.0f} MB"
            )
    worst = max(r["summary"]["cpu"] / r["floor"]["cpu"] for _n, _mb, r in rows)
    worst_sums = max(r["sums"]["cpu"] / r["floor"]["cpu"] for _n, _mb, r in rows)
    trees = [mb / r["tree"]["cpu"] for _n, mb, r in rows if "tree" in r]
    print(
        f"worst × floor: summary {worst:.2f}, sums {worst_sums:.2f} (goal ≤ 2.00);"
        f" tree {min(trees, default=0):.1f} MB/s at the slowest (goal ≥ 15); load at end {_load()}"
    )
    return 0


def _print_row(name: str, mb: float, r: dict[str, Any]) -> None:
    floor = r["floor"]["cpu"]
    parts = [f"{name:12} {mb:6.1f} MB  floor {floor:5.2f}s"]
    for kind in ("summary", "sums"):
        m = r[kind]
        parts.append(
            f"{kind} {m['cpu']:5.2f}s ×{m['cpu'] / floor:4.2f} {m['rss']:5.0f}MB"
            f" ({mb / m['cpu']:5.1f} MB/s)"
        )
    if "tree" in r:
        m = r["tree"]
        parts.append(f"tree {m['cpu']:5.2f}s {mb / m['cpu']:5.1f} MB/s {m['rss']:5.0f}MB")
    print("  ".join(parts), flush=True)


if __name__ == "__main__":
    sys.exit(main())
