"""Parameters, Swedish formatting and the result type shared by all metrics."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from styrkort.core.findings import Finding
from styrkort.core.numbers import format_amount, parse_decimal


@dataclass(frozen=True, slots=True)
class MetricResult:
    """One computed figure with its definition and everything needed to check it."""

    metric: str
    value: Decimal | None
    """A share as a fraction 0–1 (unit "%"), hours ("h"), seconds ("s") or an index ("index")."""
    unit: str
    numerator: Decimal | None
    denominator: Decimal | None
    count: int
    """How many records (tickets, calls, employees, respondents) were selected before exclusions."""
    definition: str
    """Swedish: the formula with every parameter's value, to print beside the figure."""
    details: Mapping[str, Decimal | None] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form; Decimals become numbers (floats), findings Finding.as_dict()."""

        def num(d: Decimal | None) -> float | int | None:
            if d is None:
                return None
            return int(d) if d == d.to_integral_value() and abs(d) < 2**53 else float(d)

        return {
            "metric": self.metric,
            "value": num(self.value),
            "unit": self.unit,
            "numerator": num(self.numerator),
            "denominator": num(self.denominator),
            "count": self.count,
            "definition": self.definition,
            "details": {k: num(v) for k, v in self.details.items()},
            "findings": [f.as_dict() for f in self.findings],
        }


class ParamError(Exception):
    """A parameter value the metric cannot use; becomes an error finding."""

    def __init__(self, name: str, value: str, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.name = name
        self.value = value
        self.message = message
        self.hint = hint


@dataclass(frozen=True, slots=True)
class Param:
    """A metric parameter: name, default (as written on the command line) and Swedish description."""

    name: str
    default: str
    description: str


@dataclass(frozen=True, slots=True)
class Metric:
    """A named computation over one kind of input."""

    name: str
    kind: str
    """The input kind it needs: 'tickets', 'calls', 'sick-leave' or 'hme'."""
    unit: str
    description: str
    params: tuple[Param, ...]
    run: Callable[..., MetricResult]
    prepare: Callable[..., Any] | None = None
    """Ticket metrics: make a plan that ``compute_many`` can batch with others over the same file."""

    def defaults(self) -> dict[str, str]:
        return {p.name: p.default for p in self.params}


# --- parsing ---------------------------------------------------------------------------

_DURATION = re.compile(r"^\s*(?P<n>\d+(?:[.,]\d+)?)\s*(?P<u>[a-zåäö]*)\s*$", re.IGNORECASE)
_UNITS = {
    "s": 1,
    "sek": 1,
    "sekund": 1,
    "sekunder": 1,
    "min": 60,
    "m": 60,
    "minut": 60,
    "minuter": 60,
    "h": 3600,
    "tim": 3600,
    "timme": 3600,
    "timmar": 3600,
    "d": 86400,
    "dag": 86400,
    "dagar": 86400,
}


def parse_duration(name: str, text: str, default_unit: str = "s") -> Decimal:
    """Seconds in "30 min", "2h", "8 h", "2 dagar", "1,5 h" (a bare number is ``default_unit``)."""
    m = _DURATION.match(text)
    unit = (m.group("u").lower() if m else "") or default_unit
    if not m or unit not in _UNITS:
        raise ParamError(
            name,
            text,
            f"Parametern {name}={text} är ingen tidslängd.",
            "Skriv till exempel 30min, 2h, 8h, 2d eller 20s.",
        )
    number = parse_decimal(m.group("n"))
    assert number is not None
    return number * _UNITS[unit]


def format_duration(seconds: Decimal) -> str:
    """Swedish: 30 min, 2 h, 2 dagar, 20 s."""
    for size, unit in ((86400, " dagar"), (3600, " h"), (60, " min")):
        if seconds >= size and (seconds / size) == (seconds / size).to_integral_value():
            n = seconds / size
            if unit == " dagar" and n == 1:
                return "1 dag"
            return f"{format_number(n)}{unit}"
    if seconds >= 3600:
        return f"{format_number(seconds / 3600)} h"
    if seconds >= 60:
        return f"{format_number(seconds / 60)} min"
    return f"{format_number(seconds)} s"


def format_number(d: Decimal | int, places: int | None = None) -> str:
    """Swedish number: non-breaking space between thousands, decimal comma, U+2212 minus."""
    return format_amount(Decimal(d), places)


def parse_list(text: str) -> list[str]:
    return [v.strip() for v in text.split(",") if v.strip()]


def parse_choice(name: str, text: str, choices: Mapping[str, str]) -> str:
    key = text.strip().lower()
    if key not in choices:
        raise ParamError(
            name,
            text,
            f"Parametern {name}={text} är inte ett tillåtet värde.",
            "Tillåtna värden: " + ", ".join(sorted(set(choices))) + ".",
        )
    return choices[key]


def parse_int(name: str, text: str, minimum: int = 0) -> int:
    d = parse_decimal(text)
    if d is None or d != d.to_integral_value() or d < minimum:
        raise ParamError(
            name, text, f"Parametern {name}={text} är inte ett heltal ≥ {minimum}.", ""
        )
    return int(d)


def swedish_join(items: list[str]) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " och " + items[-1]


def period_text(period: tuple[datetime.date, datetime.date] | None) -> str:
    if period is None:
        return "hela filen"
    return f"{period[0].isoformat()}–{period[1].isoformat()}"


def ratio(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    den = Decimal(denominator)
    if den == 0:
        return None
    return Decimal(numerator) / den


def sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sql_in(values: list[str], lower: bool = True) -> str:
    vals = [v.lower() if lower else v for v in values]
    return "(" + ", ".join(sql_str(v) for v in vals) + ")"


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _period_start(text: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of "2020", "2020-03" or "2020-03-15"."""
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    m = _MONTH.match(text)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        first = datetime.date(year, month, 1)
        nxt = datetime.date(year + (month == 12), month % 12 + 1, 1)
        return first, nxt - datetime.timedelta(days=1)
    day = datetime.date.fromisoformat(text)
    return day, day


def parse_period(text: str) -> tuple[datetime.date, datetime.date]:
    """An inclusive date range from "2020", "2020-03", "2020-01..2020-08" or "2020-01-15..2020-02-10".

    Raises ValueError with a Swedish message.
    """
    try:
        if ".." in text:
            a, _, b = text.partition("..")
            first, last = _period_start(a)[0], _period_start(b)[1]
        else:
            first, last = _period_start(text)
    except ValueError:
        raise ValueError(
            f'Perioden "{text}" kan inte läsas; skriv 2020, 2020-03, 2020-01..2020-08 eller 2020-01-15..2020-02-10.'
        ) from None
    if first > last:
        raise ValueError(f'Perioden "{text}" slutar före den börjar.')
    return first, last
