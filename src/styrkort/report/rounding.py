"""Rounding for presentation: tables in tkr that still add up (SPEC §5)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from styrkort.core.assessed import THOUSAND, round_unit


def round_to_total(
    amounts: Sequence[Decimal], total: Decimal, unit: Decimal = THOUSAND
) -> list[Decimal]:
    """Round each amount to whole units so that the results sum exactly to ``total`` (already in units).

    Largest remainder: start from each amount rounded half up, then move the
    parts whose rounding lost (or gained) the most by one unit each until the
    sum is ``total``. The adjustment never exceeds one unit per part when
    ``total`` is the rounded exact sum.
    """
    exact = [a / unit for a in amounts]
    rounded = [round_unit(a, unit) for a in amounts]
    diff = int(total - sum(rounded, Decimal(0)))
    if diff == 0 or not amounts:
        return rounded
    step = 1 if diff > 0 else -1
    # residual > 0: the part was rounded down; those go up first when diff > 0.
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - rounded[i]) * step, i))
    for i in order[: abs(diff)]:
        rounded[i] += step
    left = int(total - sum(rounded, Decimal(0)))
    if left:  # more than one unit per part: spread the rest in the same order
        for k in range(abs(left)):
            rounded[order[k % len(order)]] += step
    return rounded
