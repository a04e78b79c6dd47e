"""Fuzzing the SIE readers in CI (briefly): no crash, no hang, the four readings agree.

The mutations and the checks are bench/fuzz_sie.py's (which runs a million inputs):
each input is read by read_sie and sum_sie, with the vectorised reader and with
``reference=True``; they must not raise or report ``sie.internal``, and must agree
(findings, ledger, sums).
"""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BENCH = Path(__file__).resolve().parents[2] / "bench" / "fuzz_sie.py"


def _fuzz() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_sie", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FUZZ = _fuzz()
SEEDS = FUZZ.seeds()

pytest.importorskip("pyarrow")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(SEEDS) - 1), st.integers(0, 2**32), st.sampled_from([64, 4096]))
def test_mutated_files_read_alike(seed_index: int, seed: int, chunk: int) -> None:
    data = FUZZ.mutate(SEEDS[seed_index], random.Random(seed))
    assert FUZZ.check(data, chunk) == []


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(FUZZ.RECORDS), max_size=30), st.sampled_from([b"\n", b"\r\n"]))
def test_record_soups_read_alike(records: list[bytes], end: bytes) -> None:
    header = SEEDS[0].split(b"#VER")[0]
    assert FUZZ.check(header + end.join(records) + end, 64) == []


def test_fuzz_sie_counts() -> None:
    counts = FUZZ.fuzz_sie(20, seed=3)
    assert counts["inputs"] == 20
    assert (counts["crashes"], counts["hangs"], counts["disagreements"]) == (0, 0, 0), counts
