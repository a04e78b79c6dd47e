"""The SIE variety benchmark's short version runs (the full one is bench/sie.py's own job)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "sie.py"


def test_the_variety_benchmark_measures_each_file_against_its_floor(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--only", "plain", "all", "--keep", str(tmp_path)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout
    rows = {line.split()[0]: line for line in out.splitlines() if " floor " in line}
    assert set(rows) == {"plain", "all"}
    for line in rows.values():
        # a ratio to the floor for the summary and for the sums, and the tree's speed
        assert len(re.findall(r"×\s*\d+\.\d\d", line)) == 2, line
        assert re.search(r"tree\s+\d+\.\d\ds\s+\d+\.\d MB/s", line), line
    assert re.search(r"memory of the sums: peak RSS \d+ MB on \d+ MB, \d+ MB on \d+ MB", out)
    assert "worst × floor: summary" in out
    assert {p.name for p in tmp_path.iterdir()} >= {"plain.se", "all.se", "plain-quarter.se"}
