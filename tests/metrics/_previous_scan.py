"""The ticket scan as it was before the one-pass version (kept as a test reference).

``run_plans_by_boolean_groups`` is ``styrkort.metrics.tickets.run_plans_by_features``
as of commit cd5e8ca: the tickets grouped by one BOOLEAN column per feature,
and the median and 90th percentile of each handling-time plan by a second
query. The tests check that the one-pass version gives exactly the same
``Aggregates`` (counts, sums, medians, findings).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from styrkort.metrics.tickets import Aggregates, TicketPlan, _aggregates, _clock_sql
from styrkort.sources.logs import LoadedLog


@dataclass
class _Layout:
    """Which feature bits decide a plan's class of a ticket."""

    where: list[int]
    cancelled: int | None
    duplicate: int | None
    no_start: int | None
    open: list[int]
    negative: int
    success: int | None
    sum: str | None


def run_plans_by_boolean_groups(
    con: Any, loaded: LoadedLog, plans: list[TicketPlan]
) -> list[Aggregates]:
    """One scan for many plans: group the tickets by a bit mask of yes/no features.

    Every condition any plan needs (selection, cancelled, no stop event,
    within a limit, …) is one bit, computed once per ticket however many
    plans use it; the tickets are grouped by the mask (a few dozen groups),
    and each plan's class counts are summed from the groups in Python. This
    is what makes five metrics cost little more than one.
    """
    joins, elapsed_of, _ = _clock_sql(con, plans)
    features: dict[str, int] = {}

    def bit(expr: str) -> int:
        if expr not in features:
            features[expr] = len(features)
        return features[expr]

    pairs = sorted({(p.t0, p.t1) for p in plans})
    el_name = {pair: f"e{j}" for j, pair in enumerate(pairs)}
    summed = sorted({el_name[(p.t0, p.t1)] for p in plans if p.quantiles})
    layout: list[_Layout] = []
    for p in plans:
        el = el_name[(p.t0, p.t1)]
        end = p.spec.period_end()
        success: int | None = None
        if p.limit_ms is not None:
            success = bit(f"{el} <= {p.limit_ms}")
        elif p.rule_sql is not None:
            success = bit(p.rule_sql)
        layout.append(
            _Layout(
                where=[bit(w) for w in p.where],
                cancelled=bit("cancelled") if "cancelled" in p.spec.exclude else None,
                duplicate=bit("duplicate") if "duplicates" in p.spec.exclude else None,
                no_start=bit(f"{p.t0} IS NULL") if p.t0 != "opened_at" else None,
                open=[bit(f"{p.t1} IS NULL"), *([bit(f"{p.t1} >= {end}")] if end else [])],
                negative=bit(f"{p.t1} < {p.t0}"),
                success=success,
                sum=el if p.quantiles else None,
            )
        )
    names = [f"f{j}" for j in range(len(features))]
    inner = ", ".join(f"{elapsed_of(a, b)} AS {el_name[(a, b)]}" for a, b in pairs)
    flags = ", ".join(f"{expr} AS f{j}" for expr, j in features.items())
    sums = "".join(f", sum({e})" for e in summed)
    sql = f"""
        SELECT {", ".join(names)}, count(*){sums}
        FROM (SELECT {flags}{"".join(f", {e}" for e in summed)}
              FROM (SELECT *, {inner} FROM tickets {joins}))
        GROUP BY ALL
    """
    groups = con.execute(sql).fetchall()
    results: list[Aggregates] = []
    for p, lay in zip(plans, layout, strict=True):
        counts = dict.fromkeys(range(7), 0)
        total_ms = 0
        nf = len(names)
        for g in groups:

            def on(b: int | None, g: tuple[Any, ...] = g) -> bool:
                return b is not None and g[b] is True

            if not all(on(b) for b in lay.where):
                continue
            if on(lay.cancelled):
                k = 0
            elif on(lay.duplicate):
                k = 1
            elif on(lay.no_start):
                k = 2
            elif any(on(b) for b in lay.open):
                k = 3
            elif on(lay.negative):
                k = 4
            elif lay.success is None or on(lay.success):
                k = 5
            else:
                k = 6
            counts[k] += int(g[nf])
            if k in (5, 6) and lay.sum is not None:
                value = g[nf + 1 + summed.index(lay.sum)]
                total_ms += int(value) if value is not None else 0
        median = p90 = None
        if p.quantiles:
            el = elapsed_of(p.t0, p.t1)
            # in whole seconds as INTEGER: half the bytes to sort, and exact for logs kept to the second
            q = con.execute(
                f"SELECT quantile_cont(CAST({el} // 1000 AS INTEGER), [0.5, 0.9]) "
                f"FROM tickets {joins} WHERE {_counted(p)}"
            ).fetchall()[0][0]
            if q is not None:
                median, p90 = float(q[0]) * 1000, float(q[1]) * 1000
        results.append(_aggregates(con, loaded, p, counts, total_ms, median, p90))
    return results


def _counted(p: TicketPlan) -> str:
    """A plain conjunction selecting the tickets a plan counts (classes 5 and 6)."""
    terms = [f"coalesce({w}, FALSE)" for w in p.where]
    if "cancelled" in p.spec.exclude:
        terms.append("NOT coalesce(cancelled, FALSE)")
    if "duplicates" in p.spec.exclude:
        terms.append("NOT coalesce(duplicate, FALSE)")
    terms += [f"{p.t0} IS NOT NULL", f"{p.t1} IS NOT NULL", f"{p.t1} >= {p.t0}"]
    end = p.spec.period_end()
    if end:
        terms.append(f"{p.t1} < {end}")
    return " AND ".join(terms)
