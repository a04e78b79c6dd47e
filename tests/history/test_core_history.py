"""core.history: trends with the indicator's direction, units, series and merging."""

from __future__ import annotations

from decimal import Decimal

import pytest

from styrkort.core.history import (
    PastOutcome,
    Trend,
    comparable,
    in_unit,
    merge_history,
    previous_value,
    series,
    trend,
    trend_symbol,
)
from styrkort.core.values import Direction, Quantity, YesNo, parse_value

INC, DEC = Direction.INCREASE, Direction.DECREASE


@pytest.mark.parametrize(
    ("before", "now", "direction", "expected"),
    [
        ("7 %", "6,58 %", DEC, Trend.IMPROVING),  # sick leave down: better
        ("7 %", "7,4 %", DEC, Trend.WORSENING),
        ("71,13", "65", INC, Trend.WORSENING),
        ("60", "72", INC, Trend.IMPROVING),
        ("60", "60,0", INC, Trend.UNCHANGED),
        ("7 %", "6 %", None, None),  # no direction: only the arrow
        ("55 %", "71", INC, Trend.IMPROVING),  # a missing unit agrees with any
        ("55 %", "71 index", INC, None),  # a percentage is no index
        ("Ja", "Nej", INC, None),
        ("—", "5", INC, None),
    ],
)
def test_trend(before: str, now: str, direction: Direction | None, expected: Trend | None) -> None:
    assert trend(parse_value(before), parse_value(now), direction) == expected


def test_trend_uses_the_indicators_unit_for_values_written_without_one() -> None:
    # 71,13 (an index, unit taken from the indicator) against 55 % is no trend
    assert trend(parse_value("71,13"), parse_value("55 %"), INC, "index") is None
    assert trend(parse_value("71,13"), parse_value("75"), INC, "index") is Trend.IMPROVING


def test_arrows_show_the_movement_and_words_the_judgement() -> None:
    assert trend_symbol(Decimal(7), Decimal("6.58")) == "↘"
    assert trend_symbol(Decimal(1), Decimal(2)) == "↗"
    assert trend_symbol(Decimal(1), Decimal(1)) == "→"
    assert Trend.IMPROVING.label == "Förbättring"


def test_in_unit_and_comparable() -> None:
    assert in_unit(Quantity(Decimal(5), "%"), "%") == 5
    assert in_unit(Quantity(Decimal(5)), "%") == 5
    assert in_unit(Quantity(Decimal(5), "%"), "index") is None
    assert in_unit(YesNo(True), None) is None
    assert comparable(Quantity(Decimal(1), "st"), Quantity(Decimal(2), "%")) is None


def test_series_previous_and_merge() -> None:
    typed = (PastOutcome(2019, "71,13"),)
    older = (PastOutcome(2018, "68", origin="historik/2018"), PastOutcome(2019, "70", origin="x"))
    merged = merge_history(older, typed)
    assert [(p.year, p.text) for p in merged] == [(2018, "68"), (2019, "71,13")]  # typed wins
    assert previous_value(merged, 2020) == PastOutcome(2019, "71,13")
    assert previous_value(merged, 2021) is None
    assert series(merged, 2020, "55") == [(2018, "68"), (2019, "71,13"), (2020, "55")]
    # history never holds the current year or later: series ignores it
    assert series((PastOutcome(2020, "1"),), 2020, "2") == [(2020, "2")]
