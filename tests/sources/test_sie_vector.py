"""The vectorised reader (vector.py) gives exactly what the line reader gives, or declines."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from styrkort.sources.sie import read_sie, sum_sie, vector, write_sie
from styrkort.sources.sie.lexer import object_pairs
from styrkort.sources.sie.state import ReadState
from styrkort.sources.sie.synthetic import write_kommunbas_sie

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "sie"
CASES = Path(__file__).parent / "sie_cases"

pytestmark = pytest.mark.skipif(not vector.AVAILABLE, reason="pyarrow is not installed")


def _both(monkeypatch: pytest.MonkeyPatch, fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    return fn(*args, **kwargs), fn(*args, reference=True, **kwargs)


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


def _fast_path_taken(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record, for every stretch offered to the vectorised reader, whether it read all of it."""
    taken: list[bool] = []
    original = vector.VectorReader.feed

    def spy(self: vector.VectorReader, data: bytes, lineno: int) -> int:
        before = self.handed_over
        result = original(self, data, lineno)
        taken.append(self.handed_over == before)
        return result

    monkeypatch.setattr(vector.VectorReader, "feed", spy)
    return taken


def test_synthetic_file_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    taken = _fast_path_taken(monkeypatch)
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
    taken = _fast_path_taken(monkeypatch)
    fast, slow = _both(
        monkeypatch, sum_sie, data, dimensions=dims, by_period=by_period, chunk_size=64 * 1024
    )
    assert taken and all(taken)  # the comparison is between the two paths
    _same(fast, slow)


def test_synthetic_tree_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    taken = _fast_path_taken(monkeypatch)
    fast, slow = _both(monkeypatch, read_sie, _synthetic(), name="x.se")
    assert taken and all(taken)
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
    slow = [
        read_sie(data, reference=True),
        sum_sie(data, dimensions=("1",), chunk_size=128, reference=True),
    ]
    for a, b in zip(fast, slow, strict=True):
        _same(a, b)


# --- the sums path: #TRANS fields found by byte position, partial sums kept in arrow ---

POSITION_EDITS = [
    # an amount without decimals, then a text with "digits.digits" in it: the first "."
    # after the "}" is not the amount's
    (b"#TRANS 1930 {} 500.00", b'#TRANS 1930 {} 500 20200221 "a.12 b"'),
    (b"#TRANS 1930 {} 500.00", b'#TRANS 1930 {} 500 "" "x.12"'),
    (b"#TRANS 1930 {} 500.00", b"#TRANS 1930 {} 500.0 20200221"),
    (b"#TRANS 1930 {} 500.00", b"#TRANS 1930 {} 500.000"),
    (b"#TRANS 1930 {} 500.00", b"#TRANS 1930 {} 0500.00"),
    (b"#TRANS 1930 {} 500.00", b"#TRANS 1930 {} 500.00 "),
    (b"#TRANS 1930 {} 500.00", b'#TRANS 1930 {} 500.00 ""'),
    (b"#TRANS 1930 {} 500.00", b"#TRANS 1930 {} 500.00  20200221"),
    (b"#TRANS 1930 {} 500.00", b"#TRANS 1930 {}  500.00"),
    (b"#TRANS 1930 {} 500.00", b"#TRANS 1930 {}\t500.00"),
    (b"#TRANS 1930 {} 500.00", b"#TRANS 1930 {} 500.00\t20200221"),
    (b"#TRANS 1930 {} 500.00", b"#TRANS  1930 {} 500.00"),
    (b"#TRANS 1930 {} 500.00", b"#TRANS 1930  {} 500.00"),
    (b"#TRANS 1930 {} 500.00", b"#TRANS 01930 {} 500.00"),
    (b"#TRANS 5010 {1 100} 300.00", b'#TRANS 5010 {1 "1.00"} 300.00'),
    (b"#TRANS 5010 {1 100} 300.00", b'#TRANS 5010 {1 "1.00"} 300 20200120 "1.23 x"'),
    (b"#TRANS 5010 {1 100} 300.00", b"#TRANS 5010 {1 100} 300.00 20200120 x.99"),
]


@pytest.mark.parametrize(("old", "new"), EDITS + POSITION_EDITS)
def test_edited_files_agree(monkeypatch: pytest.MonkeyPatch, old: bytes, new: bytes) -> None:
    base = (CASES / "base.se").read_bytes()
    assert old in base
    data = base.replace(old, new, 1)
    _same(*_both(monkeypatch, read_sie, data, name="f.se"))
    for chunk in (64, 4096):
        for dims in ((), ("1",)):
            _same(
                *_both(monkeypatch, sum_sie, data, dimensions=dims, name="f.se", chunk_size=chunk)
            )


def _by_position(monkeypatch: pytest.MonkeyPatch, data: bytes, **kwargs: Any) -> None:
    """sum_sie on ``data`` found every chunk's fields by position, and agrees with the line reader."""
    located: list[bool] = []
    original = vector._located

    def spy(*args: Any) -> Any:
        result = original(*args)
        located.append(result is not None)
        return result

    with monkeypatch.context() as m:
        m.setattr(vector, "_located", spy)
        fast = sum_sie(data, dimensions=("1",), **kwargs)
    assert located and all(located)
    _same(fast, sum_sie(data, dimensions=("1",), reference=True, **kwargs))


@pytest.mark.parametrize(
    "new",
    [
        b"#TRANS 1930 {} 0500.00",
        b"#TRANS 1930 {} 500.00 ",
        b'#TRANS 1930 {} 500.00 ""',
        b'#TRANS 1930 {} 500.00 "" "x.12 y"',
        b"#TRANS 1930 {} 500.00 20200221 x.99",
        b"#TRANS 01930 {} 500.00",
    ],
)
def test_position_path_accepts_the_regular_variants(
    monkeypatch: pytest.MonkeyPatch, new: bytes
) -> None:
    data = (CASES / "base.se").read_bytes().replace(b"#TRANS 1930 {} 500.00", new, 1)
    _by_position(monkeypatch, data, name="f.se")


def test_synthetic_sums_take_the_position_path(monkeypatch: pytest.MonkeyPatch) -> None:
    _by_position(monkeypatch, _synthetic(), chunk_size=64 * 1024)


@pytest.mark.parametrize(("regroup", "flush_at"), [(1, 2048), (10**9, 1), (1, 1)])
def test_partial_sums_regrouped_or_flushed_early_agree(
    monkeypatch: pytest.MonkeyPatch, regroup: int, flush_at: int
) -> None:
    data = _synthetic(1_500)
    monkeypatch.setattr(vector, "_REGROUP_ROWS", regroup)
    monkeypatch.setattr(vector, "_ORE_FLUSH_CHUNKS", flush_at)
    fast, slow = _both(monkeypatch, sum_sie, data, dimensions=("1", "6"), chunk_size=16 * 1024)
    _same(fast, slow)


def test_mixed_precision_chunks_keep_the_line_readers_exponent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # one voucher in four decimals among whole-öre ones: that chunk sums in decimal, the
    # others in öre; the total per key has the exponent of its most precise amount
    base = (CASES / "base.se").read_bytes()
    data = base.replace(b"#TRANS 1930 {} -300.00", b"#TRANS 1930 {} -300.0000", 1)
    taken = _fast_path_taken(monkeypatch)
    for chunk in (64, 256, 4096):
        _same(*_both(monkeypatch, sum_sie, data, dimensions=("1",), chunk_size=chunk))
    assert any(taken)  # some chunks were summed by the vectorised reader


trans_variants = st.sampled_from(
    [
        "#TRANS 1930 {{}} {a}",
        "#TRANS 5010 {{1 100}} {a} 20200120",
        '#TRANS 5010 {{1 "100" 6 "P.1"}} {a} "" "t.12 x"',
        "#TRANS 5010 {{1 100}} {a} 20200121 x.99",
        "#TRANS 5010 {{1 100}}  {a}",
        "#TRANS 3010 {{6 P1}} {a} ",
    ]
)
amounts = st.one_of(
    st.integers(-(10**12), 10**12).map(lambda o: f"{o / 100:.2f}"),
    st.integers(-(10**6), 10**6).map(str),
    st.decimals(-(10**6), 10**6, places=3, allow_nan=False, allow_infinity=False).map(str),
)


@settings(max_examples=120, deadline=None)
@given(st.lists(st.lists(st.tuples(trans_variants, amounts), min_size=1, max_size=5), max_size=30))
def test_random_amounts_and_fields_agree(vouchers: list[list[tuple[str, str]]]) -> None:
    header = (CASES / "base.se").read_bytes().split(b"#VER A 1")[0]
    out = []
    for n, rows in enumerate(vouchers, start=1):
        out += [f"#VER A {n} 20200115 text", "{"]
        out += [form.format(a=amount) for form, amount in rows]
        # balanced, so that the vectorised reader may accept the voucher
        out.append(f"#TRANS 1930 {{}} {-sum(Decimal(amount) for _, amount in rows)}")
        out.append("}")
    data = header + ("\r\n".join(out) + "\r\n").encode("cp437")
    fast = [sum_sie(data, dimensions=("1", "6"), chunk_size=size) for size in (128, 4096)]
    slow = sum_sie(data, dimensions=("1", "6"), reference=True)
    for result in fast:
        _same(result, slow)


@pytest.mark.parametrize("encoding", ["utf-8", "iso-8859-15"])
def test_other_encodings_read_the_same_sums(monkeypatch: pytest.MonkeyPatch, encoding: str) -> None:
    # the same ledger in UTF-8 (text path) or Latin-9 (byte path) as in CP437
    cp437 = _synthetic(600)
    data = cp437.decode("cp437").encode(encoding)
    reference = sum_sie(cp437, dimensions=("1",), chunk_size=8 * 1024)
    for chunk in (8 * 1024, 64 * 1024):
        fast, slow = _both(monkeypatch, sum_sie, data, dimensions=("1",), chunk_size=chunk)
        _same(fast, slow)
        assert fast.sums is not None and reference.sums is not None
        assert dict(fast.sums.sums) == dict(reference.sums.sums)


def _imports(path: Path) -> set[str]:
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_vectorised_reader_does_not_import_the_parser() -> None:
    # the contract is state.py: vector.py and state.py never import reader.py (no cycle),
    # and vector.py touches no private attribute of the state it is given
    import re

    folder = Path(vector.__file__).parent
    for name in ("vector.py", "state.py"):
        assert "styrkort.sources.sie.reader" not in _imports(folder / name), name
    assert "styrkort.sources.sie.vector" not in _imports(folder / "state.py")
    text = (folder / "vector.py").read_text(encoding="utf-8")
    assert not re.search(r"\b(?:st|state|p)\._[a-z]", text)


# --- indented lines read by position; object lists split at once per chunk (vector._split) ---

INDENT_EDITS = [
    (b"#TRANS 1930 {} 500.00", b"\t#TRANS 1930 {} 500.00"),
    (b"#TRANS 1930 {} 500.00", b"  \t #TRANS 1930 {} 500.00"),
    (b"#TRANS 1930 {} 500.00", b"\t#TRANS\t1930 {} 500.00"),
    (b"#TRANS 1930 {} 500.00", b"\t#TRANS 1930\t{} 500.00"),
    (b"#TRANS 1930 {} 500.00", b"\t#TRANSX 1930 {} 500.00"),
    (b'#VER A 1 20200115 "Hyra"', b'\t#VER A 1 20200115 "Hyra"'),
    (b'#VER A 1 20200115 "Hyra"', b'  #VER\tA 1 20200115 "Hyra"'),
    (b'#VER A 1 20200115 "Hyra"', b'\t#VER "A" 1\t20200115 "Hyra"'),
    (b"}\r\n#VER A 2", b"\t}\r\n#VER A 2"),
    (b"}\r\n#VER A 2", b"} \r\n#VER A 2"),
    (b"}\r\n#VER A 2", b"\t} \t\r\n#VER A 2"),
    (b"}\r\n#VER A 2", b"}\r\n \t\r\n#VER A 2"),
    (b"}\r\n#VER A 2", b"}\r\n \r \r\n#VER A 2"),
]


def _indented(data: bytes) -> bytes:
    """Every line inside a voucher indented with a tab (as some programs write them)."""
    return data.replace(b"\r\n#TRANS ", b"\r\n\t#TRANS ").replace(b"\r\n{", b"\r\n\t{")


@pytest.mark.parametrize(("old", "new"), INDENT_EDITS)
def test_indented_files_agree(monkeypatch: pytest.MonkeyPatch, old: bytes, new: bytes) -> None:
    base = (CASES / "base.se").read_bytes()
    for data in (base.replace(old, new, 1), _indented(base).replace(old, new, 1)):
        _same(*_both(monkeypatch, read_sie, data, name="f.se"))
        for chunk in (64, 4096):
            for dims in ((), ("1", "6")):
                _same(
                    *_both(
                        monkeypatch, sum_sie, data, dimensions=dims, name="f.se", chunk_size=chunk
                    )
                )


def test_indented_sums_take_the_position_path(monkeypatch: pytest.MonkeyPatch) -> None:
    _by_position(monkeypatch, _indented(_synthetic()), chunk_size=64 * 1024)


object_lists = st.sampled_from(
    [
        "{}",
        "{ }",
        "{1 100}",
        '{1 "100"}',
        '{"1" "100"}',
        "{1 200 6 P1}",
        "{6 P1 1 200}",
        "{1 100 1 200}",  # the last pair of a dimension wins
        '{1 "1 00"}',  # a quoted object with a space
        "{1\t100}",
        "{ 1  100 }",
        '{1 "" 6 P1}',
        "{1 100 6 P1 5 7 2 x 3 y}",  # more pairs than the pattern splits
        '{1 "a""b"}',  # quotes without a separator: the line reader's function splits it
        "{1 100 6}",  # odd: broken
        '{1 "ö"}',
        '{"" ""}',
        "{1 a 2 b 3 c 4 d}",  # as many pairs as the pattern splits
        '{1 "a\tb"}',  # a quoted object with a tab
        '{1 "a" 6 "P1" 5 "7"}',  # the usual way: cut at the spaces (vector._split_simple)
    ]
)

list_texts = st.lists(
    st.sampled_from(["1", '"1"', "100", '"1 00"', '""', "P1", '"ö"', '"a\tb"', 'a"b', "x{"]),
    max_size=10,
).flatmap(
    lambda words: st.tuples(
        st.just(words),
        st.lists(st.sampled_from([" ", "  ", "\t"]), min_size=len(words), max_size=len(words)),
        st.sampled_from(["", " "]),
    )
)


@settings(max_examples=300, deadline=None)
@given(st.lists(list_texts, min_size=1, max_size=12))
def test_lists_split_at_once_give_the_line_readers_pairs(
    shapes: list[tuple[list[str], list[str], str]],
) -> None:
    # the usual lists are cut at their spaces, the others split by the line reader's
    # function: every list's pairs (None: broken) are those the line reader reads
    texts = [
        lead + "".join(w + sep for w, sep in zip(words, seps, strict=True))[:-1]
        for words, seps, lead in shapes
    ]
    texts.append('1 "a" 2 "b" 3 "c" 4 "d" 5 "e" 6 "f" 7 "g" 8 "h" 9 "i"')  # wider than split
    lists = vector.pa.array([t.encode() for t in texts], vector.pa.binary())
    state = ReadState(keep_tree=False, dimensions=(), by_period=False)
    reader = vector.VectorReader(state, lambda data, lineno: lineno)
    split = vector._split(reader, lists, "utf-8", object_pairs)
    assert vector._list_pairs(split) == [object_pairs(t) for t in texts]
    # and the usual way of writing a list is split without the line reader's function
    usual = [i for i, (w, seps, lead) in enumerate(shapes) if not lead and set(seps) <= {" "}]
    simple = {
        i for i in usual if all(vector._LIST_FIELD.fullmatch(x.encode()) for x in shapes[i][0])
    }
    for i in simple:
        if len(shapes[i][0]) % 2 == 0 and len(shapes[i][0]) <= 2 * vector._LIST_WIDTH:
            assert split.status[i] == 0


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(st.tuples(object_lists, st.booleans()), min_size=1, max_size=4), max_size=25),
    st.sampled_from([1, 3, 10**6]),
)
def test_object_lists_across_chunks_agree(
    vouchers: list[list[tuple[str, bool]]], cache_limit: int
) -> None:
    # the same lists again and again across small chunks, some in vouchers the line reader
    # reads (unbalanced), some indented; with a cache that starts over every few lists
    header = (CASES / "base.se").read_bytes().split(b"#VER A 1")[0]
    out = []
    for n, rows in enumerate(vouchers, start=1):
        out += [f"#VER A {n} 20200115 text", "{"]
        for k, (objects, indent) in enumerate(rows):
            out.append(("\t" if indent else "") + f"#TRANS 5010 {objects} {k + 1}.00")
        total = sum(range(1, len(rows) + 1)) + (n % 7 == 0)  # every seventh unbalanced
        out += [f"#TRANS 1930 {{}} -{total}.00", "}"]
    data = header + ("\r\n".join(out) + "\r\n").encode("cp437")
    original = vector.CACHE_LIMIT
    vector.CACHE_LIMIT = cache_limit
    try:
        for dims in ((), ("1",), ("1", "6", "2")):
            for size in (128, 4096):
                fast = sum_sie(data, dimensions=dims, chunk_size=size)
                _same(fast, sum_sie(data, dimensions=dims, chunk_size=size, reference=True))
        _same(read_sie(data), read_sie(data, reference=True))
    finally:
        vector.CACHE_LIMIT = original


period_lines = st.tuples(
    st.sampled_from(["PSALDO", "PBUDGET"]),
    st.sampled_from(["0", "-1", "5", "00"]),  # known years, an unknown one, a malformed one
    st.sampled_from(["202001", "202012", "201906", "202013", "202101"]),
    st.sampled_from(["3010", "5010", "4711"]),  # 4711 is not in the chart
    object_lists,
    st.sampled_from(["-500.00", "12", "1.5", "1e3"]),
    st.sampled_from(["", " 2", " 1.25"]),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(period_lines, min_size=60, max_size=140))
def test_period_balance_runs_agree(rows: list[tuple[str, ...]]) -> None:
    # runs of #PSALDO/#PBUDGET long enough for the vectorised reader, with lines it must
    # leave to the line reader (unknown year, month outside it, broken list, odd amount)
    base = (CASES / "base.se").read_bytes()
    head, tail = base.split(b"#VER A 1", 1)
    lines = [f"#{kind} {year} {month} {account} {objects} {amount}{qty}" for kind, year, month, account, objects, amount, qty in rows]  # fmt: skip
    data = head + ("\r\n".join(lines) + "\r\n").encode("cp437") + b"#VER A 1" + tail
    for dims in ((), ("1",)):
        fast = sum_sie(data, dimensions=dims)
        _same(fast, sum_sie(data, dimensions=dims, reference=True))
        assert fast.sums is None or fast.sums.period_balances == (
            sum_sie(data, dimensions=dims, reference=True).sums.period_balances  # type: ignore[union-attr]
        )
    _same(read_sie(data), read_sie(data, reference=True))


# lines the positions alone would misread: the rest of their shape is proved with _TRANS_OK
UNPROVEN_EDITS = [
    b'#TRANS 1930 {1 "a{"} 500.00',
    b'#TRANS 1930 {1 "a}b"} 500.00',
    b"#TRANS 1930 {1 a\\b} 500.00",
    b"#TRANS 1930 {1 100}{} 500.00",
    b"#TRANS 19a0 {} 500.00",
    b"#TRANS 1930 {} +500.00",
    b"#TRANS 1930 {} -+500.00",
    b"#TRANS 1930 {} 5 00.00",
    b"#TRANS 1930 {} 500.00 } x",
    b"#TRANS 1930 {} 500.00\rx",
    b"#TRANS 1930 {} 500.00 2020022x",
    b"#TRANS 1930 {} 500.00 202002211",
    b"#TRANS 1930 {} 500.00 2020\x94221",
    b'#TRANS 1930 {} 500.00 "" "x" 1 sign extra',
    b'#TRANS 1930 {} 500.00 20200221 "a \\" b" 1',
    b"#TRANS 1930 {1 100 6} 500.00",
    b'#TRANS 1930 {1 "a""b"} 500.00',
    # the rest after a date (checked alone, with _TRANS_REST)
    b'#TRANS 1930 {} 500.00 20200221 "x"y',
    b'#TRANS 1930 {} 500.00 20200221\t"x" 1 \t',
    b"#TRANS 1930 {} 500.00 20200221 {x}",
    b'#TRANS 1930 {} 500.00 20200221 "x',
    b'#TRANS 1930 {} 500.00 20200221 "x" 1 "s" more fields',
    b"#TRANS 1930 {} 500.00 20200221 \\x",
    b'#TRANS 1930 {1 "a""b"} 500.00 20200221 "x"',
]


@pytest.mark.parametrize("new", UNPROVEN_EDITS)
def test_lines_the_positions_do_not_prove_agree(
    monkeypatch: pytest.MonkeyPatch, new: bytes
) -> None:
    base = (CASES / "base.se").read_bytes()
    for data in (base.replace(b"#TRANS 1930 {} 500.00", new, 1), _indented(base).replace(b"#TRANS 1930 {} 500.00", new, 1)):  # fmt: skip
        for chunk in (64, 4096):
            for dims in ((), ("1",)):
                _same(
                    *_both(
                        monkeypatch, sum_sie, data, dimensions=dims, name="f.se", chunk_size=chunk
                    )
                )


def test_a_list_first_seen_on_a_line_left_to_the_line_reader_agrees() -> None:
    # found by test_period_balance_runs_agree: an object list whose first line in a run has
    # a month outside the year (left to the line reader, which notes nothing for it) and
    # which comes again after another new list; its pairs' first use is that later line
    data = (CASES / "period_first_use.se").read_bytes()
    for dims in ((), ("1",)):
        _same(sum_sie(data, dimensions=dims), sum_sie(data, dimensions=dims, reference=True))


def _vouchers(*vouchers: list[str]) -> bytes:
    """base.se's header and these vouchers (rows of ``#TRANS 5010``, each balanced unless
    its last row is None)."""
    header = (CASES / "base.se").read_bytes().split(b"#VER A 1")[0]
    out = []
    for n, rows in enumerate(vouchers, start=1):
        out += [f"#VER A {n} 20200115 text", "{"]
        out += [f"#TRANS 5010 {objects} 1.00" for objects in rows]
        out += [f"#TRANS 1930 {{}} -{len(rows) + (n % 2 == 0)}.00", "}"]
    return header + ("\r\n".join(out) + "\r\n").encode("cp437")


@pytest.mark.parametrize(
    "data",
    [
        # found by test_object_lists_across_chunks_agree: the second voucher (unbalanced) is
        # read by the line reader before the first one's pairs are noted
        _vouchers(['{1 "a" 6 "P1" 5 "7"}'], ["{1 100 6 P1 5 7 2 x 3 y}", "{1 b}"]),
        # a pair of a list's third place that a later list has in its first place
        _vouchers(['{1 "a" 5 "x" 6 "Q"}', '{6 "Q"}']),
        _vouchers(['{1 "a" 5 "x" 6 "Q"}', '{6 "Q"}'], ['{6 "Q" 5 "y"}', '{1 "a" 7 "z"}']),
    ],
)
def test_pairs_first_used_on_one_line_are_noted_in_the_lists_order(data: bytes) -> None:
    # the findings of a line's undeclared objects and dimensions come in the list's order
    for dims in ((), ("1",)):
        for size in (128, 4096):
            fast = sum_sie(data, dimensions=dims, chunk_size=size)
            _same(fast, sum_sie(data, dimensions=dims, chunk_size=size, reference=True))
            assert len(fast.findings) >= 3
    _same(read_sie(data), read_sie(data, reference=True))


correction_rows = st.sampled_from(
    [
        ("T", "#TRANS 5010 {1 100} {a}"),
        ("T", "#TRANS 5010 {1 200 6 P1} {a}"),
        ("R", "#RTRANS 5010 {1 100} {a}"),  # matches the first #TRANS form
        ("R", "#RTRANS 5010 {1 100} {a} 20200115 text"),
        ("R", '#RTRANS 5010 {1 "100"} {a}'),  # the same objects written otherwise
        ("R", "#RTRANS 5010 {1 100} 1.00"),  # another amount
        ("R", "#RTRANS 3010 {1 100} {a}"),  # another account
        ("R", "#RTRANS 5010 {1 100} {a} 20200231"),  # an impossible date
        ("B", "#BTRANS 5010 {1 200 6 P1} {a} 20200115"),
        ("B", "#BTRANS 5010 {5 7} 9.99"),  # an undeclared dimension, noted as used
        ("B", "#BTRANS 5010 {1 100 6} 9.99"),  # a broken list
        ("B", '#BTRANS 5010 {1 "a""b"} 9.99'),
        ("B", "\t#BTRANS 5010 {} 9.999"),
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(correction_rows, min_size=1, max_size=6), max_size=20))
def test_correction_rows_agree(vouchers: list[list[tuple[str, str]]]) -> None:
    # #RTRANS/#BTRANS rows read by the vectorised sums, matched or not, with the line
    # reader's findings; every voucher balanced by its #TRANS rows
    header = (CASES / "base.se").read_bytes().split(b"#VER A 1")[0]
    out = []
    for n, rows in enumerate(vouchers, start=1):
        out += [f"#VER A {n} 20200115 text", "{"]
        total = 0
        for k, (kind, form) in enumerate(rows):
            out.append(form.replace("{a}", f"{k + 1}.00"))
            total += k + 1 if kind == "T" else 0
        out += [f"#TRANS 1930 {{}} -{total}.00", "}"]
    data = header + ("\r\n".join(out) + "\r\n").encode("cp437")
    for dims in ((), ("1",)):
        for size in (128, 4096):
            fast = sum_sie(data, dimensions=dims, chunk_size=size)
            _same(fast, sum_sie(data, dimensions=dims, chunk_size=size, reference=True))


def test_years_below_1000_are_read_alike_and_vectorised(monkeypatch: pytest.MonkeyPatch) -> None:
    # dates are YYYYMMDD with the year's leading zero ("%Y" drops it on glibc): the year's
    # bounds, the months of period balances and of the sums' keys ("099903"), and the
    # dates written back
    data = re.sub(rb'(?<=[ "])2020(\d{4})(?=[ "\r\n])', rb"0999\1", _synthetic(400))
    data = re.sub(rb'(?<=[ "])2019(\d{4})(?=[ "\r\n])', rb"0998\1", data)
    data = re.sub(rb"(#P(?:BUDGET|SALDO) 0 )2020", rb"\g<1>0999", data)
    data = re.sub(rb"(#P(?:BUDGET|SALDO) -1 )2019", rb"\g<1>0998", data)
    assert b"#RAR 0 09990101 09991231" in data
    assert b"#PBUDGET 0 099901 " in data
    taken = _fast_path_taken(monkeypatch)
    fast = sum_sie(data, dimensions=("1",), chunk_size=64 * 1024)
    assert taken and all(taken)
    _same(fast, sum_sie(data, dimensions=("1",), chunk_size=64 * 1024, reference=True))
    assert not fast.findings
    assert fast.sums is not None
    assert {period for _account, _objects, period in fast.sums.sums} >= {"099901", "099912"}
    tree = read_sie(data)
    assert tree.ledger is not None
    assert write_sie(tree.ledger).count(b"09990101") >= 1


class _Unseekable(io.RawIOBase):
    """A stream that cannot seek (a pipe): blocks are joined and cut as they come."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, b: Any) -> int:
        chunk = self._inner.read(len(b))
        b[: len(chunk)] = chunk
        return len(chunk)


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(
        st.sampled_from(
            [
                b"#VER A 1 20200101",
                b"{",
                b"}",
                b"\t#TRANS 1930 {} 1.00",
                b"#PSALDO 0 202001 1930 {} 1",
                b"}\r",
                b"#VER \xc3\xa5 2 20200101",
                b"\xe5\xe4",
                b"x" * 300,
                b"",
            ]
        ),
        max_size=60,
    ),
    chunk=st.sampled_from([1, 7, 64, 4096]),
    bom=st.booleans(),
)
def test_blocks_ending_after_vouchers_hold_the_same_bytes_and_encoding(
    lines: list[bytes], chunk: int, bom: bool
) -> None:
    # read as exactly the bytes up to a voucher's end (seeking), the blocks are the same
    # stream as those joined and cut from a pipe, each ending at a line end but the last,
    # and the encoding is chosen the same way
    from styrkort.sources.sie.decode import Decoded
    from styrkort.sources.sie.reader import _VOUCHER_ENDS

    data = (b"\xef\xbb\xbf" if bom else b"") + b"\n".join(lines) + b"\n"
    exact = Decoded(io.BytesIO(data), chunk)
    exact.head()
    piped = Decoded(io.BufferedReader(_Unseekable(data)), chunk)
    piped.head()
    got = list(exact.blocks(_VOUCHER_ENDS))
    want = list(piped.blocks(_VOUCHER_ENDS))
    assert b"".join(got) == b"".join(want)
    assert all(block.endswith(b"\n") for block in got)
    assert (exact.encoding, exact.first_non_ascii_line) == (
        piped.encoding,
        piped.first_non_ascii_line,
    )


def test_a_block_ends_after_the_last_voucher_in_its_chunk() -> None:
    from styrkort.sources.sie.decode import Decoded
    from styrkort.sources.sie.reader import _VOUCHER_ENDS, _voucher_run

    voucher = b"#VER A 1 20200101\r\n{\r\n#TRANS 1930 {} 1.00\r\n#TRANS 3010 {} -1.00\r\n}\r\n"
    data = voucher * 2000
    decoded = Decoded(io.BytesIO(data), 64 * 1024)
    decoded.head()
    blocks = list(decoded.blocks(_VOUCHER_ENDS))
    assert len(blocks) > 1 and b"".join(blocks) == data
    for block in blocks:
        # the whole block is the run of vouchers: handed on without a copy
        assert block.startswith(b"#VER ") and _voucher_run(block) == (0, len(block))


@pytest.mark.parametrize(
    ("data", "run"),
    [
        (b"#VER a\n{\n}\n", (0, 11)),
        (b"#VER a\r\n{\r\n}\r\nx", (0, 14)),
        (b"x\n#VER 1\n{\n}x\n", None),
        (b"#VER a\n{\n}\n}\r\n#VER 2\n{\n}", (0, 14)),
        (b"#VER\n}\n}\r\n#VER 2\n{\n}", None),
        (b"\n}\n#VER a\n", None),
    ],
)
def test_voucher_runs_end_at_the_last_closing_line_lf_or_crlf(
    data: bytes, run: tuple[int, int] | None
) -> None:
    from styrkort.sources.sie.reader import _voucher_run

    assert _voucher_run(data) == run


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40))
def test_utf8_is_proved_as_python_decodes_it(data: bytes) -> None:
    try:
        data.decode("utf-8")
        valid = True
    except UnicodeDecodeError:
        valid = False
    assert vector.valid_utf8(data) is valid


@pytest.mark.parametrize(
    "data",
    [b"\xed\xa0\x80", b"\xc0\x80", b"\xe0\x80\x80", b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80"],
)
def test_surrogates_overlong_forms_and_past_the_last_code_point_are_not_utf8(data: bytes) -> None:
    assert not vector.valid_utf8(b"#VER A 1 20200101 " + data + b"\n")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                b' "text" 1',
                b" word",
                b' "a \\" b"',
                b"",
                b' "open',
                b" {x}",
                b'\t""',
                b" \x01",
                b' "x"y',
                b" \xc3\xa5",
            ]
        ).map(lambda tail: tail + b"\n"),
        min_size=1,
        max_size=30,
    )
)
def test_lines_matched_at_once_match_as_line_by_line(tails: list[bytes]) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(tails, pa.binary())
    one_by_one = np.asarray(pc.match_substring_regex(arr, vector._TRANS_REST).to_pylist())
    assert (vector._lines_match(arr, vector._TRANS_REST) == one_by_one).all()
    # a slice (the array's offset not 0) too
    assert (vector._lines_match(arr[1:], vector._TRANS_REST) == one_by_one[1:]).all()


_IMPORTS = """
import sys
from styrkort.sources.sie import read_sie, sum_sie
for reading in (lambda: sum_sie(sys.argv[1], dimensions=("1",)), lambda: read_sie(sys.argv[1])):
    result = reading()
    assert not [f for f in result.findings if f.code == "sie.internal"], result.findings
print(" ".join(sorted(name for name in ("pyarrow.compute", "pandas") if name in sys.modules)))
"""


def test_reading_a_file_imports_neither_pyarrow_compute_nor_pandas(tmp_path: Path) -> None:
    # each costs more CPU at start-up than a few MB of reading (arrow.py, vector._np): a
    # file with vouchers, object lists, corrections and period balances read both ways
    import subprocess
    import sys

    from styrkort.sources.sie.synthetic import VARIETY, write_variety_sie

    path = tmp_path / "all.se"
    with path.open("wb") as stream:
        write_variety_sie(stream, size=300_000, features=frozenset(VARIETY))
    out = subprocess.run(
        [sys.executable, "-c", _IMPORTS, str(path)], check=True, capture_output=True, text=True
    )
    assert out.stdout.strip() == ""


class _FakeLibc:
    def __init__(self, calls: list[tuple[int, int]]) -> None:
        self.calls = calls

        def mallopt(param: int, value: int) -> int:
            calls.append((param, value))
            return 1

        self.mallopt = mallopt


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, [(-3, 32 << 20), (-1, 64 << 20)]),
        ({"MALLOC_ARENA_MAX": "2"}, []),  # the process chose its allocator's settings
        ({"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=1"}, []),
    ],
)
def test_malloc_keeps_chunk_sized_blocks_once_unless_the_process_chose(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], expected: list[tuple[int, int]]
) -> None:
    import ctypes
    import os
    import sys

    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(vector, "_settled", False)
    monkeypatch.setattr(ctypes, "CDLL", lambda _name: _FakeLibc(calls))
    monkeypatch.setattr(sys, "platform", "linux")
    for name in [n for n in os.environ if n.startswith("MALLOC_") or n == "GLIBC_TUNABLES"]:
        monkeypatch.delenv(name)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    vector.settle_malloc()
    vector.settle_malloc()  # once per process
    assert calls == expected
