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

from styrkort.sources.sie.lexer import object_pairs
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
# partial sums wait in arrow until flush(); regrouped above this many rows (memory stays
# bounded by the distinct keys), handed to Decimal before int64 öre sums could overflow
_REGROUP_ROWS = 250_000
# a chunk is summed in öre only when its amounts add up to less than this in absolute value
# (exact in float64 too); after 2048 such chunks (2048 × 2**52 = 2**63) the sums go to Decimal
_ORE_CHUNK_LIMIT = 2.0**52
_ORE_FLUSH_CHUNKS = 2048
_DECIMAL = None if not AVAILABLE else pa.decimal128(38, _SCALE)


def _unquote(arr: Any) -> Any:
    """Strip the quotes of quoted fields (unquoted ones have none)."""
    return pc.if_else(pc.starts_with(arr, b'"'), pc.binary_slice(arr, 1, -1), arr)


def _ascii(arr: Any) -> Any:
    """A binary column the patterns proved ASCII (digits, dates, amounts) as strings."""
    return arr.cast(pa.string())


def feed_vouchers(p: _Parser, data: bytes, lineno: int) -> int | None:
    """Read complete lines of vouchers only at once; None when they need the line reader.

    ``data`` is the lines in the file's encoding (for a multi-byte encoding, the text the
    line reader would read, encoded again).
    """
    if (
        not AVAILABLE
        or p.voucher is not None
        or p.expect_brace is not None
        or p.crc_state is not None
    ):
        return None
    encoding = p._encoding or "ascii"
    try:
        if b"\\" in data:
            return None
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
    if float(pc.sum(pc.abs(ore)).as_py() or 0) >= _ORE_CHUNK_LIMIT:
        return None
    return ore


def _balanced(ore: Any, amount_text: Any, voucher_of: Any, n_ver: int) -> bool:
    """Every voucher's rows sum to zero (exactly)."""
    if ore is not None:
        # whole öre: integers, summed exactly in float64 while below 2**53
        weights = _np(ore).astype(np.float64)
        totals = np.bincount(_np(voucher_of), weights=weights, minlength=n_ver)
        return not totals.any()
    amounts = pc.cast(amount_text, _DECIMAL)
    per_voucher = pa.table({"v": voucher_of, "a": amounts}).group_by("v").aggregate([("a", "sum")])
    zero = pa.scalar(Decimal(0), _DECIMAL)
    return not pc.any(pc.not_equal(per_voucher.column("a_sum"), zero)).as_py()


def _mask(arr: Any) -> Any:
    """A boolean arrow array (no nulls) as a numpy one.

    Not ``to_numpy(zero_copy_only=False)``: for booleans that imports pandas, which
    costs more than reading a 50 MB file.
    """
    if isinstance(arr, np.ndarray):
        return arr
    return _np(pc.cast(arr, pa.uint8())).view(np.bool_)


def _np(arr: Any) -> Any:
    """A primitive arrow array without nulls as a numpy view of its buffer.

    Not ``Array.to_numpy()``: that imports pandas on its first call, which costs
    more than reading a 50 MB file.
    """
    if arr.null_count:  # pragma: no cover - callers pass arrays without nulls
        raise ValueError("nulls")
    dtype = np.dtype(arr.type.to_pandas_dtype())
    return np.frombuffer(arr.buffers()[1], dtype, len(arr), arr.offset * dtype.itemsize)


def _arrow(values: Any) -> Any:
    """A numpy int64 array as an arrow one without copying (``pa.array`` imports pandas)."""
    values = np.ascontiguousarray(values, np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


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
    raw = np.frombuffer(data, np.uint8)
    offsets = np.frombuffer(lines.buffers()[1], np.int32, n_lines + 1)
    starts = offsets[:-1]
    first = raw[starts]
    indented = bool(((first == 32) | (first == 9)).any())
    if indented:
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
        lengths = np.diff(offsets)
        second = raw[np.minimum(starts + 1, len(raw) - 1)]
        ends_crlf = (lengths == 3) & (second == 13)
        is_open = (first == 123) & ((lengths == 2) | ends_crlf)
        is_close = (first == 125) & ((lengths == 2) | ends_crlf)
        blank = (lengths == 1) | ((lengths == 2) & (first == 13))
    v, t, o, c, b = map(_mask, (is_ver, is_trans, is_open, is_close, blank))
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
    ver_pos = pc.indices_nonzero(is_ver)
    trans_pos = pc.indices_nonzero(is_trans)
    trans: Any = None
    ver: Any = None
    located = None
    # the sums need fewer fields: on unindented lines without tabs they are found by position
    by_position = not p.keep_tree and not indented and b"\t" not in data
    ver_fields = _ver_located(raw, data, offsets, v) if by_position else None
    if ver_fields is None:
        ver = pc.extract_regex(ver_lines, _VER_TREE if p.keep_tree else _VER_FIELDS)
        if ver.null_count:  # pragma: no cover - the shapes were checked
            return None
        ver_fields = (ver.field("series"), ver.field("number"), _ascii(ver.field("date")))
    ver_series, ver_numbers, v_date = ver_fields
    n_ver = len(v_date)
    if by_position:
        located = _located(raw, data, offsets, t, o, c)
    if located is not None:
        accounts, objects_bin, amount_text, t_date, ore = located
    else:
        trans = pc.extract_regex(trans_lines, _TRANS_TREE if p.keep_tree else _TRANS_FIELDS)
        if trans.null_count:  # pragma: no cover - the shapes were checked
            return None
        t_date = _ascii(trans.field("date"))
        amount_text = _ascii(trans.field("amount"))
        accounts = _ascii(trans.field("account"))
        objects_bin = trans.field("objects")
        ore = _whole_ore(amount_text) if len(trans) else None
    n_trans = len(accounts)

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
    if n_trans and not _balanced(ore, amount_text, voucher_of, n_ver):
        return None

    # object lists: parse each distinct one once per file (cached by its bytes)
    inner = objects_bin.dictionary_encode()
    uniques = inner.dictionary.to_pylist()
    known_lists = p.vector_objects
    dims = p.dims
    parsed: list[Objects] = []
    dim_keys: list[tuple[str | None, ...]] = []
    fresh: list[int] = []
    new_lists: dict[bytes, tuple[Objects, tuple[str | None, ...]]] = {}
    for i, u in enumerate(uniques):
        entry = known_lists.get(u)
        if entry is None:
            objs = object_pairs(u.decode(encoding))
            if objs is None:
                return None
            lookup = dict(objs)
            entry = new_lists[u] = (objs, tuple(lookup.get(d) for d in dims))
            fresh.append(i)
        parsed.append(entry[0])
        dim_keys.append(entry[1])

    # voucher numbers: each the next in its series (else the line reader decides)
    series_arr = _unquote(ver_series)
    numbers_arr = _unquote(ver_numbers)
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
    if fresh:
        # dictionary_encode numbers the lists in order of first appearance: the running
        # maximum of the indices steps up exactly at each list's first row
        indices = _np(inner.indices)
        steps = np.flatnonzero(np.diff(np.maximum.accumulate(indices)) > 0) + 1
        first_rows = np.concatenate(([0], steps)).tolist()
        rows = _np(trans_pos)
        used_objects = p.used_objects
        for i in fresh:
            at = lineno + 1 + int(rows[first_rows[i]])
            for pair in parsed[i]:
                used_objects.setdefault(pair, at)
        if len(known_lists) < 200_000:
            known_lists.update(new_lists)
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
        _sums(
            p, v_date, t_date, accounts, voucher_of, t_has_date, inner, dim_keys, ore, amount_text
        )
    return lineno + n_lines


def _sums(
    p: _Parser,
    v_date: Any,
    t_date: Any,
    accounts: Any,
    voucher_of: Any,
    t_has_date: Any,
    inner: Any,
    dim_keys: list[tuple[str | None, ...]],
    ore: Any,
    amount_text: Any,
) -> None:
    """Group the chunk's rows; the partial sums wait in arrow until :func:`flush`."""
    columns: dict[str, Any] = {"account": accounts}
    keys = _keys(p)
    for j in range(len(p.dims)):
        values = pa.array([k[j] for k in dim_keys], pa.string())
        columns[f"d{j}"] = pc.take(values, inner.indices)
    if p.by_period:
        own = pc.utf8_slice_codeunits(t_date, 0, 6)
        of_voucher = pc.take(pc.utf8_slice_codeunits(v_date, 0, 6), voucher_of)
        columns["period"] = pc.if_else(t_has_date, own, of_voucher)
    partials = p.vector_partials
    if ore is not None:
        # every amount in whole öre: exact int64 sums
        columns["amount"] = ore
        grouped = pa.table(columns).group_by(keys, use_threads=False).aggregate([("amount", "sum")])
        partials["ore"].append(_columns(grouped, keys, "ore"))
        p.vector_ore_chunks += 1
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
        partials["dec"].append(_columns(grouped, keys, "dec"))
    p.vector_partial_rows += grouped.num_rows
    if p.vector_ore_chunks >= _ORE_FLUSH_CHUNKS:
        flush(p)  # int64 öre sums stay exact: hand them to Decimal before they could overflow
    elif p.vector_partial_rows > _REGROUP_ROWS:
        # memory stays bounded by the distinct keys, not by the file: regroup what waits
        for kind, tables in partials.items():
            if len(tables) > 1:
                tables[:] = [_regroup(tables, keys, kind)]
        p.vector_partial_rows = sum(t.num_rows for ts in partials.values() for t in ts)


def _keys(p: _Parser) -> list[str]:
    return ["account", *(f"d{j}" for j in range(len(p.dims)))] + (["period"] if p.by_period else [])


def _regroup(tables: list[Any], keys: list[str], kind: str) -> Any:
    """Partial sums of several chunks as one table with the same columns."""
    if len(tables) == 1:
        return tables[0]
    table = pa.concat_tables(tables)
    if kind == "ore":
        grouped = table.group_by(keys, use_threads=False).aggregate([("amount_sum", "sum")])
        return _columns(grouped.rename_columns({"amount_sum_sum": "amount_sum"}), keys, kind)
    grouped = table.group_by(keys, use_threads=False).aggregate(
        [("amount_sum", "sum"), ("decimals_max", "max")]
    )
    renamed = grouped.rename_columns(
        {"amount_sum_sum": "amount_sum", "decimals_max_max": "decimals_max"}
    )
    return _columns(renamed, keys, kind)


def _columns(table: Any, keys: list[str], kind: str) -> Any:
    """The partial-sum table with its columns in one order (concat_tables needs it)."""
    values = ["amount_sum"] if kind == "ore" else ["amount_sum", "decimals_max"]
    return table.select([*keys, *values])


def flush(p: _Parser) -> None:
    """Add the partial sums waiting from vectorised chunks to ``p.sums`` (Decimal, exact)."""
    partials = p.vector_partials
    if not any(partials.values()):
        return
    keys = _keys(p)
    sums = p.sums
    ndims = len(p.dims)
    zero = Decimal(0)
    get = sums.get
    for kind, tables in partials.items():
        if not tables:
            continue
        grouped = _regroup(tables, keys, kind)
        tables.clear()
        if kind == "ore":
            totals = [Decimal(v).scaleb(-2) for v in grouped.column("amount_sum").to_pylist()]
        else:
            places = grouped.column("decimals_max").to_pylist()
            exponents = {k: Decimal(1).scaleb(-k) for k in set(places)}
            totals = [
                total.quantize(exponents[place])
                for total, place in zip(
                    grouped.column("amount_sum").to_pylist(), places, strict=True
                )
            ]
        cols = [grouped.column(k).to_pylist() for k in keys]
        objects_keys = (
            list(zip(*cols[1 : 1 + ndims], strict=True)) if ndims else [p.none_key] * len(totals)
        )
        periods = cols[-1] if p.by_period else [None] * len(totals)
        for account, okey, period, total in zip(
            cols[0], objects_keys, periods, totals, strict=True
        ):
            # the line reader's Decimal sum has the exponent of its most precise amount
            key = (account, okey, period)
            sums[key] = get(key, zero) + total
    p.vector_partial_rows = 0
    p.vector_ore_chunks = 0


def _spans(buffer: Any, begin: Any, end: Any) -> Any:
    """The byte ranges ``begin[i]:end[i]`` of ``buffer`` as a binary array (one copy).

    The ranges must follow each other (begin ≤ end ≤ the next begin): they become the
    even entries of an array whose odd entries are the gaps between them.
    """
    n = len(begin)
    offsets = np.empty(2 * n + 1, np.int32)
    offsets[0 : 2 * n : 2] = begin
    offsets[1 : 2 * n : 2] = end
    offsets[2 * n] = end[-1] if n else 0
    both = pa.Array.from_buffers(pa.binary(), 2 * n, [None, pa.py_buffer(offsets), buffer])
    return both.take(_arrow(np.arange(0, 2 * n, 2)))


def _token_end(raw: Any, begin: Any, limit: int = 32) -> Any:
    """For each ``begin``, the position of the first space at or after it, or -1.

    -1 also when a control character (tab, CR, LF) or a quote comes first, except
    a quote at ``begin`` itself that is closed before the space (``"A"``).
    """
    end = np.full(len(begin), -1, np.int64)
    open_rows = np.arange(len(begin))
    quoted = raw[begin] == 34
    last = len(raw) - 1
    for k in range(limit):
        if not len(open_rows):
            break
        at = np.minimum(begin[open_rows] + k, last)
        ch = raw[at]
        space = ch == 32
        end[open_rows[space]] = at[space]
        bad = (ch < 32) | ((ch == 34) & (k > 0) & ~quoted[open_rows])
        open_rows = open_rows[~space & ~bad]
    return end


def _ver_located(raw: Any, data: bytes, offsets: Any, v: Any) -> Any:
    """Series, number (binary, quotes kept) and date of each #VER line, found by position.

    Only for unindented lines without tabs whose shape ``_VER_OK`` proved: "#VER ", a
    field, one space, a field, one space, the date. A field is a word or a quoted text
    without a space in it; anything else (a quoted field with a space, two spaces)
    returns None and the fields are taken with the regular expression instead.
    """
    rows = np.flatnonzero(v)
    if len(rows) == 0:
        return None
    begins = offsets[:-1][rows].astype(np.int64)
    if (raw[begins + 5] == 32).any():
        return None
    series_end = _token_end(raw, begins + 5)
    if (series_end < 0).any():
        return None
    number_end = _token_end(raw, series_end + 1)
    if (number_end < 0).any():
        return None
    lead = raw[number_end + 1]
    if not ((number_end > series_end + 1) & (lead >= 48) & (lead <= 57)).all():
        return None
    buffer = pa.py_buffer(data)
    series = _spans(buffer, begins + 5, series_end)
    numbers = _spans(buffer, series_end + 1, number_end)
    # a quoted field must be closed: '"A"', never '"A' (the start of '"A B"')
    for field in (series, numbers):
        quoted = pc.starts_with(field, b'"')
        closed = pc.and_(pc.ends_with(field, b'"'), pc.greater_equal(pc.binary_length(field), 2))
        if pc.any(pc.and_(quoted, pc.invert(closed))).as_py():
            return None
    dates = _spans(buffer, number_end + 1, number_end + 9).cast(pa.string())
    return series, numbers, dates


def _located(raw: Any, data: bytes, offsets: Any, t: Any, o: Any, c: Any) -> Any:
    """The #TRANS fields found by byte positions instead of a regular expression, or None.

    Only for unindented lines whose shape ``_TRANS_OK`` has already proved: each
    such line holds exactly one ``{`` and one ``}`` (quoted fields may hold no braces),
    and so do the ``{`` and ``}`` lines, so the n-th brace of the chunk belongs to a
    known line. Every further assumption (one space between fields, an amount with
    exactly two decimals) is checked, and when one fails for any row the chunk's
    fields are taken with the regular expression instead. Returns accounts,
    object lists (binary), amounts (text), transaction dates ("" when none) and the
    amounts in öre.
    """
    rows = np.flatnonzero(t)
    n = len(rows)
    if n == 0:
        return None
    begins = offsets[:-1][rows].astype(np.int64)
    ends = offsets[1:][rows].astype(np.int64)
    opens = np.flatnonzero(raw == 123)
    closes = np.flatnonzero(raw == 125)
    with_open, with_close = o | t, c | t
    if len(opens) != int(with_open.sum()) or len(closes) != int(with_close.sum()):
        return None
    op = opens[t[with_open]]
    cl = closes[t[with_close]]
    if not ((op > begins + 7) & (cl > op) & (cl + 2 < ends)).all():
        return None
    # "#TRANS 6540 {": the account is [begin + 7, open - 1) when one space stands on each side
    a, z = raw[begins + 7], raw[op - 2]
    if not ((a >= 48) & (a <= 57) & (z >= 48) & (z <= 57)).all():
        return None
    # "} 1234.50": one space, then the amount, whose decimal point is the first after "}"
    lead = raw[cl + 2]
    if not ((raw[cl + 1] == 32) & (((lead >= 48) & (lead <= 57)) | (lead == 45))).all():
        return None
    dots = np.flatnonzero(raw == 46)
    k = np.searchsorted(dots, cl)
    if len(dots) == 0 or (k >= len(dots)).any():
        return None
    dot = dots[k]
    stop = dot + 3  # two decimals; the regex on the amounts below proves the rest
    if not ((stop < ends) & (dot - cl <= 16)).all():
        return None
    after = raw[stop]
    spaced = after == 32
    if not (spaced | (after == 13) | (after == 10)).all():
        return None
    # after the amount: " 20200310" (a date), ' ""' (none), trailing spaces, or the line end
    nxt = raw[np.minimum(stop + 1, len(raw) - 1)]  # only read where a space came first
    dated = spaced & (nxt >= 48) & (nxt <= 57)
    if not (~spaced | dated | (nxt == 34) | (nxt == 13) | (nxt == 10)).all():
        return None
    # the amount in öre: the integer part, strictly parsed (arrow refuses spaces, tabs and
    # quotes, so a range running past the amount into the next field cannot parse), and two
    # decimal digits
    buffer = pa.py_buffer(data)
    negative = lead == 45
    d1 = raw[dot + 1].astype(np.int64) - 48
    d2 = raw[dot + 2].astype(np.int64) - 48
    if not ((d1 >= 0) & (d1 <= 9) & (d2 >= 0) & (d2 <= 9)).all():
        return None
    try:
        whole = _np(_spans(buffer, cl + 2 + negative, dot).cast(pa.int64()))
    except pa.ArrowInvalid:
        return None
    if (whole < 0).any():
        return None
    ore_np = whole * 100 + d1 * 10 + d2
    if float(np.abs(ore_np).sum(dtype=np.float64)) >= _ORE_CHUNK_LIMIT:
        return None
    ore = _arrow(np.where(negative, -ore_np, ore_np))
    date_begin = np.where(dated, stop + 1, stop)
    dates = _spans(buffer, date_begin, np.where(dated, stop + 9, stop)).cast(pa.string())
    accounts = _spans(buffer, begins + 7, op - 1).cast(pa.string())
    objects = _spans(buffer, op + 1, cl)
    amount_text = None  # not needed: every amount is in whole öre
    return accounts, objects, amount_text, dates, ore


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
    values: list[int] = _np(arr).tolist()
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
    parsed: list[Objects],
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
