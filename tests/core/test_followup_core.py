"""Activities, council assignments and internal control: judging, sentences and checks (each check triggers and stays clean)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from styrkort.core.activities import (
    Activity,
    ActivityRule,
    ActivityStatus,
    GoalBasis,
    says_not_carried_out,
)
from styrkort.core.assess import GoalRule, Reason
from styrkort.core.assessed import assess_workspace
from styrkort.core.assignments import Assignment, AssignmentStatus, summary_sentence
from styrkort.core.checks import run_checks
from styrkort.core.findings import Source
from styrkort.core.followup import FollowUp
from styrkort.core.goals import Goal, Indicator, ManualAssessment, Status
from styrkort.core.internal_control import (
    Control,
    ControlResult,
    Deviation,
    InternalControlPlan,
    Process,
    Risk,
    RiskScale,
    risk_matrix,
)
from styrkort.core.internal_control import summary_sentence as ic_sentence
from styrkort.core.model import Organisation, Period, Workspace

S = ActivityStatus
END = dt.date(2022, 12, 31)


def act(status: ActivityStatus, n: int = 1, parent: str = "g1", **kw: object) -> Activity:
    base: dict[str, object] = {
        "id": f"a{n}",
        "title": f"Aktivitet {n}",
        "parent": parent,
        "status": status,
        "source": Source("goals.yaml", 10 + n),
    }
    base.update(kw)
    return Activity(**base)  # type: ignore[arg-type]


def ws(
    *activities: Activity,
    indicators: tuple[Indicator, ...] = (),
    followup: FollowUp | None = None,
    manual: ManualAssessment | None = None,
    bases: dict[str, GoalBasis] | None = None,
) -> Workspace:
    goal = Goal("g1", "Mål", indicators=indicators, manual=manual, source=Source("goals.yaml", 3))
    f = followup or FollowUp(activities=activities, bases=bases or {})
    return Workspace(Organisation("Nämnden"), Period(2022), goals=(goal,), followup=f)


def goal_status(w: Workspace) -> tuple[Status, Reason]:
    g = assess_workspace(w).goals[0]
    return g.status, g.reason


def codes(w: Workspace, check: str) -> list[str]:
    return [f.code for f in run_checks(assess_workspace(w), {check})]


# --- judging a goal from activities ----------------------------------------------------


def test_all_done_is_met() -> None:
    assert goal_status(ws(act(S.DONE, 1), act(S.DONE, 2))) == (Status.MET, Reason.COMPUTED)


def test_most_done_or_ongoing_is_partly() -> None:
    w = ws(act(S.DONE, 1), act(S.ONGOING, 2), act(S.LATE, 3))
    assert goal_status(w) == (Status.PARTLY, Reason.COMPUTED)


def test_most_late_or_not_started_is_not_met() -> None:
    w = ws(act(S.DONE, 1), act(S.LATE, 2), act(S.NOT_STARTED, 3))
    assert goal_status(w) == (Status.NOT_MET, Reason.COMPUTED)


def test_exactly_half_is_not_assessed_and_flagged() -> None:
    w = ws(act(S.DONE, 1), act(S.LATE, 2, comment="Leverantören är sen."))
    assert goal_status(w) == (Status.NOT_ASSESSED, Reason.TIE)
    assert codes(w, "goal.tie") == ["goal.tie"]
    assert codes(ws(act(S.DONE, 1)), "activity.goal_tie") == []


def test_no_indicators_but_activities_is_not_the_no_indicators_error() -> None:
    assert codes(ws(act(S.DONE)), "goal.no_indicators") == []
    assert codes(ws(), "goal.no_indicators") == ["goal.no_indicators"]


def test_cancelled_left_out_when_the_rule_says_so() -> None:
    rule = ActivityRule({**ActivityRule().counts_as, S.CANCELLED: None})
    f = FollowUp(activities=(act(S.DONE, 1), act(S.CANCELLED, 2)), activity_rule=rule)
    assert goal_status(ws(followup=f)) == (Status.MET, Reason.COMPUTED)
    assert goal_status(ws(act(S.DONE, 1), act(S.CANCELLED, 2)))[0] is Status.NOT_ASSESSED


def test_both_pools_indicators_and_activities() -> None:
    met = Indicator("i1", "Andel", outcome="95 %", target="minst 90 %")
    missed = Indicator("i2", "Andel 2", outcome="10 %", target="minst 90 %")
    # indicators alone: 1 met + 1 not met = tie; with two done activities: 3 of 4 positive
    w = ws(act(S.DONE, 1), act(S.DONE, 2), indicators=(met, missed))
    assert goal_status(w) == (Status.PARTLY, Reason.COMPUTED)
    only_ind = ws(
        act(S.DONE, 1), act(S.DONE, 2), indicators=(met, missed), bases={"g1": GoalBasis.INDICATORS}
    )
    assert goal_status(only_ind) == (Status.NOT_ASSESSED, Reason.TIE)


def test_manual_override_still_wins() -> None:
    man = ManualAssessment(Status.MET, "Beslut i nämnden.")
    g = assess_workspace(ws(act(S.LATE, 1, comment="x"), manual=man)).goals[0]
    assert g.status is Status.MET and g.computed is Status.NOT_MET


def test_the_rule_is_printed_from_data() -> None:
    lines = ActivityRule().describe(GoalRule())
    assert lines[0] == "Alla aktiviteter klara = Nämndmål uppnås"
    assert "klara eller pågår" in lines[1]
    assert "ej påbörjade, försenade eller avbrutna" in lines[2]


def test_summary_counts_activity_goals() -> None:
    a = assess_workspace(ws(act(S.DONE)))
    assert a.summary.count(Status.MET, goals=True) == 1


# --- activity checks -------------------------------------------------------------------


def test_done_with_completion_under_100() -> None:
    assert codes(ws(act(S.DONE, completion=80)), "activity.done_incomplete") == [
        "activity.done_incomplete"
    ]
    assert codes(ws(act(S.DONE, completion=100)), "activity.done_incomplete") == []
    assert codes(ws(act(S.ONGOING, completion=80)), "activity.done_incomplete") == []


@pytest.mark.parametrize(
    "comment",
    [
        "Utbildningen kunde inte genomföras på grund av pandemin.",
        "Aktiviteten har inte genomförts.",
        "Ej genomförd.",
        "Arbetet är inte påbörjat.",
    ],
)
def test_done_but_comment_says_not_carried_out(comment: str) -> None:
    assert codes(ws(act(S.DONE, comment=comment)), "activity.done_not_carried_out") == [
        "activity.done_not_carried_out"
    ]


def test_done_with_a_plain_comment_is_clean() -> None:
    clean = ws(act(S.DONE, comment="Genomförd i maj; alla enheter deltog."))
    assert codes(clean, "activity.done_not_carried_out") == []
    # the same words on a late activity are no contradiction
    late = ws(act(S.LATE, comment="Kunde inte genomföras i våras."))
    assert codes(late, "activity.done_not_carried_out") == []


def test_negation_needs_whole_words() -> None:
    assert says_not_carried_out("Kurserna kunde inte genomföras") == "kunde inte genomföras"
    assert says_not_carried_out("ej genomförda delar saknas inte") == None  # noqa: E711


def test_goal_met_with_unfinished_activity() -> None:
    man = ManualAssessment(Status.MET, "Nämnden bedömer målet uppnått.")
    w = ws(act(S.DONE, 1), act(S.ONGOING, 2), manual=man)
    assert codes(w, "activity.goal_met_unfinished") == ["activity.goal_met_unfinished"]
    assert (
        codes(
            ws(act(S.DONE, 1), act(S.CANCELLED, 2, comment="Ersatt.")),
            "activity.goal_met_unfinished",
        )
        == []
    )


def test_late_activity_without_comment() -> None:
    assert codes(ws(act(S.LATE)), "activity.late_comment") == ["activity.late_comment"]
    past = act(S.ONGOING, deadline=dt.date(2022, 6, 30))
    assert codes(ws(past), "activity.late_comment") == ["activity.late_comment"]
    assert codes(ws(act(S.LATE, comment="Väntar på leverantör.")), "activity.late_comment") == []
    assert codes(ws(act(S.ONGOING, deadline=dt.date(2023, 6, 30))), "activity.late_comment") == []
    assert codes(ws(act(S.DONE, deadline=dt.date(2022, 6, 30))), "activity.late_comment") == []


# --- assignments -------------------------------------------------------------------------


def asg(status: AssignmentStatus, n: int = 1, **kw: object) -> Assignment:
    return Assignment(f"u{n}", f"Uppdrag {n}", status, source=Source("uppdrag.yaml", n), **kw)  # type: ignore[arg-type]


A = AssignmentStatus


@pytest.mark.parametrize(
    ("statuses", "sentence"),
    [
        ((), "Nämnden har inga uppdrag från fullmäktige att redovisa för perioden."),
        ((A.DONE,), "Nämndens enda uppdrag från fullmäktige är genomfört."),
        ((A.ONGOING,), "Nämndens enda uppdrag från fullmäktige pågår."),
        ((A.NOT_STARTED,), "Nämndens enda uppdrag från fullmäktige är ej påbörjat."),
        ((A.DONE, A.DONE), "Båda uppdragen från fullmäktige är genomförda."),
        ((A.ONGOING,) * 3, "Alla 3 uppdrag från fullmäktige pågår."),
        (
            (A.DONE,) * 8 + (A.ONGOING,) * 3 + (A.NOT_STARTED,),
            "Av 12 uppdrag från fullmäktige är 8 genomförda, 3 pågår och 1 är ej påbörjat.",
        ),
        (
            (A.DONE, A.NOT_STARTED, A.NOT_STARTED),
            "Av 3 uppdrag från fullmäktige är 1 genomfört och 2 är ej påbörjade.",
        ),
        ((A.ONGOING, A.NOT_STARTED), "Av 2 uppdrag från fullmäktige pågår 1 och 1 är ej påbörjat."),
    ],
)
def test_assignment_sentence_agrees_in_number(
    statuses: tuple[AssignmentStatus, ...], sentence: str
) -> None:
    assert summary_sentence([asg(s, i) for i, s in enumerate(statuses)]) == sentence


def test_overdue_assignment() -> None:
    late = asg(A.ONGOING, deadline=dt.date(2022, 6, 30))
    assert codes(ws(followup=FollowUp(assignments=(late,))), "assignment.overdue") == [
        "assignment.overdue"
    ]
    done = asg(A.DONE, deadline=dt.date(2022, 6, 30))
    future = asg(A.ONGOING, 2, deadline=dt.date(2023, 6, 30))
    assert codes(ws(followup=FollowUp(assignments=(done, future))), "assignment.overdue") == []


# --- internal control --------------------------------------------------------------------


def plan(*risks: Risk) -> FollowUp:
    return FollowUp(
        internal_control=InternalControlPlan(processes=(Process("p", "Inköp", risks=risks),))
    )


def ctrl(result: ControlResult | None, *devs: Deviation) -> Control:
    return Control(
        "k1",
        "Stickprov på fakturor",
        result=result,
        deviations=devs,
        source=Source("internkontroll.yaml", 9),
    )


def test_high_risk_without_control() -> None:
    high = Risk("r1", "Felaktiga inköp", 3, 4, source=Source("internkontroll.yaml", 5))
    assert codes(ws(followup=plan(high)), "internal_control.high_risk_control") == [
        "internal_control.high_risk_control"
    ]
    low = Risk("r2", "Liten risk", 2, 2)
    covered = replace(high, controls=(ctrl(ControlResult.NO_REMARK),))
    assert codes(ws(followup=plan(low, covered)), "internal_control.high_risk_control") == []


def test_control_without_result() -> None:
    r = Risk("r1", "Risk", 3, 4, controls=(ctrl(None),))
    assert codes(ws(followup=plan(r)), "internal_control.control_result") == [
        "internal_control.control_result"
    ]
    ok = Risk("r1", "Risk", 3, 4, controls=(ctrl(ControlResult.NOT_DONE),))
    assert codes(ws(followup=plan(ok)), "internal_control.control_result") == []


def test_deviation_without_action() -> None:
    bad = Risk(
        "r1", "Risk", 3, 4, controls=(ctrl(ControlResult.DEVIATION, Deviation("Attest saknas")),)
    )
    assert codes(ws(followup=plan(bad)), "internal_control.deviation_action") == [
        "internal_control.deviation_action"
    ]
    unnamed = Risk("r1", "Risk", 3, 4, controls=(ctrl(ControlResult.DEVIATION),))
    assert codes(ws(followup=plan(unnamed)), "internal_control.deviation_action") == [
        "internal_control.deviation_action"
    ]
    good = Risk(
        "r1",
        "Risk",
        3,
        4,
        controls=(
            ctrl(
                ControlResult.DEVIATION,
                Deviation("Attest saknas", "Utbilda attestanter", "Ekonomichef"),
            ),
        ),
    )
    assert codes(ws(followup=plan(good)), "internal_control.deviation_action") == []


def test_risk_matrix_cells_and_levels() -> None:
    p = InternalControlPlan(
        processes=(
            Process(
                "p", "P", risks=(Risk("a", "A", 4, 1), Risk("b", "B", 1, 4), Risk("c", "C", 4, 1))
            ),
        )
    )
    m = risk_matrix(p)
    assert [r.id for r in m[0][0]] == ["a", "c"]  # probability 4 (top row), consequence 1
    assert [r.id for r in m[3][3]] == ["b"]  # probability 1 (bottom row), consequence 4
    scale = RiskScale()
    assert [scale.level(v).name for v in (1, 4, 5, 8, 9, 16)] == [
        "låg",
        "låg",
        "medel",
        "medel",
        "hög",
        "hög",
    ]


def test_traffic_light_sentence() -> None:
    r = Risk(
        "r",
        "R",
        3,
        3,
        controls=(
            ctrl(ControlResult.NO_REMARK),
            ctrl(ControlResult.DEVIATION, Deviation("x", "y")),
            ctrl(ControlResult.NOT_DONE),
            ctrl(ControlResult.NOT_DONE),
        ),
    )
    text = ic_sentence(InternalControlPlan(processes=(Process("p", "P", risks=(r,)),)))
    assert text == (
        "Av 4 kontroller är 1 utan anmärkning, 1 med avvikelse och 2 ej genomförda. "
        "1 avvikelse har noterats; 1 av dem har en åtgärd."
    )
    assert ControlResult.NOT_DONE.symbol == "○" and ControlResult.NOT_DONE.light == "röd"


def test_activity_status_parse() -> None:
    assert ActivityStatus.parse("Ej påbörjad") is S.NOT_STARTED
    assert ActivityStatus.parse("försenad") is S.LATE
    assert ActivityStatus.parse("okänd") is None
    assert END.year == 2022
