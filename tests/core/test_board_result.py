"""A board's row in the municipality's operating statement (core.finance.BoardResult)."""

from decimal import Decimal as D

from styrkort.core.finance import (
    BoardResult,
    OperatingRow,
    ResultPart,
    RowKind,
    board_result,
    operating_statement,
)


def test_gross_model_contribution_is_budgeted_net_cost() -> None:
    st = operating_statement(
        [
            OperatingRow("Intäkter", RowKind.REVENUE, D(-100), D(-120)),
            OperatingRow("Personal", RowKind.COST, D(600), D(650)),
        ]
    )
    b = board_result(st)
    assert (b.contribution, b.revenues, b.costs) == (D(500), D(120), D(650))
    assert b.result == D(-30)  # 500 + 120 − 650
    assert b.budget_result == 0 and b.deviation == D(-30)
    assert b.balance_result is None and b.closing_result is None


def test_relations_of_net_model_columns() -> None:
    b = BoardResult(
        contribution=D(1000),
        revenues=D(200),
        costs=D(1150),
        budget_result=D(-20),
        balance_adjustment=D(-10),
        opening_result=D(300),
        disposition=D(40),
        parts=(ResultPart("varav VA", D(0), D(90), D(80)),),
    )
    assert b.result == D(50)
    assert b.deviation == D(70)
    assert b.balance_result == D(40)
    assert b.closing_result == D(310)  # 300 + 50 − 40
    assert b.parts[0].result == D(10)
