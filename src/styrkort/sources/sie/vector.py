"""The fast path for runs of clean vouchers: whole chunks at once with pyarrow.

A 50 MB municipal file is almost entirely vouchers written the same way::

    #VER A 17 20200310 "Faktura 17" 20200311
    {
    #TRANS 6540 {1 "4100" 6 "P1"} 1234.50
    #TRANS 2440 {} -1234.50 20200310 "Faktura"
    }

This module takes a stretch of such lines (between voucher boundaries) and does
the work of :meth:`_Parser.feed` with pyarrow's vectorised string kernels:
classify the lines, check the block structure, extract fields with one regular
expression per kind, cast the amounts to decimal, and group the sums.

It is a pure optimisation with a strict contract: it only accepts a stretch
when every line has one of the exact shapes above and the stretch would give no
finding (balanced vouchers, real dates inside the year, voucher numbers next in
their series, no odd object list). Anything else returns None and the caller
reads the stretch line by line, which gives the findings. So both paths always
give the same ledger, sums and findings (tests/sources/test_sie_vector.py).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from styrkort.sources.sie.lexer import split_words
from styrkort.sources.sie.model import Objects, Transaction, Voucher

if TYPE_CHECKING:  # pragma: no cover
    from styrkort.sources.sie.reader import _Parser

try:  # pyarrow is a dependency of styrkort, but the reader works without it
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    AVAILABLE = True
except ImportError:  # pragma: no cover
    AVAILABLE = False

# a field: quoted without escapes or braces, or a word without controls, quotes, backslashes, braces
_TOKEN = rb'(?:"[^"\\{}\r\n]*"|[^\x00-\x20"\\{}]+)'
_END = rb"[ \t]*\r?\n$"
# the exact shapes accepted (checked with a match, which RE2 runs as a fast DFA) ...
_VER_OK = (
    rb"^[ \t]*#VER[ \t]+" + _TOKEN + rb"[ \t]+" + _TOKEN + rb"[ \t]+[0-9]{8}"
    rb"(?:[ \t]+" + _TOKEN + rb")?(?:[ \t]+" + _TOKEN + rb")?(?:[ \t]+" + _TOKEN + rb")?" + _END
)
_TRANS_OK = (
    rb'^[ \t]*#TRANS[ \t]+[0-9]+[ \t]+\{(?:[^{}"\\\r\n]|"[^"\\{}\r\n]*")*\}'
    rb'[ \t]+-?[0-9]+(?:\.[0-9]+)?(?:[ \t]+(?:[0-9]{8}|"")(?:[ \t]+' + _TOKEN + rb")?)?" + _END
)
# ... and, on lines known to have those shapes, simple patterns that pick the fields out
_W = rb'"[^"]*"|[^ \t\r\n]+'
_VER_FIELDS = (
    rb"^[ \t]*#VER[ \t]+(?P<series>"
    + _W
    + rb")[ \t]+(?P<number>"
    + _W
    + rb")[ \t]+(?P<date>[0-9]{8})"
)
_VER_TREE = (
    _VER_FIELDS
    + rb"(?:[ \t]+(?P<text>"
    + _W
    + rb"))?(?:[ \t]+(?P<reg>"
    + _W
    + rb"))?(?:[ \t]+(?P<sign>"
    + _W
    + rb"))?"
)
_TRANS_FIELDS = (
    rb"^[ \t]*#TRANS[ \t]+(?P<account>[0-9]+)[ \t]+\{(?P<objects>[^}]*)\}[ \t]+(?P<amount>[^ \t\r\n]+)"
    rb"(?:[ \t]+(?P<date>[^ \t\r\n]+))?"
)
_TRANS_TREE = (
    rb"^[ \t]*#TRANS[ \t]+(?P<account>[0-9]+)[ \t]+\{(?P<objects>[^}]*)\}[ \t]+(?P<amount>[^ \t\r\n]+)"
    rb"(?:[ \t]+(?P<date>[^ \t\r\n]+)(?:[ \t]+(?P<text>" + _W + rb"))?)?"
)
_MISSING: Any = object()
_STRUCTURE = re.compile(rb"(?:\x01\x02\x03*\x04)*")
_SCALE = 10
_DECIMAL = None if not AVAILABLE else pa.decimal128(38, _SCALE)


def _unquote(arr: Any) -> Any:
    """Strip the quotes of quoted fields (unquoted ones have none)."""
    return pc.if_else(pc.starts_with(arr, b'"'), pc.binary_slice(arr, 1, -1), arr)


def _ascii(arr: Any) -> Any:
    """A binary column the patterns proved ASCII (digits, dates, amounts) as strings."""
    return arr.cast(pa.string())


def _objects(inner: str) -> Objects | None:
    if '"' in inner:
        parts = inner.split('"')
        if len(parts) % 2 == 0:
            return None
        tokens: list[str] = []
        for i, part in enumerate(parts):
            if i % 2:
                tokens.append(part)
            else:
                tokens.extend(split_words(part))
    else:
        tokens = split_words(inner)
    if len(tokens) % 2:
        return None
    return tuple(zip(tokens[0::2], tokens[1::2], strict=True))


def feed_vouchers(p: _Parser, text: str, lineno: int, raw: bytes | None = None) -> int | None:
    """Read ``text`` (complete lines, vouchers only) at once; None when it needs the line reader.

    ``raw`` is ``text`` in the file's one-byte encoding when the caller has it.
    """
    if (
        not AVAILABLE
        or p.voucher is not None
        or p.expect_brace is not None
        or p.crc_state is not None
        or "\\" in text
    ):
        return None
    encoding = p._encoding or "ascii"
    try:
        data = raw if raw is not None else text.encode(encoding)
        return _feed(p, data, encoding, lineno)
    except (
        pa.ArrowInvalid,
        pa.ArrowNotImplementedError,
        ValueError,
        OverflowError,
        UnicodeError,
        LookupError,
    ):
        return None


def _numbered(p: _Parser, series: list[str], numbers: list[str]) -> dict[str, list[Any]] | None:
    """The series' new (lo, hi, next) when every voucher is the next in its series, else None."""
    state: dict[str, list[Any]] = {}
    for s, num in zip(series, numbers, strict=True):
        st = state.get(s)
        if st is None:
            known = p.series.get(s)
            if known is not None and known.hi >= known.lo:
                st = state[s] = [known.lo, known.hi, known.next]
            else:
                if known is not None and known.others:
                    return None
                if not (num.isascii() and num.isdigit() and (num[0] != "0" or num == "0")):
                    return None
                st = state[s] = [int(num), int(num) - 1, num]
        if num != st[2]:
            return None
        st[1] += 1
        st[2] = str(st[1] + 1)
    return state


def _one_series(
    p: _Parser, series: Any, numbers: Any, encoding: str
) -> dict[str, list[Any]] | None:
    """The common case at arrow speed: one series, numbered 1, 2, 3 … on from where it stood."""
    if len(series) == 0 or pc.count_distinct(series).as_py() != 1:
        return None
    name = series[0].as_py().decode(encoding)
    known = p.series.get(name)
    if known is not None and (known.others or known.hi < known.lo):
        return None
    if not pc.all(pc.match_substring_regex(numbers, rb"^(?:0|[1-9][0-9]{0,14})$")).as_py():
        return None
    values = pc.cast(_ascii(numbers), pa.int64())
    first = values[0].as_py()
    if known is not None and first != known.hi + 1:
        return None
    n = len(values)
    if (
        n > 1
        and not pc.all(pc.equal(pc.subtract(values.slice(1), values.slice(0, n - 1)), 1)).as_py()
    ):
        return None
    lo = known.lo if known is not None else first
    hi = first + n - 1
    return {name: [lo, hi, str(hi + 1)]}


def _whole_ore(amount_text: Any) -> Any:
    """The amounts in öre (numpy int64) when every one has exactly two decimals, else None."""
    if not pc.all(pc.match_substring_regex(amount_text, r"^-?[0-9]{1,13}\.[0-9][0-9]$")).as_py():
        return None
    ore = pc.cast(pc.replace_substring(amount_text, ".", ""), pa.int64())
    if float(pc.sum(pc.abs(ore)).as_py() or 0) >= 2.0**52:
        return None
    return ore


def _balanced(ore: Any, amount_text: Any, voucher_of: Any, n_ver: int) -> bool:
    """Every voucher's rows sum to zero (exactly)."""
    if ore is not None:
        # whole öre: integers, summed exactly in float64 while below 2**53
        weights = ore.to_numpy().astype(np.float64)
        totals = np.bincount(voucher_of.to_numpy(), weights=weights, minlength=n_ver)
        return not totals.any()
    amounts = pc.cast(amount_text, _DECIMAL)
    per_voucher = pa.table({"v": voucher_of, "a": amounts}).group_by("v").aggregate([("a", "sum")])
    zero = pa.scalar(Decimal(0), _DECIMAL)
    return not pc.any(pc.not_equal(per_voucher.column("a_sum"), zero)).as_py()


def _lines(data: bytes) -> Any:
    """The lines of ``data`` (which ends with a newline), each with its line end, without copying."""
    ends = np.flatnonzero(np.frombuffer(data, np.uint8) == 10)
    offsets = np.empty(len(ends) + 1, np.int32)
    offsets[0] = 0
    offsets[1:] = ends + 1
    return pa.Array.from_buffers(
        pa.binary(), len(ends), [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )


def _feed(p: _Parser, data: bytes, encoding: str, lineno: int) -> int | None:
    if not data.endswith(b"\n") or len(data) >= 2**31:
        return None
    lines = _lines(data)
    n_lines = len(lines)
    if b"\n " in data or b"\n\t" in data or data[:1] in (b" ", b"\t"):
        # indented lines: classify with patterns
        is_ver = pc.match_substring_regex(lines, rb"^[ \t]*#VER[ \t]")
        is_trans = pc.match_substring_regex(lines, rb"^[ \t]*#TRANS[ \t]")
        is_open = pc.match_substring_regex(lines, rb"^[ \t]*\{" + _END)
        is_close = pc.match_substring_regex(lines, rb"^[ \t]*\}" + _END)
        blank = pc.match_substring_regex(lines, rb"^[ \t\r]*\n$")
    else:
        # no indentation: "{", "}" and blank lines by their length and first bytes
        is_ver = pc.starts_with(lines, b"#VER ")
        is_trans = pc.starts_with(lines, b"#TRANS ")
        raw = np.frombuffer(data, np.uint8)
        offsets = np.frombuffer(lines.buffers()[1], np.int32, len(lines) + 1)
        starts = offsets[:-1]
        lengths = np.diff(offsets)
        first = raw[starts]
        second = raw[np.minimum(starts + 1, len(raw) - 1)]
        ends_crlf = (lengths == 3) & (second == 13)
        is_open = (first == 123) & ((lengths == 2) | ends_crlf)
        is_close = (first == 125) & ((lengths == 2) | ends_crlf)
        blank = (lengths == 1) | ((lengths == 2) & (first == 13))
    v = is_ver.to_numpy(zero_copy_only=False)
    t = is_trans.to_numpy(zero_copy_only=False)
    o = np.asarray(
        is_open if isinstance(is_open, np.ndarray) else is_open.to_numpy(zero_copy_only=False)
    )
    c = np.asarray(
        is_close if isinstance(is_close, np.ndarray) else is_close.to_numpy(zero_copy_only=False)
    )
    b = np.asarray(blank if isinstance(blank, np.ndarray) else blank.to_numpy(zero_copy_only=False))
    if not (v | t | o | c | b).all():
        return None  # some other record: the line reader
    code = v.astype(np.int8) + 2 * o.astype(np.int8) + 3 * t.astype(np.int8) + 4 * c.astype(np.int8)
    codes = code[~b].tobytes()
    if not codes or _STRUCTURE.fullmatch(codes) is None:
        return None

    ver_lines = pc.filter(lines, is_ver)
    trans_lines = pc.filter(lines, is_trans)
    if not (
        pc.all(pc.match_substring_regex(ver_lines, _VER_OK)).as_py() is not False
        and pc.all(pc.match_substring_regex(trans_lines, _TRANS_OK)).as_py() is not False
    ):
        return None
    ver = pc.extract_regex(ver_lines, _VER_TREE if p.keep_tree else _VER_FIELDS)
    trans = pc.extract_regex(trans_lines, _TRANS_TREE if p.keep_tree else _TRANS_FIELDS)
    if ver.null_count or trans.null_count:  # pragma: no cover - the shapes were checked
        return None
    ver_pos = pc.indices_nonzero(is_ver)
    trans_pos = pc.indices_nonzero(is_trans)
    n_ver, n_trans = len(ver), len(trans)
    v_date = _ascii(ver.field("date"))
    t_date = _ascii(trans.field("date"))
    amount_text = _ascii(trans.field("amount"))
    accounts = _ascii(trans.field("account"))

    # voucher of each row: how many #VER lines stand before it, minus one
    voucher_of = pc.subtract(pc.filter(pc.cumulative_sum(pc.cast(is_ver, pa.int64())), is_trans), 1)

    # dates: every distinct one must be real; vouchers inside year 0
    t_has_date = pc.and_(pc.not_equal(t_date, ""), pc.not_equal(t_date, '""'))
    distinct = set(pc.unique(v_date).to_pylist())
    distinct.update(x for x in pc.unique(pc.filter(t_date, t_has_date)).to_pylist())
    cache = p.date_cache
    for d in distinct:
        if d not in cache:
            p._date_period(d)
        if cache[d] is None:
            return None
    year0 = p.years.get(0)
    if year0 is not None and n_ver:
        lo, hi = f"{year0.start:%Y%m%d}", f"{year0.end:%Y%m%d}"
        if pc.any(pc.or_(pc.less(v_date, lo), pc.greater(v_date, hi))).as_py():
            return None

    # amounts, and every voucher balanced
    ore = _whole_ore(amount_text) if n_trans else None
    if n_trans and not _balanced(ore, amount_text, voucher_of, n_ver):
        return None

    # object lists: parse each distinct one once
    inner = trans.field("objects").dictionary_encode()
    uniques = inner.dictionary.to_pylist()
    known_lists = p.vector_objects
    parsed = []
    for u in uniques:
        objs = known_lists.get(u, _MISSING)
        if objs is _MISSING:
            objs = _objects(u.decode(encoding))
            if len(known_lists) < 200_000:
                known_lists[u] = objs
        if objs is None:
            return None
        parsed.append(objs)

    # voucher numbers: each the next in its series (else the line reader decides)
    series_arr = _unquote(ver.field("series"))
    numbers_arr = _unquote(ver.field("number"))
    state: dict[str, list[Any]] | None = _one_series(p, series_arr, numbers_arr, encoding)
    series: list[str] = []
    numbers: list[str] = []
    if state is None or p.keep_tree:
        series = _texts(series_arr, encoding)
        numbers = _texts(numbers_arr, encoding)
    if state is None:
        state = _numbered(p, series, numbers)
        if state is None:
            return None

    # ---- accepted: from here on the parser's state changes
    from styrkort.sources.sie.reader import _Numbers

    for s, (lo, hi, nxt) in state.items():
        numbers_state = p.series.get(s)
        if numbers_state is None:
            numbers_state = p.series[s] = _Numbers()
        numbers_state.lo, numbers_state.hi, numbers_state.next = lo, hi, nxt
    used_accounts = p.used_accounts
    for account in pc.unique(accounts).to_pylist():
        if account not in used_accounts:
            at = pc.index(accounts, account).as_py()
            used_accounts[account] = lineno + 1 + trans_pos[at].as_py()
    used_objects = p.used_objects
    registered = p.vector_registered
    fresh = [
        i
        for i, objs in enumerate(parsed)
        if objs not in registered and any(pair not in used_objects for pair in objs or ())
    ]
    if len(registered) < 200_000:
        registered.update(o for o in parsed if o is not None)
    if fresh:
        indices = inner.indices
        firsts = sorted((pc.index(indices, i).as_py(), i) for i in fresh)
        for at, i in firsts:
            for pair in parsed[i] or ():
                used_objects.setdefault(pair, lineno + 1 + trans_pos[at].as_py())
    p.has_money = p.has_money or n_ver > 0
    p.voucher_count += n_ver
    p.transaction_count += n_trans

    if p.keep_tree:
        _tree(
            p,
            ver,
            ver_pos,
            trans,
            trans_pos,
            voucher_of,
            inner,
            parsed,
            series,
            numbers,
            lineno,
            encoding,
        )
    else:
        _sums(p, v_date, t_date, accounts, voucher_of, t_has_date, inner, parsed, ore, amount_text)
    return lineno + n_lines


def _sums(
    p: _Parser,
    v_date: Any,
    t_date: Any,
    accounts: Any,
    voucher_of: Any,
    t_has_date: Any,
    inner: Any,
    parsed: list[Objects | None],
    ore: Any,
    amount_text: Any,
) -> None:
    columns: dict[str, Any] = {"account": accounts}
    keys = ["account"]
    if p.dims:
        dim_keys = p.vector_dim_keys
        per_unique: list[tuple[str | None, ...]] = []
        for objs in parsed:
            assert objs is not None
            dim_key = dim_keys.get(objs)
            if dim_key is None:
                lookup = dict(objs)
                dim_key = dim_keys[objs] = tuple(lookup.get(d) for d in p.dims)
            per_unique.append(dim_key)
        for j in range(len(p.dims)):
            values = [k[j] for k in per_unique]
            columns[f"d{j}"] = pc.take(pa.array(values, pa.string()), inner.indices)
            keys.append(f"d{j}")
    if p.by_period:
        own = pc.utf8_slice_codeunits(t_date, 0, 6)
        of_voucher = pc.take(pc.utf8_slice_codeunits(v_date, 0, 6), voucher_of)
        columns["period"] = pc.if_else(t_has_date, own, of_voucher)
        keys.append("period")
    if ore is not None:
        # every amount in whole öre: exact int64 sums, two decimals
        columns["amount"] = ore
        grouped = pa.table(columns).group_by(keys, use_threads=False).aggregate([("amount", "sum")])
        totals = [Decimal(v).scaleb(-2) for v in grouped.column("amount_sum").to_pylist()]
        places = [2] * len(totals)
    else:
        dot = pc.find_substring(amount_text, ".")
        columns["decimals"] = pc.if_else(
            pc.less(dot, 0), 0, pc.subtract(pc.subtract(pc.utf8_length(amount_text), dot), 1)
        )
        columns["amount"] = pc.cast(amount_text, _DECIMAL)
        grouped = (
            pa.table(columns)
            .group_by(keys, use_threads=False)
            .aggregate([("amount", "sum"), ("decimals", "max")])
        )
        totals = grouped.column("amount_sum").to_pylist()
        places = grouped.column("decimals_max").to_pylist()
    sums = p.sums
    cols = [grouped.column(k).to_pylist() for k in keys]
    ndims = len(p.dims)
    exponents = {k: Decimal(1).scaleb(-k) for k in set(places)}
    objects_keys = (
        list(zip(*cols[1 : 1 + ndims], strict=True)) if ndims else [p.none_key] * len(totals)
    )
    periods = cols[-1] if p.by_period else [None] * len(totals)
    zero = Decimal(0)
    get = sums.get
    for account, okey, period, total, place in zip(
        cols[0], objects_keys, periods, totals, places, strict=True
    ):
        # the line reader's Decimal sum has the exponent of its most precise amount
        key = (account, okey, period)
        sums[key] = get(key, zero) + total.quantize(exponents[place])


def _texts(arr: Any, encoding: str = "ascii") -> list[str]:
    """A column (no newlines in it, no nulls) as Python strings: joined, decoded and split in one go."""
    if len(arr) == 0:
        return []
    binary = arr.type == pa.binary()
    whole = pa.ListArray.from_arrays(pa.array([0, len(arr)], pa.int32()), arr)
    joined = pc.binary_join(whole, b"\n" if binary else "\n")[0].as_py()
    text: str = joined.decode(encoding) if binary else joined
    return text.split("\n")


def _ints(arr: Any) -> list[int]:
    values: list[int] = arr.to_numpy(zero_copy_only=False).tolist()
    return values


def _decoded(arr: Any, encoding: str) -> list[str]:
    """A binary column as Python strings in the file's encoding ("" for a missing field)."""
    return _texts(pc.fill_null(_unquote(arr), b""), encoding)


def _tree(
    p: _Parser,
    ver: Any,
    ver_pos: Any,
    trans: Any,
    trans_pos: Any,
    voucher_of: Any,
    inner: Any,
    parsed: list[Objects | None],
    series: list[str],
    numbers: list[str],
    lineno: int,
    encoding: str,
) -> None:
    cache = p.date_cache
    day_of: dict[str, dt.date | None] = {"": None, '""': None}
    for text, value in cache.items():
        if isinstance(value, tuple):
            day_of[text] = value[0]
    objects = list(map(parsed.__getitem__, _ints(inner.indices)))
    amounts = list(map(Decimal, _texts(_ascii(trans.field("amount")))))
    dates = list(map(day_of.__getitem__, _texts(_ascii(trans.field("date")))))
    texts = _decoded(trans.field("text"), encoding)
    lines = _ints(pc.add(trans_pos, lineno + 1))
    n = len(amounts)
    rows = list(
        map(
            Transaction._make,
            zip(
                _texts(_ascii(trans.field("account"))),
                objects,
                amounts,
                dates,
                texts,
                [None] * n,
                [""] * n,
                lines,
                strict=True,
            ),
        )
    )
    counts = pc.value_counts(voucher_of)
    per_voucher = dict(
        zip(_ints(counts.field("values")), _ints(counts.field("counts")), strict=True)
    )
    v_dates = list(map(day_of.__getitem__, _texts(_ascii(ver.field("date")))))
    v_texts = _decoded(ver.field("text"), encoding)
    v_regs = _decoded(ver.field("reg"), encoding)
    v_signs = _decoded(ver.field("sign"), encoding)
    v_lines = _ints(pc.add(ver_pos, lineno + 1))
    for reg in set(v_regs):
        if reg and reg not in day_of:
            value = cache.get(reg, _MISSING)
            if value is _MISSING:
                value = p._date_period(reg)
            day_of[reg] = value[0] if isinstance(value, tuple) else None
    registered = list(map(day_of.__getitem__, v_regs))
    groups = []
    start = 0
    for k in range(len(v_dates)):
        size = per_voucher.get(k, 0)
        groups.append(tuple(rows[start : start + size]))
        start += size
    empty = [()] * len(v_dates)
    p.vouchers.extend(
        map(
            Voucher._make,
            zip(
                series,
                numbers,
                v_dates,
                v_texts,
                groups,
                empty,
                empty,
                registered,
                v_signs,
                v_lines,
                strict=True,
            ),
        )
    )
