"""The catalogue of bad inputs (issue 18, deliverable 1): one bad input per file, one test.

``cases/<slot>/<expected finding code>--<what>.<ext>``. The slot says where
the file goes:

- ``styrkort.yaml``, ``goals.yaml``, ``operating.csv``: replaces that file of
  the example workspace, which is then read by the whole pipeline;
- ``narrative.md``: replaces the example's first narrative file;
- ``audit``: a published table given to the table audit (``styrkort audit``);
- ``log``: a log file given to a metric (``styrkort metrics run``);
- ``sie``: a SIE file read by ``read_sie`` and ``sum_sie``, each with the fast and
  the reference reader; the four reads must also agree (bench/fuzz_sie.py's check).

Each case must give a finding with the expected code (and the run must not
raise). The code ``ok`` marks input that once crashed and is valid: it must
be read without any ``workspace.*`` or ``limit.*`` finding. Adding a case is
adding a file; nothing else changes.
"""

from __future__ import annotations

import importlib.util
import shutil
import time
from pathlib import Path

import pytest

from styrkort.core.findings import Finding

HERE = Path(__file__).parent
CASES = sorted(p for p in (HERE / "cases").glob("*/*") if p.is_file())
EXAMPLE = HERE.parents[1] / "examples" / "sydnarke-it-2020"
NARRATIVE = "narrative/verksamhetsberattelse.md"
SECONDS = 20  # far above any case's real time; a hang or a blow-up would exceed it


def expected_code(case: Path) -> str:
    return case.name.split("--", 1)[0]


def findings_for(case: Path, tmp_path: Path) -> list[Finding]:
    slot = case.parent.name
    if slot == "audit":
        from styrkort.sources.table import read_table

        return read_table(case).findings
    if slot == "sie":
        from styrkort.sources.sie import read_sie

        data = case.read_bytes()
        assert _fuzz_sie_check(data) == []  # the four reads agree on the case
        return list(read_sie(data, name=case.name).findings)
    if slot == "log":
        from styrkort.metrics import compute

        return list(compute("first-response-within", case, profile="tickets").findings)
    from styrkort.pipeline import run

    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLE, ws)
    target = NARRATIVE if slot == "narrative.md" else slot
    shutil.copyfile(case, ws / target)
    return run(ws).findings


def _fuzz_sie_check(data: bytes) -> list[str]:
    bench = HERE.parents[1] / "bench" / "fuzz_sie.py"
    spec = importlib.util.spec_from_file_location("styrkort_bench_fuzz_sie", bench)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.check(data) + module.check(data, chunk_size=64)  # type: ignore[no-any-return]


def test_the_catalogue_is_there() -> None:
    slots = {c.parent.name for c in CASES}
    assert slots == {
        "styrkort.yaml",
        "goals.yaml",
        "operating.csv",
        "narrative.md",
        "audit",
        "log",
        "sie",
    }
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_bad_input_gives_its_finding(case: Path, tmp_path: Path) -> None:
    started = time.monotonic()
    findings = findings_for(case, tmp_path)
    elapsed = time.monotonic() - started
    codes = sorted({f.code for f in findings})
    if expected_code(case) == "ok":
        assert not [c for c in codes if c.startswith(("workspace.", "limit."))], codes
    else:
        assert expected_code(case) in codes, codes
    assert elapsed < SECONDS, f"{case.name} took {elapsed:.1f} s"
