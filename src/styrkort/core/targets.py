"""Targets (målvärden) parsed from the Swedish text people write, and compared with outcomes.

See SPEC §3. ``parse_target`` never raises: it returns a typed target, or a
``TargetProblem`` that says why the text could not be read and how to write it.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from decimal import Decimal

from styrkort.core.values import (
    MISSING_WORDS,
    Direction,
    Missing,
    Quantity,
    Value,
    YesNo,
    normalise_unit,
    parse_value,
)


class Bound(enum.Enum):
    """Which side of a threshold is met."""

    AT_LEAST = ">="
    """Met when the outcome is the threshold or above."""
    AT_MOST = "<="
    """Met when the outcome is the threshold or below."""


@dataclass(frozen=True, slots=True)
class Threshold:
    """``90%``, ``minst 80 %``, ``högst 20 st``: reaching the value exactly counts as met."""

    bound: Bound
    value: Decimal
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """``Öka från 71,13``, ``Minska från 7%``: strictly better than the baseline; unchanged is not met."""

    direction: Direction
    baseline: Decimal | None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class Maintain:
    """``Bibehålla``, ``oförändrat``: not worse than the baseline."""

    baseline: Decimal | None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class Equals:
    """``Ja`` / ``Nej``: the outcome must be exactly this."""

    value: bool


@dataclass(frozen=True, slots=True)
class Range:
    """``70–80 %``: within the range, ends included."""

    low: Decimal
    high: Decimal
    unit: str | None = None


Target = Threshold | Change | Maintain | Equals | Range


@dataclass(frozen=True, slots=True)
class TargetProblem:
    """Why a target text could not be read, and how to write it."""

    code: str
    message: str
    hint: str


HOW_TO_WRITE = (
    "Skriv t.ex. '90 %', 'minst 80 %', 'högst 20 st', 'Öka från 71,13', 'Minska från 7 %', "
    "'Bibehålla', 'Ja', '70–80 %' eller lämna tomt om indikatorn saknar målvärde."
)

_AT_LEAST = re.compile(
    r"^(?:(?:minst|lägst|åtminstone|min\.?|över)(?=[\s\d])|≥|>=)\s*(?P<rest>.+)$", re.I
)
_AT_MOST = re.compile(
    r"^(?:(?:högst|max\.?|maximalt|maximum|under)(?=[\s\d])|≤|<=)\s*(?P<rest>.+)$", re.I
)
_CHANGE = re.compile(
    r"^(?P<verb>öka|ökas|ökning|höja|höjas|minska|minskas|minskning|sänka|sänkas)"
    r"(?:\s+(?:från|jämfört med|mot))?(?:\s+(?P<rest>.+))?$",
    re.I,
)
_MAINTAIN = re.compile(
    r"^(?:bibehålla|bibehålls|behålla|behålls|oförändrat|oförändrad|oförändrade|samma nivå|"
    r"minst oförändrat|bibehållen nivå)(?:\s+(?:på|från|vid))?(?:\s+(?P<rest>.+))?$",
    re.I,
)
_RANGE = re.compile(
    r"^(?P<low>[-\u2212]?[\d\s\u00a0]*[,.]?\d+)\s*(?P<lunit>[^\d\s–—-]+)?\s*(?:[-–—]|till)\s*"
    r"(?P<high>[-\u2212]?[\d\s\u00a0]*[,.]?\d+)\s*(?P<unit>\S.*)?$",
    re.I,
)
_INCREASE_WORDS = ("öka", "ökas", "ökning", "höja", "höjas")


def _quantity(text: str) -> Quantity | None:
    value = parse_value(text)
    return value if isinstance(value, Quantity) else None


def _problem_unreadable(text: str) -> TargetProblem:
    return TargetProblem(
        "target.unreadable",
        f"Målvärdet '{text}' kan inte tolkas.",
        HOW_TO_WRITE,
    )


def parse_target(
    text: str,
    direction: Direction | None,
    baseline: Decimal | None = None,
) -> Target | TargetProblem | None:
    """The typed target for ``text``; None when there is no target (empty or a dash).

    ``direction`` decides what a bare value means (at least when higher is
    better, at most when lower is better); ``baseline`` fills ``Öka``/``Bibehålla``
    written without a number.
    """
    s = " ".join(text.replace("\u00a0", " ").split())
    if s.lower() in MISSING_WORDS:
        return None
    low = s.lower()
    if low in {"ja", "nej"}:
        return Equals(low == "ja")

    if m := _AT_LEAST.match(s):
        q = _quantity(m.group("rest"))
        return Threshold(Bound.AT_LEAST, q.value, q.unit) if q else _problem_unreadable(s)
    if m := _AT_MOST.match(s):
        q = _quantity(m.group("rest"))
        return Threshold(Bound.AT_MOST, q.value, q.unit) if q else _problem_unreadable(s)
    if m := _CHANGE.match(s):
        verb = m.group("verb").lower()
        change_dir = Direction.INCREASE if verb.startswith(_INCREASE_WORDS) else Direction.DECREASE
        rest = m.group("rest")
        if rest:
            q = _quantity(rest)
            if q is None:
                return _problem_unreadable(s)
            return Change(change_dir, q.value, q.unit)
        if baseline is None:
            return TargetProblem(
                "target.no_baseline",
                f"Målvärdet '{s}' säger inte från vilket värde.",
                "Skriv utgångsvärdet i målvärdet ('Öka från 71,13') eller ange indikatorns baseline.",
            )
        return Change(change_dir, baseline, None)
    if m := _MAINTAIN.match(s):
        rest = m.group("rest")
        if rest:
            q = _quantity(rest)
            if q is None:
                return _problem_unreadable(s)
            return Maintain(q.value, q.unit)
        if baseline is None:
            return TargetProblem(
                "target.no_baseline",
                f"Målvärdet '{s}' kräver ett utgångsvärde att jämföra med.",
                "Ange indikatorns baseline (föregående års utfall) eller skriv 'Bibehålla 71,13'.",
            )
        return Maintain(baseline, None)
    if m := _RANGE.match(s):
        lo = _quantity(m.group("low"))
        hi = _quantity(m.group("high"))
        if lo and hi and lo.value <= hi.value:
            unit = normalise_unit(m.group("unit")) or normalise_unit(m.group("lunit"))
            return Range(lo.value, hi.value, unit)
    q = _quantity(s)
    if q is not None:
        if direction is None:
            return TargetProblem(
                "target.no_direction",
                f"Målvärdet '{s}' är ett tal, men indikatorn saknar riktning, så det går inte att "
                "avgöra om det är ett golv eller ett tak.",
                "Ange direction: increase (högre är bättre) eller decrease (lägre är bättre), "
                "eller skriv 'minst …'/'högst …'.",
            )
        bound = Bound.AT_LEAST if direction is Direction.INCREASE else Bound.AT_MOST
        return Threshold(bound, q.value, q.unit)
    return _problem_unreadable(s)


def target_unit(target: Target) -> str | None:
    """The unit written in the target, if any."""
    return None if isinstance(target, Equals) else target.unit


def target_direction(target: Target) -> Direction | None:
    """The direction the target itself implies, if it implies one."""
    if isinstance(target, Change):
        return target.direction
    if isinstance(target, Threshold):
        return Direction.INCREASE if target.bound is Bound.AT_LEAST else Direction.DECREASE
    return None


def reference_value(target: Target) -> Decimal | None:
    """The number the outcome is compared with (for tolerance and charts)."""
    if isinstance(target, Threshold):
        return target.value
    if isinstance(target, Change | Maintain):
        return target.baseline
    return None


def is_met(target: Target, outcome: Value, direction: Direction | None) -> bool | None:
    """Whether ``outcome`` meets ``target``; None when they cannot be compared."""
    if isinstance(outcome, Missing):
        return None
    if isinstance(target, Equals):
        return outcome.value == target.value if isinstance(outcome, YesNo) else None
    if not isinstance(outcome, Quantity):
        return None
    v = outcome.value
    if isinstance(target, Threshold):
        return v >= target.value if target.bound is Bound.AT_LEAST else v <= target.value
    if isinstance(target, Change):
        if target.baseline is None:
            return None
        return (
            v > target.baseline if target.direction is Direction.INCREASE else v < target.baseline
        )
    if isinstance(target, Maintain):
        if target.baseline is None or direction is None:
            return None
        return v >= target.baseline if direction is Direction.INCREASE else v <= target.baseline
    return target.low <= v <= target.high


def describe(target: Target) -> str:
    """The target in plain Swedish, for messages and notes."""

    def num(d: Decimal, unit: str | None) -> str:
        text = format(d.normalize(), "f").replace(".", ",")
        return f"{text} {unit}" if unit else text

    if isinstance(target, Equals):
        return "Ja" if target.value else "Nej"
    if isinstance(target, Threshold):
        word = "minst" if target.bound is Bound.AT_LEAST else "högst"
        return f"{word} {num(target.value, target.unit)}"
    if isinstance(target, Change):
        word = "högre än" if target.direction is Direction.INCREASE else "lägre än"
        return (
            f"{word} {num(target.baseline, target.unit)}" if target.baseline is not None else word
        )
    if isinstance(target, Maintain):
        return (
            f"inte sämre än {num(target.baseline, target.unit)}"
            if target.baseline is not None
            else "oförändrat"
        )
    return f"{num(target.low, None)}–{num(target.high, target.unit)}"
