"""Every reader fuzzed briefly in CI (issue 18, deliverable 7): hypothesis drives the readers
of bench/fuzz.py (the same harness that runs a million inputs per reader at depth).

A reader must return values and findings for any input; an exception is a crash.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BENCH = Path(__file__).resolve().parents[2] / "bench" / "fuzz.py"


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("styrkort_bench_fuzz", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


fuzz = _bench()

EXAMPLES = {
    "workspace": 15,
    "yaml": 60,
    "table-csv": 60,
    "table-xlsx": 15,
    "log": 60,
    "target": 200,
    "narrative": 100,
    "word-template": 20,
    "sie": 10,
}


@pytest.fixture(scope="module")
def readers(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return fuzz.Readers(tmp_path_factory.mktemp("fuzz"))


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_reader_survives_mutated_input(readers: Any, name: str) -> None:
    seeds = readers.seeds(name)
    read = getattr(readers, fuzz.READERS[name])
    mutator = readers.mutator(name)

    @settings(
        max_examples=EXAMPLES[name],
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(seed=st.sampled_from(seeds), rnd=st.randoms(use_true_random=False))
    def run(seed: bytes, rnd: random.Random) -> None:
        read(mutator(seed, rnd), rnd)

    run()


@pytest.mark.parametrize("name", ["yaml", "target", "narrative"])
def test_reader_survives_arbitrary_text(readers: Any, name: str) -> None:
    read = getattr(readers, fuzz.READERS[name])

    @settings(max_examples=150, deadline=None, database=None)
    @given(text=st.text(max_size=400), rnd=st.randoms(use_true_random=False))
    def run(text: str, rnd: random.Random) -> None:
        read(text.encode("utf-8", errors="replace"), rnd)

    run()


def test_word_template_whole_documents(readers: Any) -> None:
    """The share of Word inputs given to render_template as whole .docx files."""
    rnd = random.Random(18)
    for seed in readers.seeds("word-template") * 2:
        assert readers.word_document(fuzz.mutate(seed, rnd), rnd).startswith("docx:")


def test_workspace_quoted_line_break_in_csv(readers: Any) -> None:
    """The crash bench/fuzz.py found (a quoted line break in operating.csv) is a finding."""
    seed = next(s for s in readers.seeds("workspace") if s.startswith(b"operating.csv"))
    broken = seed.replace(b"\nTJ", b'\n"TJ\n', 1)
    assert readers.workspace(broken, random.Random(0)) != "ok"
