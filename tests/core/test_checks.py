"""Each check: a case that triggers it and one that does not."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from styrkort.core.allocation import AllocationKey
from styrkort.core.assessed import assess_workspace
from styrkort.core.checks import CHECKS, run_checks
from styrkort.core.finance import FramePart, InvestmentRow, OperatingRow, RowKind
from styrkort.core.findings import Source
from styrkort.core.goals import Goal, Indicator, ManualAssessment, Status
from styrkort.core.model import (
    Member,
    NarrativeSection,
    Organisation,
    Period,
    PublishedClaims,
    Workspace,
)
from styrkort.core.values import Direction

D = Decimal
INC = Direction.INCREASE


def good_indicator(**kw: object) -> Indicator:
    base = {
        "id": "i1",
        "text": "Öka andelen besvarade samtal",
        "unit": "%",
        "direction": INC,
        "outcome": "95 %",
        "target": "90 %",
        "source": Source("goals.yaml", 10),
    }
    base.update(kw)
    return Indicator(**base)  # type: ignore[arg-type]


def workspace(**kw: object) -> Workspace:
    members = (Member("a", "A-stad"), Member("b", "B-by"))
    base: dict[str, object] = {
        "organisation": Organisation(
            "Nämnden",
            members=members,
            allocation_key=AllocationKey(
                (("a", D(3)), ("b", D(1))), source=Source("styrkort.yaml", 5)
            ),
        ),
        "period": Period(2020),
        "goals": (
            Goal("g1", "Mål", indicators=(good_indicator(),), source=Source("goals.yaml", 3)),
        ),
        "operating": (
            OperatingRow("Bidrag", RowKind.REVENUE, D(-1000_000), D(-1000_000)),
            OperatingRow("Personal", RowKind.COST, D(1000_000), D(1100_000)),
        ),
        "investments": (InvestmentRow("Datorer", D(500_000), D(400_000)),),
    }
    base.update(kw)
    return Workspace(**base)  # type: ignore[arg-type]


def codes(ws: Workspace, check: str) -> list[str]:
    return [f.code for f in run_checks(assess_workspace(ws), {check})]


def test_clean_workspace_gives_no_error_or_warning() -> None:
    findings = run_checks(assess_workspace(workspace()))
    assert [f for f in findings if f.severity.value != "info"] == []


def test_every_check_is_documented() -> None:
    for name, fn in CHECKS.items():
        assert fn.__doc__, f"check {name} has no docstring"


def test_goal_without_indicators() -> None:
    assert codes(workspace(goals=(Goal("g", "Tomt mål"),)), "goal.no_indicators") == [
        "goal.no_indicators"
    ]
    assert codes(workspace(), "goal.no_indicators") == []


def test_goal_tie() -> None:
    tie = Goal(
        "g", "Mål", indicators=(good_indicator(id="a"), good_indicator(id="b", outcome="10 %"))
    )
    assert codes(workspace(goals=(tie,)), "goal.tie") == ["goal.tie"]
    assert codes(workspace(), "goal.tie") == []


def test_indicator_without_target_or_with_bad_target() -> None:
    assert codes(
        workspace(goals=(Goal("g", "M", indicators=(good_indicator(target=""),)),)),
        "indicator.no_target",
    ) == ["indicator.no_target"]
    assert codes(
        workspace(goals=(Goal("g", "M", indicators=(good_indicator(target="bra"),)),)),
        "indicator.no_target",
    ) == ["target.unreadable"]
    assert codes(workspace(), "indicator.no_target") == []


def test_indicator_without_outcome() -> None:
    ws = workspace(goals=(Goal("g", "M", indicators=(good_indicator(outcome="—"),)),))
    assert codes(ws, "indicator.no_outcome") == ["indicator.no_outcome"]
    ws = workspace(goals=(Goal("g", "M", indicators=(good_indicator(outcome="ganska bra"),)),))
    assert codes(ws, "indicator.no_outcome") == ["indicator.bad_outcome"]
    assert codes(workspace(), "indicator.no_outcome") == []


def test_unit_mismatch_percent_against_index() -> None:
    hme = good_indicator(text="HME", unit="index", outcome="55%", target="Öka från 71,13")
    assert codes(
        workspace(goals=(Goal("g", "M", indicators=(hme,)),)), "indicator.unit_mismatch"
    ) == ["indicator.unit_mismatch"]
    ok = good_indicator(text="HME", unit="index", outcome="72", target="Öka från 71,13")
    assert (
        codes(workspace(goals=(Goal("g", "M", indicators=(ok,)),)), "indicator.unit_mismatch") == []
    )


def test_target_contradicts_direction() -> None:
    wrong = good_indicator(text="Minska sjukfrånvaron", direction=INC)
    assert "indicator.direction_text" in codes(
        workspace(goals=(Goal("g", "M", indicators=(wrong,)),)), "indicator.direction_text"
    )
    wrong_target = good_indicator(target="högst 90 %")
    assert codes(
        workspace(goals=(Goal("g", "M", indicators=(wrong_target,)),)), "indicator.direction_text"
    ) == ["indicator.direction_target"]
    assert codes(workspace(), "indicator.direction_text") == []


def test_override_without_justification() -> None:
    bare = good_indicator(manual=ManualAssessment(Status.MET, ""))
    assert codes(workspace(goals=(Goal("g", "M", indicators=(bare,)),)), "assessment.override") == [
        "assessment.no_justification"
    ]
    justified = good_indicator(manual=ManualAssessment(Status.MET, "Beslut i nämnden."))
    assert codes(
        workspace(goals=(Goal("g", "M", indicators=(justified,)),)), "assessment.override"
    ) == ["assessment.override"]
    assert codes(workspace(), "assessment.override") == []


def test_published_summary_counts() -> None:
    assert codes(workspace(claims=PublishedClaims(9, 4)), "summary.counts") == [
        "summary.counts",
        "summary.counts",
        "summary.more_than_indicators",
    ]
    assert codes(workspace(claims=PublishedClaims(1, 0)), "summary.counts") == []


def test_period_labels() -> None:
    assert codes(
        workspace(investment_total_label="TOTALT INVESTERAT 2018"), "period.label_year"
    ) == ["period.label_year"]
    assert (
        codes(workspace(investment_total_label="TOTALT INVESTERAT 2020"), "period.label_year") == []
    )


def test_allocation_members_and_key() -> None:
    org = workspace().organisation
    bad_key = replace(org, allocation_key=AllocationKey((("a", D(1)), ("c", D(1)))))
    assert sorted(codes(workspace(organisation=bad_key), "allocation.sum")) == [
        "allocation.member_missing",
        "allocation.unknown_member",
    ]
    assert codes(workspace(organisation=replace(org, allocation_key=None)), "allocation.sum") == [
        "allocation.no_key"
    ]
    assert codes(workspace(), "allocation.sum") == []


def test_frame_overrun() -> None:
    frames = (FramePart("Nät", "a", D(100_000), D(0), D(122_000)),)
    assert codes(workspace(frames=frames), "investment.frame_overrun") == [
        "investment.frame_overrun"
    ]
    assert (
        codes(
            workspace(frames=(FramePart("Nät", "a", D(100_000), D(0), D(50_000)),)),
            "investment.frame_overrun",
        )
        == []
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Underskottet blev 100 tkr.", []),
        ("Lekeberg köpte datorer för 424 tkr.", ["text.figure_not_in_tables"]),
    ],
)
def test_figures_quoted_in_text(text: str, expected: list[str]) -> None:
    ws = workspace(
        narrative=(NarrativeSection("x", "Text", text, source=Source("narrative/x.md", 2)),)
    )
    assert codes(ws, "text.figure_not_in_tables") == expected


def test_budget_indicator_against_statement() -> None:
    budget = good_indicator(
        text="Håller budgetramen", kind="budget", unit="tkr", outcome="-50 tkr", target="0 tkr"
    )
    assert codes(
        workspace(goals=(Goal("g", "M", indicators=(budget,)),)), "indicator.budget_mismatch"
    ) == ["indicator.budget_mismatch"]
    right = replace(budget, outcome="-100 tkr")
    assert (
        codes(workspace(goals=(Goal("g", "M", indicators=(right,)),)), "indicator.budget_mismatch")
        == []
    )


def test_budget_indicator_takes_deviation_when_empty() -> None:
    budget = good_indicator(
        text="Håller budgetramen", kind="budget", unit="tkr", outcome="", target="0 tkr"
    )
    a = assess_workspace(workspace(goals=(Goal("g", "M", indicators=(budget,)),)))
    r = a.goals[0].indicators[0]
    assert r.outcome is not None and getattr(r.outcome, "value", None) == D(-100)
    assert r.status is Status.NOT_MET


def test_an_undecided_goal_says_what_to_decide() -> None:
    undecided = good_indicator(id="i2", target="bra")  # unreadable target
    goal = Goal(
        "g1", "Mål", indicators=(good_indicator(), undecided), source=Source("goals.yaml", 3)
    )
    findings = run_checks(assess_workspace(workspace(goals=(goal,))), {"goal.undecided"})
    assert [f.code for f in findings] == ["goal.undecided"]
    assert "1 indikator som inte kan bedömas" in findings[0].message
    assert "skriv målvärdet så att det kan tolkas" in findings[0].message
    assert codes(workspace(), "goal.undecided") == []


def test_an_undecided_verdict_names_the_goals() -> None:
    empty = Goal("g2", "Tomt mål", source=Source("goals.yaml", 9))
    ws = workspace(goals=(workspace().goals[0], empty))
    findings = run_checks(assess_workspace(ws), {"summary.undecided"})
    assert [f.code for f in findings] == ["summary.undecided"]
    assert "'Tomt mål'" in findings[0].message
    assert codes(workspace(), "summary.undecided") == []


def test_published_verdict_and_goal_counts() -> None:
    said = PublishedClaims(
        verdict_text="Vilket gör att nämndmålen uppnås delvis.",
        goal_counts=((Status.MET, 2),),
        source=Source("styrkort.yaml", 40),
    )
    assert codes(workspace(claims=said), "summary.verdict") == [
        "summary.verdict",
        "summary.goal_counts",
    ]
    right = PublishedClaims(
        verdict_text="Vilket gör att nämndmålen uppnås.", goal_counts=((Status.MET, 1),)
    )
    assert codes(workspace(claims=right), "summary.verdict") == []


def test_a_sentence_target_shows_its_reading() -> None:
    sentence = good_indicator(target="Minst 90 % av de svarande ska vara nöjda")
    ws = workspace(goals=(Goal("g1", "Mål", indicators=(sentence,)),))
    findings = run_checks(assess_workspace(ws), {"target.read_as"})
    assert [f.message for f in findings] == [
        "'Öka andelen besvarade samtal': målvärdet 'Minst 90 % av de svarande ska vara nöjda' "
        "tolkas som 'minst 90 %'."
    ]
    assert codes(workspace(), "target.read_as") == []
