from decimal import Decimal
from fractions import Fraction

import pytest

from styrkort.core.assess import (
    AssessmentRule,
    GoalRule,
    Reason,
    Tolerance,
    ToleranceKind,
    assess_goal,
    assess_indicator,
    combine,
    summarize,
)
from styrkort.core.goals import Goal, Indicator, ManualAssessment, Status
from styrkort.core.values import Direction

RULE = AssessmentRule()
M, P, N, V, A = Status.MET, Status.PARTLY, Status.NOT_MET, Status.NO_VALUE, Status.NOT_ASSESSED


def ind(
    outcome: str, target: str, direction: Direction | None = Direction.INCREASE, **kw: object
) -> Indicator:
    return Indicator(
        id=kw.pop("id", "i"),
        text=str(kw.pop("text", "Indikator")),
        outcome=outcome,
        target=target,
        direction=direction,
        **kw,
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("outcome", "target", "direction", "status"),
    [
        ("95 %", "90 %", Direction.INCREASE, M),
        ("90 %", "90 %", Direction.INCREASE, M),
        ("75 %", "90 %", Direction.INCREASE, P),  # 75 ≥ 0,8 × 90 = 72
        ("70 %", "90 %", Direction.INCREASE, N),
        ("21 st", "högst 20 st", Direction.DECREASE, P),  # 21 × 0,8 ≤ 20
        ("26 st", "högst 20 st", Direction.DECREASE, N),
        ("6,58%", "Minska från 7%", Direction.DECREASE, M),
        ("—", "90 %", Direction.INCREASE, V),
        ("", "90 %", Direction.INCREASE, V),
        ("67 %", "", Direction.INCREASE, A),
        ("Ja", "Ja", None, M),
        ("Nej", "Ja", None, N),
        ("-823 tkr", "0 tkr", Direction.INCREASE, N),
    ],
)
def test_indicator_status(
    outcome: str, target: str, direction: Direction | None, status: Status
) -> None:
    assert assess_indicator(ind(outcome, target, direction), RULE).status is status


def test_tolerance_is_the_organisations_setting() -> None:
    i = ind("75 %", "90 %")
    assert assess_indicator(i, AssessmentRule(Tolerance(ToleranceKind.NONE))).status is N
    assert (
        assess_indicator(i, AssessmentRule(Tolerance(ToleranceKind.RATIO, Decimal("0.9")))).status
        is N
    )
    progress = AssessmentRule(Tolerance(ToleranceKind.PROGRESS))
    assert assess_indicator(ind("75 %", "90 %", baseline="70 %"), progress).status is P
    assert assess_indicator(ind("65 %", "90 %", baseline="70 %"), progress).status is N


def test_reasons_are_kept() -> None:
    assert assess_indicator(ind("67 %", ""), RULE).reason is Reason.NO_TARGET
    assert assess_indicator(ind("67 %", "blah"), RULE).reason is Reason.BAD_TARGET
    assert assess_indicator(ind("●", "90 %"), RULE).reason is Reason.BAD_OUTCOME
    assert assess_indicator(ind("Ja", "90 %"), RULE).reason is Reason.INCOMPARABLE


def test_override_needs_justification() -> None:
    justified = ManualAssessment(M, "Målet nåddes enligt ny mätmetod.", "Anna", "2021-01-15")
    r = assess_indicator(ind("70 %", "90 %", manual=justified), RULE)
    assert (r.computed, r.status, r.reason, r.override) == (N, M, Reason.MANUAL, justified)
    bare = ManualAssessment(M, "  ")
    r = assess_indicator(ind("70 %", "90 %", manual=bare), RULE)
    assert r.status is N and r.override is None


@pytest.mark.parametrize(
    ("statuses", "expected", "reason"),
    [
        ([M, M, M], M, Reason.COMPUTED),  # all met
        ([M, P, N], P, Reason.COMPUTED),  # majority met or partly
        ([M, M, P], P, Reason.COMPUTED),
        ([M, V, V], N, Reason.COMPUTED),  # majority missing
        ([N, N, P], N, Reason.COMPUTED),
        ([M, N], A, Reason.TIE),  # the tie
        ([M, P, V, N], A, Reason.TIE),
        ([], A, Reason.EMPTY),  # the empty goal
        ([A, A, M], N, Reason.COMPUTED),  # not assessed counts against
    ],
)
def test_goal_rule(statuses: list[Status], expected: Status, reason: Reason) -> None:
    assert combine(statuses, GoalRule()) == (expected, reason)


def test_goal_rule_is_data() -> None:
    strict = GoalRule(positive=frozenset({M}), majority=Fraction(2, 3))
    assert combine([M, P, P, P], strict) == (N, Reason.COMPUTED)
    assert combine([M, M, P], strict) == (A, Reason.TIE)
    assert combine([M, M, M, P], strict) == (P, Reason.COMPUTED)


def test_goal_and_summary() -> None:
    g1 = Goal("a", "A", indicators=(ind("95 %", "90 %", id="1"), ind("95 %", "90 %", id="2")))
    g2 = Goal("b", "B", indicators=(ind("95 %", "90 %", id="3"), ind("10 %", "90 %", id="4")))
    g3 = Goal("c", "C")
    results = [
        assess_goal(g, [assess_indicator(i, RULE) for i in g.indicators], RULE)
        for g in (g1, g2, g3)
    ]
    assert [r.status for r in results] == [M, A, A]
    s = summarize(results, RULE)
    assert (s.count(M), s.count(N), s.indicators, s.goals) == (3, 1, 4, 3)
    assert s.count(M, goals=True) == 1
    # one level up: 1 of 3 goals positive → more than half against → not met
    assert s.verdict is N


def test_goal_override() -> None:
    g = Goal("c", "C", manual=ManualAssessment(P, "Bedöms utifrån verksamhetens rapport."))
    r = assess_goal(g, [], RULE)
    assert (r.computed, r.status, r.reason) == (A, P, Reason.MANUAL)
