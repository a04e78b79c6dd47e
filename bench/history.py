"""Benchmark of history in the report: ``.venv/bin/python bench/history.py`` (one command).

The reference example (examples/sydnarke-it-2020, one year) against the same board
rolled over twice (``styrkort rollover`` to 2021 and 2022, outcomes typed each year),
so that its goal tables print three years with trends, a trend chart per indicator
with history, and the operating statement last year's outcome and the change. Each is
built cold (``styrkort build`` in a fresh process, all four formats), alternately,
``--repeat`` times; the best run of each is compared.

Targets (issue "years, not a year"): the three-year build ≤ 3 s whole process, and
≤ 1.2 × the single-year build measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "sydnarke-it-2020"
PY = sys.executable

# Outcomes typed after each rollover (fictional: the published report has only 2020).
OUTCOMES = {
    2021: {"handlaggningstid": "22 st", "samtal-20-60s": "69 %", "sjukfranvaro": "6,2 %",
           "bestallningar-2d": "35 %", "miljodiplomering": "Ja", "hme": "72"},
    2022: {"handlaggningstid": "19 st", "samtal-20-60s": "72 %", "sjukfranvaro": "5,9 %",
           "bestallningar-2d": "62 %", "miljodiplomering": "Ja", "hme": "74"},
}  # fmt: skip


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PY, "-m", "styrkort", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **env},
    )


def _type_outcomes(goals: Path, outcomes: dict[str, str]) -> None:
    out: list[str] = []
    for line in goals.read_text(encoding="utf-8").splitlines():
        out.append(line)
        m = re.match(r"^(\s*)- id: (\S+)$", line)
        if m and m.group(2) in outcomes:
            out.append(f'{m.group(1)}  outcome: "{outcomes[m.group(2)]}"')
    goals.write_text("\n".join(out) + "\n", encoding="utf-8")


def three_years(tmp: Path) -> Path:
    """The example rolled over to 2021 and 2022 with outcomes typed (set-up, not timed)."""
    previous = EXAMPLE
    for year in (2021, 2022):
        new = tmp / str(year)
        done = _run(["rollover", str(previous), "--year", str(year), "--out", str(new)])
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        _type_outcomes(new / "goals.yaml", OUTCOMES[year])
        previous = new
    return previous


def cold_build(ws: Path, out: Path) -> float:
    start = time.perf_counter()
    done = _run(["build", str(ws), "--out", str(out)])
    took = time.perf_counter() - start
    if not (out / "rapport.pdf").is_file():
        raise SystemExit(f"build of {ws} wrote no PDF:\n{done.stdout}\n{done.stderr}")
    return took


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="cold builds of each (default 5)")
    args = ap.parse_args()
    print(f"load average at the start: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        ws3 = three_years(tmp)
        one: list[float] = []
        three: list[float] = []
        for i in range(args.repeat):
            one.append(cold_build(EXAMPLE, tmp / f"one-{i}"))
            three.append(cold_build(ws3, tmp / f"three-{i}"))
        charts = len(list((tmp / "three-0").glob("*"))) if (tmp / "three-0").exists() else 0
    best1, best3 = min(one), min(three)
    load = os.getloadavg()[0]
    print(
        f"single year (reference example), best of {args.repeat}: {best1:.2f} s  runs {[round(x, 2) for x in one]}"
    )
    print(
        f"three years (rolled over twice),   best of {args.repeat}: {best3:.2f} s  runs {[round(x, 2) for x in three]}"
    )
    print(
        f"ratio three / one: {best3 / best1:.2f} (target ≤ 1.2); three-year build {best3:.2f} s (target ≤ 3 s)"
    )
    med1, med3 = statistics.median(one), statistics.median(three)
    print(f"ratio of the medians (steadier on a loaded machine): {med3 / med1:.2f}")
    print(f"load average at the end: {load:.2f}; files written per build: {charts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
