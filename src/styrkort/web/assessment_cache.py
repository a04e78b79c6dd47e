"""A worker's cache of assessed periods, keyed by everything the assessment reads.

The overview and the indicator page run the pipeline over the whole period on every request
(the screens show what the report would say). For an organisation with 500 indicators and
ten years of history that is most of a request's time: mapping the rows to core values and
assessing them costs ~100 ms while reading them costs ~20 ms. So the rows are still read on
every request (the same queries as before, whatever the number of years), and when they are
exactly what an earlier request of this process read, its result is reused.

The key is the content, not a version number: every column of every row the workspace is
built from (the period, its organisation, members, goals, indicators, finance, narrative,
the follow-up value, and the earlier periods' outcomes), compared in full on a hit, so no
change by any path (a form, the API, an import, the admin, a shell) can be missed. Periods
with computed indicators are not cached (their data files would be part of the key).

The rows are read as plain tuples (``mapping.fetch_rows``: what the key is made of) and
built into model instances only for content this process has not seen; a request gets
copies of those (``period_rows``), so a screen may change its own.

The results are frozen values (core, report), shared read-only by the requests that hit.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.db.models import JSONField, Model
from django.db.models.base import ModelState

from styrkort.pipeline import PipelineResult
from styrkort.web import models as m
from styrkort.web.mapping import ROW_TABLES, PeriodRows, fetch_rows, rows_from

# A few periods per worker: the busy ones. One assessed period of 500 indicators is a few MB.
SIZE = 8
_cache: OrderedDict[Hashable, PipelineResult] = OrderedDict()
# (period id, content) → the rows built as model instances (never handed out: copies are)
_rows: OrderedDict[tuple[int, str], PeriodRows] = OrderedDict()
_lock = threading.Lock()
# id(result) → (result, name → value): what screens derive from a cached result
_derived: dict[int, tuple[PipelineResult, dict[str, Any]]] = {}
T = TypeVar("T")
M = TypeVar("M", bound=Model)


def _cell(value: Any) -> Hashable:
    if isinstance(value, list | dict):
        return repr(value)  # JSON columns (history, metric, kolada)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def row_key(row: Any) -> tuple[Hashable, ...]:
    """Every column of a model instance as loaded (the cached relations are not columns)."""
    return (type(row).__name__, *(_cell(v) for k, v in row.__dict__.items() if k != "_state"))


def get_or_run(key: Hashable, run: Callable[[], PipelineResult]) -> PipelineResult:
    """The cached result for ``key``, or ``run()``'s, remembered."""
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    result = run()
    with _lock:
        _cache[key] = result
        while len(_cache) > SIZE:
            _, gone = _cache.popitem(last=False)
            _derived.pop(id(gone), None)
    return result


def derived(result: PipelineResult, name: str, build: Callable[[], T]) -> T:
    """``build()``, remembered with a cached ``result`` (a screen's part that depends on
    nothing but the period's content, e.g. the overview's goal tables); built every time for
    a result that is not cached."""
    with _lock:
        entry = _derived.get(id(result))
        if entry is not None and entry[0] is result and name in entry[1]:
            return entry[1][name]
    value = build()
    with _lock:
        if any(r is result for r in _cache.values()):
            _derived.setdefault(id(result), (result, {}))[1][name] = value
    return value


def period_rows(period: m.Period) -> PeriodRows:
    """The period's rows (mapping.load_rows): read as plain tuples on every request, and
    built into model instances only when their content is new to this process; otherwise
    copies of the instances built before (a copy costs a tenth of building one; a screen
    may change its copies, never the remembered ones)."""
    raw = fetch_rows(period)
    content = repr(raw)
    key = (period.pk, content)
    with _lock:
        hit = _rows.get(key)
        if hit is not None:
            _rows.move_to_end(key)
    if hit is None:
        hit = rows_from(period, raw, content)
        with _lock:
            _rows[key] = hit
            while len(_rows) > SIZE:
                _rows.popitem(last=False)
    return _copy_rows(hit, period)


# model class name → its JSON columns' attribute names (the values a copy must not share)
_JSON_COLUMNS: dict[str, tuple[str, ...]] = {
    model.__name__: tuple(
        f.attname for f in model._meta.concrete_fields if isinstance(f, JSONField)
    )
    for model, _column in ROW_TABLES
}


def _copy(row: M) -> M:
    """A new instance with the same column values (JSON columns' lists and dicts copied)."""
    new = object.__new__(type(row))
    values = row.__dict__.copy()
    state = ModelState()
    state.db, state.adding = row._state.db, False
    values["_state"] = state
    for name in _JSON_COLUMNS[type(row).__name__]:
        value = values[name]
        if value:
            values[name] = copy.deepcopy(value)
    new.__dict__ = values
    return new


def _copy_rows(rows: PeriodRows, period: m.Period) -> PeriodRows:
    goals = [_copy(g) for g in rows.goals]
    goal_of = {g.pk: g for g in goals}
    indicators = []
    for ind in rows.indicators:
        mine = _copy(ind)
        mine._state.fields_cache["goal"] = goal_of[ind.goal_id]  # as load_rows sets it
        indicators.append(mine)
    return PeriodRows(
        period=period,
        members=[_copy(r) for r in rows.members],
        goals=goals,
        indicators=indicators,
        council_goals=[_copy(r) for r in rows.council_goals],
        operating=[_copy(r) for r in rows.operating],
        investments=[_copy(r) for r in rows.investments],
        frames=[_copy(r) for r in rows.frames],
        narrative=[_copy(r) for r in rows.narrative],
        content=rows.content,
    )


def run_period(period: m.Period, rows: PeriodRows, *, report: bool) -> PipelineResult:
    """The pipeline over a period without computed indicators, from the cache when the
    period's content is what an earlier request saw."""
    from styrkort.pipeline import run_workspace
    from styrkort.web.history import earlier_outcomes, earlier_rows
    from styrkort.web.mapping import workspace_of
    from styrkort.web.mapping_followup import followup_of

    earlier = earlier_rows(period)
    followup = followup_of(period)
    key = (
        period.pk,
        report,
        row_key(period),
        row_key(period.organisation),
        repr(followup),
        rows.content,
        earlier,
    )

    def run() -> PipelineResult:
        past = earlier_outcomes(period, earlier)
        return run_workspace(
            workspace_of(period, rows, earlier=past, followup=followup), None, report=report
        )

    return get_or_run(key, run)


def clear() -> None:
    with _lock:
        _cache.clear()
        _derived.clear()
        _rows.clear()
