"""examples/exempel-perspektiv-2022 (fictional): perspectives, a band rule, a points rule per goal."""

from __future__ import annotations

from pathlib import Path

import pytest

from styrkort.core.goals import Status
from styrkort.pipeline import PipelineResult, run
from styrkort.report.model import BulletList, Report

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "exempel-perspektiv-2022"


@pytest.fixture(scope="module")
def result() -> PipelineResult:
    r = run(EXAMPLE)
    assert r.report is not None, [f.format() for f in r.findings]
    return r


@pytest.fixture(scope="module")
def report(result: PipelineResult) -> Report:
    assert result.report is not None
    return result.report


def test_builds_without_errors_or_warnings(result: PipelineResult) -> None:
    assert [f.format() for f in result.findings if f.severity.value != "info"] == []
    infos = {f.code for f in result.findings}
    assert {"target.read_as", "assessment.override"} <= infos


def test_a_section_per_perspective(report: Report) -> None:
    assert [(s.number, s.title) for s in report.walk()][2:7] == [
        ("1.1.1", "Nämndmål"),
        ("1.1.1.1", "Invånare"),
        ("1.1.1.2", "Verksamhet"),
        ("1.1.1.3", "Medarbetare"),
        ("1.1.1.4", "Ekonomi"),
    ]
    assert report.sentences["summary.perspective.invanare"] == (
        "Perspektivet Invånare: 6 indikatorer, där 4 st bedöms uppnådda och 2 st bedöms "
        "delvis uppnådda. Av perspektivets 2 mål är 2 delvis uppnådda. Vilket gör att "
        "perspektivets nämndmål uppnås delvis."
    )
    assert report.sentences["summary.perspective.ekonomi"].startswith(
        "Perspektivet Ekonomi: 1 indikator, där 1 st bedöms uppnådd."
    )


def test_band_rule_and_points_rule(result: PipelineResult, report: Report) -> None:
    assert result.assessed is not None
    status = {r.indicator.id: r.status for r in result.assessed.indicator_results()}
    assert status["vantetid"] is Status.PARTLY  # 60/71 = 84,5 % of the target: the 80–100 band
    assert status["avvikelser"] is Status.PARTLY  # 80 % of the way from 70 % to 90 %
    assert status["sjukfranvaro"] is Status.NOT_MET  # got worse: never partly
    goals = {g.goal.id: g.status for g in result.assessed.goals}
    assert goals["kvalitet"] is Status.PARTLY  # 3 of 6 points
    lines = [
        i for s in report.walk() for b in s.blocks if isinstance(b, BulletList) for i in b.items
    ]
    assert "Utfallet minst 80 % och under 100 % = delvis uppnått" in lines
    assert "Nämndmålets andel av möjliga poäng minst 50 % och under 100 % = delvis uppnått" in lines


def test_published_verdict_agrees(result: PipelineResult) -> None:
    assert result.assessed is not None
    assert result.assessed.summary.verdict is Status.PARTLY
    assert not [f for f in result.findings if f.code.startswith("summary.")]
