"""Calendar time and business hours ("kontorstid") as DuckDB SQL.

Business time between two instants is ``B(t1) - B(t0)``, where ``B(t)`` is
the number of open milliseconds from the start of a calendar table up to
``t``. The table ``cal`` has one row per day: the day's start (``day_ms``),
its opening (``open_ms``, from midnight) and its open span (``span_ms``, 0 on
closed days), and ``cum_ms``, the open time of all earlier days. ``B(t)`` is
then plain arithmetic after a hash join on the date, so it is vectorised:
``cum_ms + least(greatest(ms(t) - day_ms - open_ms, 0), span_ms)``.

Closed days: Swedish public holidays from the ``holidays`` package (Sundays
are not counted as holidays here; weekends are closed through ``days``) plus
the organisation's own closed days, by name or date.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from styrkort.metrics._common import Param, ParamError, parse_choice, swedish_join

WEEKDAYS = {
    "mon": 0, "mån": 0, "man": 0, "tue": 1, "tis": 1, "wed": 2, "ons": 2, "thu": 3, "tor": 3,
    "fri": 4, "fre": 4, "sat": 5, "lör": 5, "lor": 5, "sun": 6, "sön": 6, "son": 6,
}  # fmt: skip
WEEKDAY_TEXT = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")

NAMED_DAYS = {
    "julafton": "julafton",
    "nyarsafton": "nyårsafton",
    "nyårsafton": "nyårsafton",
    "midsommarafton": "midsommarafton",
    "trettondagsafton": "trettondagsafton",
    "skartorsdag": "skärtorsdag",
    "skärtorsdag": "skärtorsdag",
    "paskafton": "påskafton",
    "påskafton": "påskafton",
    "valborgsmassoafton": "valborgsmässoafton",
    "valborgsmässoafton": "valborgsmässoafton",
    "allhelgonaafton": "allhelgonaafton",
}

CLOCK_PARAMS = (
    Param("hours", "calendar", "calendar (kalendertid, dygnet runt) eller business (kontorstid)"),
    Param("open", "08:00-17:00", "öppettid vid kontorstid, HH:MM-HH:MM"),
    Param("days", "mon-fri", "öppna veckodagar vid kontorstid, t.ex. mon-fri eller mån,tis,ons"),
    Param(
        "closed",
        "julafton,midsommarafton,nyarsafton",
        "egna stängda dagar utöver helgdagar: namn (julafton, midsommarafton, nyarsafton, "
        "trettondagsafton, skartorsdag, paskafton, valborgsmassoafton, allhelgonaafton) "
        "eller datum ÅÅÅÅ-MM-DD; inga för ingen",
    ),
)


def easter(year: int) -> datetime.date:
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def named_day(name: str, year: int) -> datetime.date:
    if name == "julafton":
        return datetime.date(year, 12, 24)
    if name == "nyårsafton":
        return datetime.date(year, 12, 31)
    if name == "trettondagsafton":
        return datetime.date(year, 1, 5)
    if name == "valborgsmässoafton":
        return datetime.date(year, 4, 30)
    if name == "midsommarafton":  # the Friday between 19 and 25 June
        d = datetime.date(year, 6, 19)
        return d + datetime.timedelta(days=(4 - d.weekday()) % 7)
    if name == "allhelgonaafton":  # the Friday between 30 October and 5 November
        d = datetime.date(year, 10, 30)
        return d + datetime.timedelta(days=(4 - d.weekday()) % 7)
    if name == "skärtorsdag":
        return easter(year) - datetime.timedelta(days=3)
    if name == "påskafton":
        return easter(year) - datetime.timedelta(days=1)
    raise KeyError(name)  # pragma: no cover - names are checked when parsed


_HHMM = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*-\s*(\d{1,2})[:.](\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class Clock:
    """How elapsed time is measured: calendar time, or business hours."""

    business: bool
    open_min: int = 8 * 60
    close_min: int = 17 * 60
    weekdays: frozenset[int] = frozenset(range(5))
    closed_names: tuple[str, ...] = ("julafton", "midsommarafton", "nyårsafton")
    closed_dates: tuple[datetime.date, ...] = ()

    @property
    def day_ms(self) -> int:
        return (self.close_min - self.open_min) * 60_000

    def describe(self) -> str:
        if not self.business:
            return "kalendertid"
        days = sorted(self.weekdays)
        if days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
            day_text = f"{WEEKDAY_TEXT[days[0]]}–{WEEKDAY_TEXT[days[-1]]}"
        else:
            day_text = ", ".join(WEEKDAY_TEXT[d] for d in days)
        hours = f"{self.open_min // 60:02d}:{self.open_min % 60:02d}–{self.close_min // 60:02d}:{self.close_min % 60:02d}"
        closed = ["helgdagar", *self.closed_names, *(d.isoformat() for d in self.closed_dates)]
        return f"kontorstid {day_text} {hours}, utom {swedish_join(closed)}"

    def closed_days(self, years: range) -> set[datetime.date]:
        import holidays

        out = set(holidays.country_holidays("SE", years=list(years), include_sundays=False))
        for year in years:
            out.update(named_day(n, year) for n in self.closed_names)
        out.update(self.closed_dates)
        return out

    def is_open_day(self, day: datetime.date, closed: set[datetime.date]) -> bool:
        return day.weekday() in self.weekdays and day not in closed

    def register_calendar(self, con: Any, first: datetime.date, last: datetime.date) -> None:
        """Create the temp table ``cal`` covering ``first``..``last`` (one row per day)."""
        import pyarrow as pa

        first -= datetime.timedelta(days=1)
        last += datetime.timedelta(days=1)
        closed = self.closed_days(range(first.year, last.year + 1))
        epoch = datetime.date(1970, 1, 1)
        days: list[datetime.date] = []
        day_ms: list[int] = []
        open_ms: list[int] = []
        span_ms: list[int] = []
        cum_ms: list[int] = []
        cum = 0
        d = first
        step = datetime.timedelta(days=1)
        while d <= last:
            span = self.day_ms if self.is_open_day(d, closed) else 0
            days.append(d)
            day_ms.append((d - epoch).days * 86_400_000)
            open_ms.append(self.open_min * 60_000)
            span_ms.append(span)
            cum_ms.append(cum)
            cum += span
            d += step
        table = pa.table(
            {
                "d": pa.array(days, type=pa.date32()),
                "day_ms": pa.array(day_ms, type=pa.int64()),
                "open_ms": pa.array(open_ms, type=pa.int64()),
                "span_ms": pa.array(span_ms, type=pa.int64()),
                "cum_ms": pa.array(cum_ms, type=pa.int64()),
            }
        )
        con.register("cal_arrow", table)
        con.execute("CREATE OR REPLACE TEMP TABLE cal AS SELECT * FROM cal_arrow")
        con.unregister("cal_arrow")


def business_ms(t: str, alias: str) -> str:
    """``B(t)`` in SQL; the query must ``LEFT JOIN cal {alias} ON {alias}.d = CAST(t AS DATE)``."""
    return (
        f"({alias}.cum_ms + least(greatest(CAST(epoch({t}) * 1000 AS BIGINT) - {alias}.day_ms - {alias}.open_ms, 0), "
        f"{alias}.span_ms))"
    )


def cal_join(t: str, alias: str) -> str:
    return f"LEFT JOIN cal {alias} ON {alias}.d = CAST({t} AS DATE)"


def parse_clock(params: Mapping[str, str]) -> Clock:
    business = (
        parse_choice(
            "hours",
            params["hours"],
            {
                "calendar": "c",
                "kalendertid": "c",
                "kalender": "c",
                "business": "b",
                "kontorstid": "b",
            },
        )
        == "b"
    )
    m = _HHMM.match(params["open"])
    if not m:
        raise ParamError(
            "open",
            params["open"],
            f"Öppettiden open={params['open']} kan inte läsas.",
            "Skriv t.ex. 08:00-17:00.",
        )
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    open_min, close_min = h1 * 60 + m1, h2 * 60 + m2
    if not (0 <= open_min < close_min <= 24 * 60) or m1 > 59 or m2 > 59:
        raise ParamError(
            "open",
            params["open"],
            f"Öppettiden open={params['open']} är inte ett tidsintervall inom dygnet.",
            "Skriv t.ex. 08:00-17:00.",
        )
    weekdays: set[int] = set()
    for part in params["days"].lower().replace(" ", "").split(","):
        if not part:
            continue
        a, _, b = part.partition("-")
        if a not in WEEKDAYS or (b and b not in WEEKDAYS):
            raise ParamError(
                "days",
                params["days"],
                f"Veckodagarna days={params['days']} kan inte läsas.",
                "Skriv t.ex. mon-fri eller mån,tis,ons.",
            )
        start, stop = WEEKDAYS[a], WEEKDAYS[b or a]
        weekdays.update(
            range(start, stop + 1) if start <= stop else [*range(start, 7), *range(stop + 1)]
        )
    if not weekdays:
        raise ParamError(
            "days", params["days"], "Inga öppna veckodagar angivna.", "Skriv t.ex. mon-fri."
        )
    names: list[str] = []
    dates: list[datetime.date] = []
    for part in params["closed"].split(","):
        key = part.strip().lower()
        if not key or key in {"inga", "none"}:
            continue
        if key in NAMED_DAYS:
            if NAMED_DAYS[key] not in names:
                names.append(NAMED_DAYS[key])
            continue
        try:
            dates.append(datetime.date.fromisoformat(key))
        except ValueError:
            raise ParamError(
                "closed",
                params["closed"],
                f'Den stängda dagen "{part.strip()}" är varken ett känt namn eller ett datum.',
                "Kända namn: "
                + ", ".join(sorted(set(NAMED_DAYS.values())))
                + "; datum skrivs ÅÅÅÅ-MM-DD.",
            ) from None
    return Clock(
        business, open_min, close_min, frozenset(weekdays), tuple(names), tuple(sorted(dates))
    )
