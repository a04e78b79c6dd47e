"""The report sections beyond indicators in the examples: the reference example gains nothing."""

from __future__ import annotations

from pathlib import Path

from styrkort.pipeline import run
from styrkort.report.model import Chart

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_reference_example_has_no_invented_followup() -> None:
    result = run(EXAMPLES / "sydnarke-it-2020")
    assert result.report is not None and result.assessed is not None
    assert result.assessed.workspace.followup.is_empty
    titles = [s.title for s in result.report.walk()]
    assert "Uppdrag från fullmäktige" not in titles and "Intern kontroll" not in titles
    assert not [t for t in result.report.tables() if t.kind == "activities"]
    assert result.report.sentences["summary.basis"].startswith(
        "Uppföljningen av målen baseras på indikatorerna "
    )


def test_interim_example_shows_activities_assignments_and_internal_control() -> None:
    result = run(EXAMPLES / "exempel-delar-2021")
    assert result.report is not None
    titles = [(s.number, s.title) for s in result.report.walk()]
    assert ("1.4", "Uppdrag från fullmäktige") in titles and ("1.5", "Intern kontroll") in titles
    ids = [t.id for t in result.report.tables()]
    # the goal keeps its indicator table and gets its activities right after it
    assert ids.index("activities-digitalisering") == ids.index("goal-digitalisering") + 1
    assert "activities-kf-medarbetare" in ids
    assert result.report.sentences["uppdrag.sammanfattning"] == (
        "Av 2 uppdrag från fullmäktige är 1 genomfört och 1 pågår."
    )
    assert result.report.sentences["summary.basis"].startswith(
        "Uppföljningen av målen baseras på indikatorerna och aktiviteterna"
    )
    charts = [b for s in result.report.walk() for b in s.blocks if isinstance(b, Chart)]
    assert any(c.kind == "risk_matrix" for c in charts)
    # the one warning is the Medarbetarna goal's tie (tests/report/test_example_interim.py)
    assert [f.code for f in result.findings if f.severity.value != "info"] == ["goal.tie"]
