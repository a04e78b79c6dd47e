from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from styrkort.core.assessed import round_unit
from styrkort.report.rounding import round_to_total

D = Decimal


def test_round_half_up_in_tkr() -> None:
    assert round_unit(D(1500)) == 2
    assert round_unit(D(-1500)) == -2
    assert round_unit(D(1499)) == 1


def test_largest_remainder_fixes_a_visible_break() -> None:
    rows = [D(1400), D(1400), D(1400)]  # each 1 tkr, exact total 4,2 → 4
    assert [round_unit(r) for r in rows] == [1, 1, 1]
    assert round_to_total(rows, round_unit(sum(rows))) == [D(2), D(1), D(1)]


@given(st.lists(st.integers(min_value=-(10**8), max_value=10**8), min_size=1, max_size=15))
def test_rounded_rows_always_sum_to_rounded_total(amounts: list[int]) -> None:
    values = [D(a) for a in amounts]
    total = round_unit(sum(values, D(0)))
    parts = round_to_total(values, total)
    assert sum(parts) == total
    for p, v in zip(parts, values, strict=True):
        assert abs(p - v / 1000) < 2
