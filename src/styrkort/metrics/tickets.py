"""Ticket metrics: first response, resolution, first level resolution, handling time, delivery.

All work on the table ``tickets`` made by a ticket profile (one row per
ticket, see ``styrkort.sources.logs.TICKET_COLUMNS``) and, for pausing, on
``ticket_states``. Each metric runs one aggregate query; elapsed time is in
integer milliseconds, calendar (``date_diff('millisecond', t0, t1)``) or business
(``styrkort.metrics.calendar``). Definitions: docs/metrics.md.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
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


def aggregate(
    con: Any,
    loaded: LoadedLog,
    spec: TicketSpec,
    limit_ms: int | None = None,
    rule_sql: str = "FALSE",
    quantiles: bool = False,
) -> Aggregates:
    """One pass over ``tickets``: counts of every exclusion, the within-limit count, sums."""
    findings: list[Finding] = []
    where = ["TRUE"]
    if spec.period is not None:
        where.append(f"opened_at >= TIMESTAMP '{spec.period[0].isoformat()} 00:00:00'")
        where.append(f"opened_at < {spec.period_end()}")
    prio_col = "priority_final" if spec.final_priority else "priority_open"
    if spec.priorities:
        where.append(value_condition(con, "tickets", prio_col, spec.priorities))
    if spec.categories:
        where.append(value_condition(con, "tickets", "category", spec.categories))
    t0, t1 = TIMES[spec.start], TIMES[spec.stop]
    end = spec.period_end()
    still_open = "t1 IS NULL" + (f" OR t1 >= {end}" if end else "")

    if spec.pause and not loaded.has_states:
        raise ParamError(
            "pause",
            ",".join(spec.pause),
            "Pausade statusar kräver en händelselogg, men profilen har en rad per ärende utan statushistorik.",
            "Använd profilen ticket-events (eller en inbyggd händelselogg) eller ta bort pause.",
        )

    clock = spec.clock
    if clock.business:
        row = con.execute(
            f"SELECT min(least({t0}, {t1})), max(greatest({t0}, {t1})) FROM tickets WHERE {' AND '.join(where)}"
        ).fetchall()[0]
        lo, hi = row[0], row[1]
        first = lo.date() if lo is not None else datetime.date(2000, 1, 1)
        last = hi.date() if hi is not None else first
        clock.register_calendar(con, first, last)
        elapsed = f"({business_ms('t1', 'c1')} - {business_ms('t0', 'c0')})"
        joins = f"{cal_join('t1', 'c1')} {cal_join('t0', 'c0')}"
    else:
        elapsed = "date_diff('millisecond', t0, t1)"
        joins = ""

    pause_cte = ""
    if spec.pause:
        a = "greatest(s.t_from, b.t0)"
        z = "least(coalesce(s.t_to, b.t1), b.t1)"
        if clock.business:
            measure = f"({business_ms(z, 'pz')} - {business_ms(a, 'pa')})"
            pjoins = f"{cal_join(z, 'pz')} {cal_join(a, 'pa')}"
        else:
            measure = f"date_diff('millisecond', {a}, {z})"
            pjoins = ""
        pause_cte = f""",
        paused AS (
            SELECT s.ticket_id, sum(greatest({measure}, 0)) AS paused_ms
            FROM ticket_states s JOIN base b ON s.ticket_id = b.ticket_id {pjoins}
            WHERE lower(s.state) IN {sql_in(spec.pause)} AND b.t0 IS NOT NULL AND b.t1 IS NOT NULL
              AND s.t_from < b.t1 AND coalesce(s.t_to, b.t1) > b.t0
            GROUP BY s.ticket_id
        )"""
        pause_join = "LEFT JOIN paused p ON p.ticket_id = base.ticket_id"
        elapsed = f"({elapsed} - coalesce(p.paused_ms, 0))"
    else:
        pause_join = ""

    limit_sql = str(limit_ms) if limit_ms is not None else "NULL"
    ticket_id = "ticket_id, " if spec.pause else ""
    # One small class code per ticket, then a GROUP BY over it: far cheaper on
    # ten million rows than a dozen FILTER clauses each testing the conditions.
    whens = []
    if "cancelled" in spec.exclude:
        whens.append("WHEN cancelled THEN 0")
    if "duplicates" in spec.exclude:
        whens.append("WHEN duplicate THEN 1")
    whens.append("WHEN t0 IS NULL THEN 2")
    whens.append(f"WHEN {still_open} THEN 3")
    whens.append("WHEN t1 < t0 THEN 4")
    code = "CASE " + " ".join(whens) + " ELSE 5 END"
    sql = f"""
        WITH base AS (
            SELECT {ticket_id}{t0} AS t0, {t1} AS t1, cancelled, duplicate, escalated,
                   resolving_group, resolving_level
            FROM tickets WHERE {" AND ".join(where)}
        ){pause_cte},
        k AS (
            SELECT {code} AS code, {elapsed} AS el_ms, ({rule_sql}) AS rule
            FROM base {joins} {pause_join}
        )
        SELECT code, count(*),
               count(*) FILTER (WHERE el_ms <= {limit_sql}),
               count(*) FILTER (WHERE rule),
               coalesce(sum(el_ms), 0),
               {"quantile_cont(el_ms, [0.5, 0.9])" if quantiles else "NULL"}
        FROM k GROUP BY code
    """
    by_code = {int(r[0]): r for r in con.execute(sql).fetchall()}

    def count(c: int, i: int = 1) -> int:
        return int(by_code[c][i]) if c in by_code else 0

    ok = by_code.get(5)
    agg = Aggregates(
        n=sum(int(r[1]) for r in by_code.values()),
        cancelled=count(0),
        duplicates=count(1),
        still_open=count(3),
        no_start=count(2),
        negative=count(4),
        eligible=count(5),
        within=count(5, 2),
        rule=count(5, 3),
        sum_ms=count(5, 4),
        median_ms=float(ok[5][0]) if ok is not None and ok[5] is not None else None,
        p90_ms=float(ok[5][1]) if ok is not None and ok[5] is not None else None,
        findings=findings,
    )
    if agg.negative:
        lines = con.execute(
            f"""SELECT line, ticket_id FROM tickets WHERE {" AND ".join(where)} AND {t1} < {t0}
                ORDER BY line LIMIT 20"""
        ).fetchall()
        for line, tid in lines:
            findings.append(
                warning(
                    Source(loaded.file, int(line)),
                    "metrics.negativ_tid",
                    f"Ärende {tid}: {TIME_TEXT[spec.stop]} ligger före {TIME_TEXT[spec.start]}; ärendet räknas inte.",
                    "Kontrollera tidpunkterna i källsystemet.",
                )
            )
        if agg.negative > len(lines):
            findings.append(
                warning(
                    Source(loaded.file),
                    "metrics.negativ_tid",
                    f"Totalt {agg.negative} ärenden har stopphändelse före starthändelse och räknas inte.",
                    "Kontrollera tidpunkterna i källsystemet.",
                    count=agg.negative,
                )
            )
    if agg.no_start:
        findings.append(
            info(
                Source(loaded.file),
                "metrics.saknar_start",
                f"{agg.no_start} ärenden saknar starthändelsen ({TIME_TEXT[spec.start]}) och räknas inte.",
                "",
                count=agg.no_start,
            )
        )
    return agg


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
) -> MetricResult:
    spec = parse_spec(params, period)
    limit = parse_duration("limit", params["limit"], default_unit="min")
    agg = aggregate(con, loaded, spec, _limit_ms(spec, limit))
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
    return MetricResult(
        metric=metric,
        value=ratio(numerator, denominator),
        unit="%",
        numerator=Decimal(numerator),
        denominator=Decimal(denominator),
        count=agg.n,
        definition=definition,
        details=details,
        findings=tuple(agg.findings),
    )


def first_response_within(
    con: Any, loaded: LoadedLog, params: Mapping[str, str], period: Any
) -> MetricResult:
    return _share_within("first-response-within", con, loaded, params, period, "{done}")


def resolved_within(
    con: Any, loaded: LoadedLog, params: Mapping[str, str], period: Any
) -> MetricResult:
    return _share_within("resolved-within", con, loaded, params, period, "{done}")


def delivered_within(
    con: Any, loaded: LoadedLog, params: Mapping[str, str], period: Any
) -> MetricResult:
    result = _share_within(
        "delivered-within", con, loaded, params, period, "leverans skett ({done})"
    )
    if not parse_list(params["categories"]):
        note = info(
            Source(loaded.file),
            "metrics.kategori",
            "Ingen kategori är vald, så alla ärenden räknas som leveranser.",
            "Ange categories=… (t.ex. beställningar av datorer och kringutrustning).",
        )
        return MetricResult(**{**_fields(result), "findings": (*result.findings, note)})
    return result


def _fields(result: MetricResult) -> dict[str, Any]:
    return {name: getattr(result, name) for name in result.__dataclass_fields__}


RULES = {
    "never-escalated": "never-escalated",
    "aldrig-eskalerat": "never-escalated",
    "group": "group",
    "grupp": "group",
    "level": "level",
    "niva": "level",
    "nivå": "level",
}


def first_level_resolution(
    con: Any, loaded: LoadedLog, params: Mapping[str, str], period: Any
) -> MetricResult:
    spec = parse_spec(params, period)
    rule = parse_choice("rule", params["rule"], RULES)
    if rule == "never-escalated":
        rule_sql = "NOT base.escalated"
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
        rule_sql = value_condition(con, "tickets", "resolving_group", groups)
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
        rule_sql = value_condition(con, "tickets", "resolving_level", levels)
        rule_text = f"som lösts på nivå {swedish_join(levels)}"
    agg = aggregate(con, loaded, spec, None, rule_sql)
    definition = (
        f"Andel lösta {_selection(spec)} {rule_text} (first level resolution: löst av servicedesken "
        f"utan eskalering, ej first contact resolution; {_conditions(spec, None, with_start=False)}; "
        f"ej lösta ärenden räknas inte) = {format_number(agg.rule)}/{format_number(agg.eligible)}"
    )
    details = _details(agg)
    return MetricResult(
        metric="first-level-resolution",
        value=ratio(agg.rule, agg.eligible),
        unit="%",
        numerator=Decimal(agg.rule),
        denominator=Decimal(agg.eligible),
        count=agg.n,
        definition=definition,
        details=details,
        findings=tuple(agg.findings),
    )


MS_PER_HOUR = Decimal(3_600_000)


def handling_time(
    con: Any, loaded: LoadedLog, params: Mapping[str, str], period: Any
) -> MetricResult:
    spec = parse_spec(params, period)
    spec = dataclasses.replace(spec, exclude=spec.exclude | {"open"})
    agg = aggregate(con, loaded, spec, quantiles=True)
    total_h = Decimal(agg.sum_ms) / MS_PER_HOUR
    mean = total_h / agg.eligible if agg.eligible else None
    median = Decimal(str(agg.median_ms)) / MS_PER_HOUR if agg.median_ms is not None else None
    p90 = Decimal(str(agg.p90_ms)) / MS_PER_HOUR if agg.p90_ms is not None else None
    mean_text = format_number(mean, 1) if mean is not None else "–"
    median_text = format_number(median, 1) if median is not None else "–"
    definition = (
        f"Genomsnittlig handläggningstid för {_selection(spec)}, från {TIME_TEXT[spec.start]} till "
        f"{TIME_TEXT[spec.stop]}, i timmar ({_conditions(spec, 'ej avslutade ärenden', with_start=False)}) = "
        f"{format_number(total_h, 1)} h/{format_number(agg.eligible)} ärenden = {mean_text} h; median {median_text} h"
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
