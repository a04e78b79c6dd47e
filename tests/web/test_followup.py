"""Activities, council assignments and internal control in the web app: round trip, screens, API, permissions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from styrkort.pipeline import run, run_workspace
from styrkort.sources.workspace import load_workspace
from styrkort.web import models as m
from styrkort.web.commands import export_period, import_or_replace
from styrkort.web.mapping import workspace_of

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "exempel-aktiviteter-2022"

pytestmark = pytest.mark.django_db


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_folder_import_export_keeps_every_new_field(tmp_path: Path) -> None:
    ws = load_workspace(EXAMPLE).workspace
    assert ws is not None
    period, _ = import_or_replace(ws)
    export_period(period, tmp_path / "first")
    first = _files(tmp_path / "first")
    assert {"uppdrag.yaml", "internkontroll.yaml"} <= set(first)
    back = load_workspace(tmp_path / "first")
    assert back.ok, [f.format() for f in back.findings]
    assert back.workspace is not None
    f0, f1 = ws.followup, back.workspace.followup
    strip_a = [
        (a.id, a.title, a.parent, a.status, a.owner, a.completion, a.deadline, a.comment)
        for a in f0.activities
    ]
    assert strip_a == [
        (a.id, a.title, a.parent, a.status, a.owner, a.completion, a.deadline, a.comment)
        for a in f1.activities
    ]
    assert f0.bases == f1.bases and f0.activity_rule == f1.activity_rule
    assert [
        (a.id, a.text, a.decision, a.board, a.deadline, a.status, a.comment) for a in f0.assignments
    ] == [
        (a.id, a.text, a.decision, a.board, a.deadline, a.status, a.comment) for a in f1.assignments
    ]
    p0, p1 = f0.internal_control, f1.internal_control
    assert (p0.adopted, p0.scale) == (p1.adopted, p1.scale)
    assert [(p.id, p.title, p.owner) for p in p0.processes] == [
        (p.id, p.title, p.owner) for p in p1.processes
    ]
    assert [(r.id, r.title, r.probability, r.consequence, r.comment) for r in p0.risks] == [
        (r.id, r.title, r.probability, r.consequence, r.comment) for r in p1.risks
    ]

    def ctrl(c: Any) -> object:
        devs = [(d.text, d.action, d.owner, d.deadline) for d in c.deviations]
        return (c.id, c.title, c.method, c.frequency, c.owner, c.result, c.comment, devs)

    assert [ctrl(c) for c in p0.controls] == [ctrl(c) for c in p1.controls]
    # and a second cycle gives the same bytes
    m.Organisation.objects.all().delete()
    period2, _ = import_or_replace(back.workspace)
    export_period(period2, tmp_path / "second")
    assert _files(tmp_path / "second") == first


def test_database_assesses_like_the_folder() -> None:
    ws = load_workspace(EXAMPLE).workspace
    assert ws is not None
    period, _ = import_or_replace(ws)
    from_folder, from_db = run(EXAMPLE), run_workspace(workspace_of(period))
    assert from_folder.assessed is not None and from_db.assessed is not None
    assert [g.status for g in from_db.assessed.goals] == [
        g.status for g in from_folder.assessed.goals
    ]
    assert sorted(f.code for f in from_db.findings) == sorted(f.code for f in from_folder.findings)
    overdue = next(f for f in from_db.findings if f.code == "assignment.overdue")
    assert str(overdue.source) == "web:uppdrag/kf-4/deadline"
