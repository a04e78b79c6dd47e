"""core/municipality.py: the operating statement per board, council goals, joint boards, checks."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from styrkort.core.assess import AssessmentRule, GoalRule
from styrkort.core.assessed import assess_workspace
from styrkort.core.finance import BoardResult, ResultPart, RowKind
from styrkort.core.findings import Source
from styrkort.core.goals import Goal, Indicator, Status
from styrkort.core.model import Organisation, Period, Workspace
from styrkort.core.municipality import (
    BoardRef,
    CouncilGoalSpec,
    Elimination,
    FinanceItem,
    GoalLink,
    JointBoard,
    MunicipalityConfig,
    assess_council_goals,
    assess_municipality,
    joint_shares,
    operating_by_board,
)
from styrkort.core.values import Direction

D = Decimal
KS = BoardRef("ks", "Kommunstyrelsen", "ks", source=Source("styrkort.yaml", 8))
TN = BoardRef("tn", "Tekniska nämnden", "tn", source=Source("styrkort.yaml", 12))
KS_ROW = BoardResult(D(100), D(20), D(115))  # result +5
TN_ROW = BoardResult(
    D(50),
    D(80),
    D(134),  # result −4
    parts=(ResultPart("vatten och avlopp", D(0), D(60), D(61)),),
)
FINANCE = (
    FinanceItem("Skatteintäkter", RowKind.REVENUE, D(160), D(163)),
    FinanceItem("Finansiella kostnader", RowKind.COST, D(5), D(4)),
)


def test_rows_in_print_order_with_varav_summa_finance_eliminations_and_result() -> None:
    st = operating_by_board(
        [(KS, KS_ROW), (TN, TN_ROW)], FINANCE, [Elimination("Interna hyror", D(30), D(30))]
    )
    assert [(r.kind, r.label) for r in st.rows] == [
        ("board", "Kommunstyrelsen"),
        ("board", "Tekniska nämnden"),
        ("part", "varav vatten och avlopp"),
        ("boards", "Summa nämnder"),
        ("finance", "Finansförvaltningen"),
        ("eliminations", "Interna elimineringar"),
        ("result", "Kommunens resultat"),
    ]
    total = st.boards_total
    # the varav row is part of its board's row, never summed again
    assert (total.contribution, total.revenues, total.costs, total.result) == (150, 100, 249, 1)
    fin = st.row("finance")
    assert (fin.contribution, fin.revenues, fin.costs) == (-150, 163, 4)
    assert fin.budget_result == 160 - 5 - 150
    elim = st.row("eliminations")
    assert (elim.revenues, elim.costs, elim.result) == (-30, -30, 0)
    result = st.municipality
    assert result.contribution == 0  # the contributions the finance administration pays cancel
    assert result.result == total.result + fin.result + elim.result == 1 + 9
    assert result.deviation == result.result - result.budget_result
    assert not st.balance_columns


def test_balanskrav_columns_when_a_board_states_an_adjustment() -> None:
    adjusted = BoardResult(D(100), D(20), D(115), balance_adjustment=D(-3))
    st = operating_by_board([(KS, adjusted), (TN, TN_ROW)], FINANCE)
    assert st.balance_columns
    assert st.rows[0].balance_result == 5 - 3
    assert st.boards_total.balance_adjustment == -3
    assert st.boards_total.balance_result == st.boards_total.result - 3


def _assessed(goals: dict[str, list[tuple[str, str]]], council: str = "kf1"):  # type: ignore[no-untyped-def]
    """A board's assessed workspace: goal id → [(outcome, target)], every goal serving ``council``."""
    ws = Workspace(
        Organisation("Nämnd"),
        Period(2022),
        goals=tuple(
            Goal(
                gid,
                f"Mål {gid}",
                council,
                tuple(
                    Indicator(f"{gid}-{i}", "Andel", "%", Direction.INCREASE, target=t, outcome=o)
                    for i, (o, t) in enumerate(inds)
                ),
            )
            for gid, inds in goals.items()
        ),
    )
    return assess_workspace(ws)


def test_council_goal_by_the_municipalitys_rule_from_both_kinds_of_link() -> None:
    ks = _assessed({"a": [("90 %", "80 %")], "b": [("50 %", "80 %")]})  # met, not met
    tn = _assessed({"c": [("90 %", "80 %")]}, council="")  # met, linked from the municipality
    spec = CouncilGoalSpec("kf1", "Hållbar kommun", (GoalLink("tn", "c"),))
    boards = [(KS, ks), (TN, tn)]
    (result,), findings = assess_council_goals([spec], boards, AssessmentRule())
    assert findings == []
    assert [(lg.board.id, lg.goal.goal.id) for lg in result.linked] == [
        ("tn", "c"),
        ("ks", "a"),
        ("ks", "b"),
    ]
    assert result.status is Status.PARTLY  # 2 of 3 met: more than half
    # the municipality's rule may differ from the boards': only "met" counts, three quarters
    strict = AssessmentRule(goal_rule=GoalRule(frozenset({Status.MET}), Fraction(3, 4)))
    (result,), _ = assess_council_goals([spec], boards, strict)
    assert result.status is Status.NOT_ASSESSED  # 2 of 3 met: neither more than 3/4 for nor against


def test_a_link_to_a_missing_board_or_goal_and_an_empty_council_goal_are_findings() -> None:
    ks = _assessed({"a": [("90 %", "80 %")]}, council="")
    specs = [
        CouncilGoalSpec("kf1", "Ett", (GoalLink("xx", "a"), GoalLink("ks", "nope"))),
    ]
    (result,), findings = assess_council_goals(specs, [(KS, ks)], AssessmentRule())
    assert [f.code for f in findings] == [
        "municipality.goal_link",
        "municipality.goal_link",
        "municipality.council_goal_empty",
    ]
    assert result.status is Status.NOT_ASSESSED


SPLIT = (
    ("Askersund", D(-227000)),
    ("Hallsberg", D(-320000)),
    ("Laxå", D(-113000)),
    ("Lekeberg", D(-163000)),
)
KEY = (("Askersund", D(11313)), ("Hallsberg", D(15954)), ("Laxå", D(5637)), ("Lekeberg", D(8116)))


def _joint(**kw: object) -> JointBoard:
    base: dict[str, object] = {
        "name": "Sydnärkes IT-nämnd",
        "host": "Lekebergs kommun",
        "result": D(-823000),
        "member": "Hallsberg",
    }
    base.update(kw)
    return JointBoard(**base)  # type: ignore[arg-type]


def test_the_hosts_split_of_823_tkr_agrees_with_the_2018_population_key() -> None:
    (share,), findings = joint_shares([_joint(split=SPLIT, key=KEY)])
    assert findings == []
    assert share.share == D(-320000)
    assert dict(share.by_key) == dict(SPLIT)
    # the key alone gives the same split (largest remainder in whole tkr)
    (computed,), findings = joint_shares([_joint(key=KEY)])
    assert findings == [] and computed.parts == SPLIT


def test_a_split_that_disagrees_with_the_key_or_the_result_or_lacks_the_member() -> None:
    wrong = (("Askersund", D(-228000)), *SPLIT[1:])
    _, findings = joint_shares([_joint(split=wrong, key=KEY)])
    assert [f.code for f in findings] == [
        "municipality.joint_split_sum",
        "municipality.joint_share",
    ]
    assert "Askersund" in findings[1].message and "227" in findings[1].message
    _, findings = joint_shares([_joint(split=SPLIT, member="Örebro")])
    assert [f.code for f in findings] == ["municipality.joint_member"]
    _, findings = joint_shares([_joint()])
    assert [f.code for f in findings] == ["municipality.joint_share"]


def test_a_board_whose_own_report_disagrees_with_the_municipalitys_figures() -> None:
    ks = _assessed({"a": [("90 %", "80 %")]})
    stated = BoardRef(
        "ks",
        "Kommunstyrelsen",
        "ks",
        contribution=D(100),
        result=D(7),
        sources={"result": Source("styrkort.yaml", 11)},
    )
    config = MunicipalityConfig(
        "Exempelby kommun", Period(2022), boards=(stated,), stated_result=D(99)
    )
    m = assess_municipality(config, [(stated, ks, KS_ROW)])
    codes = [(f.code, f.source.line) for f in m.findings]
    assert ("municipality.board_row", 11) in codes  # the board's own result is 5, not 7
    assert "municipality.total" in [f.code for f in m.findings]
    messages = " ".join(f.message for f in m.findings if f.code == "municipality.board_row")
    assert "Kommunstyrelsen" in messages


def test_a_board_without_operating_statement_has_no_row_and_a_finding() -> None:
    ks = _assessed({"a": [("90 %", "80 %")]})
    config = MunicipalityConfig("Exempelby kommun", Period(2022), boards=(KS,))
    m = assess_municipality(config, [(KS, ks, None)])
    assert [r.kind for r in m.operating.rows] == ["boards", "finance", "result"]
    assert "municipality.board_no_finance" in [f.code for f in m.findings]


def test_a_board_of_another_year() -> None:
    ks = _assessed({"a": [("90 %", "80 %")]})
    config = MunicipalityConfig("Exempelby kommun", Period(2023), boards=(KS,))
    m = assess_municipality(config, [(KS, ks, KS_ROW)])
    assert "municipality.board_period" in [f.code for f in m.findings]
