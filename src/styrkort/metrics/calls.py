"""Call metrics: service level, average speed of answer, abandon rate.

Work on the table ``calls`` (``styrkort.sources.logs.CALL_COLUMNS``). A call
is *offered* when it reached the queue; calls that hung up in the IVR and
phantom calls are not offered and count nowhere. A call answered without
queueing waited 0 s. Definitions: docs/metrics.md ("Calls").
"""

from __future__ import annotations

import datetime
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from styrkort.metrics._common import (
    MetricResult,
    Param,
    ParamError,
    format_number,
    parse_duration,
    parse_list,
    period_text,
    ratio,
    swedish_join,
)
from styrkort.sources.logs import LoadedLog
from styrkort.sources.logs._sql import value_condition

QUEUES = Param("queues", "", "köer/samtalstyper som räknas, t.ex. PS,NW (tomt = alla)")
THRESHOLD = Param("threshold_s", "20", "svarstidsgräns i sekunder")
ABANDONED = Param(
    "abandoned",
    "against",
    "hur avbrutna samtal räknas: against (i nämnaren, mot), excluded (utanför), success "
    "(avbrutna inom gränsen räknas som lyckade), short:S (avbrutna efter kortare än S s räknas inte)",
)
SHORT = Param("short_s", "0", "avbrutna samtal som väntat kortare än så många sekunder räknas inte")

SERVICE_LEVEL_PARAMS = (THRESHOLD, ABANDONED, QUEUES)
SPEED_PARAMS = (QUEUES,)
ABANDON_PARAMS = (SHORT, QUEUES)


@dataclass
class CallCounts:
    all: int
    phantom: int
    ivr: int
    offered: int
    answered: int
    answered_within: int
    abandoned: int
    abandoned_within: int
    abandoned_short: int
    wait_sum: Decimal
    wait_median: Decimal | None
    wait_p90: Decimal | None


_HISTOGRAMS: weakref.WeakKeyDictionary[
    Any, dict[tuple[Any, ...], list[tuple[int, Decimal, int]] | None]
] = weakref.WeakKeyDictionary()
MAX_WAIT_VALUES = 1_000_000


def _histogram(
    con: Any, params: Mapping[str, str], period: tuple[datetime.date, datetime.date] | None
) -> list[tuple[int, Decimal, int]] | None:
    """(class, wait, calls) for every class and distinct wait: one scan serves every call metric.

    Classes: 0 phantom, 1 not offered (IVR), 2 answered, 3 abandoned, 4 other
    offered. Cached per connection, period and queues; None when the waits
    have too many distinct values for a histogram (then each metric scans).
    """
    queues = parse_list(params.get("queues", ""))
    key = (period, tuple(queues))
    cache = _HISTOGRAMS.setdefault(con, {})
    if key not in cache:
        rows = con.execute(
            f"""
            SELECT CASE WHEN phantom THEN 0 WHEN NOT offered THEN 1 WHEN answered THEN 2
                        WHEN abandoned THEN 3 ELSE 4 END AS code,
                   wait_s, count(*)
            FROM calls WHERE {_where(con, queues, period)}
            GROUP BY ALL
            LIMIT {MAX_WAIT_VALUES + 1}
            """
        ).fetchall()
        # too many distinct waits: remembered too, so that the next metric scans at once
        cache[key] = (
            None
            if len(rows) > MAX_WAIT_VALUES
            else sorted(
                (int(code), Decimal(str(wait)) if wait is not None else Decimal(0), int(n))
                for code, wait, n in rows
            )
        )
    return cache[key]


def _where(con: Any, queues: list[str], period: tuple[datetime.date, datetime.date] | None) -> str:
    where = ["TRUE"]
    if period is not None:
        end = period[1] + datetime.timedelta(days=1)
        where.append(f"arrived_at >= TIMESTAMP '{period[0].isoformat()} 00:00:00'")
        where.append(f"arrived_at < TIMESTAMP '{end.isoformat()} 00:00:00'")
    if queues:
        where.append(value_condition(con, "calls", "queue", queues))
    return " AND ".join(where)


def quantile(values: list[tuple[Decimal, int]], q: Decimal) -> Decimal | None:
    """Linear-interpolation quantile (as DuckDB's quantile_cont) of a sorted (value, count) histogram."""
    n = sum(c for _, c in values)
    if not n:
        return None
    pos = q * (n - 1)
    lo_index = int(pos)
    frac = pos - lo_index

    def at(index: int) -> Decimal:
        seen = 0
        for value, count in values:
            seen += count
            if index < seen:
                return value
        return values[-1][0]

    low = at(lo_index)
    return low if not frac else low + (at(lo_index + 1) - low) * frac


def _count(
    con: Any,
    params: Mapping[str, str],
    period: tuple[datetime.date, datetime.date] | None,
    threshold: Decimal,
    short: Decimal,
    quantiles: bool = False,
) -> CallCounts:
    hist = _histogram(con, params, period)
    if hist is None:
        return _count_by_scan(con, params, period, threshold, short, quantiles)

    def calls(code: int, keep: Callable[[Decimal], bool] = lambda w: True) -> int:
        return sum(n for c, w, n in hist if c == code and keep(w))

    answered = [(w, n) for c, w, n in hist if c == 2]
    return CallCounts(
        all=sum(n for _, _, n in hist),
        phantom=calls(0),
        ivr=calls(1),
        offered=calls(2) + calls(3) + calls(4),
        answered=calls(2),
        answered_within=calls(2, lambda w: w <= threshold),
        abandoned=calls(3),
        abandoned_within=calls(3, lambda w: w <= threshold),
        abandoned_short=calls(3, lambda w: w < short),
        wait_sum=sum((w * n for w, n in answered), Decimal(0)),
        wait_median=quantile(answered, Decimal("0.5")) if quantiles else None,
        wait_p90=quantile(answered, Decimal("0.9")) if quantiles else None,
    )


def _count_by_scan(
    con: Any,
    params: Mapping[str, str],
    period: tuple[datetime.date, datetime.date] | None,
    threshold: Decimal,
    short: Decimal,
    quantiles: bool = False,
) -> CallCounts:
    where = _where(con, parse_list(params.get("queues", "")), period)
    t, s = float(threshold), float(short)
    rows = con.execute(
        f"""
        SELECT CASE WHEN phantom THEN 0 WHEN NOT offered THEN 1 WHEN answered THEN 2
                    WHEN abandoned THEN 3 ELSE 4 END AS code,
               count(*),
               count(*) FILTER (WHERE wait_s <= {t}),
               count(*) FILTER (WHERE wait_s < {s}),
               coalesce(sum(wait_s), 0),
               {"quantile_cont(wait_s, [0.5, 0.9])" if quantiles else "NULL"}
        FROM calls WHERE {where}
        GROUP BY code
        """
    ).fetchall()
    by_code = {int(r[0]): r for r in rows}

    def n(code: int, i: int = 1) -> int:
        return int(by_code[code][i]) if code in by_code else 0

    answered = by_code.get(2)
    quant = answered[5] if answered else None

    def dec(v: object) -> Decimal | None:
        return None if v is None else Decimal(str(v))

    return CallCounts(
        all=sum(int(r[1]) for r in rows),
        phantom=n(0),
        ivr=n(1),
        offered=n(2) + n(3) + n(4),
        answered=n(2),
        answered_within=n(2, 2),
        abandoned=n(3),
        abandoned_within=n(3, 2),
        abandoned_short=n(3, 3),
        wait_sum=Decimal(str(answered[4])) if answered else Decimal(0),
        wait_median=dec(quant[0]) if quant is not None else None,
        wait_p90=dec(quant[1]) if quant is not None else None,
    )


def _scope(params: Mapping[str, str], period: tuple[datetime.date, datetime.date] | None) -> str:
    queues = parse_list(params.get("queues", ""))
    parts = [
        "samtal som nått kön (ej avbrutna i talsvaret, ej fantomsamtal; besvarade utan kö har väntat 0 s)"
    ]
    if queues:
        parts.append(f"kö {swedish_join(queues)}")
    parts.append(f"period {period_text(period)}" if period else "hela filen")
    return "; ".join(parts)


def _details(c: CallCounts) -> dict[str, Decimal | None]:
    return {
        "calls": Decimal(c.all),
        "not_offered_ivr": Decimal(c.ivr),
        "phantom": Decimal(c.phantom),
        "offered": Decimal(c.offered),
        "answered": Decimal(c.answered),
        "abandoned": Decimal(c.abandoned),
    }


def _seconds(name: str, text: str) -> Decimal:
    value = parse_duration(name, text, default_unit="s")
    return value


def service_level(
    con: Any, loaded: LoadedLog, params: Mapping[str, str], period: Any
) -> MetricResult:
    threshold = _seconds("threshold_s", params["threshold_s"])
    mode = params["abandoned"].strip().lower()
    short = Decimal(0)
    if mode.startswith("short:"):
        short = _seconds("abandoned", mode.partition(":")[2])
        mode = "short"
    elif mode not in {"against", "excluded", "success"}:
        raise ParamError(
            "abandoned",
            params["abandoned"],
            f"Parametern abandoned={params['abandoned']} är inte ett tillåtet värde.",
            "Tillåtna värden: against, excluded, success, short:S (S i sekunder).",
        )
    c = _count(con, params, period, threshold, short)
    t = format_number(threshold)
    if mode == "against":
        num, den = c.answered_within, c.answered + c.abandoned
        formula = f"besvarade inom {t} s / (besvarade + avbrutna i kö)"
    elif mode == "excluded":
        num, den = c.answered_within, c.answered
        formula = f"besvarade inom {t} s / besvarade (avbrutna räknas inte)"
    elif mode == "success":
        num, den = c.answered_within + c.abandoned_within, c.answered + c.abandoned
        formula = (
            f"(besvarade inom {t} s + avbrutna inom {t} s) / (besvarade + avbrutna i kö); "
            f"avbrutna inom {t} s räknas som lyckade"
        )
    else:
        num, den = c.answered_within, c.answered + c.abandoned - c.abandoned_short
        s = format_number(short)
        formula = (
            f"besvarade inom {t} s / (besvarade + avbrutna efter minst {s} s); "
            f"avbrutna efter kortare än {s} s räknas inte"
        )
    definition = (
        f"Andel samtal besvarade inom {t} s = {formula} ({_scope(params, period)}) "
        f"= {format_number(num)}/{format_number(den)}"
    )
    details = _details(c)
    details.update(
        {
            "answered_within": Decimal(c.answered_within),
            "abandoned_within": Decimal(c.abandoned_within),
            "abandoned_short": Decimal(c.abandoned_short),
        }
    )
    return MetricResult(
        metric="service-level",
        value=ratio(num, den),
        unit="%",
        numerator=Decimal(num),
        denominator=Decimal(den),
        count=c.offered,
        definition=definition,
        details=details,
    )


def speed_of_answer(
    con: Any, loaded: LoadedLog, params: Mapping[str, str], period: Any
) -> MetricResult:
    c = _count(con, params, period, Decimal(0), Decimal(0), quantiles=True)
    mean = c.wait_sum / c.answered if c.answered else None
    definition = (
        f"Genomsnittlig väntetid till svar (ASA) = summa väntetid för besvarade samtal / antal besvarade "
        f"({_scope(params, period)}) = {format_number(c.wait_sum)} s/{format_number(c.answered)} = "
        f"{format_number(mean, 1) if mean is not None else '–'} s; median "
        f"{format_number(c.wait_median, 1) if c.wait_median is not None else '–'} s"
    )
    details = _details(c)
    details.update({"mean_s": mean, "median_s": c.wait_median, "p90_s": c.wait_p90})
    return MetricResult(
        metric="speed-of-answer",
        value=mean,
        unit="s",
        numerator=c.wait_sum,
        denominator=Decimal(c.answered),
        count=c.offered,
        definition=definition,
        details=details,
    )


def abandon_rate(
    con: Any, loaded: LoadedLog, params: Mapping[str, str], period: Any
) -> MetricResult:
    short = _seconds("short_s", params["short_s"])
    c = _count(con, params, period, Decimal(0), short)
    num = c.abandoned - c.abandoned_short
    den = c.offered - c.abandoned_short
    rule = f"; avbrutna efter kortare än {format_number(short)} s räknas inte" if short > 0 else ""
    definition = (
        f"Andel avbrutna samtal = avbrutna i kö / samtal som nått kön{rule} ({_scope(params, period)}) "
        f"= {format_number(num)}/{format_number(den)}"
    )
    details = _details(c)
    details["abandoned_short"] = Decimal(c.abandoned_short)
    return MetricResult(
        metric="abandon-rate",
        value=ratio(num, den),
        unit="%",
        numerator=Decimal(num),
        denominator=Decimal(den),
        count=c.offered,
        definition=definition,
        details=details,
    )
