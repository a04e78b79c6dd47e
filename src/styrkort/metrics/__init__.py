"""Computed indicators: named, documented computations over ticket, call, HR and survey data.

The one entry point is ``compute(metric, path, profile=..., params=..., period=...)``:
it reads ``path`` with the named profile (``styrkort.sources.logs``), runs
the metric in DuckDB (or in Decimal, for the small HR tables) and returns a
``MetricResult`` whose ``definition`` is the Swedish formula with every
parameter's value, to print beside the figure. It never raises on bad input:
an unknown metric or profile, a bad parameter or an unreadable file gives a
result with ``value=None`` and an error finding. Definitions: docs/metrics.md.
"""

from __future__ import annotations

import dataclasses
import datetime
import pathlib
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from styrkort.core.findings import Finding, Source, error
from styrkort.metrics import calls, hme, sickleave, tickets
from styrkort.metrics._common import Metric, MetricResult, Param, ParamError
from styrkort.sources.logs import PROFILES, Profile, UnreadableInput, load, profile_param_names
from styrkort.sources.logs._sql import forget

__all__ = [
    "METRICS",
    "PROFILES",
    "Metric",
    "MetricRequest",
    "MetricResult",
    "Param",
    "clear_cache",
    "compute",
    "compute_many",
]

METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric(
            "first-response-within",
            "tickets",
            "%",
            "Andel ärenden där första återkoppling skett inom en tidsgräns.",
            tickets.FIRST_RESPONSE_PARAMS,
            tickets.first_response_within,
            tickets.prepare_first_response_within,
        ),
        Metric(
            "resolved-within",
            "tickets",
            "%",
            "Andel ärenden lösta inom en tidsgräns.",
            tickets.RESOLVED_PARAMS,
            tickets.resolved_within,
            tickets.prepare_resolved_within,
        ),
        Metric(
            "first-level-resolution",
            "tickets",
            "%",
            "Andel lösta ärenden som lösts av servicedesken på första nivån utan eskalering.",
            tickets.FLR_PARAMS,
            tickets.first_level_resolution,
            tickets.prepare_first_level_resolution,
        ),
        Metric(
            "handling-time",
            "tickets",
            "h",
            "Genomsnittlig handläggningstid (öppnat → löst) i timmar; median bredvid.",
            tickets.HANDLING_PARAMS,
            tickets.handling_time,
            tickets.prepare_handling_time,
        ),
        Metric(
            "delivered-within",
            "tickets",
            "%",
            "Andel ärenden i en kategori (t.ex. beställningar) levererade inom N dagar.",
            tickets.DELIVERED_PARAMS,
            tickets.delivered_within,
            tickets.prepare_delivered_within,
        ),
        Metric(
            "service-level",
            "calls",
            "%",
            "Andel samtal besvarade inom en svarstid; avbrutna samtal enligt parameter.",
            calls.SERVICE_LEVEL_PARAMS,
            calls.service_level,
        ),
        Metric(
            "speed-of-answer",
            "calls",
            "s",
            "Genomsnittlig väntetid till svar (ASA) i sekunder; median bredvid.",
            calls.SPEED_PARAMS,
            calls.speed_of_answer,
        ),
        Metric(
            "abandon-rate",
            "calls",
            "%",
            "Andel samtal som avbrutits i kön.",
            calls.ABANDON_PARAMS,
            calls.abandon_rate,
        ),
        Metric(
            "sick-leave",
            "sick-leave",
            "%",
            "Sjukfrånvaro: de sju nyckeltalen enligt LKBR/SKR.",
            sickleave.PARAMS,
            sickleave.sick_leave,
        ),
        Metric(
            "hme", "hme", "index", "HME-index: fråge-, del- och totalindex.", hme.PARAMS, hme.hme
        ),
    )
}

# sick-leave/hme report a share or an index by part; the unit of a sick-leave part is always "%".


_LOCK = threading.Lock()
_CACHE: dict[tuple[Any, ...], tuple[Any, Any]] = {}
CACHE_SIZE = 1
"""How many read files (DuckDB connections holding their tables) are kept between calls."""


def _close(con: Any) -> None:
    forget(con)
    con.close()


def clear_cache() -> None:
    """Forget the files read by earlier ``compute`` calls and free their memory."""
    with _LOCK:
        for con, _ in _CACHE.values():
            _close(con)
        _CACHE.clear()


def _cache_key(
    path: pathlib.Path, profile: Profile, params: Mapping[str, str]
) -> tuple[Any, ...] | None:
    try:
        stat = path.stat()
        mapping = params.get("mapping")
        mapping_stamp = (path.parent / mapping).stat().st_mtime_ns if mapping else None
    except OSError:
        return None
    return (
        str(path.resolve()),
        stat.st_mtime_ns,
        stat.st_size,
        profile.name,
        tuple(sorted(params.items())),
        mapping_stamp,
    )


def _materialize(con: Any, kind: str) -> None:
    """Turn a ``tickets``/``calls`` view over in-memory rows (CSV, XLSX) into a table.

    Views over Parquet stay views: DuckDB reads only the columns a metric
    needs, which is as fast as scanning a materialised copy and needs no
    memory for one (docs/performance.md).
    """
    name = {"tickets": "tickets", "calls": "calls"}.get(kind)
    if name is None:
        return
    views = {
        v for (v,) in con.execute("SELECT view_name FROM duckdb_views() WHERE temporary").fetchall()
    }
    if name in views and "raw" not in views:
        con.execute(f"CREATE TEMP TABLE {name}_table AS SELECT * FROM {name}")
        con.execute(f"DROP VIEW {name}")
        con.execute(f"ALTER TABLE {name}_table RENAME TO {name}")
    if "raw" not in views:  # rows already turned into tables; a Parquet view stays
        con.execute("DROP TABLE IF EXISTS raw")
    con.execute("DROP TABLE IF EXISTS ev")


def _open(path: pathlib.Path, prof: Profile, params: Mapping[str, str]) -> tuple[Any, Any]:
    """A connection holding ``path`` read with ``prof`` (cached), and the LoadedLog. Call under _LOCK."""
    import duckdb

    key = _cache_key(path, prof, params)
    if key is not None and key in _CACHE:
        return _CACHE[key]
    con = duckdb.connect(":memory:")
    try:
        loaded = load(con, path, prof, params)
        _materialize(con, loaded.kind)
    except BaseException:
        _close(con)
        raise
    if key is not None:
        while len(_CACHE) >= CACHE_SIZE and _CACHE:
            old = next(iter(_CACHE))
            _close(_CACHE.pop(old)[0])
        _CACHE[key] = (con, loaded)
    return con, loaded


def _failed(metric: str, unit: str, definition: str, findings: list[Finding]) -> MetricResult:
    return MetricResult(
        metric=metric,
        value=None,
        unit=unit,
        numerator=None,
        denominator=None,
        count=0,
        definition=definition,
        details={},
        findings=tuple(findings),
    )


@dataclass(frozen=True, slots=True)
class MetricRequest:
    """One indicator to compute: the arguments of ``compute`` as a value."""

    metric: str
    path: pathlib.Path
    profile: str
    params: Mapping[str, str] | None = None
    period: tuple[datetime.date, datetime.date] | None = None


@dataclass
class _Checked:
    spec: Metric
    prof: Profile
    metric_params: dict[str, str]
    profile_params: dict[str, str]


def _check(req: MetricRequest) -> _Checked | MetricResult:
    """The metric, profile and split parameters of a request, or a failed result."""
    metric, profile, period = req.metric, req.profile, req.period
    source = Source(str(req.path))
    spec = METRICS.get(metric)
    if spec is None:
        return _failed(
            metric,
            "",
            f"Okänt mått {metric}.",
            [
                error(
                    source,
                    "metric.unknown_metric",
                    f'Måttet "{metric}" finns inte.',
                    "Kända mått: " + ", ".join(METRICS) + " (styrkort metrics list).",
                )
            ],
        )
    prof: Profile | None = PROFILES.get(profile)
    if prof is None:
        return _failed(
            metric,
            spec.unit,
            f"{spec.description} Profilen {profile} finns inte.",
            [
                error(
                    source,
                    "metric.unknown_profile",
                    f'Profilen "{profile}" finns inte.',
                    "Kända profiler: " + ", ".join(PROFILES) + " (styrkort metrics list).",
                )
            ],
        )
    if prof.kind != spec.kind:
        return _failed(
            metric,
            spec.unit,
            spec.description,
            [
                error(
                    source,
                    "metric.wrong_profile",
                    f"Måttet {metric} behöver {spec.kind}-data, men profilen {profile} läser {prof.kind}-data.",
                    "Välj en profil av rätt slag (styrkort metrics list).",
                )
            ],
        )
    if period is not None and period[0] > period[1]:
        return _failed(
            metric,
            spec.unit,
            spec.description,
            [
                error(
                    source,
                    "metric.period",
                    f"Perioden {period[0]}–{period[1]} slutar före den börjar.",
                    "Ange perioden som FRÅN..TILL.",
                )
            ],
        )
    metric_params = spec.defaults()
    profile_params: dict[str, str] = {}
    allowed = profile_param_names(prof)
    unknown: list[str] = []
    for key, value in dict(req.params or {}).items():
        if key in metric_params:
            metric_params[key] = str(value)
        elif key in allowed:
            profile_params[key] = str(value)
        else:
            unknown.append(key)
    if unknown:
        return _failed(
            metric,
            spec.unit,
            spec.description,
            [
                error(
                    source,
                    "metric.unknown_parameter",
                    f"Okänd parameter {', '.join(sorted(unknown))} för måttet {metric} med profilen {profile}.",
                    "Parametrar: "
                    + ", ".join([*metric_params, *sorted(allowed)])
                    + " (styrkort metrics list).",
                )
            ],
        )
    return _Checked(spec, prof, metric_params, profile_params)


def _with_load_findings(result: MetricResult, loaded_findings: list[Finding]) -> MetricResult:
    return dataclasses.replace(result, findings=(*loaded_findings, *result.findings))


def _param_failure(
    spec: Metric, req: MetricRequest, exc: ParamError, loaded: list[Finding]
) -> MetricResult:
    return _failed(
        req.metric,
        spec.unit,
        spec.description,
        [
            *loaded,
            error(
                Source(str(req.path)),
                "metric.parameter",
                exc.message,
                exc.hint,
                parameter=exc.name,
                value=exc.value,
            ),
        ],
    )


def _query_failure(
    spec: Metric, req: MetricRequest, exc: Exception, loaded: list[Finding]
) -> MetricResult:
    return _failed(
        req.metric,
        spec.unit,
        spec.description,
        [
            *loaded,
            error(
                Source(str(req.path)),
                "metric.computation",
                f"Beräkningen misslyckades ({type(exc).__name__}: {str(exc).splitlines()[0]}).",
                "Kontrollera kolumnmappningen och filens innehåll.",
            ),
        ],
    )


def compute_many(requests: Sequence[MetricRequest]) -> list[MetricResult]:
    """Compute several indicators; results in the order of ``requests``.

    Requests over the same file and profile read it once, and ticket metrics
    over the same file and clock are answered by one scan of the tickets
    (the figures are those ``compute`` gives one by one). Never raises on bad
    input, as ``compute``.
    """
    import duckdb

    results: list[MetricResult | None] = [None] * len(requests)
    groups: dict[tuple[Any, ...], list[tuple[int, _Checked]]] = {}
    for i, req in enumerate(requests):
        checked = _check(req)
        if isinstance(checked, MetricResult):
            results[i] = checked
            continue
        key = (
            str(pathlib.Path(req.path)),
            checked.prof.name,
            tuple(sorted(checked.profile_params.items())),
        )
        groups.setdefault(key, []).append((i, checked))
    with _LOCK:
        for members in groups.values():
            first_req = requests[members[0][0]]
            path = pathlib.Path(first_req.path)
            try:
                con, loaded = _open(path, members[0][1].prof, members[0][1].profile_params)
            except UnreadableInput as exc:
                for i, checked in members:
                    results[i] = _failed(
                        requests[i].metric,
                        checked.spec.unit,
                        checked.spec.description,
                        [error(Source(str(exc.path)), exc.code, exc.message, exc.hint)],
                    )
                continue
            except (duckdb.Error, ValueError, TypeError, ArithmeticError, LookupError) as exc:
                for i, checked in members:
                    results[i] = _query_failure(checked.spec, requests[i], exc, [])
                continue
            load_findings = list(loaded.findings)
            plans: list[tickets.TicketPlan] = []
            plan_of: list[int] = []
            for i, checked in members:
                req = requests[i]
                try:
                    if checked.spec.prepare is not None:
                        plans.append(
                            checked.spec.prepare(con, loaded, checked.metric_params, req.period)
                        )
                        plan_of.append(i)
                    else:
                        result = checked.spec.run(con, loaded, checked.metric_params, req.period)
                        results[i] = _with_load_findings(result, load_findings)
                except ParamError as exc:
                    results[i] = _param_failure(checked.spec, req, exc, load_findings)
                except (duckdb.Error, ValueError, TypeError, ArithmeticError, LookupError) as exc:
                    results[i] = _query_failure(checked.spec, req, exc, load_findings)
            for batch in tickets.batches(plans):
                chosen = [plans[j] for j in batch]
                try:
                    aggs = tickets.run_plans(con, loaded, chosen)
                except (duckdb.Error, ValueError, TypeError, ArithmeticError, LookupError) as exc:
                    for j in batch:
                        i = plan_of[j]
                        spec = METRICS[requests[i].metric]
                        results[i] = _query_failure(spec, requests[i], exc, load_findings)
                    continue
                for j, agg in zip(batch, aggs, strict=True):
                    finish = plans[j].finish
                    assert finish is not None
                    results[plan_of[j]] = _with_load_findings(finish(agg), load_findings)
    assert all(r is not None for r in results), "every request has its result"
    return [r for r in results if r is not None]


def compute(
    metric: str,
    path: pathlib.Path,
    *,
    profile: str,
    params: Mapping[str, str] | None = None,
    period: tuple[datetime.date, datetime.date] | None = None,
) -> MetricResult:
    """Compute ``metric`` over the file ``path`` read with ``profile``.

    ``params`` mixes metric parameters (see ``METRICS[metric].params``) and
    profile parameters (``col.<logical>=<header>``, ``mapping=FILE`` and the
    profile's own). ``period`` is an inclusive date range; records are
    selected by their opening (tickets) or arrival (calls) date.
    """
    return compute_many([MetricRequest(metric, pathlib.Path(path), profile, params, period)])[0]
