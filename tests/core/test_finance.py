from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from styrkort.core.allocation import AllocationKey, largest_remainder, split_result
from styrkort.core.finance import (
    FramePart,
    InvestmentRow,
    OperatingRow,
    RowKind,
    SignConvention,
    investment_statement,
    operating_statement,
    present,
)

D = Decimal
R, C = RowKind.REVENUE, RowKind.COST


def test_operating_statement_subtotals_and_deviation() -> None:
    op = operating_statement(
        [
            OperatingRow("Avgifter", R, D(0), D(-104_000)),
            OperatingRow("Bidrag", R, D(-1_000_000), D(-1_000_000)),
            OperatingRow("Personal", C, D(600_000), D(700_000)),
            OperatingRow("Övrigt", C, D(400_000), D(427_000)),
        ]
    )
    assert (op.total_revenues.budget, op.total_revenues.outcome, op.total_revenues.deviation) == (
        D(-1_000_000),
        D(-1_104_000),
        D(104_000),
    )
    assert (op.total_costs.budget, op.total_costs.outcome, op.total_costs.deviation) == (
        D(1_000_000),
        D(1_127_000),
        D(-127_000),
    )
    assert (op.net.budget, op.net.outcome, op.net.deviation) == (D(0), D(23_000), D(-23_000))
    assert op.result == D(-23_000)  # a deficit


def test_sign_conventions_present_without_changing_data() -> None:
    row = OperatingRow("Bidrag", R, D(-100), D(-120))
    assert present(row.outcome, SignConvention.LEDGER) == D(-120)
    assert present(row.outcome, SignConvention.REVENUE_POSITIVE) == D(120)
    assert row.outcome == D(-120)
    # a favourable deviation stays positive: more revenue than budgeted
    assert row.deviation == D(20)


def test_investments_and_frames() -> None:
    inv = investment_statement(
        [InvestmentRow("A", D(100), D(150)), InvestmentRow("B", D(200), D(120))],
        [
            FramePart("Nät", "x", D(1000), D(300), D(400)),
            FramePart("Nät", "y", D(500), D(200), D(322)),
        ],
    )
    assert (inv.total.budget, inv.total.outcome, inv.total.deviation) == (D(300), D(270), D(30))
    assert [p.remaining for p in inv.frame_parts("Nät")] == [D(300), D(-22)]


def test_reference_allocation_with_scb_population_2018() -> None:
    key = AllocationKey(
        (("askersund", D(11313)), ("hallsberg", D(15954)), ("laxa", D(5637)), ("lekeberg", D(8116)))
    )
    assert largest_remainder(D(-823), [w for _, w in key.weights]) == [
        D(-227),
        D(-320),
        D(-113),
        D(-163),
    ]
    parts = split_result(D(-823_000), key).parts
    assert sum(v for _, v in parts) == D(-823_000)


@given(
    result=st.integers(min_value=-(10**9), max_value=10**9),
    weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12).filter(
        lambda w: sum(w) > 0
    ),
)
def test_allocation_is_exact_for_any_key(result: int, weights: list[int]) -> None:
    parts = largest_remainder(D(result), [D(w) for w in weights])
    assert sum(parts) == D(result)
    total = sum(weights)
    for part, w in zip(parts, weights, strict=True):
        exact = D(result) * w / total
        assert abs(part - exact) < 1  # no part moves more than one unit from its exact share
        if w == 0:
            assert part == 0


@given(
    result=st.integers(min_value=-(10**7), max_value=10**7),
    weights=st.lists(st.integers(min_value=1, max_value=10**5), min_size=2, max_size=6),
)
def test_allocation_in_tkr_units(result: int, weights: list[int]) -> None:
    amount = D(result) * 1000
    parts = largest_remainder(amount, [D(w) for w in weights], D(1000))
    assert sum(parts) == amount
    assert all(p % 1000 == 0 for p in parts)
