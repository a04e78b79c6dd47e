"""Workspace folder ⇄ database: export → import → export gives identical files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from styrkort.pipeline import run, run_workspace
from styrkort.sources.workspace import load_workspace
from styrkort.web import models as m
from styrkort.web.commands import export_period, import_or_replace
from styrkort.web.mapping import workspace_of

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sydnarke-it-2020"

pytestmark = pytest.mark.django_db


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _cycle(src: Path, tmp: Path) -> None:
    ws = load_workspace(src).workspace
    assert ws is not None
    period, _ = import_or_replace(ws)
    assert period is not None
    export_period(period, tmp / "first")
    m.Organisation.objects.all().delete()
    ws2 = load_workspace(tmp / "first").workspace
    assert ws2 is not None
    period2, _ = import_or_replace(ws2)
    assert period2 is not None
    export_period(period2, tmp / "second")
    first, second = _files(tmp / "first"), _files(tmp / "second")
    assert list(first) == list(second)
    for name in first:
        assert first[name] == second[name], name


def test_example_export_import_export_is_identical(tmp_path: Path) -> None:
    _cycle(EXAMPLE, tmp_path)


def test_modified_copy_round_trips(tmp_path: Path) -> None:
    src = tmp_path / "copy"
    shutil.copytree(EXAMPLE, src)
    goals = (src / "goals.yaml").read_text(encoding="utf-8")
    goals = goals.replace(
        "        outcome: 67%\n",
        "        outcome: 67%\n        forecast: 68 %\n        comment: 'Analys: två nivåer'\n"
        "        assessment: {status: uppnått, justification: Tvådelad, by: anna, date: 2021-02-01}\n"
        "        metric: {name: service_level, file: samtal.csv, profile: generic, params: {threshold_s: '20'}}\n",
    )
    (src / "goals.yaml").write_text(goals, encoding="utf-8")
    (src / "operating.csv").write_text(
        "category,kind,budget,outcome,original_budget\nIntäkter,revenue,-1000.5,-900,-800\nKostnader,cost,1000,1200.25,\n",
        encoding="utf-8",
    )
    _cycle(src, tmp_path)
    text = (tmp_path / "second" / "operating.csv").read_text(encoding="utf-8")
    assert "Kostnader,cost,1000,1200.25,\n" in text


def test_database_workspace_assesses_like_the_folder(example_period: m.Period) -> None:
    from_folder = run(EXAMPLE)
    from_db = run_workspace(workspace_of(example_period))
    assert from_folder.assessed is not None
    assert from_db.assessed is not None
    assert [g.status for g in from_db.assessed.goals] == [
        g.status for g in from_folder.assessed.goals
    ]
    assert from_db.assessed.summary == from_folder.assessed.summary
    codes = sorted(f.code for f in from_folder.findings)
    assert sorted(f.code for f in from_db.findings) == codes
    # findings point at the screen and field instead of a file
    outcome = next(f for f in from_db.findings if f.code == "indicator.no_outcome")
    assert outcome.source.file.startswith("web:indikator/")
    assert outcome.source.file.endswith("/utfall")


def test_import_refuses_a_duplicate_and_replaces_on_request(example_period: m.Period) -> None:
    ws = load_workspace(EXAMPLE).workspace
    assert ws is not None
    assert import_or_replace(ws) == (None, False)
    period, replaced = import_or_replace(ws, replace=True)
    assert replaced
    assert period is not None
    assert m.Period.objects.count() == 1
    assert m.Organisation.objects.count() == 1
    assert m.AuditEntry.objects.filter(action="ersätt").count() == 1


def test_cli_import_and_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from styrkort.cli import main

    monkeypatch.setattr("styrkort.web.boot.setup", lambda **_: None)
    assert main(["import", str(EXAMPLE)]) == 0
    assert main(["import", str(EXAMPLE)]) == 1
    assert "--replace" in capsys.readouterr().err
    assert main(["export", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "goals.yaml").is_file()
    assert main(["export", str(tmp_path / "out")]) == 2


def test_cli_import_refuses_a_broken_workspace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from styrkort.cli import main

    broken = tmp_path / "broken"
    shutil.copytree(EXAMPLE, broken)
    (broken / "operating.csv").write_text(
        "category,kind,budget,outcome\nX,revenue,abc,1\n", encoding="utf-8"
    )
    assert main(["import", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "operating.csv:2" in err
    assert "inget lästes in" in err
    assert m.Period.objects.count() == 0


def test_import_keeps_the_report_as_built_from_the_folder(tmp_path: Path) -> None:
    """What the database holds builds the same report as the folder (nothing is lost on import)."""
    from styrkort.report.model import to_data

    folder = run(EXAMPLE)
    ws = load_workspace(EXAMPLE).workspace
    assert ws is not None and folder.report is not None
    period, _ = import_or_replace(ws)
    assert period is not None
    from_db = run_workspace(workspace_of(period))
    assert from_db.report is not None
    assert to_data(from_db.report.sections) == to_data(folder.report.sections)
