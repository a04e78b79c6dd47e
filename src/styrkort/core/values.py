"""Outcomes and quantities as people write them: ``6,58%``, ``21 st``, ``-823 tkr``, ``Ja``, ``—``."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from decimal import Decimal

from styrkort.core.numbers import parse_decimal

# Canonical unit names. "%" is percent (6,58 % is stored as 6.58, not 0.0658).
UNITS: dict[str, str] = {
    "%": "%",
    "procent": "%",
    "st": "st",
    "stycken": "st",
    "tkr": "tkr",
    "kr": "kr",
    "mnkr": "mnkr",
    "dagar": "dagar",
    "dag": "dagar",
    "d": "dagar",
    "h": "h",
    "tim": "h",
    "timmar": "h",
    "min": "min",
    "minuter": "min",
    "s": "s",
    "sek": "s",
    "sekunder": "s",
    "index": "index",
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
    "n/a",
}


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


Value = Quantity | YesNo | Missing

_QUANTITY = re.compile(
    r"^(?P<num>[-+\u2212\u2013]?\s*[\d\s\u00a0\u202f]*[,.]?\d+)\s*(?P<unit>[^\d\s].*)?$"
)


def normalise_unit(text: str | None) -> str | None:
    """The canonical unit for a written unit, or None for none; unknown units are kept as written."""
    if text is None:
        return None
    t = text.strip().rstrip(".").lower()
    if not t:
        return None
    return UNITS.get(t, t)


def parse_value(text: str) -> Value | None:
    """A written outcome as a value; None when the text is not a value at all."""
    s = text.strip()
    if s.lower() in MISSING_WORDS:
        return Missing(s)
    low = s.lower()
    if low in {"ja", "yes"}:
        return YesNo(True)
    if low in {"nej", "no"}:
        return YesNo(False)
    m = _QUANTITY.match(s)
    if not m:
        return None
    number = parse_decimal(m.group("num"))
    if number is None:
        return None
    written_unit = m.group("unit")
    if written_unit and any(ch.isdigit() for ch in written_unit):
        return None  # "80–70 %" is no number with a unit
    return Quantity(number, normalise_unit(written_unit))
