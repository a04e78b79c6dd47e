"""Part 4: summing streams the file; memory does not grow with the number of vouchers."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import pytest

from styrkort.sources.sie import read_sie, sum_sie
from styrkort.sources.sie.synthetic import write_kommunbas_sie


def _write(path: Path, vouchers: int) -> Path:
    with path.open("wb") as stream:
        write_kommunbas_sie(stream, vouchers=vouchers, combinations=150)
    return path


def _peak(path: Path) -> int:
    tracemalloc.start()
    try:
        result = sum_sie(path, dimensions=("1",), chunk_size=128 * 1024)
        assert result.sums is not None
        assert result.findings == ()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_of_sums_does_not_grow_with_the_file(tmp_path: Path) -> None:
    small = _write(tmp_path / "small.se", 4_000)
    large = _write(tmp_path / "large.se", 16_000)
    assert large.stat().st_size > 3.5 * small.stat().st_size
    small_peak, large_peak = _peak(small), _peak(large)
    # four times the vouchers, (nearly) the same memory: the vouchers are never kept
    assert large_peak < 1.3 * small_peak, (small_peak, large_peak)


def test_sums_equal_the_tree_for_a_synthetic_municipal_file() -> None:
    buffer = io.BytesIO()
    write_kommunbas_sie(buffer, vouchers=2_000)
    data = buffer.getvalue()
    tree = read_sie(data)
    assert tree.ledger is not None
    assert tree.findings == ()
    assert len(tree.ledger.vouchers) == 2_000
    for dims in ((), ("1",), ("1", "5", "6")):
        streamed = sum_sie(data, dimensions=dims, chunk_size=4096).sums
        assert streamed is not None
        assert dict(streamed.sums) == tree.ledger.sums(dims)
        assert streamed.transactions == 8_000


_ARROW_PEAK = """
import sys
from styrkort.sources.sie import arrow, sum_sie, vector
vector._REGROUP_ROWS = 2_000
result = sum_sie(sys.argv[1], dimensions=("1",), chunk_size=64 * 1024)
assert result.sums is not None and result.findings == ()
print(arrow.POOL.max_memory())
"""


def _arrow_peak(path: Path) -> int:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", _ARROW_PEAK, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip())


def test_arrow_memory_of_sums_does_not_grow_with_the_file(tmp_path: Path) -> None:
    # the vectorised reader keeps partial sums in arrow (not seen by tracemalloc): they
    # are regrouped, so arrow's peak follows the distinct keys and the chunk, not the file
    pytest.importorskip("pyarrow")
    small = _write(tmp_path / "small.se", 4_000)
    large = _write(tmp_path / "large.se", 16_000)
    small_peak, large_peak = _arrow_peak(small), _arrow_peak(large)
    assert small_peak > 0
    assert large_peak < 1.3 * small_peak, (small_peak, large_peak)
