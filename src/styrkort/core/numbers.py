"""Numbers as Swedish people write them: decimal comma, spaces as thousands separators.

``parse_decimal("−1 246,5")`` gives ``Decimal("-1246.5")``. Accepts the minus
signs people paste from Word and PDF (U+2212 minus, U+2013 en dash), any kind
of space as thousands separator (U+0020, U+00A0, U+202F, U+2009), and a
decimal point when there is no comma and the text cannot be a thousands group.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MINUS_SIGNS = "-\u2212\u2013\u2012\u2014"
SPACES = " \u00a0\u202f\u2009\u2007"

_NUMBER = re.compile(
    r"""^(?P<sign>[-+\u2212\u2013\u2012])?\s*
        (?P<int>\d{1,3}(?:[ \u00a0\u202f\u2009\u2007]\d{3})+|\d+)?
        (?:[,.](?P<frac>\d+))?$""",
    re.VERBOSE,
)


def parse_decimal(text: str) -> Decimal | None:
    """The number written in ``text``, or None when it is not a plain number.

    ``"1.234"`` is read as 1.234 (a decimal point), never as a thousands group:
    Swedish texts group with spaces, and guessing would turn 1,234 into 1234.
    """
    s = text.strip()
    if not s:
        return None
    m = _NUMBER.match(s)
    if not m or (m.group("int") is None and m.group("frac") is None):
        return None
    digits = re.sub(f"[{SPACES}]", "", m.group("int") or "0")
    frac = m.group("frac")
    try:
        value = Decimal(f"{digits}.{frac}" if frac is not None else digits)
    except InvalidOperation:  # pragma: no cover - the regex admits digits only
        return None
    sign = m.group("sign")
    if sign and sign != "+":
        value = -value
    return value


def is_minus_only(text: str) -> bool:
    """A cell holding only a dash: Swedish tables print "–" for zero or nothing."""
    s = text.strip()
    return len(s) == 1 and s in MINUS_SIGNS


def format_amount(value: Decimal, decimals: int | None = None) -> str:
    """Swedish figure: ``Decimal("-3970.5")`` -> ``"−3 970,5"`` (NBSP thousands, U+2212 minus)."""
    if decimals is None:
        exponent = value.normalize().as_tuple().exponent
        decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    quantised = (
        value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        if decimals >= 0
        else value
    )
    sign = "\u2212" if quantised < 0 else ""
    digits = f"{abs(quantised):.{max(decimals, 0)}f}"
    whole, _, frac = digits.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = "\u00a0".join(groups)
    return f"{sign}{text},{frac}" if frac else f"{sign}{text}"
