"""Years, not a year: earlier periods' outcomes (historik), trends and comparisons.

Published goal tables print the outcome of the last two or three years beside
this year's, operating statements print last year's outcome beside this year's
budget and outcome, and change targets are written against last year ("Öka
från 71,13"). This module holds those earlier values as core values and the
rules that read them:

- :func:`series` — an indicator's outcomes by year, this year's included;
- :func:`trend` — förbättring / oförändrat / försämring, with the indicator's direction;
- :func:`previous_value` — last year's recorded outcome, which a change target's
  baseline must equal (the check ``history.baseline``);
- Kolada comparisons (:class:`KoladaValue`): the same key figure for the
  municipality itself, the whole country (riket) or a group of municipalities.

Pure: no files, no clock. The readers in ``sources/history.py`` fill these values.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from styrkort.core.findings import NOWHERE, Source
from styrkort.core.values import Direction, Quantity, Value, normalise_unit, parse_value


@dataclass(frozen=True, slots=True)
class PastOutcome:
    """An indicator's outcome in an earlier period, as written (``71,13``, ``7 %``, ``Ja``)."""

    year: int
    text: str
    source: Source = NOWHERE
    origin: str = ""
    """Where it came from when not typed in the indicator: ``history/2019`` (an earlier
    workspace), ``metric`` (computed from the earlier period's data), ``database``."""

    @property
    def value(self) -> Value | None:
        return parse_value(self.text)


@dataclass(frozen=True, slots=True)
class PastAmount:
    """An operating category's or investment project's outcome (kronor) in an earlier year."""

    key: str
    """The category (slagtext) or project, as in this year's table."""
    year: int
    outcome: Decimal
    source: Source = NOWHERE


@dataclass(frozen=True, slots=True)
class KoladaSpec:
    """Which Kolada key figure an indicator corresponds to, and what to compare it with."""

    kpi: str
    """Kolada's KPI id, e.g. ``N00090``."""
    municipality: str = ""
    """The municipality's own code (``1814``); empty: the organisation's or host's code."""
    compare: tuple[tuple[str, str], ...] = ()
    """``(code, name)`` to compare with: ``("0000", "Riket")``, a group id (``G…``) …"""
    gender: str = "T"
    """Kolada's gender key: T (totalt), K (kvinnor), M (män)."""
    source: Source = NOWHERE


@dataclass(frozen=True, slots=True)
class KoladaValue:
    """One value as Kolada publishes it (the API's ``values`` documents or its CSV download)."""

    kpi: str
    municipality: str
    year: int
    value: Decimal | None
    gender: str = "T"
    status: str = ""
    source: Source = NOWHERE


@dataclass(frozen=True, slots=True)
class History:
    """A workspace's earlier years: finance outcomes, Kolada values and how many to print."""

    operating: tuple[PastAmount, ...] = ()
    investments: tuple[PastAmount, ...] = ()
    kolada: tuple[KoladaValue, ...] = ()
    columns: int = 2
    """How many previous years the goal tables print beside this year's outcome."""
    trend: bool = True
    """Whether the goal tables print a trend column and a trend chart per indicator."""
    workspaces: tuple[str, ...] = ()
    """Earlier periods' workspace folders (inside this one) that history was read from."""
    source: Source = NOWHERE
    extra: dict[str, str] = field(default_factory=dict)

    def operating_outcome(self, category: str, year: int) -> Decimal | None:
        return next(
            (p.outcome for p in self.operating if p.key == category and p.year == year), None
        )

    def investment_outcome(self, project: str, year: int) -> Decimal | None:
        return next(
            (p.outcome for p in self.investments if p.key == project and p.year == year), None
        )

    def kolada_value(
        self, kpi: str, municipality: str, year: int, gender: str = "T"
    ) -> Decimal | None:
        for v in self.kolada:
            if (
                v.kpi == kpi
                and v.municipality == municipality
                and v.year == year
                and v.gender == gender
            ):
                return v.value
        return None

    def kolada_years(self, kpi: str) -> list[int]:
        return sorted({v.year for v in self.kolada if v.kpi == kpi})


class Trend(enum.Enum):
    """How an indicator moved since last year, read with its direction (higher or lower is better)."""

    IMPROVING = "förbättring"
    """Moved the way the indicator should (up when higher is better, down when lower is)."""
    UNCHANGED = "oförändrat"
    """The same value as last year."""
    WORSENING = "försämring"
    """Moved the wrong way."""

    @property
    def label(self) -> str:
        return self.value[0].upper() + self.value[1:]


def trend_symbol(previous: Decimal, current: Decimal) -> str:
    """An arrow for the value's movement (up, level, down), so that a trend never depends on
    colour; the word (:class:`Trend`) says whether the movement is good."""
    if current > previous:
        return "↗"
    if current < previous:
        return "↘"
    return "→"


def in_unit(value: Value | None, unit: str | None) -> Decimal | None:
    """The number of ``value`` when it is in ``unit`` (the indicator's); a value written without
    a unit is taken to be in it. None for anything else (yes/no, missing, another unit)."""
    if not isinstance(value, Quantity):
        return None
    own, wanted = normalise_unit(value.unit), normalise_unit(unit)
    if own and wanted and own != wanted:
        return None
    return value.value


def comparable(
    a: Value | None, b: Value | None, unit: str | None = None
) -> tuple[Decimal, Decimal] | None:
    """Both values as numbers in the same unit (``unit``, the indicator's, fills a missing
    one), else None."""
    if not isinstance(a, Quantity) or not isinstance(b, Quantity):
        return None
    ua = normalise_unit(a.unit) or normalise_unit(unit)
    ub = normalise_unit(b.unit) or normalise_unit(unit)
    if ua and ub and ua != ub:
        return None
    return a.value, b.value


def trend(
    previous: Value | None,
    current: Value | None,
    direction: Direction | None,
    unit: str | None = None,
) -> Trend | None:
    """The trend from ``previous`` to ``current``; None when they cannot be compared or the
    indicator has no direction (then only the arrow can be shown)."""
    pair = comparable(previous, current, unit)
    if pair is None or direction is None:
        return None
    before, now = pair
    if now == before:
        return Trend.UNCHANGED
    better = now > before if direction is Direction.INCREASE else now < before
    return Trend.IMPROVING if better else Trend.WORSENING


def previous_value(history: Sequence[PastOutcome], year: int) -> PastOutcome | None:
    """Last year's recorded outcome (the period before ``year``)."""
    return next((p for p in history if p.year == year - 1), None)


def series(history: Iterable[PastOutcome], year: int, current: str) -> list[tuple[int, str]]:
    """``(year, outcome as written)`` for every earlier year and this one, oldest first;
    a later record of the same year (the indicator's own) wins over an earlier workspace's."""
    by_year: dict[int, str] = {}
    for p in history:
        if p.year < year:
            by_year[p.year] = p.text
    out = sorted(by_year.items())
    out.append((year, current))
    return out


def merge_history(*layers: Iterable[PastOutcome]) -> tuple[PastOutcome, ...]:
    """Earlier values from several places, one per year: a later layer wins (the indicator's
    own record over an earlier workspace over a computed value)."""
    by_year: dict[int, PastOutcome] = {}
    for layer in layers:
        for p in layer:
            by_year[p.year] = p
    return tuple(by_year[y] for y in sorted(by_year))
