"""Small SQL helpers shared by the readers and the metrics."""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Any

MAX_DISTINCT = 10_000


def literal(value: object) -> str:
    """A SQL literal for a value DuckDB gave back (str, int, float, bool)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


_DISTINCT: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], list[tuple[Any, ...]]]] = (
    weakref.WeakKeyDictionary()
)


def distinct_values(con: Any, table: str, column: str) -> list[tuple[Any, ...]]:
    """The distinct non-null values of ``column`` (at most MAX_DISTINCT + 1), cached per connection."""
    cache = _DISTINCT.setdefault(con, {})
    key = (table, column)
    if key not in cache:
        cache[key] = con.execute(
            f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL LIMIT {MAX_DISTINCT + 1}"
        ).fetchall()
    return cache[key]


def forget(con: Any) -> None:
    """Drop the cached distinct values of a connection (call before closing it)."""
    _DISTINCT.pop(con, None)


def value_condition(con: Any, table: str, column: str, wanted: Iterable[str]) -> str:
    """SQL condition: ``column`` holds one of ``wanted``, compared trimmed and case-insensitively.

    Instead of ``lower(trim(column)) IN (...)`` on every row (costly on ten
    million rows), the column's distinct values are read once, matched in
    Python, and the condition names the exact stored values, whatever their
    type. Falls back to the row-wise form for high-cardinality columns.
    """
    keys = {w.strip().lower() for w in wanted if w.strip()}
    if not keys:
        return "FALSE"
    rows = distinct_values(con, table, column)
    if len(rows) > MAX_DISTINCT:
        listed = ", ".join(literal(k) for k in sorted(keys))
        return f"(lower(trim(CAST({column} AS VARCHAR))) IN ({listed}))"
    hits = [v for (v,) in rows if str(v).strip().lower() in keys]
    if not hits:
        return "FALSE"
    return f"({column} IN ({', '.join(literal(v) for v in hits)}))"
