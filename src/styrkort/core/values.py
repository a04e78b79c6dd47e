"""Outcomes and quantities as people write them: ``6,58%``, ``21 st``, ``-823 tkr``, ``Ja``, ``—``,
``8 av 10``, ``2021-05-31``, ``grönt``."""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from dataclasses import dataclass
from decimal import Decimal

from styrkort.core.numbers import parse_decimal

# Canonical unit names. "%" is percent (6,58 % is stored as 6.58, not 0.0658).
UNITS: dict[str, str] = {
    "%": "%",
    "procent": "%",
    "st": "st",
    "st.": "st",
    "stycken": "st",
    "tkr": "tkr",
    "kr": "kr",
    "kronor": "kr",
    "mnkr": "mnkr",
    "mkr": "mnkr",
    "mdkr": "mdkr",
    "dagar": "dagar",
    "dag": "dagar",
    "d": "dagar",
    "veckor": "veckor",
    "vecka": "veckor",
    "v": "veckor",
    "månader": "månader",
    "månad": "månader",
    "mån": "månader",
    "år": "år",
    "h": "h",
    "tim": "h",
    "timme": "h",
    "timmar": "h",
    "min": "min",
    "minuter": "min",
    "minut": "min",
    "s": "s",
    "sek": "s",
    "sekunder": "s",
    "index": "index",
    "indexenheter": "index",
    "poäng": "poäng",
    "p": "poäng",
    "procentenheter": "procentenheter",
    "p.e.": "procentenheter",
    "%-enheter": "procentenheter",
    "kr/invånare": "kr/invånare",
    "kr/inv": "kr/invånare",
    "kr/inv.": "kr/invånare",
    "kwh": "kWh",
    "mwh": "MWh",
    "gwh": "GWh",
    "ton": "ton",
    "kg": "kg",
    "km": "km",
    "ja/nej": "ja/nej",
}

MISSING_WORDS = {
    "",
    "—",
    "–",
    "-",
    "saknas",
    "saknar värde",
    "ej tillgängligt",
    "uppgift saknas",
    "ej mätt",
    "mäts ej",
    "ingen mätning",
    "n/a",
}

# Swedish number words, for "nio av tio".
NUMBER_WORDS = {
    "en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7,
    "åtta": 8, "nio": 9, "tio": 10,
}  # fmt: skip


class Direction(enum.Enum):
    """Which way is better for an indicator."""

    INCREASE = "increase"
    """Higher is better (öka)."""
    DECREASE = "decrease"
    """Lower is better (minska)."""

    @property
    def swedish(self) -> str:
        return "högre är bättre" if self is Direction.INCREASE else "lägre är bättre"


@dataclass(frozen=True, slots=True)
class Scale:
    """Named levels in their declared order, worst first: a traffic light, or an organisation's own levels."""

    name: str
    levels: tuple[str, ...]
    aliases: tuple[tuple[str, int], ...] = ()
    """Other written forms (``grönt``, ``gröna``) and the level they stand for."""

    def level(self, text: str) -> int | None:
        t = text.strip().lower()
        for i, name in enumerate(self.levels):
            if t == name.lower():
                return i
        return dict(self.aliases).get(t)


TRAFFIC_LIGHT = Scale(
    "trafikljus",
    ("röd", "gul", "grön"),
    (("rött", 0), ("röda", 0), ("gult", 1), ("gula", 1), ("grönt", 2), ("gröna", 2)),
)
"""Red, yellow, green: the traffic light many municipalities print beside an indicator."""

DEFAULT_SCALES: tuple[Scale, ...] = (TRAFFIC_LIGHT,)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with an optional unit, e.g. 6.58 %."""

    value: Decimal
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class YesNo:
    """A yes/no fact (Ja/Nej)."""

    value: bool


@dataclass(frozen=True, slots=True)
class Missing:
    """No value ("—", "saknas", empty)."""

    written: str = ""


@dataclass(frozen=True, slots=True)
class DateValue:
    """A date, e.g. when something was done (``2021-05-31``)."""

    value: dt.date


@dataclass(frozen=True, slots=True)
class Level:
    """A named level on a declared scale, e.g. ``grönt`` on the traffic light."""

    scale: Scale
    index: int

    @property
    def name(self) -> str:
        return self.scale.levels[self.index]


Value = Quantity | YesNo | Missing | DateValue | Level

NUMBER = r"[-+\u2212\u2013]?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[,.]\d+)?"
_QUANTITY = re.compile(rf"^(?P<num>{NUMBER})\s*(?P<unit>[^\d\s].*)?$")
_SHARE = re.compile(
    r"^(?P<n>\d+|[a-zåäö]+)\s*(?:av|/)\s*(?P<m>\d+|[a-zåäö]+)$",
    re.I,
)
_DATE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})$")


def known_unit(text: str | None) -> str | None:
    """The canonical unit for a written unit, or None when the word is no unit we know."""
    if text is None:
        return None
    return UNITS.get(text.strip().lower())


def normalise_unit(text: str | None) -> str | None:
    """The canonical unit for a written unit, or None for none; unknown units are kept as written.

    For the indicator's declared unit. A target never keeps an unknown word as
    its unit (``targets.parse_target`` refuses it).
    """
    if text is None:
        return None
    t = text.strip().rstrip(".").lower()
    if not t:
        return None
    return UNITS.get(t, UNITS.get(t + ".", t))


def _count(word: str) -> int | None:
    w = word.lower()
    return int(w) if w.isdigit() else NUMBER_WORDS.get(w)


def share(text: str) -> Decimal | None:
    """``8 av 10``, ``9/10``, ``nio av tio`` as a percentage (80, 90, 90); None otherwise."""
    m = _SHARE.match(" ".join(text.split()))
    if not m:
        return None
    n, d = _count(m.group("n")), _count(m.group("m"))
    if n is None or d is None or d == 0 or n > d:
        return None
    pct = (Decimal(n) * 100 / Decimal(d)).quantize(Decimal("0.01"))
    return pct.quantize(Decimal(1)) if pct == pct.to_integral_value() else pct.normalize()


def parse_date(text: str) -> dt.date | None:
    m = _DATE.match(text.strip())
    if not m:
        return None
    try:
        return dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    except ValueError:
        return None


@functools.lru_cache(maxsize=16384)
def parse_value(text: str, scales: tuple[Scale, ...] = DEFAULT_SCALES) -> Value | None:
    """A written outcome as a value; None when the text is not a value at all.

    Cached (the values are frozen): a period's checks, trends and screens parse the same
    outcome texts again and again, ten years of five hundred indicators on a web page."""
    s = " ".join(text.replace("\u00a0", " ").split())
    if s.lower() in MISSING_WORDS:
        return Missing(text.strip())
    low = s.lower()
    if low in {"ja", "yes"}:
        return YesNo(True)
    if low in {"nej", "no"}:
        return YesNo(False)
    date = parse_date(s)
    if date is not None:
        return DateValue(date)
    for scale in scales:
        level = scale.level(low)
        if level is not None:
            return Level(scale, level)
    pct = share(s)
    if pct is not None:
        return Quantity(pct, "%")
    m = _QUANTITY.match(text.strip())
    if not m:
        return None
    number = parse_decimal(m.group("num"))
    if number is None:
        return None
    written_unit = m.group("unit")
    if written_unit and any(ch.isdigit() for ch in written_unit):
        return None  # "80–70 %" is no number with a unit
    return Quantity(number, normalise_unit(written_unit))
