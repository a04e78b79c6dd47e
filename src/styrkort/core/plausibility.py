"""Plausibility: a value that can be stored and read, but looks wrong.

One rule, asked by every place a value enters: the web form and the owners' grid (a warning
before saving; saving anyway needs a reason, which is logged), the API (the same refusal
unless a reason is sent) and ``styrkort check`` (the ``indicator.implausible`` warning on a
folder's outcomes and forecasts, core/checks.py).

What looks wrong:
- a share outside 0–100 % (a percentage indicator, or a value written with ``%``);
- a negative count (``st``);
- a decimal point where Swedish writes a comma (``12.5``);
- a value far from the indicator's history: more than ``FAR`` times larger or smaller than the
  latest earlier outcome in the same unit, or than the baseline when there is no history.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from styrkort.core.history import PastOutcome, in_unit
from styrkort.core.values import Quantity, normalise_unit, parse_value

FAR = Decimal(10)
"""How many times larger (or smaller) than the reference value a value may be and still look
plausible."""

_POINT = re.compile(r"\d\.\d")


def _reference(
    unit: str | None, baseline: str, history: Sequence[PastOutcome], year: int | None
) -> tuple[str, Decimal] | None:
    """The value to compare with, and how to name it: the latest earlier outcome in the
    indicator's unit, else the baseline."""
    earlier = sorted(
        (p for p in history if year is None or p.year < year), key=lambda p: p.year, reverse=True
    )
    for p in earlier:
        number = in_unit(p.value, unit)
        if number is not None:
            return f"utfallet {p.year} ({p.text})", number
    base = parse_value(baseline) if baseline else None
    number = in_unit(base, unit)
    if number is not None:
        return f"utgångsvärdet {baseline}", number
    return None


def implausible(
    text: str,
    unit: str | None,
    *,
    what: str = "Utfallet",
    baseline: str = "",
    history: Sequence[PastOutcome] = (),
    year: int | None = None,
) -> list[str]:
    """Why ``text`` (an outcome or forecast of an indicator measured in ``unit``) looks wrong,
    as Swedish sentences starting with ``what``; empty when it looks plausible (or is no number:
    whether it can be read at all is the assessment's question, not this one's)."""
    text = text.strip()
    value = parse_value(text) if text else None
    if not isinstance(value, Quantity):
        return []
    unit = normalise_unit(value.unit) or normalise_unit(unit)
    notes = []
    if _POINT.search(text):
        notes.append(
            f"{what} ”{text}” har decimalpunkt; på svenska skrivs decimalkomma "
            f"(”{text.replace('.', ',')}”)."
        )
    if unit == "%" and not (Decimal(0) <= value.value <= Decimal(100)):
        notes.append(f"{what} {text} är en andel utanför 0–100 %.")
    if unit == "st" and value.value < 0:
        notes.append(f"{what} {text} är ett negativt antal.")
    ref = _reference(unit, baseline, history, year)
    if ref is not None and ref[1] > 0 and value.value >= 0:
        ratio = value.value / ref[1]
        if ratio > FAR or ratio < 1 / FAR:
            notes.append(
                f"{what} {text} ligger långt från {ref[0]} "
                f"(mer än {FAR} gånger större eller mindre)."
            )
    return notes
