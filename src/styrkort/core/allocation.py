"""Splitting a joint board's result among its members (fördelning), SPEC §5."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from styrkort.core.findings import NOWHERE, Source


@dataclass(frozen=True, slots=True)
class AllocationKey:
    """A versioned allocation key (fördelningsnyckel).

    ``basis`` is "population" (weights are inhabitants on ``reference_date``)
    or "agreed" (weights are agreed shares); ``decision`` names the decision
    that fixed the key.
    """

    weights: tuple[tuple[str, Decimal], ...]
    basis: str = "population"
    reference_date: str = ""
    decision: str = ""
    source: Source = NOWHERE

    @property
    def total(self) -> Decimal:
        return sum((w for _, w in self.weights), Decimal(0))

    def share(self, member: str) -> Decimal:
        return dict(self.weights)[member] / self.total


def largest_remainder(
    amount: Decimal, weights: Sequence[Decimal], unit: Decimal = Decimal(1)
) -> list[Decimal]:
    """Split ``amount`` in proportion to ``weights`` in whole ``unit``s, summing exactly to ``amount``.

    Each part is first rounded toward minus infinity (in units); the units
    left over go, one each, to the parts with the largest remainders (ties to
    the earlier part). ``amount`` must be a whole number of units.
    """
    if not weights:
        raise ValueError("no weights")
    total_w = sum(weights, Decimal(0))
    if total_w <= 0 or any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative and not all zero")
    units = amount / unit
    if units != units.to_integral_value():
        raise ValueError("amount is not a whole number of units")
    exact = [units * w / total_w for w in weights]
    floors = [e.to_integral_value(rounding=ROUND_FLOOR) for e in exact]
    left = int(units - sum(floors, Decimal(0)))
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [f * unit for f in floors]


@dataclass(frozen=True, slots=True)
class Allocation:
    """The members' parts of the result; ``parts`` sum exactly to ``result``."""

    result: Decimal
    parts: tuple[tuple[str, Decimal], ...]
    key: AllocationKey

    def part(self, member: str) -> Decimal:
        return dict(self.parts)[member]


def split_result(result: Decimal, key: AllocationKey, unit: Decimal = Decimal(1)) -> Allocation:
    """Split the year's result among members by the key, exact to the krona (or ``unit``)."""
    members = [m for m, _ in key.weights]
    amounts = largest_remainder(result, [w for _, w in key.weights], unit)
    return Allocation(result, tuple(zip(members, amounts, strict=True)), key)
