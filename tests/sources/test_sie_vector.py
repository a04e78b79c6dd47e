"""The vectorised reader (vector.py) gives exactly what the line reader gives, or declines."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from styrkort.sources.sie import read_sie, sum_sie, vector
from styrkort.sources.sie.synthetic import write_kommunbas_sie

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "sie"
CASES = Path(__file__).parent / "sie_cases"

pytestmark = pytest.mark.skipif(not vector.AVAILABLE, reason="pyarrow is not installed")


def _both(monkeypatch: pytest.MonkeyPatch, fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    fast = fn(*args, **kwargs)
    with monkeypatch.context() as m:
        m.setattr(vector, "AVAILABLE", False)
        slow = fn(*args, **kwargs)
    return fast, slow


def _same(fast: Any, slow: Any) -> None:
    assert fast.findings == slow.findings
    if hasattr(fast, "ledger"):
        assert fast.ledger == slow.ledger
    else:
        assert (fast.sums is None) == (slow.sums is None)
        if fast.sums is not None:
            a, b = dict(fast.sums.sums), dict(slow.sums.sums)
            assert a == b
            assert {k: str(v) for k, v in a.items()} == {k: str(v) for k, v in b.items()}
            assert fast.sums.account_lines == slow.sums.account_lines
            assert (fast.sums.vouchers, fast.sums.transactions) == (
                slow.sums.vouchers,
                slow.sums.transactions,
            )


def _synthetic(vouchers: int = 3_000) -> bytes:
    buffer = io.BytesIO()
    write_kommunbas_sie(buffer, vouchers=vouchers)
    return buffer.getvalue()


def test_synthetic_file_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    taken: list[bool] = []
    original = vector.feed_vouchers

    def spy(*args: Any) -> int | None:
        result = original(*args)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(vector, "feed_vouchers", spy)
    result = sum_sie(_synthetic(), dimensions=("1",), chunk_size=64 * 1024)
    assert result.sums is not None
    assert taken
    assert all(taken)


@pytest.mark.parametrize("dims", [(), ("1",), ("1", "5", "6")])
@pytest.mark.parametrize("by_period", [True, False])
def test_synthetic_sums_agree(
    monkeypatch: pytest.MonkeyPatch, dims: tuple[str, ...], by_period: bool
) -> None:
    data = _synthetic()
    fast, slow = _both(
        monkeypatch, sum_sie, data, dimensions=dims, by_period=by_period, chunk_size=64 * 1024
    )
    _same(fast, slow)


def test_synthetic_tree_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = _both(monkeypatch, read_sie, _synthetic(), name="x.se")
    _same(fast, slow)


@pytest.mark.skipif(not DATA.is_dir(), reason=f"real SIE files not found at {DATA}")
@pytest.mark.parametrize("name", sorted(p.name for p in DATA.iterdir()) if DATA.is_dir() else [])
def test_real_files_agree(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    for chunk in (512, 64 * 1024):
        _same(*_both(monkeypatch, sum_sie, DATA / name, dimensions=("1", "6"), chunk_size=chunk))
    _same(*_both(monkeypatch, read_sie, DATA / name))


EDITS = [
    (b"#TRANS 1930 {} -300.00", b"#TRANS 1930 {} -299.00"),  # unbalanced
    (b"#VER A 2 20200220", b"#VER A 1 20200220"),  # duplicate number
    (b"#VER A 2 20200220", b"#VER A 7 20200220"),  # a gap in the numbering
    (b"#VER A 2 20200220", b"#VER B 1 20200220"),  # two series
    (b"#VER A 2 20200220", b"#VER A 2 20210220"),  # outside the year
    (b"#VER A 2 20200220", b"#VER A 2 20200230"),  # impossible date
    (b"#TRANS 1930 {} 500.00", b"#TRANS 1930 {} 500.00 20200231"),  # impossible row date
    (b"#TRANS 1930 {} 500.00", b'#TRANS 1930 {} 500.00 "" "text"'),
    (b"#TRANS 1930 {} 500.00", b'#TRANS 1930 {} 500.00 20200221 "open text'),
    (b"#TRANS 1930 {} 500.00", b"#TRANS 1930 {} 500.0000 20200221 text"),
    (b"#TRANS 1930 {} 500.00", b"   #TRANS\t1930 {}  500.00  "),
    (b"#TRANS 5010 {1 100} 300.00", b'#TRANS 5010 {1 "1 00"} 300.00'),
    (b"#TRANS 5010 {1 100} 300.00", b"#TRANS 5010 {1 100 6} 300.00"),
    (b"#TRANS 5010 {1 100} 300.00", b"#TRANS 5010 {1 999} 300.00"),
    (b"#TRANS 5010 {1 100} 300.00", b"#TRANS 5010 {1 100} 3e2"),
    (b"#TRANS 5010 {1 100} 300.00", b"#RTRANS 5010 {1 100} 300.00\r\n#TRANS 5010 {1 100} 300.00"),
    (b'#VER A 1 20200115 "Hyra"', b'#VER "A" "1" 20200115 "Hyra \x94" 20200116 "sign"'),
    (b'#VER A 1 20200115 "Hyra"', b'#VER "K 1" 1 20200115 Hyra'),
    (b"}\r\n#VER A 2", b"}\r\n\r\n#VER A 2"),
]


@pytest.mark.parametrize(("old", "new"), EDITS)
def test_edited_files_agree(monkeypatch: pytest.MonkeyPatch, old: bytes, new: bytes) -> None:
    base = (CASES / "base.se").read_bytes()
    assert old in base
    data = base.replace(old, new, 1)
    _same(*_both(monkeypatch, read_sie, data, name="f.se"))
    for dims in ((), ("1",)):
        _same(*_both(monkeypatch, sum_sie, data, dimensions=dims, name="f.se", chunk_size=64))


lines = st.lists(
    st.sampled_from(
        [
            "#VER A {n} 20200115 text",
            '#VER "A" "{n}" 20200116 "a b" 20200117',
            "#VER B {n} 20200301",
            "{{",
            "}}",
            "#TRANS 1930 {{}} 100.00",
            "#TRANS 1930 {{}} -100.00",
            '#TRANS 5010 {{1 "100"}} 50.5 20200120 "x"',
            "#TRANS 5010 {{1 100}} -50.5",
            "#TRANS 3010 {{}} 1 20200230",
            "",
            "#BTRANS 1930 {{}} 1.00",
        ]
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(lines)
def test_random_voucher_streams_agree(body: list[str]) -> None:
    header = (CASES / "base.se").read_bytes().split(b"#VER A 1")[0]
    text = "\r\n".join(line.format(n=i + 1) for i, line in enumerate(body)) + "\r\n"
    data = header + text.encode("cp437")
    fast = [read_sie(data), sum_sie(data, dimensions=("1",), chunk_size=128)]
    vector.AVAILABLE = False
    try:
        slow = [read_sie(data), sum_sie(data, dimensions=("1",), chunk_size=128)]
    finally:
        vector.AVAILABLE = True
    for a, b in zip(fast, slow, strict=True):
        _same(a, b)
