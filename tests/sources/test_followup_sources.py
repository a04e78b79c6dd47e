"""Reading and writing activities, council assignments and the internal-control plan (sources/followup.py)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from styrkort.core.activities import ActivityStatus, GoalBasis
from styrkort.core.assignments import AssignmentStatus
from styrkort.core.goals import Status
from styrkort.core.internal_control import ControlResult
from styrkort.sources.workspace import load_workspace
from styrkort.sources.workspace_write import workspace_files, write_workspace

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE = EXAMPLES / "exempel-aktiviteter-2022"


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "ws"
    shutil.copytree(EXAMPLE, dst)
    return dst


def test_example_reads_every_new_field() -> None:
    load = load_workspace(EXAMPLE)
    assert load.ok, [f.format() for f in load.findings]
    assert load.workspace is not None
    f = load.workspace.followup
    first = f.activities[0]
    assert (first.parent, first.status, first.completion) == (
        "kf-livskvalitet",
        ActivityStatus.ONGOING,
        70,
    )
    assert first.deadline == dt.date(2023, 3, 31)
    assert str(first.where("status")) == "goals.yaml:10"
    assert {a.parent for a in f.activities} == {
        "kf-livskvalitet",
        "bibliotek",
        "idrott",
        "mötesplatser",
    }
    assert f.bases == {"bibliotek": GoalBasis.ACTIVITIES}
    asg = f.assignments[2]
    assert asg.status is AssignmentStatus.ONGOING
    assert asg.decision.describe() == "Kommunfullmäktige 2021-11-22 § 145"
    assert asg.board.startswith("Kultur- och fritidsnämnden")
    assert str(asg.where("deadline")).startswith("uppdrag.yaml:")
    plan = f.internal_control
    assert plan.adopted.endswith("§ 88")
    assert [r.value for r in plan.risks] == [9, 8, 12, 4, 8]
    results = [c.result for c in plan.controls]
    assert results == [
        ControlResult.DEVIATION,
        ControlResult.NO_REMARK,
        ControlResult.NOT_DONE,
        ControlResult.NO_REMARK,
    ]
    dev = plan.controls[0].deviations[0]
    assert dev.owner == "Förvaltningschef" and dev.deadline == dt.date(2023, 3, 31)


def test_bad_values_are_findings_with_file_and_line(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    goals = (root / "goals.yaml").read_text(encoding="utf-8")
    goals = (
        goals.replace("status: försenad", "status: snart klar")
        .replace("completion: 40", "completion: 140")
        .replace("judged_by: aktiviteter", "judged_by: magkänsla")
    )
    goals = goals.replace(
        "        owner: Kulturchef\n", "        owner: Kulturchef\n        färg: grön\n"
    )
    (root / "goals.yaml").write_text(goals, encoding="utf-8")
    ic = (root / "internkontroll.yaml").read_text(encoding="utf-8")
    ic = ic.replace(
        "probability: 3\n        consequence: 3", "probability: 7\n        consequence: 3"
    )
    ic = ic.replace("result: avvikelse", "result: lite fel")
    (root / "internkontroll.yaml").write_text(ic, encoding="utf-8")
    up = (root / "uppdrag.yaml").read_text(encoding="utf-8")
    (root / "uppdrag.yaml").write_text(
        up.replace("deadline: 2022-06-30", "deadline: 30 juni"), encoding="utf-8"
    )
    load = load_workspace(root)
    got = {(f.code, str(f.source)) for f in load.findings}
    lines = goals.splitlines()
    status_line = next(i for i, x in enumerate(lines, 1) if "snart klar" in x)
    assert ("workspace.activity_status", f"goals.yaml:{status_line}") in got
    assert any(c == "workspace.completion" for c, _ in got)
    assert any(c == "workspace.judged_by" for c, _ in got)
    assert any(c == "workspace.unknown_key" and w.startswith("goals.yaml:") for c, w in got)
    assert any(
        c == "workspace.probability" and w.startswith("internkontroll.yaml:") for c, w in got
    )
    assert any(c == "workspace.control_result" for c, _ in got)
    assert any(c == "workspace.date" and w.startswith("uppdrag.yaml:") for c, w in got)
    assert not load.ok


def test_write_read_write_keeps_every_field(tmp_path: Path) -> None:
    ws = load_workspace(EXAMPLE).workspace
    assert ws is not None
    write_workspace(ws, tmp_path / "a")
    again = load_workspace(tmp_path / "a")
    assert again.ok, [f.format() for f in again.findings]
    assert again.workspace is not None
    first, second = workspace_files(ws), workspace_files(again.workspace)
    assert first == second
    assert {"uppdrag.yaml", "internkontroll.yaml"} <= set(first)
    f1, f2 = ws.followup, again.workspace.followup

    def strip(a: Any) -> tuple[object, ...]:
        return (
            a.id,
            a.title,
            a.parent,
            a.status,
            a.owner,
            a.completion,
            a.deadline,
            a.comment,
        )

    assert [strip(a) for a in f1.activities] == [strip(a) for a in f2.activities]
    assert f1.bases == f2.bases
    assert [
        (a.id, a.text, a.decision, a.board, a.deadline, a.status, a.comment) for a in f1.assignments
    ] == [
        (a.id, a.text, a.decision, a.board, a.deadline, a.status, a.comment) for a in f2.assignments
    ]
    p1, p2 = f1.internal_control, f2.internal_control
    assert p1.scale == p2.scale and p1.adopted == p2.adopted
    assert [(r.id, r.title, r.probability, r.consequence) for r in p1.risks] == [
        (r.id, r.title, r.probability, r.consequence) for r in p2.risks
    ]

    def key(c: Any) -> object:
        return (
            c.id,
            c.title,
            c.method,
            c.frequency,
            c.owner,
            c.result,
            c.comment,
            [(d.text, d.action, d.owner, d.deadline) for d in c.deviations],
        )

    assert [key(c) for c in p1.controls] == [key(c) for c in p2.controls]


def test_custom_rule_and_scale_round_trip(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    goals = (root / "goals.yaml").read_text(encoding="utf-8")
    (root / "goals.yaml").write_text(
        "activity_rule:\n  avbruten: räknas inte\n" + goals, encoding="utf-8"
    )
    ic = (root / "internkontroll.yaml").read_text(encoding="utf-8")
    scale = (
        "scale:\n  probability: [Låg, Medel, Hög]\n  consequence: [Liten, Stor, Allvarlig]\n"
        "  levels: {låg: 1, hög: 6}\n  control_from: 6\n"
    )
    ic = ic.replace("probability: 4", "probability: 3").replace("consequence: 4", "consequence: 3")
    (root / "internkontroll.yaml").write_text(scale + ic, encoding="utf-8")
    load = load_workspace(root)
    assert load.ok, [f.format() for f in load.findings]
    assert load.workspace is not None
    f = load.workspace.followup
    assert f.activity_rule.counts_as[ActivityStatus.CANCELLED] is None
    assert f.activity_rule.counts_as[ActivityStatus.DONE] is Status.MET
    assert f.internal_control.scale.control_from == 6
    assert [lvl.name for lvl in f.internal_control.scale.levels] == ["låg", "hög"]
    write_workspace(load.workspace, tmp_path / "out")
    back = load_workspace(tmp_path / "out")
    assert back.workspace is not None
    assert back.workspace.followup.activity_rule == f.activity_rule
    assert back.workspace.followup.internal_control.scale == f.internal_control.scale


def test_workspaces_without_the_new_files_write_none() -> None:
    ws = load_workspace(EXAMPLES / "sydnarke-it-2020").workspace
    assert ws is not None
    files = workspace_files(ws)
    assert "uppdrag.yaml" not in files and "internkontroll.yaml" not in files
    assert "activities" not in files["goals.yaml"]


def test_docs_document_every_new_field_phrase_and_check() -> None:
    from styrkort.core.activities import NOT_CARRIED_OUT
    from styrkort.core.checks import CHECKS
    from styrkort.sources import followup

    docs = (Path(__file__).resolve().parents[2] / "docs" / "workspace.md").read_text(
        encoding="utf-8"
    )
    section = docs.split("## Activities, council assignments and internal control", 1)[1]
    keys = (
        followup.ACTIVITY_KEYS
        | followup.ASSIGNMENT_KEYS
        | followup.CONTROL_KEYS
        | followup.GOAL_KEYS
        | followup.GOALS_TOP_KEYS
        | {"body", "date", "paragraph", "adopted", "scale", "processes", "risks", "controls"}
        | {"probability", "consequence", "levels", "control_from", "deviations", "action"}
    )
    for key in sorted(keys):
        assert f"{key}:" in section, key
    for phrase in NOT_CARRIED_OUT:
        assert f"*{phrase}*" in section, phrase
    new_checks = [
        n for n in CHECKS if n.split(".")[0] in {"activity", "assignment", "internal_control"}
    ]
    assert len(new_checks) == 8  # a tie of a goal judged from activities is goal.tie's
    for name in new_checks:
        assert f"`{name}`" in section, name


def test_a_process_id_used_twice_is_a_finding(tmp_path: Path) -> None:
    # processes, risks and controls share one set of ids (as risks and controls already did)
    root = _copy(tmp_path)
    ic = (root / "internkontroll.yaml").read_text(encoding="utf-8")
    assert "\n  - id: bidrag\n" in ic
    ic = ic.replace("\n  - id: bidrag\n", "\n  - id: inkop\n")
    (root / "internkontroll.yaml").write_text(ic, encoding="utf-8")
    load = load_workspace(root)
    found = [f for f in load.findings if f.code == "workspace.duplicate_id"]
    assert [(f.source.file, f.source.line, f.message) for f in found] == [
        ("internkontroll.yaml", 38, "Id 'inkop' används redan.")
    ]
