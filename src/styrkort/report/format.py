"""Swedish number formatting for the report: Babel, sv_SE, always with explicit patterns.

One minus sign for tables, text and charts: U+2212 (−). Thousands separator
U+00A0 (no-break space), decimal comma. Amounts are kronor in the model and
shown in tkr, rounded half up, only here.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

from styrkort.core.assessed import round_unit
from styrkort.core.values import DateValue, Level, Missing, Value, YesNo

MINUS = "\u2212"
NBSP = "\u00a0"
LOCALE = "sv_SE"
_LOCALE = Locale.parse(LOCALE)


@lru_cache(maxsize=64)
def _pattern(pattern: str) -> NumberPattern:
    # Parsing the pattern and the locale dominated the cost of building a report.
    return parse_pattern(pattern)


def to_tkr(amount_kr: Decimal) -> Decimal:
    """Kronor → whole tkr, rounded half up (away from zero on .5)."""
    return round_unit(amount_kr)


def number(value: Decimal, decimals: int = 0, *, keep: bool = False) -> str:
    """``value`` with ``decimals`` decimals (or as many as it has, when ``keep``), Swedish style."""
    # Keyed on the text: Decimal("1.0") == Decimal("1"), but they print differently with keep.
    return _number(str(value), decimals, keep)


@lru_cache(maxsize=8192)
def _number(text: str, decimals: int, keep: bool) -> str:
    value = Decimal(text)
    if keep:
        exp = value.as_tuple().exponent
        decimals = max(0, -exp) if isinstance(exp, int) else 0
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    q = Decimal(1).scaleb(-decimals)
    text = _pattern(pattern).apply(value.quantize(q, rounding=ROUND_HALF_UP), _LOCALE)
    text = text.replace("-", MINUS).replace("\u202f", NBSP)
    return "0" if text == MINUS + "0" else text


def tkr(amount_kr: Decimal) -> str:
    """An amount in kronor shown in whole tkr: ``-34559000`` → ``−34 559``."""
    return number(to_tkr(amount_kr))


def tkr_value(amount_tkr: Decimal) -> str:
    """An amount already in whole tkr (after rounding policy) shown Swedish style."""
    return number(amount_tkr)


def with_unit(text: str, unit: str | None) -> str:
    if not unit:
        return text
    return f"{text}{NBSP}{unit}"


def value(v: Value | None, written: str = "") -> str:
    """An outcome as shown in the goal table: ``6,58 %``, ``21 st``, ``Ja``, ``—``."""
    if v is None:
        return written.strip() or "—"
    if isinstance(v, Missing):
        return "—"
    if isinstance(v, YesNo):
        return "Ja" if v.value else "Nej"
    if isinstance(v, DateValue):
        return v.value.isoformat()
    if isinstance(v, Level):
        return v.name[0].upper() + v.name[1:]
    if v.unit == "tkr":  # amounts are shown in whole tkr, like the tables
        return with_unit(number(v.value), v.unit)
    return with_unit(number(v.value, keep=True), v.unit)


def percent(fraction: Decimal, decimals: int = 1) -> str:
    """A share given as a fraction 0–1, shown as percent: ``0.6582`` → ``65,8 %``."""
    return with_unit(number(fraction * 100, decimals), "%")


def target_text(written: str) -> str:
    """The target as written, with normalised spaces and the typographic minus."""
    text = " ".join(written.replace(NBSP, " ").split())
    if not text:
        return "—"
    text = re.sub(
        r"(\d) ?(%|st|tkr|kr|mnkr|dagar|h|min|s)(?![\wåäö])",
        lambda m: m.group(1) + NBSP + m.group(2),
        text,
    )
    return text.replace("-", MINUS) if text[:1] == "-" else text


def date_compact(iso: str) -> str:
    """``2020-12-31`` → ``201231``, as Swedish municipal reports often write it."""
    return iso.replace("-", "")[2:]
