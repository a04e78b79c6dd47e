"""The variety of real exports (synthetic.write_variety_sie): the vectorised reader reads it,
hands only the odd vouchers to the line reader, and answers exactly as the line reader."""

from __future__ import annotations

import io
from typing import Any

import pytest

from styrkort.sources.sie import read_sie, sum_sie, vector
from styrkort.sources.sie.synthetic import VARIETY, write_variety_sie

pytestmark = pytest.mark.skipif(not vector.AVAILABLE, reason="pyarrow is not installed")

MATRIX = [
    ("plain", frozenset()),
    *((f, frozenset({f})) for f in VARIETY),
    ("all", frozenset(VARIETY)),
]


def _file(features: frozenset[str]) -> bytes:
    buffer = io.BytesIO()
    write_variety_sie(buffer, size=400_000, features=features)
    return buffer.getvalue()


def _counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    counts = {"vectorised": 0, "handed_over": 0}
    feed, feed_records = vector.VectorReader.feed, vector.VectorReader.feed_records

    def count(method: Any) -> Any:
        def spy(self: vector.VectorReader, data: bytes, lineno: int) -> int:
            v, h = self.vectorised, self.handed_over
            result = method(self, data, lineno)
            counts["vectorised"] += self.vectorised - v
            counts["handed_over"] += self.handed_over - h
            return int(result)

        return spy

    monkeypatch.setattr(vector.VectorReader, "feed", count(feed))
    monkeypatch.setattr(vector.VectorReader, "feed_records", count(feed_records))
    return counts


@pytest.mark.parametrize(("name", "features"), MATRIX, ids=[m[0] for m in MATRIX])
def test_variety_reads_alike_and_mostly_vectorised(
    monkeypatch: pytest.MonkeyPatch, name: str, features: frozenset[str]
) -> None:
    data = _file(features)
    counts = _counted(monkeypatch)
    fast_sums = sum_sie(data, dimensions=("1", "5"), chunk_size=64 * 1024)
    fast_tree = read_sie(data)
    slow_sums = sum_sie(data, dimensions=("1", "5"), chunk_size=64 * 1024, reference=True)
    slow_tree = read_sie(data, reference=True)
    assert fast_tree.findings == slow_tree.findings
    assert fast_tree.ledger == slow_tree.ledger
    assert fast_sums.findings == slow_sums.findings
    if slow_sums.sums is not None:
        assert fast_sums.sums is not None
        a, b = dict(fast_sums.sums.sums), dict(slow_sums.sums.sums)
        assert {k: str(v) for k, v in a.items()} == {k: str(v) for k, v in b.items()}
        assert fast_sums.sums.period_balances == slow_sums.sums.period_balances
        assert fast_sums.sums.account_lines == slow_sums.sums.account_lines
    # a rare record costs its own voucher, not the block: nearly every line is vectorised
    total = counts["vectorised"] + counts["handed_over"]
    assert counts["vectorised"] >= 0.9 * total, (name, counts)
