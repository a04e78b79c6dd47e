"""Ticket metrics: first response, resolution, first level resolution, handling time, delivery.

All work on the table ``tickets`` made by a ticket profile (one row per
ticket, see ``styrkort.sources.logs.TICKET_COLUMNS``) and, for pausing, on
``ticket_states``. A metric is prepared as a ``TicketPlan`` (selection,
start/stop events, limit or rule) with a ``finish`` that turns the counts into
a ``MetricResult``; ``run_plans`` answers any number of plans over one file
with one scan (``run_plans_by_features``). Elapsed time is in integer
milliseconds, calendar (``date_diff('millisecond', t0, t1)``) or business
(``styrkort.metrics.calendar``). Definitions: docs/metrics.md.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from styrkort.core.findings import Finding, Source, info, warning
from styrkort.metrics._common import (
    MetricResult,
    Param,
    ParamError,
    format_duration,
    format_number,
    parse_choice,
    parse_duration,
    parse_list,
    period_text,
    ratio,
    sql_in,
    swedish_join,
)
from styrkort.metrics.calendar import CLOCK_PARAMS, Clock, business_ms, cal_join, parse_clock
from styrkort.sources.logs import LoadedLog
from styrkort.sources.logs._sql import value_condition

TIMES = {
    "opened": "opened_at",
    "responded": "responded_at",
    "resolved": "resolved_at",
    "resolved_first": "resolved_first_at",
    "closed": "closed_at",
}
TIME_ALIASES = {
    "opened": "opened",
    "öppnad": "opened",
    "responded": "responded",
    "response": "responded",
    "återkoppling": "responded",
    "resolved": "resolved",
    "löst": "resolved",
    "resolved_first": "resolved_first",
    "först_löst": "resolved_first",
    "closed": "closed",
    "stängd": "closed",
}
TIME_TEXT = {
    "opened": "öppnat",
    "responded": "första återkoppling",
    "resolved": "löst (sista lösningen)",
    "resolved_first": "löst första gången",
    "closed": "stängt",
}
STOP_DONE = {
    "responded": "första återkoppling skett",
    "resolved": "ärendet lösts (sista lösningen, om det återöppnats)",
    "resolved_first": "ärendet lösts första gången",
    "closed": "ärendet stängts",
    "opened": "ärendet öppnats",
}
STOP_MISSING = {
    "responded": "ärenden utan första återkoppling",
    "resolved": "ej lösta ärenden",
    "resolved_first": "ej lösta ärenden",
    "closed": "ej stängda ärenden",
    "opened": "ej öppnade ärenden",
}
EXCLUSIONS = {
    "cancelled": "cancelled",
    "avbrutna": "cancelled",
    "duplicates": "duplicates",
    "dubbletter": "duplicates",
    "open": "open",
    "öppna": "open",
    "oppna": "open",
}

COMMON = (
    Param("start", "opened", "starthändelse: opened, responded, resolved, resolved_first, closed"),
    Param("priorities", "", "prioriteter som räknas, t.ex. 1 eller 1,2 (tomt = alla)"),
    Param(
        "priority", "open", "vilken prioritet som gäller: open (vid öppning) eller final (slutlig)"
    ),
    Param("categories", "", "kategorier som räknas (tomt = alla)"),
    *CLOCK_PARAMS,
    Param(
        "pause",
        "",
        "statusar vars tid inte räknas (kräver en händelselogg), t.ex. Awaiting User Info",
    ),
    Param(
        "exclude",
        "cancelled,duplicates,open",
        "undantag: cancelled (avbrutna), duplicates (dubbletter), open (utan stopphändelse vid "
        "periodens slut; annars räknas de som ej inom gränsen); inga för inga undantag",
    ),
)


def _params(stop: str, limit: str | None) -> tuple[Param, ...]:
    head = [Param("stop", stop, "stopphändelse: responded, resolved, resolved_first, closed")]
    if limit is not None:
        head.append(
            Param(
                "limit",
                limit,
                "tidsgräns, t.ex. 30min, 2h, 8h, 2d (d = 24 h, vid kontorstid en öppen dag)",
            )
        )
    return (*COMMON[:1], *head, *COMMON[1:])


@dataclass(frozen=True)
class TicketSpec:
    """Parsed common parameters."""

    start: str
    stop: str
    priorities: list[str]
    final_priority: bool
    categories: list[str]
    clock: Clock
    pause: list[str]
    exclude: set[str]
    period: tuple[datetime.date, datetime.date] | None

    def period_end(self) -> str | None:
        if self.period is None:
            return None
        end = self.period[1] + datetime.timedelta(days=1)
        return f"TIMESTAMP '{end.isoformat()} 00:00:00'"


def parse_spec(
    params: Mapping[str, str], period: tuple[datetime.date, datetime.date] | None
) -> TicketSpec:
    start = parse_choice("start", params["start"], TIME_ALIASES)
    stop = parse_choice("stop", params["stop"], TIME_ALIASES)
    if start == stop:
        raise ParamError(
            "stop", params["stop"], "Start- och stopphändelse är desamma.", "Välj olika händelser."
        )
    exclude: set[str] = set()
    for part in parse_list(params["exclude"]):
        if part.lower() in {"inga", "none"}:
            continue
        exclude.add(parse_choice("exclude", part, EXCLUSIONS))
    final = parse_choice(
        "priority",
        params["priority"],
        {"open": "o", "opening": "o", "öppning": "o", "final": "f", "slutlig": "f"},
    )
    return TicketSpec(
        start=start,
        stop=stop,
        priorities=parse_list(params["priorities"]),
        final_priority=final == "f",
        categories=parse_list(params["categories"]),
        clock=parse_clock(params),
        pause=parse_list(params["pause"]),
        exclude=exclude,
        period=period,
    )


@dataclass
class Aggregates:
    n: int
    cancelled: int
    duplicates: int
    still_open: int
    no_start: int
    negative: int
    eligible: int
    within: int
    rule: int
    sum_ms: int
    median_ms: float | None
    p90_ms: float | None
    findings: list[Finding]


@dataclass
class TicketPlan:
    """One ticket metric's share of a query: its selection, events, limit or rule.

    Plans over the same file and clock are answered by one scan
    (``run_plans``): the conditions of all plans become shared yes/no
    features, the tickets are grouped by them, and each plan's classes
    (see ``_code``) are counted from the groups.
    """

    spec: TicketSpec
    where: list[str]
    t0: str
    t1: str
    limit_ms: int | None = None
    rule_sql: str | None = None
    quantiles: bool = False
    finish: Callable[[Aggregates], MetricResult] | None = None

    def clock_key(self) -> tuple[Any, ...]:
        c = self.spec.clock
        if not c.business:
            return (False,)
        return (True, c.open_min, c.close_min, c.weekdays, c.closed_names, c.closed_dates)


INTEGER_TYPES = frozenset(
    {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"}
    | {"UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"}
)
_CANONICAL_INT = re.compile(r"0|-?[1-9][0-9]*")


def stored_values(con: Any, column: str, wanted: list[str]) -> str:
    """SQL condition: the ``tickets`` column holds one of ``wanted`` (trimmed, any case).

    ``value_condition`` reads the column's distinct values to name the
    stored ones; for an integer column that scan (30–60 ms on ten million
    rows) is not needed: a stored integer written as text is its canonical
    decimal form, so it matches a wanted value exactly when that value is
    the canonical form of the same integer. The rows selected are the same.
    """
    types = {str(r[0]): str(r[1]) for r in con.execute("DESCRIBE tickets").fetchall()}
    if types.get(column) not in INTEGER_TYPES:
        return value_condition(con, "tickets", column, wanted)
    keys = {w.strip().lower() for w in wanted if w.strip()}
    hits = sorted({int(k) for k in keys if _CANONICAL_INT.fullmatch(k)})
    if not hits:
        return "FALSE"
    return f"({column} IN ({', '.join(str(v) for v in hits)}))"


def plan(
    con: Any,
    loaded: LoadedLog,
    spec: TicketSpec,
    limit_ms: int | None = None,
    rule_sql: str | None = None,
    quantiles: bool = False,
) -> TicketPlan:
    """The plan of one ticket metric (raises ParamError for an impossible combination)."""
    where: list[str] = []
    if spec.period is not None:
        where.append(f"opened_at >= TIMESTAMP '{spec.period[0].isoformat()} 00:00:00'")
        where.append(f"opened_at < {spec.period_end()}")
    prio_col = "priority_final" if spec.final_priority else "priority_open"
    if spec.priorities:
        where.append(stored_values(con, prio_col, spec.priorities))
    if spec.categories:
        where.append(stored_values(con, "category", spec.categories))
    missing = set(loaded.notes.get("missing_times", "").split(","))
    for name, event in (("start", spec.start), ("stop", spec.stop)):
        if TIMES[event] in missing:
            raise ParamError(
                name,
                event,
                f"Filen {loaded.file} har ingen kolumn för händelsen {TIME_TEXT[event]} ({TIMES[event]}).",
                f"Ange kolumnen med col.{TIMES[event]}=RUBRIK eller välj en annan {name}-händelse.",
            )
    if spec.pause and not loaded.has_states:
        raise ParamError(
            "pause",
            ",".join(spec.pause),
            "Pausade statusar kräver en händelselogg, men profilen har en rad per ärende utan statushistorik.",
            "Använd profilen ticket-events (eller en inbyggd händelselogg) eller ta bort pause.",
        )
    return TicketPlan(
        spec, where, TIMES[spec.start], TIMES[spec.stop], limit_ms, rule_sql, quantiles
    )


def _code(p: TicketPlan, elapsed: str) -> str:
    """Class of a ticket for plan ``p``: NULL not selected, 0 cancelled, 1 duplicate, 2 no start,
    3 still open, 4 stop before start, 5 counted and within/meeting the rule, 6 counted otherwise."""
    t0, t1 = p.t0, p.t1
    whens = []
    if p.where:
        whens.append(f"WHEN NOT coalesce({' AND '.join(p.where)}, FALSE) THEN NULL")
    if "cancelled" in p.spec.exclude:
        whens.append("WHEN cancelled THEN 0")
    if "duplicates" in p.spec.exclude:
        whens.append("WHEN duplicate THEN 1")
    whens.append(f"WHEN {t0} IS NULL THEN 2")
    end = p.spec.period_end()
    whens.append(f"WHEN {t1} IS NULL{f' OR {t1} >= {end}' if end else ''} THEN 3")
    whens.append(f"WHEN {t1} < {t0} THEN 4")
    if p.limit_ms is not None:
        whens.append(f"WHEN {elapsed} <= {p.limit_ms} THEN 5")
    elif p.rule_sql is not None:
        whens.append(f"WHEN {p.rule_sql} THEN 5")
    else:
        whens.append("WHEN TRUE THEN 5")
    return "CASE " + " ".join(whens) + " ELSE 6 END"


def _pause_sql(p: TicketPlan, measure: Callable[[str, str], tuple[str, str]]) -> tuple[str, str]:
    """The CTE with each ticket's paused time and the join adding it."""
    a = "greatest(s.t_from, b.t0)"
    z = "least(coalesce(s.t_to, b.t1), b.t1)"
    diff, joins = measure(a, z)
    where = " AND ".join(p.where) if p.where else "TRUE"
    cte = f"""WITH b AS (SELECT ticket_id, {p.t0} AS t0, {p.t1} AS t1 FROM tickets WHERE {where}),
        paused AS (
            SELECT s.ticket_id, sum(greatest({diff}, 0)) AS paused_ms
            FROM ticket_states s JOIN b ON s.ticket_id = b.ticket_id {joins}
            WHERE lower(s.state) IN {sql_in(p.spec.pause)} AND b.t0 IS NOT NULL AND b.t1 IS NOT NULL
              AND s.t_from < b.t1 AND coalesce(s.t_to, b.t1) > b.t0
            GROUP BY s.ticket_id
        )"""
    return cte, "LEFT JOIN paused p ON p.ticket_id = tickets.ticket_id"


def run_plans(con: Any, loaded: LoadedLog, plans: list[TicketPlan]) -> list[Aggregates]:
    """Answer ``plans`` (same clock; a pausing plan alone) with one scan of ``tickets``."""
    if any(p.spec.pause for p in plans):
        return run_plans_by_codes(con, loaded, plans)
    return run_plans_by_features(con, loaded, plans)


def _clock_sql(
    con: Any, plans: list[TicketPlan]
) -> tuple[str, Callable[[str, str], str], Callable[[str, str], tuple[str, str]]]:
    """Joins, the elapsed-time expression and the interval measure for the plans' clock."""
    clock = plans[0].spec.clock
    columns = sorted({c for p in plans for c in (p.t0, p.t1)})
    if not clock.business:

        def calendar_elapsed(t0: str, t1: str) -> str:
            return f"date_diff('millisecond', {t0}, {t1})"

        def calendar_measure(a: str, z: str) -> tuple[str, str]:
            return f"date_diff('millisecond', {a}, {z})", ""

        return "", calendar_elapsed, calendar_measure
    bounds = ", ".join(columns)
    row = con.execute(
        f"SELECT min(least({bounds})), max(greatest({bounds})) FROM tickets"
    ).fetchall()[0]
    lo, hi = row[0], row[1]
    first = lo.date() if lo is not None else datetime.date(2000, 1, 1)
    last = hi.date() if hi is not None else first
    clock.register_calendar(con, first, last)

    def business_elapsed(t0: str, t1: str) -> str:
        return f"({business_ms(t1, f'c_{t1}')} - {business_ms(t0, f'c_{t0}')})"

    def business_measure(a: str, z: str) -> tuple[str, str]:
        return (
            f"({business_ms(z, 'pz')} - {business_ms(a, 'pa')})",
            f"{cal_join(z, 'pz')} {cal_join(a, 'pa')}",
        )

    return " ".join(cal_join(c, f"c_{c}") for c in columns), business_elapsed, business_measure


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

    def code(self, on: Callable[[int | None], bool]) -> int | None:
        """The class (see ``_code``) of a ticket whose features are ``on``; None = not selected."""
        if not all(on(b) for b in self.where):
            return None
        if on(self.cancelled):
            return 0
        if on(self.duplicate):
            return 1
        if on(self.no_start):
            return 2
        if any(on(b) for b in self.open):
            return 3
        if on(self.negative):
            return 4
        if self.success is None or on(self.success):
            return 5
        return 6

    def counted(self) -> tuple[int, int]:
        """(bits that decide, bits that must be on) for classes 5 and 6: ``mask & a == b``."""
        off = [self.cancelled, self.duplicate, self.no_start, *self.open, self.negative]
        on = sum(1 << b for b in set(self.where))
        return on | sum(1 << b for b in set(off) if b is not None), on


MASK_BITS = 16
"""Features per mask column: a USMALLINT, so that DuckDB can group by it with a perfect hash."""
PERFECT_HT_BITS = MASK_BITS + 2
"""``perfect_ht_threshold`` during the scan (DuckDB's default, 12, is too small for 12 features)."""


def run_plans_by_features(con: Any, loaded: LoadedLog, plans: list[TicketPlan]) -> list[Aggregates]:
    """One scan for many plans: group the tickets by a bit mask of yes/no features.

    Every condition any plan needs (selection, cancelled, no stop event,
    within a limit, …) is one bit, computed once per ticket however many
    plans use it; the bits are packed into small integers (``MASK_BITS``
    per column), the tickets are grouped by them (a few dozen groups, a
    perfect hash), and each plan's class counts are summed from the groups
    in Python. A handling-time plan also gets one column holding the elapsed
    time of the tickets it counts (NULL for the others), whose sum, median
    and 90th percentile are aggregated from the same scan: the projection is
    a common table expression feeding both the grouping and these
    aggregates. This is what makes five metrics cost little more than one.
    """
    joins, elapsed_of, _ = _clock_sql(con, plans)
    features: dict[str, int] = {}

    def bit(expr: str) -> int:
        if expr not in features:
            features[expr] = len(features)
        return features[expr]

    pairs = sorted({(p.t0, p.t1) for p in plans})
    el_name = {pair: f"e{j}" for j, pair in enumerate(pairs)}
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
            )
        )
    exprs = list(features)
    masks = [
        " + ".join(
            f"CASE WHEN {e} THEN {1 << (j - c)}::USMALLINT ELSE 0::USMALLINT END"
            for j, e in enumerate(exprs[c : c + MASK_BITS], start=c)
        )
        for c in range(0, len(exprs), MASK_BITS)
    ]
    held: dict[str, int] = {}  # CASE expression of a handling-time column -> its index
    held_of: list[int | None] = []
    for p, lay in zip(plans, layout, strict=True):
        if not p.quantiles:
            held_of.append(None)
            continue
        # the elapsed time of the tickets of classes 5 and 6, NULL for the others
        decide, must = lay.counted()
        word = (1 << MASK_BITS) - 1
        test = " AND ".join(
            f"(m{k} & {(decide >> (MASK_BITS * k)) & word}) = {(must >> (MASK_BITS * k)) & word}"
            for k in range(len(masks))
            if (decide >> (MASK_BITS * k)) & word
        )
        held_of.append(
            held.setdefault(f"CASE WHEN {test} THEN {el_name[(p.t0, p.t1)]} END", len(held))
        )
    m_cols = [f"m{k}" for k in range(len(masks))]
    inner = ", ".join(f"{elapsed_of(a, b)} AS {el_name[(a, b)]}" for a, b in pairs)
    source = f"(SELECT *, {inner} FROM tickets {joins})"
    projected = ", ".join(f"{m} AS {name}" for m, name in zip(masks, m_cols, strict=True))
    if held:  # the held columns test the masks: compute them first
        elapsed = ", ".join(el_name.values())
        source = f"(SELECT {projected}, {elapsed} FROM {source})"
        projected = ", ".join(m_cols)
    prior = con.execute("SELECT current_setting('perfect_ht_threshold')").fetchall()[0][0]
    con.execute(f"SET perfect_ht_threshold = {PERFECT_HT_BITS}")
    try:
        groups, stats = _scan(con, m_cols, projected, source, list(held))
    finally:
        con.execute(f"SET perfect_ht_threshold = {int(prior)}")
    nm = len(m_cols)
    # each group as (all its feature bits in one int, tickets)
    decoded = [
        (sum(int(m) << (MASK_BITS * k) for k, m in enumerate(g[:nm])), int(g[nm])) for g in groups
    ]
    results: list[Aggregates] = []
    for p, lay, h in zip(plans, layout, held_of, strict=True):
        counts = dict.fromkeys(range(7), 0)
        for bits, n in decoded:

            def on(b: int | None, bits: int = bits) -> bool:
                return b is not None and (bits >> b) & 1 == 1

            k = lay.code(on)
            if k is not None:
                counts[k] += n
        total_ms = 0
        median = p90 = None
        if h is not None:
            total, q = stats[h]
            total_ms = int(total) if total is not None else 0
            if q is not None:
                median, p90 = float(q[0]) * 1000, float(q[1]) * 1000
        results.append(_aggregates(con, loaded, p, counts, total_ms, median, p90))
    return results


def _scan(
    con: Any, m_cols: list[str], projected: str, source: str, held: list[str]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, Any]]]:
    """The groups (mask columns, tickets) and, per held column, its sum and [median, p90] in s."""
    if not held:
        groups = con.execute(
            f"SELECT {', '.join(m_cols)}, count(*) FROM (SELECT {projected} FROM {source}) GROUP BY ALL"
        ).fetchall()
        return groups, []
    h_cols = "".join(f", {expr} AS h{k}" for k, expr in enumerate(held))
    # in whole seconds as INTEGER: half the bytes to sort, and exact for logs kept to the second
    aggs = ", ".join(
        f"sum(h{k}), quantile_cont(CAST(h{k} // 1000 AS INTEGER), [0.5, 0.9])"
        for k in range(len(held))
    )
    listed = ", ".join(f"{m}::BIGINT" for m in m_cols)
    row = con.execute(
        f"""
        WITH b AS MATERIALIZED (SELECT {projected}{h_cols} FROM {source}),
             g AS (SELECT {", ".join(m_cols)}, count(*) AS n FROM b GROUP BY ALL)
        SELECT (SELECT list([{listed}, n]) FROM g), {aggs} FROM b
        """
    ).fetchall()[0]
    groups = [tuple(g) for g in row[0] or []]
    return groups, [(row[1 + 2 * k], row[2 + 2 * k]) for k in range(len(held))]


def _aggregates(
    con: Any,
    loaded: LoadedLog,
    p: TicketPlan,
    counts: Mapping[int, int],
    total_ms: int,
    median: float | None,
    p90: float | None,
) -> Aggregates:
    return Aggregates(
        n=sum(counts.values()),
        cancelled=counts[0],
        duplicates=counts[1],
        still_open=counts[3],
        no_start=counts[2],
        negative=counts[4],
        eligible=counts[5] + counts[6],
        within=counts[5] if p.limit_ms is not None else 0,
        rule=counts[5] if p.rule_sql is not None else 0,
        sum_ms=total_ms if p.quantiles else 0,  # only handling time needs the sum
        median_ms=median,
        p90_ms=p90,
        findings=_plan_findings(con, loaded, p, counts),
    )


def run_plans_by_codes(con: Any, loaded: LoadedLog, plans: list[TicketPlan]) -> list[Aggregates]:
    """One class code per plan and ticket (a CASE), grouped; used for pausing plans.

    Also the reference ``run_plans_by_features`` is tested against.
    """
    joins, elapsed_of, measure = _clock_sql(con, plans)
    cte = ""
    selects: list[str] = []
    for i, p in enumerate(plans):
        el = elapsed_of(p.t0, p.t1)
        if p.spec.pause:
            cte, pause_join = _pause_sql(p, measure)
            joins += " " + pause_join
            el = f"({el} - coalesce(p.paused_ms, 0))"
        selects.append(f"{el} AS el{i}")
        selects.append(f"{_code(p, el)} AS k{i}")
    keys = ", ".join(f"k{i}" for i in range(len(plans)))
    sums = ", ".join(f"sum(el{i})" for i in range(len(plans)))
    sql = f"""
        {cte}
        SELECT {keys}, count(*), {sums}
        FROM (SELECT {", ".join(selects)} FROM tickets {joins})
        GROUP BY {keys}
    """
    groups = con.execute(sql).fetchall()
    n = len(plans)
    results: list[Aggregates] = []
    for i, p in enumerate(plans):
        counts = dict.fromkeys(range(7), 0)
        total_ms = 0
        for g in groups:
            k = g[i]
            if k is None:
                continue
            counts[int(k)] += int(g[n])
            if k in (5, 6) and g[n + 1 + i] is not None:
                total_ms += int(g[n + 1 + i])
        median = p90 = None
        if p.quantiles:
            q = con.execute(
                f"""{cte} SELECT quantile_cont(el, [0.5, 0.9]) FROM (
                        SELECT {selects[2 * i].replace(f" AS el{i}", " AS el")},
                               {selects[2 * i + 1].replace(f" AS k{i}", " AS k")}
                        FROM tickets {joins}) WHERE k IN (5, 6)"""
            ).fetchall()[0][0]
            if q is not None:
                median, p90 = float(q[0]), float(q[1])
        results.append(_aggregates(con, loaded, p, counts, total_ms, median, p90))
    return results


def _plan_findings(
    con: Any, loaded: LoadedLog, p: TicketPlan, counts: Mapping[int, int]
) -> list[Finding]:
    findings: list[Finding] = []
    spec = p.spec
    negative = counts[4]
    if negative:
        where = " AND ".join([*p.where, f"{p.t1} < {p.t0}"])
        lines = con.execute(
            f"SELECT line, ticket_id FROM tickets WHERE {where} ORDER BY line LIMIT 20"
        ).fetchall()
        for line, tid in lines:
            findings.append(
                warning(
                    Source(loaded.file, int(line)),
                    "metric.negative_time",
                    f"Ärende {tid}: {TIME_TEXT[spec.stop]} ligger före {TIME_TEXT[spec.start]}; ärendet räknas inte.",
                    "Kontrollera tidpunkterna i källsystemet.",
                )
            )
        if negative > len(lines):
            findings.append(
                warning(
                    Source(loaded.file),
                    "metric.negative_time",
                    f"Totalt {negative} ärenden har stopphändelse före starthändelse och räknas inte.",
                    "Kontrollera tidpunkterna i källsystemet.",
                    count=negative,
                )
            )
    if counts[2]:
        findings.append(
            info(
                Source(loaded.file),
                "metric.no_start",
                f"{counts[2]} ärenden saknar starthändelsen ({TIME_TEXT[spec.start]}) och räknas inte.",
                "",
                count=counts[2],
            )
        )
    return findings


def batches(plans: list[TicketPlan]) -> list[list[int]]:
    """Indices of ``plans`` that can share one scan: same clock, and pausing plans alone."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    out: list[list[int]] = []
    for i, p in enumerate(plans):
        if p.spec.pause:
            out.append([i])
        else:
            groups.setdefault(p.clock_key(), []).append(i)
    return [*groups.values(), *out]


def _selection(spec: TicketSpec) -> str:
    parts = []
    if spec.priorities:
        word = "prioritet" if len(spec.priorities) == 1 else "prioriteterna"
        parts.append(f"med {word} {swedish_join(spec.priorities)}")
    if spec.categories:
        word = "kategori" if len(spec.categories) == 1 else "kategorierna"
        parts.append(f"i {word} {swedish_join(spec.categories)}")
    return ("ärenden " + " ".join(parts)) if parts else "ärenden"


def _conditions(spec: TicketSpec, open_text: str | None, with_start: bool = True) -> str:
    parts = []
    if with_start:
        parts.append(f"från {TIME_TEXT[spec.start]}")
    parts.append(spec.clock.describe())
    if spec.priorities:
        parts.append("slutlig prioritet" if spec.final_priority else "prioritet vid öppning")
    if spec.pause:
        parts.append(f"tid i status {swedish_join(spec.pause)} räknas inte")
    excl = []
    if "cancelled" in spec.exclude:
        excl.append("avbrutna")
    if "duplicates" in spec.exclude:
        excl.append("dubbletter")
    if open_text is not None and "open" in spec.exclude:
        excl.append(open_text)
    parts.append(f"exkl. {swedish_join(excl)}" if excl else "inga undantag")
    if open_text is not None and "open" not in spec.exclude:
        parts.append(f"{open_text} räknas som ej inom gränsen")
    parts.append(f"öppnade {period_text(spec.period)}" if spec.period else "alla ärenden i filen")
    return "; ".join(parts)


def _details(agg: Aggregates) -> dict[str, Decimal | None]:
    return {
        "selected": Decimal(agg.n),
        "excluded_cancelled": Decimal(agg.cancelled),
        "excluded_duplicates": Decimal(agg.duplicates),
        "still_open": Decimal(agg.still_open),
        "excluded_negative": Decimal(agg.negative),
        "excluded_no_start": Decimal(agg.no_start),
    }


def _limit_ms(spec: TicketSpec, seconds: Decimal) -> int:
    """The limit in elapsed milliseconds; whole days are open days at business hours."""
    if spec.clock.business and seconds % 86400 == 0:
        return int(seconds / 86400) * spec.clock.day_ms
    return int(seconds * 1000)


def _share_within(
    metric: str,
    con: Any,
    loaded: LoadedLog,
    params: Mapping[str, str],
    period: tuple[datetime.date, datetime.date] | None,
    phrase: str,
) -> TicketPlan:
    spec = parse_spec(params, period)
    limit = parse_duration("limit", params["limit"], default_unit="min")
    p = plan(con, loaded, spec, _limit_ms(spec, limit))

    def finish(agg: Aggregates) -> MetricResult:
        open_text = STOP_MISSING[spec.stop] + (" vid periodens slut" if spec.period else "")
        if "open" in spec.exclude:
            numerator, denominator = agg.within, agg.eligible
        else:
            numerator, denominator = agg.within, agg.eligible + agg.still_open
        limit_text = format_duration(limit)
        if spec.clock.business and limit % 86400 == 0:
            limit_text = (
                f"{format_number(limit / 86400)} öppna dagar" if limit != 86400 else "1 öppen dag"
            )
        definition = (
            f"Andel {_selection(spec)} där {phrase.format(done=STOP_DONE[spec.stop])} inom {limit_text} "
            f"({_conditions(spec, open_text)}) = {format_number(numerator)}/{format_number(denominator)}"
        )
        details = _details(agg)
        details["limit_h"] = limit / 3600
        findings = list(agg.findings)
        if metric == "delivered-within" and not spec.categories:
            findings.append(
                info(
                    Source(loaded.file),
                    "metric.category",
                    "Ingen kategori är vald, så alla ärenden räknas som leveranser.",
                    "Ange categories=… (t.ex. beställningar av datorer och kringutrustning).",
                )
            )
        return MetricResult(
            metric=metric,
            value=ratio(numerator, denominator),
            unit="%",
            numerator=Decimal(numerator),
            denominator=Decimal(denominator),
            count=agg.n,
            definition=definition,
            details=details,
            findings=tuple(findings),
        )

    p.finish = finish
    return p


def prepare_first_response_within(
    con: Any, loaded: LoadedLog, params: Mapping[str, str], period: Any
) -> TicketPlan:
    return _share_within("first-response-within", con, loaded, params, period, "{done}")


def prepare_resolved_within(
    con: Any, loaded: LoadedLog, params: Mapping[str, str], period: Any
) -> TicketPlan:
    return _share_within("resolved-within", con, loaded, params, period, "{done}")


def prepare_delivered_within(
    con: Any, loaded: LoadedLog, params: Mapping[str, str], period: Any
) -> TicketPlan:
    return _share_within("delivered-within", con, loaded, params, period, "leverans skett ({done})")


RULES = {
    "never-escalated": "never-escalated",
    "aldrig-eskalerat": "never-escalated",
    "group": "group",
    "grupp": "group",
    "level": "level",
    "niva": "level",
    "nivå": "level",
}


def prepare_first_level_resolution(
    con: Any, loaded: LoadedLog, params: Mapping[str, str], period: Any
) -> TicketPlan:
    spec = parse_spec(params, period)
    spec = dataclasses.replace(spec, exclude=spec.exclude | {"open"})
    rule = parse_choice("rule", params["rule"], RULES)
    if rule == "never-escalated":
        rule_sql = "NOT escalated"
        rule_text = "som aldrig eskalerats från första linjen"
    elif rule == "group":
        groups = parse_list(params["groups"])
        if not groups:
            raise ParamError(
                "groups",
                "",
                "Regeln group kräver groups=… (servicedeskens grupper).",
                "Ange t.ex. groups=Servicedesk.",
            )
        rule_sql = stored_values(con, "resolving_group", groups)
        rule_text = (
            f"som lösts av {'gruppen' if len(groups) == 1 else 'grupperna'} {swedish_join(groups)}"
        )
    else:
        levels = parse_list(params["levels"])
        if not levels:
            raise ParamError(
                "levels",
                "",
                "Regeln level kräver levels=… (värden för första linjen).",
                "Ange t.ex. levels=L1.",
            )
        rule_sql = stored_values(con, "resolving_level", levels)
        rule_text = f"som lösts på nivå {swedish_join(levels)}"
    p = plan(con, loaded, spec, None, rule_sql)

    def finish(agg: Aggregates) -> MetricResult:
        definition = (
            f"Andel lösta {_selection(spec)} {rule_text} (first level resolution: löst av servicedesken "
            f"utan eskalering, ej first contact resolution; {_conditions(spec, None, with_start=False)}; "
            f"ej lösta ärenden räknas inte) = {format_number(agg.rule)}/{format_number(agg.eligible)}"
        )
        return MetricResult(
            metric="first-level-resolution",
            value=ratio(agg.rule, agg.eligible),
            unit="%",
            numerator=Decimal(agg.rule),
            denominator=Decimal(agg.eligible),
            count=agg.n,
            definition=definition,
            details=_details(agg),
            findings=tuple(agg.findings),
        )

    p.finish = finish
    return p


MS_PER_HOUR = Decimal(3_600_000)


def prepare_handling_time(
    con: Any, loaded: LoadedLog, params: Mapping[str, str], period: Any
) -> TicketPlan:
    spec = parse_spec(params, period)
    spec = dataclasses.replace(spec, exclude=spec.exclude | {"open"})
    p = plan(con, loaded, spec, quantiles=True)

    def finish(agg: Aggregates) -> MetricResult:
        total_h = Decimal(agg.sum_ms) / MS_PER_HOUR
        mean = total_h / agg.eligible if agg.eligible else None
        median = Decimal(str(agg.median_ms)) / MS_PER_HOUR if agg.median_ms is not None else None
        p90 = Decimal(str(agg.p90_ms)) / MS_PER_HOUR if agg.p90_ms is not None else None
        mean_text = format_number(mean, 1) if mean is not None else "–"
        median_text = format_number(median, 1) if median is not None else "–"
        definition = (
            f"Genomsnittlig handläggningstid för {_selection(spec)}, från {TIME_TEXT[spec.start]} till "
            f"{TIME_TEXT[spec.stop]}, i timmar ({_conditions(spec, 'ej avslutade ärenden', with_start=False)}) = "
            f"{format_number(total_h, 1)} h/{format_number(agg.eligible)} ärenden = {mean_text} h; "
            f"median {median_text} h"
        )
        details = _details(agg)
        details.update({"mean_h": mean, "median_h": median, "p90_h": p90})
        return MetricResult(
            metric="handling-time",
            value=mean,
            unit="h",
            numerator=total_h,
            denominator=Decimal(agg.eligible),
            count=agg.n,
            definition=definition,
            details=details,
            findings=tuple(agg.findings),
        )

    p.finish = finish
    return p


def run_one(prepare: Callable[..., TicketPlan]) -> Callable[..., MetricResult]:
    """The metric as a single computation: prepare its plan and run it alone."""

    def run(con: Any, loaded: LoadedLog, params: Mapping[str, str], period: Any) -> MetricResult:
        p = prepare(con, loaded, params, period)
        assert p.finish is not None
        return p.finish(run_plans(con, loaded, [p])[0])

    return run


first_response_within = run_one(prepare_first_response_within)
resolved_within = run_one(prepare_resolved_within)
delivered_within = run_one(prepare_delivered_within)
first_level_resolution = run_one(prepare_first_level_resolution)
handling_time = run_one(prepare_handling_time)


FIRST_RESPONSE_PARAMS = _params("responded", "8h")
RESOLVED_PARAMS = _params("resolved", "8h")
DELIVERED_PARAMS = _params("resolved", "2d")
HANDLING_PARAMS = _params("resolved", None)
FLR_PARAMS = (
    *_params("resolved", None),
    Param(
        "rule",
        "never-escalated",
        "när ett ärende räknas som löst på första nivån: never-escalated, group eller level",
    ),
    Param("groups", "", "servicedeskens grupper (för rule=group)"),
    Param("levels", "1,L1", "värden för första linjen i nivåfältet (för rule=level)"),
)
