"""Targets as real municipalities and joint boards publish them (tests/data/targets/corpus.csv).

Every row is a test: the target is read as the report meant it (its reading, as
``describe`` prints it) or refused with a finding code and a hint; an outcome is
met exactly when the published status or the published rule says so; a
target's unit is never a stray word; and a worsening is never partly met.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pytest

from styrkort.core.assess import AssessmentRule, assess_indicator
from styrkort.core.goals import Indicator, Status
from styrkort.core.targets import TargetProblem, describe, parse_target, target_unit, worsened
from styrkort.core.values import UNITS, Direction, Quantity, parse_value

DATA = Path(__file__).resolve().parents[1] / "data" / "targets"


class Row(NamedTuple):
    line: int
    source: str
    indicator: str
    target: str
    outcome: str
    unit: str
    direction: str
    baseline: str
    expect: str
    met: str
    printed: str


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter=";"))


def corpus() -> list[Row]:
    return [Row(i, **row) for i, row in enumerate(_rows("corpus.csv"), 1)]


SOURCES = {r["key"]: r for r in _rows("sources.csv")}
ROWS = corpus()


def _direction(row: Row) -> Direction | None:
    return Direction(row.direction) if row.direction else None


def _baseline(row: Row) -> Decimal | None:
    value = parse_value(row.baseline) if row.baseline else None
    return value.value if isinstance(value, Quantity) else None


def reading(row: Row) -> str:
    parsed = parse_target(row.target, _direction(row), _baseline(row))
    if parsed is None:
        return "none"
    if isinstance(parsed, TargetProblem):
        return f"refused:{parsed.code}"
    return describe(parsed)


def _indicator(row: Row) -> Indicator:
    return Indicator(
        id=f"row{row.line}",
        text=row.indicator,
        unit=row.unit or None,
        direction=_direction(row),
        baseline=row.baseline,
        target=row.target,
        outcome=row.outcome,
    )


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.source}:{r.line}")
def test_every_row_has_a_source(row: Row) -> None:
    source = SOURCES[row.source]
    assert source["title"] and source["year"] and source["address"]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.source}:{r.line}")
def test_read_as_meant_or_refused_with_a_hint(row: Row) -> None:
    parsed = parse_target(row.target, _direction(row), _baseline(row))
    assert reading(row) == row.expect
    if isinstance(parsed, TargetProblem):
        assert parsed.message and parsed.hint
    elif parsed is not None:
        # never a junk unit: a target's unit is one the system knows, or none
        assert target_unit(parsed) in {None, *UNITS.values()}


@pytest.mark.parametrize("row", [r for r in ROWS if r.met], ids=lambda r: f"{r.source}:{r.line}")
def test_met_as_published(row: Row) -> None:
    result = assess_indicator(_indicator(row), AssessmentRule())
    assert (result.status is Status.MET) == (row.met == "ja"), result


@pytest.mark.parametrize(
    "row", [r for r in ROWS if r.outcome and r.baseline], ids=lambda r: f"{r.source}:{r.line}"
)
def test_a_worsening_is_never_partly_met(row: Row) -> None:
    outcome = parse_value(row.outcome)
    assert isinstance(outcome, Quantity)
    result = assess_indicator(_indicator(row), AssessmentRule())
    if worsened(outcome.value, _baseline(row), _direction(row)):
        assert result.status is not Status.PARTLY


def test_the_corpus_as_a_whole() -> None:
    read = [r for r in ROWS if reading(r) == r.expect]
    refused = [r for r in ROWS if r.expect.startswith("refused:")]
    assert len(read) == len(ROWS)
    assert len(refused) <= 0.05 * len(ROWS) + 1
    # Issue 12 asks for 150 rows from 10 sources; these are what the file holds (never
    # raise a minimum above that). Add rows as more published reports are typed in.
    assert len(ROWS) >= 167
    assert len({r.source for r in ROWS}) >= 51
