"""The fast path for runs of vouchers: whole chunks at once with pyarrow.

A 50 MB municipal file is almost entirely vouchers written the same way::

    #VER A 17 20200310 "Faktura 17" 20200311
    {
    #TRANS 6540 {1 "4100" 6 "P1"} 1234.50 20200310 "Faktura" 2
    #TRANS 2440 {} -1234.50 20200310 "Faktura"
    }

:class:`VectorReader` takes a stretch of lines from a ``#VER`` to a ``}`` and does
the work of the line reader with pyarrow's vectorised string kernels: classify
the lines, cut them into vouchers, check each voucher's structure and the shape of
its lines, extract fields with one regular expression per kind (or by byte
position), check dates, the year and the balance per voucher, and group the sums.

It is a pure optimisation with a strict contract (state.py): it reads a voucher
only when the voucher would give no finding and every line has a shape it reads
exactly as the line reader does (balanced, dated inside year 0, numbered next in
its series). Every other voucher — a ``#RTRANS``/``#BTRANS`` correction, an
unbalanced or out-of-order voucher, a broken line, a record it does not know —
is handed, line for line and in file order, to the line reader, which gives the
findings. So both paths give the same ledger, sums and findings
(tests/sources/test_sie_vector.py), and a rare record costs only its own voucher.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import itertools
import operator
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from styrkort.sources.sie.lexer import object_pairs, quoted_words
from styrkort.sources.sie.model import Objects, PeriodBalance, Transaction, Voucher, ymd
from styrkort.sources.sie.state import CACHE_LIMIT, ReadState, SeriesNumbers, parse_amount

if "numpy" not in sys.modules:
    # numpy's OpenBLAS starts a thread per core at import, and they spin for a while: 0.05 s
    # of CPU per process on two cores (a fifth of a 50 MB file's reading), for linear algebra
    # this reader never does. Only when the process has not chosen, and before the import.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# the cyclic garbage collector would walk the tens of thousands of objects these imports
# make, all kept for the process's life, several times over (5 ms): paused while they run
_collecting = gc.isenabled()
gc.disable()
try:  # pyarrow is a dependency of styrkort, but the reader works without it
    import numpy as np
    import pyarrow as pa

    from styrkort.sources.sie import arrow as pc  # arrow's functions, not pyarrow.compute

    AVAILABLE = True
except ImportError:  # pragma: no cover
    AVAILABLE = False
finally:
    if _collecting:
        gc.enable()

# a quoted field: no braces or line ends; \" is a quote (a backslash before anything else
# is itself), so a quote after a backslash never closes the field
_QUOTED = rb'"(?:[^"\\{}\r\n]|\\+[^"\\{}\r\n]|\\+")*"'
# a field: quoted, or a word without controls, quotes, backslashes, braces
_TOKEN = rb"(?:" + _QUOTED + rb'|[^\x00-\x20"\\{}]+)'
_END = rb"[ \t]*\r?\n$"
# the exact shapes read (checked with a match, which RE2 runs as a fast DFA) ...
_VER_OK = (
    rb"^[ \t]*#VER[ \t]+" + _TOKEN + rb"[ \t]+" + _TOKEN + rb"[ \t]+[0-9]{8}"
    rb"(?:[ \t]+" + _TOKEN + rb")*" + _END
)
_TRANS_OK = (
    rb'^[ \t]*#TRANS[ \t]+[0-9]+[ \t]+\{(?:[^{}"\\\r\n]|"[^"\\{}\r\n]*")*\}'
    rb'[ \t]+-?[0-9]+(?:\.[0-9]+)?(?:[ \t]+(?:[0-9]{8}|"")(?:[ \t]+' + _TOKEN + rb")*)?" + _END
)
# what _TRANS_OK allows after a row's date: fields, and the line end
_TRANS_REST = rb"^(?:[ \t]+" + _TOKEN + rb")*" + _END
# ... and, on lines known to have those shapes, patterns that pick the fields out
_W = _QUOTED + rb"|[^ \t\r\n]+"
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
    rb"(?:[ \t]+(?P<date>[^ \t\r\n]+)(?:[ \t]+(?P<text>"
    + _W
    + rb")(?:[ \t]+(?P<qty>"
    + _W
    + rb")(?:[ \t]+(?P<sign>"
    + _W
    + rb"))?)?)?)?"
)
# #RTRANS/#BTRANS (a correction: a row added, a row removed) read in the sums: the same shape
_CORR_OK = _TRANS_OK.replace(rb"#TRANS", rb"#[RB]TRANS", 1)
_CORR_FIELDS = (
    rb"^[ \t]*#(?P<kind>[RB])TRANS[ \t]+(?P<account>[0-9]+)[ \t]+\{(?P<objects>[^}]*)\}"
    rb"[ \t]+(?P<amount>[^ \t\r\n]+)(?:[ \t]+(?P<date>[^ \t\r\n]+))?"
)
_INTEGRAL = rb"^(?:0|[1-9][0-9]{0,14})$"
# amounts summed as decimal128(38, 10): at most 16 integer digits and 10 decimals, so
# that a chunk's sums cannot overflow; other amounts leave their voucher to the line reader
_DECIMAL_AMOUNT = r"^-?[0-9]{1,16}(?:\.[0-9]{1,10})?$"
_SCALE = 10
# partial sums wait in arrow until flush(); regrouped above this many rows (memory stays
# bounded by the distinct keys), handed to Decimal before int64 öre sums could overflow
_REGROUP_ROWS = 250_000
_PACKED_PARTS = 8
# a chunk's keys are summed by counting into bins when there can be at most this many
_DENSE_KEYS = 1 << 21
# a chunk is summed in öre only when its amounts add up to less than this in absolute value
# (exact in float64 too); after 2048 such chunks (2048 × 2**52 = 2**63) the sums go to Decimal
_ORE_CHUNK_LIMIT = 2.0**52
_ORE_FLUSH_CHUNKS = 2048

# the longest account read by position (a longer one sends the chunk to the patterns)
_ACCOUNT_DIGITS = 16
# a row without a date, among dates read as numbers YYYYMMDD (00000000 is one: a wrong one)
_NO_DAY = -1
# fewer #PSALDO/#PBUDGET lines than this in a stretch are left to the line reader
_PERIOD_RUN = 64
_NUMBER = rb"-?[0-9]+(?:\.[0-9]+)?"
_PERIOD_OK = (
    rb"^#(?P<label>PSALDO|PBUDGET)[ \t]+(?P<year>0|-?[1-9][0-9]{0,3})[ \t]+(?P<period>[0-9]{6})"
    rb"[ \t]+(?P<account>[0-9]+)[ \t]+\{(?P<objects>(?:[^{}\"\\\r\n]|\"[^\"\\{}\r\n]*\")*)\}"
    rb"[ \t]+(?P<amount>" + _NUMBER + rb")(?:[ \t]+(?P<qty>" + _NUMBER + rb"))?" + _END
)
_DECIMAL = None if not AVAILABLE else pa.decimal128(38, _SCALE)
# the fields of an object list written the usual way: a quoted text without blanks, quotes,
# backslashes or braces, or a word without them; parted by one space (see _split)
_LIST_FIELD = re.compile(rb'"[^"\\{}\x00-\x20]*"|[^\x00-\x20"\\{}]+')
# the most pairs of a list split at once (a longer one is split by the line reader's function)
_LIST_WIDTH = 8
# the places of a list's pairs told apart when noting their first use
_PLACES = 1 << 16
# pairs of fields coded densely (field × field) when there are at most this many such codes
_DENSE_PAIRS = 1 << 22
# a PeriodBalance from a tuple of all its fields, without a Python call per row (as _make)
_PERIOD_BALANCE = functools.partial(tuple.__new__, PeriodBalance)
_second = operator.itemgetter(1)
_ZERO: Any = None
_ZERO32: Any = None
_ONE32: Any = None
_TWO: Any = None
_ARROW_ERRORS: tuple[type[BaseException], ...] = (ValueError, OverflowError, LookupError)
if AVAILABLE:
    _ARROW_ERRORS += (pa.ArrowInvalid, pa.ArrowNotImplementedError)

LineReader = Callable[[bytes, int], int]
"""The line reader: reads ``data`` (whole lines) after line ``lineno``, returns the last line's number."""


class VectorReader:
    """Reads stretches of vouchers for a :class:`ReadState`; hands the rest to the line reader.

    ``feed`` takes whole lines from a ``#VER`` line to a ``}`` line and returns the
    number of the last line read; ``flush`` adds the partial sums still waiting in
    arrow to ``state.sums`` (call it once at the end). ``vectorised`` and
    ``handed_over`` count the lines each way (for tests and benchmarks).
    """

    def __init__(self, state: ReadState, line_reader: LineReader) -> None:
        settle_malloc()
        self.state = state
        self.line_reader = line_reader
        # object lists not written the usual way, split by the line reader's function
        self.odd_lists: dict[bytes, Objects | None] = {}
        self.partials: dict[str, list[Any]] = {"ore": [], "dec": []}
        # sums in öre grouped with numpy on packed key codes (no acero, which imports pandas):
        # per key part (account, each dimension, month) the values seen, code 0 being None
        parts = 1 + len(state.dims) + int(state.by_period)
        self.key_values: list[list[Any]] = [[None] for _ in range(parts)]
        self.key_codes: list[dict[Any, int]] = [{} for _ in range(parts)]
        self.packed: list[tuple[Any, Any]] = []
        self.partial_rows = 0
        self.ore_chunks = 0
        self.vectorised = 0
        self.handed_over = 0

    def feed(self, data: bytes, lineno: int) -> int:
        """Read ``data`` (whole lines from a ``#VER`` to a ``}``) after line ``lineno``."""
        plan: _Plan | None = None
        if self.state.at_rest() and data.endswith(b"\n") and len(data) < 2**31:
            try:
                plan = _plan(self, data, lineno)
            except _ARROW_ERRORS:
                plan = None
        if plan is None:
            self.handed_over += data.count(b"\n")
            return self.line_reader(data, lineno)
        return _commit(self, plan, data, lineno)

    def feed_records(self, data: bytes, lineno: int) -> int:
        """Read whole lines outside vouchers: runs of ``#PSALDO``/``#PBUDGET`` at once, the rest
        by the line reader, in file order."""
        if (
            data.count(b"\n#P") < _PERIOD_RUN
            or not data.endswith(b"\n")
            or len(data) >= 2**31
            or (b"\n#PSALDO " not in data and b"\n#PBUDGET " not in data)
        ):
            self.handed_over += data.count(b"\n")
            return self.line_reader(data, lineno)
        # the header before the first period balance is read first: its #RAR decide the years
        first = min(i for i in (data.find(b"\n#PSALDO "), data.find(b"\n#PBUDGET ")) if i >= 0) + 1
        self.handed_over += data.count(b"\n", 0, first)
        lineno = self.line_reader(data[:first], lineno)
        data = data[first:]
        try:
            plan = _period_plan(self, data, lineno)
        except _ARROW_ERRORS:
            plan = None
        if plan is None:
            self.handed_over += data.count(b"\n")
            return self.line_reader(data, lineno)
        return _period_commit(self, plan, data, lineno)

    def flush(self) -> None:
        """Add the partial sums waiting from vectorised chunks to ``state.sums`` (Decimal, exact)."""
        _flush(self)


_settled = False


def settle_malloc() -> None:
    """Let glibc's malloc keep the blocks of a chunk's arrays for the next chunk (once per
    process, on Linux with glibc, unless the process set ``MALLOC_*`` or ``GLIBC_TUNABLES``).

    glibc hands blocks of 128 KB or more to the kernel (mmap) and back when they are freed,
    raising that threshold only as such blocks go by; a chunk's numpy arrays are 0.1–30 MB
    each, so reading a 50 MB file made 40 000 page faults, 0.05–0.15 s of system time (a
    tenth of the reading). Set at once here to what glibc's own dynamic thresholds settle
    at after large blocks (blocks below 32 MB from the heap, up to 64 MB of free heap kept):
    16 000 page faults, about 10 MB more peak memory.
    """
    global _settled
    if _settled:
        return
    _settled = True
    if sys.platform != "linux" or "GLIBC_TUNABLES" in os.environ:
        return
    if any(name.startswith("MALLOC_") for name in os.environ):
        return
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt  # the process's own C library
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD: glibc's largest dynamic threshold
    mallopt(-1, 64 << 20)  # M_TRIM_THRESHOLD: twice it, as glibc's dynamic rule sets it


@dataclass(slots=True)
class _Plan:
    """What a stretch holds, worked out before any state changes."""

    accounts: Any
    amount_text: Any
    cand_seg: Any
    consec: Any
    corrections: Any
    good: Any
    inner: Any
    lists: _Split
    n_lines: int
    num: Any
    offsets: Any
    ore: Any
    parsed: list[Objects]
    row_line: Any
    seg_line: Any
    ser_idx: Any
    ser_names: list[str]
    t_day: Any
    tree: list[Voucher] | None
    v_day: Any
    voucher_of: Any
    year0: Any


def _unquote(arr: Any) -> Any:
    """Strip the quotes of quoted fields (unquoted ones have none) and read ``\\"`` as ``"``."""
    quoted = pc.starts_with(arr, b'"')
    inner = pc.if_else(quoted, pc.binary_slice(arr, 1, -1), arr)
    return pc.replace_substring(inner, b'\\"', b'"')


def _ascii(arr: Any) -> Any:
    """A binary column the patterns proved ASCII (digits, dates, amounts) as strings."""
    return pc.cast(arr, pa.string())


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
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.null_count:  # pragma: no cover - callers pass arrays without nulls
        raise ValueError("nulls")
    dtype = np.dtype(arr.type.to_pandas_dtype())
    return np.frombuffer(arr.buffers()[1], dtype, len(arr), arr.offset * dtype.itemsize)


def _arrow(values: Any) -> Any:
    """A numpy int64 array as an arrow one without copying (``pa.array`` imports pandas)."""
    values = np.ascontiguousarray(values, np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


def _bools(values: Any) -> Any:
    """A numpy bool array as an arrow one (its bits packed as arrow keeps them)."""
    bits = np.packbits(np.asarray(values, np.bool_), bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(bits)])


def _array(values: list[Any], type_: Any) -> Any:
    """A small arrow array of Python values (None is null), built from buffers.

    Not ``pa.array`` or ``pa.scalar``, nor a Python value passed to a compute function:
    each asks pyarrow whether the value is a pandas object, which imports pandas, and
    that costs more than reading a 50 MB file.
    """
    n = len(values)
    valid = np.fromiter((v is not None for v in values), np.bool_, n)
    validity = None if valid.all() else pa.py_buffer(np.packbits(valid, bitorder="little"))
    if pa.types.is_binary(type_) or pa.types.is_string(type_):
        items = [b"" if v is None else v.encode() if isinstance(v, str) else v for v in values]
        offsets = np.zeros(n + 1, np.int32)
        np.cumsum(np.fromiter(map(len, items), np.int64, n), out=offsets[1:])
        return pa.Array.from_buffers(
            type_, n, [validity, pa.py_buffer(offsets), pa.py_buffer(b"".join(items))]
        )
    ints = np.asarray([0 if v is None else v for v in values], np.int64)
    arr = pa.Array.from_buffers(pa.int64(), n, [validity, pa.py_buffer(ints)])
    return arr if type_ == pa.int64() else pc.cast(arr, type_)


def _scalar(value: Any, type_: Any) -> Any:
    """One arrow scalar, without pandas (see :func:`_array`)."""
    return _array([value], type_)[0]


def _stretch(type_: Any, buffer: Any, begin: int, end: int) -> Any:
    """An arrow array of one value: the bytes ``begin:end`` of ``buffer`` (not copied)."""
    offsets = pa.py_buffer(np.asarray([begin, end], np.int32))
    return pa.Array.from_buffers(type_, 1, [None, offsets, buffer])


def valid_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8 (as ``data.decode("utf-8")`` would find: overlong
    forms, surrogates and code points past U+10FFFF are not), checked by arrow."""
    if len(data) >= 2**31:
        return False
    try:
        _stretch(pa.string(), pa.py_buffer(data), 0, len(data)).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _lines_match(lines: Any, pattern: bytes) -> Any:
    """Which ``lines`` match ``pattern`` (numpy mask): values that are each a whole line (their
    one "\\n" at their end), a pattern anchored at both ends that no line end can stand inside
    but its last.

    First all the lines at once: their bytes are one stretch of the array's buffer, matched
    in one pass by ``^(?:pattern)*$`` (one line per repetition, so it matches exactly when
    every line does); line by line only when that fails. Half the time of matching line by
    line, where RE2 starts again on every value.
    """
    n = len(lines)
    if n:
        offsets, buffer = _binary_parts(lines)
        stretch = _stretch(pa.binary(), buffer, int(offsets[0]), int(offsets[-1]))
        if pc.match_substring_regex(stretch, _every_line(pattern))[0].as_py():
            return np.ones(n, np.bool_)
    return _mask(pc.match_substring_regex(lines, pattern))


@functools.cache
def _every_line(pattern: bytes) -> bytes:
    assert pattern.startswith(b"^") and pattern.endswith(b"\\n$"), pattern
    return b"^(?:" + pattern[1:-1] + b")*$"


def _lines(data: bytes) -> Any:
    """The lines of ``data`` (which ends with a newline), each with its line end, without copying."""
    ends = np.flatnonzero(np.frombuffer(data, np.uint8) == 10)
    offsets = np.empty(len(ends) + 1, np.int32)
    offsets[0] = 0
    offsets[1:] = ends + 1
    return pa.Array.from_buffers(
        pa.binary(), len(ends), [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )


def _content_starts(raw: Any, starts: Any) -> Any:
    """Where each line's content begins: after its indentation (spaces and tabs)."""
    cs = starts.astype(np.int64)
    first = raw[cs]
    open_rows = np.flatnonzero((first == 32) | (first == 9))
    while len(open_rows):
        cs[open_rows] += 1
        ch = raw[cs[open_rows]]
        open_rows = open_rows[(ch == 32) | (ch == 9)]
    return cs


def _classify(lines: Any, raw: Any, offsets: Any, cs: Any) -> tuple[Any, ...]:
    """Masks of the #VER, #TRANS, ``{``, ``}`` and blank lines, and whether any line is indented.

    ``cs`` is where each line's content begins. An indented ``{`` or ``}`` line with spaces
    before its line end is none of these (its voucher goes to the line reader).
    """
    starts = offsets[:-1]
    first = raw[starts]
    indented = bool(((first == 32) | (first == 9)).any())
    if indented:
        last = len(raw) - 1

        def at(k: int) -> Any:
            return raw[np.minimum(cs + k, last)]

        b0, b1, b2, b3, b4 = raw[cs], at(1), at(2), at(3), at(4)
        b5, b6 = at(5), at(6)
        hash_ = b0 == 35
        is_ver = hash_ & (b1 == 86) & (b2 == 69) & (b3 == 82) & ((b4 == 32) | (b4 == 9))
        is_trans = (
            hash_ & (b1 == 84) & (b2 == 82) & (b3 == 65) & (b4 == 78) & (b5 == 83)
            & ((b6 == 32) | (b6 == 9))
        )  # fmt: skip
        ends_here = (b1 == 10) | ((b1 == 13) & (b2 == 10))
        is_open = (b0 == 123) & ends_here
        is_close = (b0 == 125) & ends_here
        blank = (b0 == 10) | ((b0 == 13) & (b1 == 10))
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
    return v, t, o, c, b, indented


def _segments_ok(v: Any, t: Any, o: Any, c: Any, b: Any, seg: Any, n_seg: int) -> Any:
    """Per segment (a #VER line and the lines up to the next one): exactly #VER, {, #TRANS…, }."""
    code = v.astype(np.int8) + 2 * o.astype(np.int8) + 3 * t.astype(np.int8) + 4 * c.astype(np.int8)
    idx = np.flatnonzero(~b)
    code = code[idx]
    seg_nb = seg[idx]
    first_of_seg = np.searchsorted(seg_nb, np.arange(n_seg))
    rank = np.arange(len(idx)) - first_of_seg[seg_nb]
    last = np.ones(len(idx), np.bool_)
    last[:-1] = seg_nb[1:] != seg_nb[:-1]
    good = np.where(
        rank == 0,
        code == 1,
        np.where(rank == 1, code == 2, ((code == 3) & ~last) | ((code == 4) & last)),
    )
    good &= ~last | (code == 4)
    bad_seg = np.bincount(seg_nb[~good], minlength=n_seg) > 0
    return ~bad_seg


@dataclass(slots=True)
class _Split:
    """A chunk's distinct object lists, split into their pairs at once (see :func:`_split`).

    ``status`` per list (numpy int8): 0 split here, 1 split by the line reader's function
    (a list not written the usual way; its pairs in ``fallback``), 2 broken (that function
    finds no pairs). On the lists split here, ``dim[i, j]`` and ``obj[i, j]`` are the codes
    in ``words`` of the fields of the list's j-th pair (-1: it has no j-th pair); ``words``
    holds each distinct field's value (quotes stripped, decoded).
    """

    status: Any
    dim: Any
    obj: Any
    words: list[str]
    fallback: dict[int, Objects]


def _binary_parts(arr: Any) -> tuple[Any, Any]:
    """A binary array's value offsets (numpy int64, one more than its length) and data buffer."""
    buffers = arr.buffers()
    offsets = np.frombuffer(buffers[1], np.int32, len(arr) + 1 + arr.offset)[arr.offset :]
    return offsets.astype(np.int64), buffers[2] if buffers[2] is not None else pa.py_buffer(b"")


def _split(
    r: VectorReader, lists: Any, encoding: str, fallback: Callable[[str], Objects | None]
) -> _Split:
    """Split a chunk's distinct object lists (binary, the inside of the braces) at once.

    A list written the usual way — fields of ``_LIST_FIELD`` parted by one space — is cut
    at its spaces, its fields coded by their bytes (a chunk has a few hundred distinct
    fields however many lists it has), and only those distinct fields are looked at in
    Python. Any other list (a tab, two spaces, a quoted blank, an odd field) is split by
    ``fallback`` (the line reader's function, so the pairs agree), remembered by its bytes.
    """
    n = len(lists)
    # the fields without a copy: each begins at its list's start or at a space (the space
    # kept in front of it), so the lists' bytes with these offsets are the fields
    first, data = _binary_parts(lists)
    raw = np.frombuffer(data, np.uint8)[first[0] : first[-1]] if n else np.zeros(0, np.uint8)
    begins = np.zeros(len(raw) + 1, np.bool_)
    begins[first - first[0]] = True
    begins[np.flatnonzero(raw == 32)] = True
    offsets = np.flatnonzero(begins) + first[0] if n else np.zeros(1, np.int64)
    at_list = np.searchsorted(offsets, first)
    counts = np.diff(at_list)
    fields = pa.Array.from_buffers(
        pa.binary(), len(offsets) - 1, [None, pa.py_buffer(offsets.astype(np.int32)), data]
    )
    encoded = pc.dictionary_encode(fields)
    codes = _np(encoded.indices).astype(np.int64)
    raw_words: list[bytes] = encoded.dictionary.to_pylist()
    # a field after a space has it in front: one space only (two make an empty field)
    raw_words = [w[1:] if w[:1] == b" " else w for w in raw_words]
    ok_word = np.fromiter(
        (_LIST_FIELD.fullmatch(w) is not None for w in raw_words), np.bool_, len(raw_words)
    )
    words = [
        (w[1:-1] if w[:1] == b'"' else w).decode(encoding) if ok else ""
        for w, ok in zip(raw_words, ok_word, strict=True)
    ]
    # the lists with a field not of the usual shape (rare: found from those fields)
    odd_fields = np.flatnonzero(~ok_word[codes]) if len(codes) else np.zeros(0, np.int64)
    has_odd = np.zeros(n, np.bool_)
    has_odd[np.searchsorted(at_list, odd_fields, side="right") - 1] = True
    empty = counts == 0
    # a list that begins with a space has an empty first field
    leading = np.zeros(n, np.bool_)
    leading[~empty] = raw[(first[:-1] - first[0])[~empty]] == 32
    clean = (~has_odd & ~leading & (counts % 2 == 0) & (counts <= 2 * _LIST_WIDTH)) | empty
    offsets = at_list  # each list's first field
    width = int(counts[clean].max()) // 2 if clean.any() else 0
    dim = np.full((n, width), -1, np.int64)
    obj = np.full((n, width), -1, np.int64)
    for j in range(width):
        rows = np.flatnonzero(clean & (counts >= 2 * j + 2))
        at = offsets[rows] + 2 * j
        dim[rows, j] = codes[at]
        obj[rows, j] = codes[at + 1]
    status = np.where(clean, 0, 1).astype(np.int8)
    pairs_of: dict[int, Objects] = {}
    others = np.flatnonzero(~clean)
    if len(others):
        known = r.odd_lists
        if len(known) + len(others) > CACHE_LIMIT:
            known.clear()
        for i, text in zip(
            others.tolist(), _split_bytes(pc.take(lists, _arrow(others))), strict=True
        ):
            if text in known:
                pairs = known[text]
            else:
                pairs = known[text] = fallback(text.decode(encoding))
            if pairs is None:
                status[i] = 2
            else:
                pairs_of[i] = pairs
    return _Split(status, dim, obj, words, pairs_of)


def _list_pairs(split: _Split) -> list[Objects | None]:
    """Each list's pairs as Python tuples (None: broken)."""
    n = len(split.status)
    out: list[Objects | None] = [()] * n
    words = split.words
    get = words.__getitem__
    width = split.dim.shape[1]
    k_of = (split.dim >= 0).sum(axis=1) if width else np.zeros(n, np.int64)
    # the lists of each width made at once, then put in their order (no loop per list)
    placed: list[Any] = []
    values: list[Objects | None] = []
    for k in range(1, width + 1):
        rows = np.flatnonzero((k_of == k) & (split.status == 0))
        if not len(rows):
            continue
        columns = [
            zip(
                map(get, split.dim[rows, j].tolist()),
                map(get, split.obj[rows, j].tolist()),
                strict=True,
            )
            for j in range(k)
        ]
        placed.append(rows)
        values.extend(zip(*columns, strict=True))
    others = np.flatnonzero(split.status != 0)
    if len(others):
        placed.append(others)
        values.extend(map(split.fallback.get, others.tolist()))
    if not placed:
        return out
    at = np.concatenate(placed)
    if len(at) < n:  # the empty lists
        empty = np.ones(n, np.bool_)
        empty[at] = False
        at = np.concatenate([at, np.flatnonzero(empty)])
        values.extend(out[: n - len(values)])
    order = np.empty(n, np.int64)
    order[at] = np.arange(n)
    return list(map(values.__getitem__, order.tolist()))


def _split_bytes(arr: Any) -> list[bytes]:
    """A binary column without newlines or nulls as Python bytes (joined and split in one go)."""
    if len(arr) == 0:
        return []
    whole = pa.ListArray.from_arrays(_array([0, len(arr)], pa.int32()), arr)
    joined: bytes = pc.binary_join(whole, _scalar(b"\n", pa.binary()))[0].as_py()
    return joined.split(b"\n")


def _dim_codes(r: VectorReader, split: _Split, j: int) -> Any:
    """Per list, the code in the sums' key part ``1 + j`` of its object of the j-th chosen
    dimension (0: none); the last pair naming the dimension wins, as in a dict."""
    name = r.state.dims[j]
    words = split.words
    n = len(split.status)
    is_dim = np.fromiter((w == name for w in words), np.bool_, len(words))
    field = np.full(n, -1, np.int64)
    for slot in range(split.dim.shape[1]):
        d = split.dim[:, slot]
        hit = (d >= 0) & is_dim[d]
        field[hit] = split.obj[hit, slot]
    mapping = np.zeros(len(words) + 1, np.int64)  # the last entry: no field (code 0)
    used = np.flatnonzero(np.bincount(field[field >= 0], minlength=len(words)))
    mapping[used] = [_code_of(r, 1 + j, words[u]) for u in used.tolist()]
    codes = mapping[field]
    for i, pairs in split.fallback.items():
        found = dict(pairs).get(name)
        codes[i] = 0 if found is None else _code_of(r, 1 + j, found)
    return codes


def _code_of(r: VectorReader, part: int, value: Any) -> int:
    """The code of ``value`` in the sums' key part ``part`` (new values get the next code)."""
    codes_of = r.key_codes[part]
    code = codes_of.get(value)
    if code is None:
        values_of = r.key_values[part]
        code = codes_of[value] = len(values_of)
        values_of.append(value)
    return code


def _pairs_of(text: str) -> Objects | None:
    """An object list's pairs as split_fields gives them for a line it splits with str methods."""
    words = quoted_words(text)
    if words is None or len(words) % 2:
        return None
    return tuple(zip(words[0::2], words[1::2], strict=True))


def _plan(r: VectorReader, data: bytes, lineno: int) -> _Plan | None:
    st = r.state
    encoding = st.encoding or "ascii"
    lines = _lines(data)
    n_lines = len(lines)
    raw = np.frombuffer(data, np.uint8)
    offsets = np.frombuffer(lines.buffers()[1], np.int32, n_lines + 1)
    cs = _content_starts(raw, offsets[:-1])
    v, t, o, c, b, _indented = _classify(lines, raw, offsets, cs)
    if n_lines == 0 or not v[0]:
        return None
    seg = np.cumsum(v) - 1
    n_seg = int(v.sum())
    # the sums read vouchers with #RTRANS/#BTRANS rows too (see _corrections)
    corr = None
    if not st.keep_tree and (b"#RTRANS" in data or b"#BTRANS" in data):
        corr = _correction_lines(raw, cs)
    cand = _segments_ok(v, t if corr is None else t | corr, o, c, b, seg, n_seg)
    if corr is not None and corr.any():
        c_all = np.flatnonzero(corr)
        c_ok = _lines_match(pc.take(lines, _arrow(c_all)), _CORR_OK)
        cand[seg[c_all[~c_ok]]] = False
    ver_ok = _lines_match(pc.filter(lines, _bools(v)), _VER_OK)
    cand &= ver_ok
    t_rows = np.flatnonzero(t)
    # the sums read #TRANS lines by position, which proves most of their shape; only the
    # rest is checked with _TRANS_OK below (the tree checks every line with it first)
    by_position = not st.keep_tree
    proven = not by_position

    def prove_trans() -> None:
        if len(t_rows):
            trans_ok = _lines_match(pc.filter(lines, _bools(t)), _TRANS_OK)
            cand[seg[t_rows[~trans_ok]]] = False

    if proven:
        prove_trans()
    if not cand.any():
        return None
    vc, tc, cand_seg, n_cv, row_line, voucher_of, n_rows = _candidates(cand, seg, v, t)
    located = _located(raw, data, offsets, cs, row_line) if by_position and n_rows else None
    if located is None and not proven:
        prove_trans()
        proven = True
        if not cand.any():
            return None
        vc, tc, cand_seg, n_cv, row_line, voucher_of, n_rows = _candidates(cand, seg, v, t)
        located = _located(raw, data, offsets, cs, row_line) if n_rows else None

    # fields: by byte position for the sums, else (or when a line is of another form) with the
    # patterns
    ver: Any = None
    trans: Any = None
    ver_fields = _ver_located(raw, data, cs, vc) if by_position else None
    if ver_fields is None:
        ver = pc.extract_regex(
            pc.filter(lines, _bools(vc)), _VER_TREE if st.keep_tree else _VER_FIELDS
        )
        if ver.null_count:  # pragma: no cover - the shapes were checked
            return None
        ver_fields = (
            ver.field("series"),
            ver.field("number"),
            _np(pc.cast(_ascii(ver.field("date")), pa.int64())),  # eight digits, proved
        )
    ver_series, ver_numbers, v_day = ver_fields
    unproven: Any = None
    tails: Any = None
    if located is not None:
        accounts, objects_bin, amount_text, t_day, ore, unproven, tails = located
    else:
        trans = pc.extract_regex(
            pc.filter(lines, _bools(tc)), _TRANS_TREE if st.keep_tree else _TRANS_FIELDS
        )
        if trans.null_count:  # pragma: no cover - the shapes were checked
            return None
        t_day = _days(_ascii(trans.field("date")))
        amount_text = _ascii(trans.field("amount"))
        accounts = _ascii(trans.field("account"))
        objects_bin = trans.field("objects")
        ore = _whole_ore(amount_text) if n_rows else None
    bad = np.zeros(n_cv, np.bool_)

    def bad_rows(rows: Any) -> None:
        bad[voucher_of[_mask(rows)]] = True

    # dates (numbers YYYYMMDD, eight digits proved): every one real; vouchers inside year 0
    t_dated = t_day >= 0
    distinct = _np(pc.unique(_arrow(np.concatenate((v_day, t_day[t_dated]))))).tolist()
    cache = st.date_cache
    wrong = []
    for d in distinct:
        text = f"{d:08d}"
        value = cache.get(text)
        if text not in cache:
            value = st.date_period(text)
        if value is None:
            wrong.append(d)
    if wrong:
        wrong_days = np.asarray(wrong, np.int64)
        bad |= np.isin(v_day, wrong_days)
        if n_rows:
            bad_rows(np.isin(t_day, wrong_days) & t_dated)
    year0 = st.years.get(0)
    if year0 is not None:
        bad |= (v_day < int(ymd(year0.start))) | (v_day > int(ymd(year0.end)))

    # amounts, and every voucher balanced
    if n_rows:
        if ore is not None:
            # whole öre: integers, summed exactly in float64 while below 2**53
            totals = np.bincount(voucher_of, weights=_np(ore).astype(np.float64), minlength=n_cv)
            bad |= totals != 0
        else:
            fits = pc.match_substring_regex(amount_text, _DECIMAL_AMOUNT)
            if not pc.all(fits).as_py():
                bad_rows(pc.invert(fits))
                amount_text = pc.if_else(fits, amount_text, _scalar("0", pa.string()))
            amounts = pc.cast(amount_text, _DECIMAL)
            per = (
                pa.table({"v": _arrow(voucher_of), "a": amounts})
                .group_by("v", use_threads=False)
                .aggregate([("a", "sum")])
            )
            nonzero = pc.not_equal(per.column("a_sum"), _scalar(0, _DECIMAL))
            bad[_np(pc.filter(per.column("v"), nonzero))] = True

    # object lists: the chunk's distinct ones split at once (see _split)
    inner = pc.dictionary_encode(objects_bin)
    lists = _split(r, inner.dictionary, encoding, object_pairs)
    status = lists.status
    list_of_row = _np(inner.indices)
    if (status == 2).any():
        bad_rows((status == 2)[list_of_row])
    if not proven and unproven is not None:
        # what the positions did not prove (a row with fields after its amount, an object
        # list the pattern did not split) is checked with the whole line's pattern
        # (a dated row with a clean list: only the rest after its date, with _TRANS_REST)
        odd_list = (status == 1)[list_of_row]
        rest = np.flatnonzero((tails >= 0) & ~odd_list)
        if len(rest):
            ends = offsets[1:][row_line[rest]]
            ok = _lines_match(_spans(pa.py_buffer(data), tails[rest], ends), _TRANS_REST)
            bad[voucher_of[rest[~ok]]] = True
        check = np.flatnonzero((unproven & (tails < 0)) | odd_list)
        if len(check):
            at_lines = _arrow(row_line[check])
            ok = _lines_match(pc.take(lines, at_lines), _TRANS_OK)
            bad[voucher_of[check[~ok]]] = True
    parsed: list[Objects] = []
    if st.keep_tree:
        parsed = [pairs or () for pairs in _list_pairs(lists)]
    corrections = None
    if corr is not None:
        c_rows = np.flatnonzero(corr & cand[seg])
        if len(c_rows):
            corrections = _corrections(
                r, lines, c_rows, (np.cumsum(vc) - 1)[c_rows], row_line, voucher_of,
                accounts, objects_bin, ore, bad, encoding,
            )  # fmt: skip

    # voucher numbers: a run of vouchers numbered 1, 2, 3 … in one series is read at once
    series_arr = _unquote(ver_series)
    numbers_arr = _unquote(ver_numbers)
    ser_dict = pc.dictionary_encode(series_arr)
    ser_idx = _np(ser_dict.indices).astype(np.int64)
    ser_names = _texts(ser_dict.dictionary, encoding)
    integral = _mask(pc.match_substring_regex(numbers_arr, _INTEGRAL))
    num = _np(
        pc.cast(
            _ascii(pc.if_else(_bools(integral), numbers_arr, _scalar(b"-1", pa.binary()))),
            pa.int64(),
        )
    )
    good = ~bad & integral
    consec = np.zeros(n_cv, np.bool_)
    if n_cv > 1:
        consec[1:] = (
            good[:-1]
            & good[1:]
            & (ser_idx[1:] == ser_idx[:-1])
            & (num[1:] == num[:-1] + 1)
            & (cand_seg[1:] == cand_seg[:-1] + 1)
        )
    tree = None
    if st.keep_tree:
        tree = _tree(
            st,
            ver,
            trans,
            np.flatnonzero(vc),
            row_line,
            voucher_of,
            inner,
            parsed,
            series_arr,
            numbers_arr,
            lineno,
            encoding,
        )
    seg_line = np.append(np.flatnonzero(v), n_lines)
    return _Plan(
        accounts=accounts,
        amount_text=amount_text,
        cand_seg=cand_seg,
        consec=consec,
        corrections=corrections,
        good=good,
        inner=inner,
        lists=lists,
        n_lines=n_lines,
        num=num,
        offsets=offsets,
        ore=ore,
        parsed=parsed,
        row_line=row_line,
        seg_line=seg_line,
        ser_idx=ser_idx,
        ser_names=ser_names,
        t_day=t_day,
        tree=tree,
        v_day=v_day,
        voucher_of=voucher_of,
        year0=year0,
    )


def _correction_lines(raw: Any, cs: Any) -> Any:
    """Which lines are ``#RTRANS`` or ``#BTRANS`` (from their content start ``cs``)."""
    last = len(raw) - 1

    def at(k: int) -> Any:
        return raw[np.minimum(cs + k, last)]

    b1, b7 = at(1), at(7)
    return (
        (raw[cs] == 35) & ((b1 == 82) | (b1 == 66)) & (at(2) == 84) & (at(3) == 82)
        & (at(4) == 65) & (at(5) == 78) & (at(6) == 83) & ((b7 == 32) | (b7 == 9))
    )  # fmt: skip


def _corrections(
    r: VectorReader,
    lines: Any,
    c_rows: Any,
    c_voucher: Any,
    row_line: Any,
    voucher_of: Any,
    accounts: Any,
    row_lists: Any,
    ore: Any,
    bad: Any,
    encoding: str,
) -> tuple[Any, Any, list[Objects]] | None:
    """Check the ``#RTRANS``/``#BTRANS`` rows ``c_rows`` (lines) of candidate vouchers.

    In the sums such a row adds nothing and counts nothing; the line reader only checks
    it (its date, its object list, whose pairs it notes as used) and that each
    ``#RTRANS`` is followed, before any other ``#RTRANS``, by a ``#TRANS`` with the same
    account, objects and amount. A voucher where any of that needs a finding, or where
    this reader cannot tell (a list not of the clean shape, an amount not in whole öre,
    the same objects written differently), is marked in ``bad`` and left to the line
    reader. Returns, for :func:`_correction_uses`, each row's voucher, line and pairs.
    """
    st = r.state
    ex = pc.extract_regex(pc.take(lines, _arrow(c_rows)), _CORR_FIELDS)
    if ex.null_count:  # pragma: no cover - the shapes were checked
        bad[c_voucher] = True
        return None
    # dates: every one real
    dates = _texts(_ascii(pc.fill_null(ex.field("date"), _scalar(b"", pa.binary()))))
    for k, d in enumerate(dates):
        if d and d != '""':
            value = st.date_cache.get(d) if d in st.date_cache else st.date_period(d)
            if not isinstance(value, tuple):
                bad[c_voucher[k]] = True
    # object lists: only those every splitter splits alike
    c_lists = ex.field("objects")
    inner = pc.dictionary_encode(c_lists)
    split = _split(r, inner.dictionary, encoding, object_pairs)
    c_list = _np(inner.indices)
    bad[c_voucher[split.status[c_list] != 0]] = True
    pairs_of = [p or () for p in _list_pairs(split)]
    pairs = [pairs_of[i] for i in c_list.tolist()]
    # each #RTRANS and the next #TRANS (no other #RTRANS between; #BTRANS may stand there)
    kinds = _texts(_ascii(ex.field("kind")))
    added = np.fromiter((k == "R" for k in kinds), np.bool_, len(kinds))
    if added.any():
        if ore is None:
            bad[c_voucher[added]] = True
            return c_voucher, c_rows, pairs
        amount_text = ex.field("amount")
        whole = _mask(pc.match_substring_regex(amount_text, rb"^-?[0-9]{1,13}\.[0-9][0-9]$"))
        r_at = np.flatnonzero(added)
        bad[c_voucher[r_at[~whole[r_at]]]] = True
        # the rows that are not #BTRANS, in line order: #TRANS rows and #RTRANS rows
        lines_of = np.concatenate([row_line, c_rows[r_at]])
        order = np.argsort(lines_of, kind="stable")
        n_t = len(row_line)
        position = np.empty(len(order), np.int64)
        position[order] = np.arange(len(order))
        after = position[n_t:] + 1  # where each #RTRANS's successor stands in `order`
        has_next = after < len(order)
        nxt = order[np.minimum(after, len(order) - 1)]
        is_trans = has_next & (nxt < n_t)
        t_idx = np.where(is_trans, nxt, 0)
        same_voucher = is_trans & (voucher_of[t_idx] == c_voucher[r_at])
        r_ore = np.zeros(len(r_at), np.int64)
        r_amounts = _texts(_ascii(pc.take(amount_text, _arrow(r_at))))
        for k, text in enumerate(r_amounts):
            if whole[r_at[k]]:
                r_ore[k] = int(text.replace(".", ""))
        r_accounts = _texts(_ascii(pc.take(ex.field("account"), _arrow(r_at))))
        t_accounts = _texts(pc.take(accounts, _arrow(t_idx)))
        matched = (
            same_voucher
            & (_np(ore)[t_idx] == r_ore)
            & _mask(pc.equal(pc.take(row_lists, _arrow(t_idx)), pc.take(c_lists, _arrow(r_at))))
            & np.fromiter(map(str.__eq__, r_accounts, t_accounts), np.bool_, len(r_at))
        )
        bad[c_voucher[r_at[~matched]]] = True
    return c_voucher, c_rows, pairs


def _correction_uses(st: ReadState, corrections: Any, accepted: Any, lineno: int) -> None:
    """Note the pairs of the correction rows of the vouchers read as used, at their lines."""
    c_voucher, c_rows, pairs = corrections
    pair_lines: dict[tuple[str, str], int] = {}
    keep = accepted[c_voucher].tolist()
    for ok, line, objects in zip(keep, (c_rows + (lineno + 1)).tolist(), pairs, strict=True):
        if ok:
            for pair in objects:
                if pair not in pair_lines:
                    pair_lines[pair] = line
    st.note_first_use({}, pair_lines)


def _candidates(cand: Any, seg: Any, v: Any, t: Any) -> tuple[Any, ...]:
    """The lines, vouchers and rows of the candidate segments ``cand``."""
    line_cand = cand[seg]
    vc = v & line_cand
    tc = t & line_cand
    cand_seg = np.flatnonzero(cand)
    row_line = np.flatnonzero(tc)  # line index of each candidate row
    voucher_of = (np.cumsum(vc) - 1)[row_line]
    return vc, tc, cand_seg, len(cand_seg), row_line, voucher_of, len(row_line)


def _commit(r: VectorReader, plan: _Plan, data: bytes, lineno: int) -> int:
    """Read the plan's runs of good vouchers, hand everything else to the line reader, in order."""
    st = r.state
    good, consec, cand_seg, num = plan.good, plan.consec, plan.cand_seg, plan.num
    seg_line = plan.seg_line
    line_start: list[int] = plan.offsets[seg_line].tolist()
    n_cv = len(good)
    accepted = np.zeros(n_cv, np.bool_)
    starts = np.flatnonzero(good & ~consec)
    follow = np.zeros(n_cv, np.bool_)
    follow[:-1] = consec[1:]
    ends = np.flatnonzero(good & ~follow) + 1
    pos = 0  # the next segment not yet read

    def hand_over(a: int, z: int) -> None:
        if z > a:
            first, last = int(seg_line[a]), int(seg_line[z])
            r.handed_over += last - first
            r.line_reader(data[line_start[a] : line_start[z]], lineno + first)

    tree = plan.tree
    for a, z in zip(starts.tolist(), ends.tolist(), strict=True):
        hand_over(pos, int(cand_seg[a]))
        k = a
        while k < z:
            if (
                st.years.get(0) is not plan.year0
                or not st.at_rest()
                or not _numbered_next(
                    st, plan.ser_names[plan.ser_idx[k]], int(num[k]), int(num[z - 1])
                )
            ):
                hand_over(int(cand_seg[k]), int(cand_seg[k]) + 1)
                k += 1
                continue
            accepted[k:z] = True
            if tree is not None:
                st.vouchers.extend(tree[k:z])
            r.vectorised += int(seg_line[cand_seg[z - 1] + 1] - seg_line[cand_seg[k]])
            k = z
        pos = int(cand_seg[z - 1]) + 1
    hand_over(pos, len(seg_line) - 1)
    n_acc = int(accepted.sum())
    if n_acc:
        st.has_money = True
        st.voucher_count += n_acc
        row_ok = accepted[plan.voucher_of]
        all_rows = bool(row_ok.all())
        st.transaction_count += len(row_ok) if all_rows else int(row_ok.sum())
        # the accounts coded once (by their first use in the chunk) for the first uses and
        # the sums
        encoded = pc.dictionary_encode(plan.accounts)
        account_of = _np(encoded.indices)
        names = _texts(encoded.dictionary)
        _first_uses(r, plan, row_ok, lineno, account_of, names)
        if plan.corrections is not None:
            _correction_uses(st, plan.corrections, accepted, lineno)
        if tree is None and len(row_ok):
            keys = np.asarray([_code_of(r, 0, name) for name in names], np.int64)[account_of]
            _sums(r, plan, None if all_rows else row_ok, keys)
    return lineno + plan.n_lines


def _numbered_next(st: ReadState, name: str, first: int, last: int) -> bool:
    """Vouchers ``first..last`` of series ``name`` are each the next: record them (else False)."""
    known = st.series.get(name)
    if known is None:
        known = st.series[name] = SeriesNumbers()
        lo = first
    elif known.others:
        return False
    elif known.hi < known.lo:
        lo = first
    elif known.hi + 1 == first:
        lo = known.lo
    else:
        return False
    known.extend_to(lo, last)
    return True


def _first_uses(
    r: VectorReader, plan: _Plan, row_ok: Any, lineno: int, account_of: Any, names: list[str]
) -> None:
    """Note the first line of each account and object pair on the rows read (the accounts
    ``names[account_of[row]]``)."""
    rows = np.flatnonzero(row_ok)
    if not len(rows):
        return
    lines = plan.row_line[rows] + (lineno + 1)
    used, first = _first_seen(account_of[rows])
    order = np.argsort(first, kind="stable")  # in the order of their first use
    account_lines = dict(
        zip(
            map(names.__getitem__, used[order].tolist()),
            lines[first[order]].tolist(),
            strict=True,
        )
    )
    uniq, first = _first_seen(_np(plan.inner.indices)[rows])
    r.state.note_first_use(account_lines, _pair_lines(plan.lists, uniq, lines[first]))


def _pair_lines(split: _Split, lists: Any, lines: Any) -> dict[tuple[str, str], int]:
    """The first line of each pair of the split ``lists`` (numpy), each list first used on
    ``lines``: in line order, the pairs of one line in their list's order (as the line
    reader notes them; a pair noted at an earlier line before keeps it, see
    ReadState.note_first_use)."""
    # each pair's first use as line × _PLACES + its place in that line's list
    uses: dict[tuple[str, str], int] = {}
    clean = split.status[lists] == 0
    at, at_lines = lists[clean], lines[clean]
    n_words = len(split.words)
    dim_parts, obj_parts, use_parts = [], [], []
    for j in range(split.dim.shape[1]):
        d = split.dim[at, j]
        has = d >= 0
        if has.any():
            dim_parts.append(d[has])
            obj_parts.append(split.obj[at[has], j])
            use_parts.append(at_lines[has] * _PLACES + j)
    if dim_parts:
        dims = np.concatenate(dim_parts)
        use = np.concatenate(use_parts)
        # a pair coded as its dimension's rank among the words naming one (a few) × the
        # words + its object: in the order of (dimension, object) codes
        named = np.flatnonzero(np.bincount(dims, minlength=n_words))
        rank = np.zeros(n_words, np.int64)
        rank[named] = np.arange(len(named))
        pair_codes = rank[dims] * n_words + np.concatenate(obj_parts)
        size = len(named) * n_words
        never = np.iinfo(np.int64).max
        if size <= _DENSE_PAIRS:
            first_use = np.full(size, never, np.int64)
            np.minimum.at(first_use, pair_codes, use)
            distinct = np.flatnonzero(first_use < never)
            distinct_use = first_use[distinct]
        else:
            distinct, inverse = np.unique(pair_codes, return_inverse=True)
            distinct_use = np.full(len(distinct), never, np.int64)
            np.minimum.at(distinct_use, inverse, use)
        words = split.words
        dim_words = [words[k] for k in named.tolist()]
        if clean.all() and len(set(words)) == len(words):
            # every pair written one way and none split elsewhere: the pairs are distinct,
            # put in the order of their first use at once (a stable sort: as sorted() below)
            order = np.argsort(distinct_use, kind="stable")
            codes, first_lines = distinct[order], distinct_use[order] // _PLACES
            pairs = zip(
                map(dim_words.__getitem__, (codes // n_words).tolist()),
                map(words.__getitem__, (codes % n_words).tolist()),
                strict=True,
            )
            return dict(zip(pairs, first_lines.tolist(), strict=True))
        for code, value in zip(distinct.tolist(), distinct_use.tolist(), strict=True):
            # two spellings of one pair (1 and "1") are one pair
            pair = (dim_words[code // n_words], words[code % n_words])
            old = uses.get(pair)
            if old is None or value < old:
                uses[pair] = value
    # the others (split by the line reader's function) one by one
    for i, line in zip(lists[~clean].tolist(), lines[~clean].tolist(), strict=True):
        for place, pair in enumerate(split.fallback.get(i, ())):
            value = line * _PLACES + min(place, _PLACES - 1)
            old = uses.get(pair)
            if old is None or value < old:
                uses[pair] = value
    return {pair: use // _PLACES for pair, use in sorted(uses.items(), key=_second)}


def _first_seen(codes: Any) -> tuple[Any, Any]:
    """The distinct codes (ascending) and where each is first seen (as ``np.unique`` with
    ``return_index``, without sorting)."""
    n = len(codes)
    if not n:
        return codes[:0], codes[:0].astype(np.int64)
    first = np.full(int(codes.max()) + 1, n, np.int64)
    np.minimum.at(first, codes.astype(np.int64), np.arange(n, dtype=np.int64))
    present = np.flatnonzero(first < n)
    return present.astype(codes.dtype), first[present]


def _days(dates: Any) -> Any:
    """Rows' dates (strings: eight digits, "", '""' or null; proved by _TRANS_OK) as numpy
    YYYYMMDD, -1 where there is none ("00000000" is a date, a wrong one)."""
    days = np.full(len(dates), _NO_DAY, np.int64)
    dates = pc.fill_null(dates, _scalar("", pa.string()))
    at = np.flatnonzero(_mask(pc.equal(pc.utf8_length(dates), _scalar(8, pa.int32()))))
    if len(at):
        days[at] = _np(pc.cast(pc.take(dates, _arrow(at)), pa.int64()))
    return days


def _whole_ore(amount_text: Any) -> Any:
    """The amounts in öre (numpy int64) when every one has exactly two decimals, else None."""
    if not pc.all(pc.match_substring_regex(amount_text, r"^-?[0-9]{1,13}\.[0-9][0-9]$")).as_py():
        return None
    ore = pc.cast(pc.replace_substring(amount_text, ".", ""), pa.int64())
    if float(pc.sum(pc.abs(ore)).as_py() or 0) >= _ORE_CHUNK_LIMIT:
        return None
    return ore


def _sums(r: VectorReader, plan: _Plan, row_ok: Any, accounts: Any) -> None:
    """Group the rows read; the partial sums wait in arrow until :func:`_flush`.

    ``accounts``: each row's account coded in the sums' first key part (numpy)."""
    st = r.state
    take = None if row_ok is None else _arrow(np.flatnonzero(row_ok))

    def rows(arr: Any) -> Any:
        return arr if take is None else pc.take(arr, take)

    columns: dict[str, Any] = {"account": accounts if row_ok is None else accounts[row_ok]}
    keys = _keys(st)
    if st.dims:
        indices = _np(plan.inner.indices)
        if row_ok is not None:
            indices = indices[row_ok]
        for j in range(len(st.dims)):
            # the codes of the objects in the key values (numpy; strings only for acero)
            columns[f"d{j}"] = _dim_codes(r, plan.lists, j)[indices]
    if st.by_period:
        # the month (YYYYMM) of the row's own date, else its voucher's; dates are eight
        # digits here (proved), so read as numbers
        voucher_of = plan.voucher_of if row_ok is None else plan.voucher_of[row_ok]
        month = (plan.v_day // 100)[voucher_of]
        t_day = plan.t_day if row_ok is None else plan.t_day[row_ok]
        dated = t_day >= 0
        month[dated] = t_day[dated] // 100
        columns["period"] = _month_codes(r, month)
    partials = r.partials
    if plan.ore is not None:
        # every amount in whole öre: exact int64 sums
        ore = rows(plan.ore)
        packed = _pack(r, [columns[k] for k in keys])
        if packed is not None:
            codes, dense, size = packed
            if dense is None:
                r.packed.append(_group_sum(codes, _np(ore)))
            else:
                r.packed.append(_bin_sum(codes, _np(ore), dense, size))
            if len(r.packed) >= _PACKED_PARTS:  # memory follows the distinct keys, not the file
                r.packed[:] = [_regroup_packed(r.packed)]
            r.ore_chunks += 1
            _after_chunk(r, keys)
            return
        columns["amount"] = ore
        _as_strings(r, columns)
        grouped = pa.table(columns).group_by(keys, use_threads=False).aggregate([("amount", "sum")])
        partials["ore"].append(_columns(grouped, keys, "ore"))
        r.ore_chunks += 1
    else:
        amount_text = rows(plan.amount_text)
        dot = pc.find_substring(amount_text, ".")
        columns["decimals"] = pc.if_else(
            pc.less(dot, _ZERO32),
            _ZERO32,
            pc.subtract(pc.subtract(pc.utf8_length(amount_text), dot), _ONE32),
        )
        columns["amount"] = pc.cast(amount_text, _DECIMAL)
        _as_strings(r, columns)
        grouped = (
            pa.table(columns)
            .group_by(keys, use_threads=False)
            .aggregate([("amount", "sum"), ("decimals", "max")])
        )
        partials["dec"].append(_columns(grouped, keys, "dec"))
    r.partial_rows += grouped.num_rows
    _after_chunk(r, keys)


def _month_codes(r: VectorReader, month: Any) -> Any:
    """The codes of the months (numpy YYYYMM) in the sums' last key part, as text ("202003")."""
    if not len(month):
        return month
    lo = int(month.min())
    if int(month.max()) - lo > _DENSE_KEYS:  # pragma: no cover - dates inside the years
        values, local = np.unique(month, return_inverse=True)
        return np.asarray([_code_of(r, -1, f"{m:06d}") for m in values.tolist()], np.int64)[local]
    present = np.flatnonzero(np.bincount(month - lo))
    table = np.zeros(int(present[-1]) + 1, np.int64)
    table[present] = [_code_of(r, -1, f"{lo + m:06d}") for m in present.tolist()]
    return table[month - lo]


def _as_strings(r: VectorReader, columns: dict[str, Any]) -> None:
    """The account's, the dimensions' and the month's columns as strings (they are codes of
    the key values) for acero."""
    parts = ["account", *(f"d{j}" for j in range(len(r.state.dims)))]
    for part, name in enumerate(parts):
        codes = columns[name]
        if isinstance(codes, np.ndarray):
            columns[name] = pc.take(_array(r.key_values[part], pa.string()), _arrow(codes))
    month = columns.get("period")
    if isinstance(month, np.ndarray):
        columns["period"] = pc.take(_array(r.key_values[-1], pa.string()), _arrow(month))


def _after_chunk(r: VectorReader, keys: list[str]) -> None:
    partials = r.partials
    if r.ore_chunks >= _ORE_FLUSH_CHUNKS:
        _flush(r)  # int64 öre sums stay exact: hand them to Decimal before they could overflow
    elif r.partial_rows > _REGROUP_ROWS:
        # memory stays bounded by the distinct keys, not by the file: regroup what waits
        for kind, tables in partials.items():
            if len(tables) > 1:
                tables[:] = [_regroup(tables, keys, kind)]
        if len(r.packed) > 1:
            r.packed[:] = [_regroup_packed(r.packed)]
        r.partial_rows = sum(t.num_rows for ts in partials.values() for t in ts) + sum(
            len(codes) for codes, _sums in r.packed
        )


def _key_bits(parts: int, by_period: bool) -> list[int]:
    """Bits of the packed key for each part: account 16, month 8, the dimensions share 39."""
    ndims = parts - 1 - int(by_period)
    dims = [39 // ndims] * ndims if ndims else []
    return [16, *dims] + ([8] if by_period else [])


def _pack(r: VectorReader, columns: list[Any]) -> Any:
    """One int64 code per row for its whole key (account, objects, month), or None when a
    part has more distinct values than its bits hold (then acero groups the chunk).

    With it (code, dense, size): the key numbered densely within the chunk (0 ≤ dense <
    size), or None when there could be more than ``_DENSE_KEYS`` such numbers.
    """
    bits = _key_bits(len(columns), r.state.by_period)
    if len(columns) > 6 or min(bits) < 8:
        return None
    n = len(columns[0])
    code = np.zeros(n, np.int64)
    dense: Any = np.zeros(n, np.int64)  # the same key numbered densely within this chunk
    size = 1
    for part, (arr, width) in enumerate(zip(columns, bits, strict=True)):
        codes_of = r.key_codes[part]
        values_of = r.key_values[part]
        if isinstance(arr, np.ndarray):  # the codes already (the objects of a dimension)
            if len(values_of) >= 1 << width:
                return None
            code = (code << width) | arr
            size *= len(values_of)
            dense = None if dense is None or size > _DENSE_KEYS else dense * len(values_of) + arr
            continue
        encoded = pc.dictionary_encode(arr)
        mapping = []
        for value in encoded.dictionary.to_pylist():
            c = codes_of.get(value)
            if c is None:
                c = codes_of[value] = len(values_of)
                values_of.append(value)
            mapping.append(c)
        if len(values_of) >= 1 << width:
            return None
        mapping.append(0)  # a null (a list without the dimension) is None
        indices = encoded.indices
        if indices.null_count:
            indices = pc.fill_null(indices, _scalar(len(mapping) - 1, indices.type))
        local = _np(indices).astype(np.int64)
        code = (code << width) | np.asarray(mapping, np.int64)[local]
        size *= len(mapping)
        dense = None if dense is None or size > _DENSE_KEYS else dense * len(mapping) + local
    return code, dense, size


def _group_sum(codes: Any, values: Any) -> tuple[Any, Any]:
    """Distinct codes and the exact int64 sum of the values of each."""
    if not len(codes):  # packed parts of no rows (found by bench/fuzz.py)
        return codes[:0], values[:0]
    # stable: numpy's timsort, which merges the runs it finds: each chunk's codes come sorted
    # (the dense numbering and the packed code order the key parts alike), so a regrouping
    # of parts is a merge (4 ms for 290 000 codes, where a quicksort takes 23)
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    return ordered[starts], np.add.reduceat(values[order], starts) if len(starts) else values[:0]


def _bin_sum(codes: Any, values: Any, dense: Any, size: int) -> tuple[Any, Any]:
    """:func:`_group_sum` by counting into ``size`` bins (no sort).

    The values are whole öre of a chunk whose absolute values add up to less than 2**52
    (``_ORE_CHUNK_LIMIT``), so every partial sum in float64 is an exact integer.
    """
    present = np.flatnonzero(np.bincount(dense, minlength=size))
    totals = np.bincount(dense, weights=values.astype(np.float64), minlength=size)
    code_of = np.zeros(size, np.int64)
    code_of[dense] = codes  # every row of a bin has the same code
    return code_of[present], totals[present].astype(np.int64)


def _regroup_packed(parts: list[tuple[Any, Any]]) -> tuple[Any, Any]:
    return _group_sum(
        np.concatenate([c for c, _v in parts]), np.concatenate([v for _c, v in parts])
    )


def _flush_packed(r: VectorReader) -> None:
    if not r.packed:
        return
    st = r.state
    codes, totals = _regroup_packed(r.packed)
    r.packed.clear()
    bits = _key_bits(len(r.key_values), st.by_period)
    ndims = len(st.dims)
    n = len(totals)
    # each part's codes, from its bits of the packed code, and values
    part_codes = [
        ((codes >> sum(bits[i + 1 :])) & ((1 << width) - 1)).tolist()
        for i, width in enumerate(bits)
    ]
    parts = [list(map(v.__getitem__, c)) for v, c in zip(r.key_values, part_codes, strict=True)]
    objects_keys: list[Any]
    if ndims == 1:  # one key tuple per object, not one per sum
        alone = [(value,) for value in r.key_values[1]]
        objects_keys = list(map(alone.__getitem__, part_codes[1]))
    else:
        objects_keys = list(zip(*parts[1 : 1 + ndims], strict=True)) if ndims else [st.none_key] * n
    periods = parts[-1] if st.by_period else [None] * n
    keys = list(zip(parts[0], objects_keys, periods, strict=True))
    values = [Decimal(t).scaleb(-2) for t in totals.tolist()]
    sums = st.sums
    if not sums:
        sums.update(zip(keys, values, strict=True))
        return
    # the keys the line reader summed too (a few) added to, the others set in their order
    # (as one loop adding to each would leave them: the same order, the same Decimals)
    new = dict(zip(keys, values, strict=True))
    pop = new.pop
    for key in [key for key in sums if key in new]:
        sums[key] += pop(key)
    sums.update(new)


def _keys(st: ReadState) -> list[str]:
    return ["account", *(f"d{j}" for j in range(len(st.dims)))] + (
        ["period"] if st.by_period else []
    )


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


def _flush(r: VectorReader) -> None:
    _flush_packed(r)
    partials = r.partials
    if not any(partials.values()):
        r.partial_rows = 0
        r.ore_chunks = 0
        return
    st = r.state
    keys = _keys(st)
    sums = st.sums
    ndims = len(st.dims)
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
            list(zip(*cols[1 : 1 + ndims], strict=True)) if ndims else [st.none_key] * len(totals)
        )
        periods = cols[-1] if st.by_period else [None] * len(totals)
        for account, okey, period, total in zip(
            cols[0], objects_keys, periods, totals, strict=True
        ):
            # the line reader's Decimal sum has the exponent of its most precise amount
            key = (account, okey, period)
            sums[key] = get(key, zero) + total
    r.partial_rows = 0
    r.ore_chunks = 0


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
    return pc.take(both, _arrow(np.arange(0, 2 * n, 2)))


def _token_end(raw: Any, begin: Any, limit: int = 32) -> Any:
    """For each ``begin``, the position of the first space at or after it, or -1.

    -1 also when a control character (tab, CR, LF), a quote or a backslash comes first,
    except a quote at ``begin`` itself that is closed before the space (``"A"``).
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
        bad = (ch < 32) | (ch == 92) | ((ch == 34) & (k > 0) & ~quoted[open_rows])
        open_rows = open_rows[~space & ~bad]
    return end


def _ver_located(raw: Any, data: bytes, cs: Any, v: Any) -> Any:
    """Series, number (binary, quotes kept) and date (numpy YYYYMMDD) of each #VER line,
    found by position.

    Only for lines whose shape ``_VER_OK`` proved, from their content's start ``cs`` (after
    any indentation): "#VER ", a field, one
    space, a field, one space, the date. A field is a word or a quoted text without a
    space or backslash in it; anything else returns None and the fields are taken with
    the regular expression instead.
    """
    rows = np.flatnonzero(v)
    if len(rows) == 0:
        return None
    begins = cs[rows]
    if (raw[begins + 4] != 32).any() or (raw[begins + 5] == 32).any():
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
        closed = pc.and_(pc.ends_with(field, b'"'), pc.greater_equal(pc.binary_length(field), _TWO))
        if pc.any(pc.and_(quoted, pc.invert(closed))).as_py():
            return None
    days, _digits = _yyyymmdd(raw, number_end + 1)  # eight digits, proved by _VER_OK
    return series, numbers, days


def _yyyymmdd(raw: Any, begin: Any) -> tuple[Any, Any]:
    """The eight bytes from each ``begin`` read as a number YYYYMMDD (numpy int64), and
    whether all eight are digits (the number means nothing where they are not)."""
    last = len(raw) - 1
    value = np.zeros(len(begin), np.int64)
    digits = np.ones(len(begin), np.bool_)
    for k in range(8):
        byte = raw[np.minimum(begin + k, last)]
        digits &= (byte >= 48) & (byte <= 57)
        value = value * 10 + (byte.astype(np.int64) - 48)
    return value, digits


def _located(raw: Any, data: bytes, offsets: Any, cs: Any, row_line: Any) -> Any:
    """The #TRANS fields found by byte positions instead of a regular expression, or None.

    Read from each line's content start ``cs`` (after any indentation): "#TRANS ", the
    account (digits), " {", the object list up to the first "}" after it, "} ",
    and an amount with exactly two decimals. Every byte a field is read from is checked;
    when a check fails for any row, None (the fields are then taken with the regular
    expression). What is not checked here: whether the object list is written the usual way
    (:func:`_split` says), and anything after the amount (a date, a text …); the caller checks
    the rows where either is in doubt with ``_TRANS_OK``.

    Returns accounts, object lists (binary), amounts (text; None: not needed),
    transaction dates (numpy YYYYMMDD, -1 when none), the amounts in öre, which rows have more after
    their amount than the line end (numpy), and for those with a date read here where the
    rest after the date begins (numpy; -1 for the others).
    """
    n = len(row_line)
    if n == 0:
        return None
    begins = cs[row_line]
    ends = offsets[1:][row_line].astype(np.int64)
    if (raw[begins + 6] != 32).any():
        return None
    # "#TRANS 6540 {": the account is the digits from begin + 7 up to one space and the "{"
    last = len(raw) - 1
    acc_end = begins + 7
    open_rows = np.arange(n)
    for _ in range(_ACCOUNT_DIGITS):
        ch = raw[np.minimum(acc_end[open_rows], last)]
        digit = (ch >= 48) & (ch <= 57)
        if not digit.any():
            break
        acc_end[open_rows[digit]] += 1
        open_rows = open_rows[digit]
    else:
        return None  # an account longer than any chart has
    op = acc_end + 1
    if not (
        (acc_end > begins + 7) & (raw[acc_end] == 32) & (raw[np.minimum(op, last)] == 123)
    ).all():
        return None
    # the "}" closing each list and the amount's decimal point after it, from one scan of
    # both bytes: the list's "}" is the first "}" after its "{" (a list may hold a ".")
    marks = np.flatnonzero((raw == 125) | (raw == 46))
    kc = np.searchsorted(marks, op)
    if (kc >= len(marks)).any():
        return None
    while True:
        dotted = np.flatnonzero(raw[marks[kc]] != 125)
        if not len(dotted):
            break
        kc[dotted] += 1
        if (kc >= len(marks)).any():
            return None
    cl = marks[kc]
    if not (cl + 2 < ends).all():
        return None
    buffer = pa.py_buffer(data)
    account_bytes = _spans(buffer, begins + 7, acc_end)
    # "} 1234.50": one space, then the amount, whose decimal point is the first after "}"
    lead = raw[cl + 2]
    if not ((raw[cl + 1] == 32) & (((lead >= 48) & (lead <= 57)) | (lead == 45))).all():
        return None
    k = kc + 1  # the next mark after the "}" must be the amount's point
    if (k >= len(marks)).any():
        return None
    dot = marks[k]
    if (raw[dot] != 46).any():
        return None
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
    if not (~spaced | dated | (nxt == 34) | (nxt == 13) | (nxt == 10) | (nxt == 32)).all():
        return None
    # the amount in öre: the integer part, strictly parsed (arrow refuses spaces, tabs and
    # quotes, so a range running past the amount into the next field cannot parse), and two
    # decimal digits
    negative = lead == 45
    first_digit = raw[cl + 2 + negative]
    if not ((first_digit >= 48) & (first_digit <= 57)).all():
        return None
    d1 = raw[dot + 1].astype(np.int64) - 48
    d2 = raw[dot + 2].astype(np.int64) - 48
    if not ((d1 >= 0) & (d1 <= 9) & (d2 >= 0) & (d2 <= 9)).all():
        return None
    try:
        whole = _np(pc.cast(_spans(buffer, cl + 2 + negative, dot), pa.int64()))
    except pa.ArrowInvalid:
        return None
    if (whole < 0).any():
        return None
    ore_np = whole * 100 + d1 * 10 + d2
    if float(np.abs(ore_np).sum(dtype=np.float64)) >= _ORE_CHUNK_LIMIT:
        return None
    ore = _arrow(np.where(negative, -ore_np, ore_np))
    # a date is read only where eight digits stand (any other row is unproven, below)
    day, digits = _yyyymmdd(raw, stop + 1)
    dated &= digits
    days = np.where(dated, day, _NO_DAY)
    accounts = pc.cast(account_bytes, pa.string())
    objects = _spans(buffer, op + 1, cl)
    # what the positions prove is the whole line when the amount ends it; a row with more
    # after its amount (a date, a text …) has the rest of its shape still to be proved
    ends_line = (after == 10) | (
        (after == 13) & (raw[np.minimum(stop + 1, last)] == 10) & (stop + 2 == ends)
    )
    # where a dated row's rest after its date begins (-1: not dated, or nothing after the amount)
    tails = np.where(dated & ~ends_line, stop + 9, -1)
    return accounts, objects, None, days, ore, ~ends_line, tails


def _texts(arr: Any, encoding: str = "ascii") -> list[str]:
    """A column (no newlines in it, no nulls) as Python strings: joined, decoded and split in one go."""
    if len(arr) == 0:
        return []
    binary = arr.type == pa.binary()
    whole = pa.ListArray.from_arrays(_array([0, len(arr)], pa.int32()), arr)
    joined = pc.binary_join(whole, _scalar("\n", pa.binary() if binary else pa.string()))[0].as_py()
    text: str = joined.decode(encoding) if binary else joined
    return text.split("\n")


def _coded(arr: Any, encoding: str = "ascii") -> tuple[Any, list[str]]:
    """A column (no newlines, no nulls) as codes (numpy int64) of its distinct values."""
    encoded = pc.dictionary_encode(arr)
    return _np(encoded.indices).astype(np.int64), _texts(encoded.dictionary, encoding)


def _shared(arr: Any, encoding: str = "ascii") -> list[str]:
    """A column (no newlines, no nulls) as Python strings, one object per distinct value."""
    codes, values = _coded(arr, encoding)
    return list(map(values.__getitem__, codes.tolist()))


def _ints(arr: Any) -> list[int]:
    values: list[int] = _np(arr).tolist()
    return values


def _decoded(arr: Any, encoding: str) -> list[str]:
    """A binary column as Python strings in the file's encoding ("" for a missing field)."""
    return _texts(pc.fill_null(_unquote(arr), _scalar(b"", pa.binary())), encoding)


def _tree(
    st: ReadState,
    ver: Any,
    trans: Any,
    ver_line: Any,
    row_line: Any,
    voucher_of: Any,
    inner: Any,
    parsed: list[Objects],
    series_arr: Any,
    numbers_arr: Any,
    lineno: int,
    encoding: str,
) -> list[Voucher]:
    """The candidate vouchers as the line reader would build them (file order)."""
    cache = st.date_cache
    day_of: dict[str, dt.date | None] = {"": None, '""': None}
    for text, value in cache.items():
        if isinstance(value, tuple):
            day_of[text] = value[0]
    get_day = day_of.get
    n_cv = len(ver_line)
    rows: list[Transaction] = []
    if trans is not None and len(row_line):
        objects = list(map(parsed.__getitem__, _ints(inner.indices)))
        amounts = list(map(Decimal, _texts(_ascii(trans.field("amount")))))
        dates = list(
            map(
                get_day,
                _texts(_ascii(pc.fill_null(trans.field("date"), _scalar(b"", pa.binary())))),
            )
        )
        texts = _decoded(trans.field("text"), encoding)
        qty_texts = _decoded(trans.field("qty"), encoding)
        quantities: dict[str, Decimal | None] = {"": None}
        for q in set(qty_texts):
            if q not in quantities:
                quantities[q] = parse_amount(q)[0]
        signs = _decoded(trans.field("sign"), encoding)
        lines = (row_line + (lineno + 1)).tolist()
        rows = list(
            map(
                Transaction._make,
                zip(
                    _texts(_ascii(trans.field("account"))),
                    objects,
                    amounts,
                    dates,
                    texts,
                    map(quantities.__getitem__, qty_texts),
                    signs,
                    lines,
                    strict=True,
                ),
            )
        )
    counts = np.bincount(voucher_of, minlength=n_cv).tolist() if len(row_line) else [0] * n_cv
    v_dates = list(map(get_day, _texts(_ascii(ver.field("date")))))
    v_texts = _decoded(ver.field("text"), encoding)
    v_regs = _decoded(ver.field("reg"), encoding)
    v_signs = _decoded(ver.field("sign"), encoding)
    v_lines = (ver_line + (lineno + 1)).tolist()
    registered: dict[str, dt.date | None] = {"": None}
    for reg in set(v_regs):
        if reg not in registered:
            value = cache.get(reg) if reg in cache else st.date_period(reg)
            registered[reg] = value[0] if isinstance(value, tuple) else None
    groups = []
    start = 0
    for size in counts:
        groups.append(tuple(rows[start : start + size]))
        start += size
    empty = [()] * n_cv
    return list(
        map(
            Voucher._make,
            zip(
                _texts(series_arr, encoding),
                _texts(numbers_arr, encoding),
                v_dates,
                v_texts,
                groups,
                empty,
                empty,
                map(registered.__getitem__, v_regs),
                v_signs,
                v_lines,
                strict=True,
            ),
        )
    )


@dataclass(slots=True)
class _PeriodPlan:
    """Which lines of a stretch are period balances read at once, and those rows."""

    good: Any
    rows: list[PeriodBalance]
    account_lines: dict[str, int]
    pair_lines: dict[tuple[str, str], int]
    year_of: dict[int, Any]
    n_lines: int


def _period_fields(data: bytes, offsets: Any, at: Any) -> dict[str, Any]:
    """The fields of the period balance lines ``at`` (proved by ``_PERIOD_OK``), by position.

    Such a line is "#PSALDO" or "#PBUDGET", three fields (year, month, account), the
    object list between the line's first "{" and the "}" after it (a list holds no
    braces), and one or two numbers; fields are parted by spaces and tabs. Returns the
    labels and fields as arrow arrays (``qty`` "" where there is none).
    """
    raw = np.frombuffer(data, np.uint8)
    starts = offsets[:-1][at].astype(np.int64)
    ends = offsets[1:][at].astype(np.int64)
    budget = raw[starts + 2] == 66  # "#PBUDGET" (else "#PSALDO")
    opens = np.flatnonzero(raw == 123)
    op = opens[np.searchsorted(opens, starts)]
    closes = np.flatnonzero(raw == 125)
    cl = closes[np.searchsorted(closes, op)]
    buffer = pa.py_buffer(data)
    head = pc.list_flatten(
        pc.ascii_split_whitespace(
            pc.cast(_spans(buffer, starts + np.where(budget, 8, 7), op), pa.string())
        )
    )
    tail = pc.ascii_split_whitespace(pc.cast(_spans(buffer, cl + 1, ends), pa.string()))
    tail_at = _np(tail.offsets).astype(np.int64)
    numbers = pc.list_flatten(tail)
    # both spans begin with a blank and end with one (or the line end): the splits begin
    # and end with an empty field
    has_qty = np.diff(tail_at) == 4
    blank = len(numbers)
    numbers = pa.concat_arrays([numbers, _array([""], pa.string())])
    n = len(at)
    return {
        "label": pc.take(
            _array(["PSALDO", "PBUDGET"], pa.string()), _arrow(budget.astype(np.int8))
        ),
        "year": pc.take(head, _arrow(np.arange(1, 5 * n, 5))),
        "period": pc.take(head, _arrow(np.arange(2, 5 * n, 5))),
        "account": pc.take(head, _arrow(np.arange(3, 5 * n, 5))),
        "objects": _spans(buffer, op + 1, cl),
        "amount": pc.take(numbers, _arrow(tail_at[:-1] + 1)),
        "qty": pc.take(numbers, _arrow(np.where(has_qty, tail_at[:-1] + 2, blank))),
    }


def _period_plan(r: VectorReader, data: bytes, lineno: int) -> _PeriodPlan | None:
    st = r.state
    encoding = st.encoding or "ascii"
    lines = _lines(data)
    n_lines = len(lines)
    # the shape proved with a match (a fast DFA), the fields then taken by position
    good = _lines_match(lines, _PERIOD_OK)
    if not good.any():
        return None
    at = np.flatnonzero(good)
    offsets = np.frombuffer(lines.buffers()[1], np.int32, n_lines + 1)
    fields = _period_fields(data, offsets, at)
    year_of, year_texts = _coded(fields["year"])
    month_of, periods_of = _coded(fields["period"])
    periods = list(map(periods_of.__getitem__, month_of.tolist()))
    # the year must be known and the month real and inside it, else the line reader says so
    combination = year_of * len(periods_of) + month_of
    used = np.flatnonzero(np.bincount(combination, minlength=len(year_texts) * len(periods_of)))
    year_in: list[int | None] = [None] * (len(year_texts) * len(periods_of))
    for code in used.tolist():
        year, month = int(year_texts[code // len(periods_of)]), periods_of[code % len(periods_of)]
        rar = st.years.get(year)
        value = st.date_cache.get(month + "01") if month + "01" in st.date_cache else None
        if value is None:
            value = st.date_period(month + "01")
        inside = (
            rar is not None
            and value is not None
            and ymd(rar.start)[:6] <= month <= ymd(rar.end)[:6]
        )
        year_in[code] = year if inside else None
    year_numbers = list(map(year_in.__getitem__, combination.tolist()))
    inner = pc.dictionary_encode(fields["objects"])
    split = _split(r, inner.dictionary, encoding, _pairs_of)
    parsed = _list_pairs(split)
    list_of = _np(inner.indices).astype(np.int64)
    objects = list(map(parsed.__getitem__, list_of.tolist()))
    labels = _shared(fields["label"])
    accounts = _shared(fields["account"])
    amount_of, amount_texts = _coded(fields["amount"])
    amounts = list(map(list(map(Decimal, amount_texts)).__getitem__, amount_of.tolist()))
    qty_of, qty_texts = _coded(fields["qty"])
    quantity_of = [Decimal(q) if q else None for q in qty_texts]  # few distinct
    quantities = list(map(quantity_of.__getitem__, qty_of.tolist()))
    line_numbers = (at + (lineno + 1)).tolist()
    # a line whose year or month the line reader would find fault with, or whose object
    # list is broken, is left to it
    known = np.fromiter(map(operator.is_not, year_numbers, itertools.repeat(None)), np.bool_)
    whole = np.fromiter(map(operator.is_not, parsed, itertools.repeat(None)), np.bool_)
    ok = known & whole[list_of]
    keep = ok.tolist()
    rows: list[PeriodBalance] = list(
        itertools.compress(
            map(
                _PERIOD_BALANCE,
                zip(
                    labels,
                    year_numbers,
                    periods,
                    accounts,
                    objects,
                    amounts,
                    quantities,
                    line_numbers,
                    strict=True,
                ),
            ),
            keep,
        )
    )
    kept_lines = list(itertools.compress(line_numbers, keep))
    # first uses: the earliest line of each account, and of each pair through its lists
    earliest = dict(
        zip(reversed(list(itertools.compress(accounts, keep))), reversed(kept_lines), strict=True)
    )
    account_lines = dict(sorted(earliest.items(), key=lambda item: item[1]))  # in file order
    lists, first = _first_seen(list_of[ok])
    pair_lines = _pair_lines(split, lists, np.asarray(kept_lines, np.int64)[first])
    good[at[~ok]] = False
    if not good.any():
        return None
    return _PeriodPlan(good, rows, account_lines, pair_lines, dict(st.years), n_lines)


def _period_commit(r: VectorReader, plan: _PeriodPlan, data: bytes, lineno: int) -> int:
    """Append the period balances read, in file order with what the line reader reads between."""
    st = r.state
    good = plan.good
    change = np.flatnonzero(np.diff(good.astype(np.int8))) + 1
    bounds = [0, *change.tolist(), len(good)]
    starts = np.concatenate(([0], np.flatnonzero(np.frombuffer(data, np.uint8) == 10) + 1))
    taken = 0
    for a, z in itertools.pairwise(bounds):
        n = z - a
        if good[a] and st.at_rest() and st.years == plan.year_of:
            st.period_balances.extend(plan.rows[taken : taken + n])
            r.vectorised += n
        elif good[a]:
            # the line reader's state changed what these lines mean: it reads them
            r.handed_over += n
            r.line_reader(data[starts[a] : starts[z]], lineno + a)
            plan.rows[taken : taken + n] = []
            continue
        else:
            r.handed_over += n
            r.line_reader(data[starts[a] : starts[z]], lineno + a)
            continue
        taken += n
    if taken:
        st.has_money = True
    st.note_first_use(plan.account_lines, plan.pair_lines)
    return lineno + plan.n_lines


if AVAILABLE:
    _ZERO = _scalar(0, pa.int32())
    _ZERO32 = _scalar(0, pa.int32())
    _ONE32 = _scalar(1, pa.int32())
    _TWO = _scalar(2, pa.int32())
