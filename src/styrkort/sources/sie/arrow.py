"""The arrow compute functions the vectorised reader uses, without ``import pyarrow.compute``.

``pyarrow.compute`` writes a Python wrapper for each of arrow's ~300 functions when it
is imported: 0.03 s of CPU in every process, a fifteenth of reading a 50 MB SIE file,
for the two dozen this reader calls. Here each is called through ``pyarrow._compute``
with the options ``pyarrow.compute``'s wrapper would pass (its defaults), and the array
methods that import ``pyarrow.compute`` on first use (``cast``, ``take``,
``dictionary_encode``, ``flatten``) have a function here instead.

Import this module only where pyarrow is installed (vector.py does, inside its guard).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from pyarrow import _compute

POOL = pa.system_memory_pool()
"""Where the results are allocated: the C library's malloc, as numpy's arrays are, not
arrow's default pool (mimalloc), which keeps its own blocks besides: 50 MB less peak
memory in the sums of a 50 MB file, in the same time (see vector.settle_malloc)."""


def _call(name: str, args: list[Any], options: Any = None) -> Any:
    return _compute.call_function(name, args, options, POOL)


def _match(name: str) -> Any:
    def function(arr: Any, pattern: bytes | str) -> Any:
        return _call(name, [arr], _compute.MatchSubstringOptions(pattern))

    function.__name__ = name
    return function


def _plain(name: str) -> Any:
    def function(*args: Any) -> Any:
        return _call(name, list(args))

    function.__name__ = name
    return function


match_substring_regex = _match("match_substring_regex")
starts_with = _match("starts_with")
ends_with = _match("ends_with")
find_substring = _match("find_substring")

# the names are pyarrow.compute's (some are builtins' too)
abs = _plain("abs")
all = _plain("all")
and_ = _plain("and")
any = _plain("any")
ascii_split_whitespace = _plain("ascii_split_whitespace")
binary_join = _plain("binary_join")
binary_length = _plain("binary_length")
equal = _plain("equal")
greater_equal = _plain("greater_equal")
if_else = _plain("if_else")
invert = _plain("invert")
less = _plain("less")
list_flatten = _plain("list_flatten")
not_equal = _plain("not_equal")
subtract = _plain("subtract")
sum = _plain("sum")
unique = _plain("unique")
utf8_length = _plain("utf8_length")


def extract_regex(arr: Any, pattern: bytes | str) -> Any:
    return _call("extract_regex", [arr], _compute.ExtractRegexOptions(pattern))


def replace_substring(arr: Any, pattern: bytes | str, replacement: bytes | str) -> Any:
    return _call("replace_substring", [arr], _compute.ReplaceSubstringOptions(pattern, replacement))


def binary_slice(arr: Any, start: int, stop: int) -> Any:
    return _call("binary_slice", [arr], _compute.SliceOptions(start, stop))


def take(data: Any, indices: Any) -> Any:
    return _call("take", [data, indices], _compute.TakeOptions(boundscheck=True))


def filter(data: Any, mask: Any) -> Any:
    return _call("filter", [data, mask], _compute.FilterOptions("drop"))


def cast(arr: Any, target_type: Any) -> Any:
    """A safe cast (an overflow or a value not of the type is an error), as ``Array.cast``."""
    return _call("cast", [arr], _compute.CastOptions.safe(target_type))


def dictionary_encode(arr: Any) -> Any:
    return _call("dictionary_encode", [arr], _compute.DictionaryEncodeOptions("mask"))


def fill_null(values: Any, fill_value: Any) -> Any:
    """``values`` with each null replaced by ``fill_value`` (an arrow scalar or array)."""
    if fill_value.type != values.type:
        fill_value = cast(fill_value, values.type)
    return _call("coalesce", [values, fill_value])


__all__ = [
    "POOL",
    "abs",
    "all",
    "and_",
    "any",
    "ascii_split_whitespace",
    "binary_join",
    "binary_length",
    "binary_slice",
    "cast",
    "dictionary_encode",
    "ends_with",
    "equal",
    "extract_regex",
    "fill_null",
    "filter",
    "find_substring",
    "greater_equal",
    "if_else",
    "invert",
    "less",
    "list_flatten",
    "match_substring_regex",
    "not_equal",
    "replace_substring",
    "starts_with",
    "subtract",
    "sum",
    "take",
    "unique",
    "utf8_length",
]
