"""The workspace writer: write → read gives the same values; write → read → write the same bytes."""

from __future__ import annotations

import dataclasses
import shutil
from decimal import Decimal
from pathlib import Path

from styrkort.core.findings import NOWHERE
from styrkort.core.goals import Goal, Indicator
from styrkort.core.model import Workspace
from styrkort.sources.workspace import load_workspace
from styrkort.sources.workspace_write import amount_text, workspace_files, write_workspace

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sydnarke-it-2020"


def _plain(ws: Workspace) -> Workspace:
    """The workspace without file positions and raw texts, for comparing values."""

    nowhere = NOWHERE

    def ind(i: Indicator) -> Indicator:
        m = i.metric and dataclasses.replace(i.metric, source=nowhere)
        manual = i.manual and dataclasses.replace(i.manual, source=nowhere)
        history = tuple(dataclasses.replace(p, source=nowhere) for p in i.history)
        kolada = i.kolada and dataclasses.replace(i.kolada, source=nowhere)
        return dataclasses.replace(
            i, source=nowhere, sources={}, metric=m, manual=manual, history=history, kolada=kolada
        )

    def goal(g: Goal) -> Goal:
        manual = g.manual and dataclasses.replace(g.manual, source=nowhere)
        return dataclasses.replace(
            g, source=nowhere, indicators=tuple(ind(i) for i in g.indicators), manual=manual
        )

    strip = lambda items: tuple(dataclasses.replace(x, source=nowhere) for x in items)  # noqa: E731
    org = ws.organisation
    key = org.allocation_key and dataclasses.replace(org.allocation_key, source=nowhere)
    return dataclasses.replace(
        ws,
        organisation=dataclasses.replace(
            org, source=nowhere, members=strip(org.members), allocation_key=key
        ),
        period=dataclasses.replace(ws.period, source=nowhere),
        council_goals=strip(ws.council_goals),
        perspectives=strip(ws.perspectives),
        goals=tuple(goal(g) for g in ws.goals),
        operating=strip(ws.operating),
        investments=strip(ws.investments),
        frames=strip(ws.frames),
        narrative=strip(ws.narrative),
        claims=dataclasses.replace(ws.claims, source=nowhere),
        investment_total_label_source=nowhere,
        result_settings=dataclasses.replace(
            ws.result_settings,
            source=nowhere,
            sources={},
            parts=strip(ws.result_settings.parts),
        ),
        files={},
        history=dataclasses.replace(
            ws.history,
            source=nowhere,
            operating=strip(ws.history.operating),
            investments=strip(ws.history.investments),
            kolada=strip(ws.history.kolada),
        ),
    )


def _roundtrip(src: Path, tmp: Path) -> None:
    first = load_workspace(src)
    assert first.ok, [f.format() for f in first.findings]
    assert first.workspace is not None
    write_workspace(first.workspace, tmp / "a")
    second = load_workspace(tmp / "a")
    assert second.ok, [f.format() for f in second.findings]
    assert second.workspace is not None
    assert _plain(second.workspace) == _plain(first.workspace)
    write_workspace(second.workspace, tmp / "b")
    a_files = sorted(p.relative_to(tmp / "a") for p in (tmp / "a").rglob("*") if p.is_file())
    b_files = sorted(p.relative_to(tmp / "b") for p in (tmp / "b").rglob("*") if p.is_file())
    assert a_files == b_files
    for rel in a_files:
        assert (tmp / "a" / rel).read_bytes() == (tmp / "b" / rel).read_bytes(), rel


def test_example_round_trip(tmp_path: Path) -> None:
    _roundtrip(EXAMPLE, tmp_path)


def test_perspectives_rules_scales_and_verdict_round_trip(tmp_path: Path) -> None:
    # presets, bands, a points rule per goal, own scales, perspectives, published verdict (issue 12)
    _roundtrip(EXAMPLE.parent / "exempel-perspektiv-2022", tmp_path)


def test_richer_copy_round_trip(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(EXAMPLE, src)
    main = (src / "styrkort.yaml").read_text(encoding="utf-8")
    main = main.replace(
        "period:\n  year: 2020\n  kind: year",
        "period:\n  year: 2020\n  kind: interim\n  end: 2020-08-31\n  label: Delår 2020",
    )
    (src / "styrkort.yaml").write_text(main, encoding="utf-8")
    goals = (src / "goals.yaml").read_text(encoding="utf-8")
    goals = goals.replace(
        "goals:\n  - id: digitala-moten",
        "council_goals:\n  - {id: kf1, title: 'En hållbar kommun: \"ja\" till allt'}\n"
        'goals:\n  - id: digitala-moten\n    council_goal: kf1\n    comment: "Rad ett\\nrad två"\n'
        "    assessment: {status: delvis uppnått, justification: Bedömt av controllern, by: anna, date: 2021-02-01}",
    )
    goals = goals.replace(
        "        outcome: 67%\n",
        "        outcome: 67%\n        forecast: 68 %\n        baseline: '65'\n        comment: 'Kommentar: # inte en rubrik'\n"
        "        assessment: {status: uppnått, justification: Tvådelad indikator}\n"
        "        metric: {name: service_level, file: samtal.csv, profile: generic, params: {threshold_s: '20', abandoned: exclude}, period: 2020-01..2020-08}\n",
    )
    (src / "goals.yaml").write_text(goals, encoding="utf-8")
    loaded = load_workspace(src).workspace
    assert loaded is not None
    assert loaded.period.is_interim
    assert loaded.council_goals
    assert loaded.goals[0].manual is not None
    assert loaded.goals[1].indicators[-1].metric is not None
    (src / "operating.csv").write_text(
        "category;kind;budget;outcome;original_budget;forecast\n"
        "Intäkter;revenue;-1 000,50;-900;;-950\nKostnader;cost;1000;1200,25;900;\n",
        encoding="utf-8",
    )
    _roundtrip(src, tmp_path)
    text = (tmp_path / "a" / "operating.csv").read_text(encoding="utf-8")
    assert text.splitlines()[1] == "Intäkter,revenue,-1000.5,-900,,-950"


def test_amount_text_is_plain() -> None:
    assert amount_text(Decimal("-34559000.0000")) == "-34559000"
    assert amount_text(Decimal("1E+3")) == "1000"
    assert amount_text(Decimal("12.50")) == "12.5"


def test_files_are_canonical_and_complete() -> None:
    load = load_workspace(EXAMPLE)
    assert load.workspace is not None
    files = workspace_files(load.workspace)
    assert set(files) == {
        "styrkort.yaml",
        "goals.yaml",
        "operating.csv",
        "investments.csv",
        "frames.csv",
        "narrative/verksamhetsberattelse.md",
        "narrative/drift.md",
        "narrative/investeringar.md",
    }
    assert files["narrative/verksamhetsberattelse.md"].startswith("# Verksamhetsberättelse\n")
    assert "indicators: []" in files["goals.yaml"]
