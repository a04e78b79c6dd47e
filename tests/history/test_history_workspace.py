"""History in the workspace, the report and the checks (issue "years, not a year")."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

from styrkort.pipeline import run
from styrkort.report.model import Chart
from styrkort.sources.workspace import load_workspace

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "sydnarke-it-2020"
FIVE = REPO / "tests" / "data" / "fem-ar-2020"


def _copy(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLE, ws)
    return ws


def _codes(result: object) -> list[str]:
    return [f.code for f in result.findings]  # type: ignore[attr-defined]


def test_reference_example_records_the_baselines_its_targets_quote() -> None:
    load = load_workspace(EXAMPLE)
    assert load.workspace is not None
    by_id = {i.id: i for g in load.workspace.goals for i in g.indicators}
    assert [(p.year, p.text) for p in by_id["hme"].history] == [(2019, "71,13")]
    assert [(p.year, p.text) for p in by_id["sjukfranvaro"].history] == [(2019, "7 %")]
    result = run(EXAMPLE)
    # both targets quote exactly 2019's values: the check runs and finds nothing
    assert "history.baseline" not in _codes(result)
    # the published tables print one year: the example hides the history columns
    goal = next(t for t in result.report.tables() if t.kind == "goal")  # type: ignore[union-attr]
    assert [c.label for c in goal.columns] == [
        "Indikator",
        "Utfall 2020",
        "Målvärde 2020",
        "Bedömning",
    ]


def test_a_baseline_that_is_not_last_years_outcome_is_a_finding(tmp_path: Path) -> None:
    ws = _copy(tmp_path)
    goals = ws / "goals.yaml"
    goals.write_text(
        goals.read_text(encoding="utf-8").replace(
            'history: {2019: "7 %"}', 'history: {2019: "7,3 %"}'
        ),
        encoding="utf-8",
    )
    result = run(ws)
    [f] = [f for f in result.findings if f.code == "history.baseline"]
    assert "Sjukfrånvaro" in f.message
    assert "utgår från 7" in f.message and "2019 var 7,3" in f.message
    assert "skillnad −0,3" in f.message
    assert f.source.file == "goals.yaml"


def test_history_year_must_be_earlier_and_a_year(tmp_path: Path) -> None:
    ws = _copy(tmp_path)
    goals = ws / "goals.yaml"
    text = goals.read_text(encoding="utf-8")
    text = text.replace('history: {2019: "7 %"}', 'history: {2020: "7 %", tjugo: "1"}')
    goals.write_text(text, encoding="utf-8")
    load = load_workspace(ws)
    found = [f for f in load.findings if f.code == "workspace.history_year"]
    assert len(found) == 2
    assert any("perioden avser 2020" in f.message for f in found)
    assert all(f.source.file == "goals.yaml" and f.source.line for f in found)


def test_a_change_target_without_a_number_is_read_against_last_year(tmp_path: Path) -> None:
    ws = _copy(tmp_path)
    goals = ws / "goals.yaml"
    goals.write_text(
        goals.read_text(encoding="utf-8").replace("target: Minska från 7%", "target: Minska"),
        encoding="utf-8",
    )
    result = run(ws)
    r = next(
        r
        for r in result.assessed.indicator_results()
        if r.indicator.id == "sjukfranvaro"  # type: ignore[union-attr]
    )
    assert r.status.value == "uppnått"  # 6,58 % < 7 % (2019)


def test_five_years_print_columns_trends_charts_and_kolada() -> None:
    result = run(FIVE)
    assert not [f for f in result.findings if f.severity.value == "fel"], [
        f.format() for f in result.findings
    ]
    report = result.report
    assert report is not None
    goal = next(t for t in report.tables() if t.kind == "goal")
    labels = [c.label for c in goal.columns]
    assert labels == [
        "Indikator",
        "Utfall 2017",
        "Utfall 2018",
        "Utfall 2019",
        "Utfall 2020",
        "Målvärde 2020",
        "Bedömning",
        "Trend",
        "Riket (Kolada)",
    ]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in goal.rows}
    sick = rows["Sjukfrånvaro"]
    assert sick[1:5] == ["7,9\u00a0%", "7,4\u00a0%", "7,1\u00a0%", "6,8\u00a0%"]
    assert sick[7] == "↘ Förbättring"
    assert sick[8] == "7,3 (2019)"  # Kolada's newest value up to this year
    nki = rows["Nöjd kund-index"]
    assert nki[7] == "↘ Försämring"
    charts = [
        b for s in report.walk() for b in s.blocks if isinstance(b, Chart) and b.kind == "trend"
    ]
    sick_chart = next(c for c in charts if c.id == "trend-sjukfranvaro")
    assert sick_chart.categories == ("2016", "2017", "2018", "2019", "2020")
    # figures in the alt text, not only in the picture
    assert "2016: 8,2; 2017: 7,9; 2018: 7,4; 2019: 7,1; 2020: 6,8" in sick_chart.alt
    assert "Riket: 2016 7,5" in sick_chart.alt
    assert "Trend: förbättring" in sick_chart.alt
    operating = report.table("operating")
    assert [c.label for c in operating.columns][:2] == ["Slagtext", "Utfall 2019"]
    assert operating.columns[-1].label == "Förändring mot 2019"
    net = operating.rows[-1]
    assert net.cells[1].number is not None and net.cells[-1].number is not None


def test_five_years_read_an_earlier_workspace_and_typed_values_win() -> None:
    result = run(FIVE)
    ws = result.assessed.workspace  # type: ignore[union-attr]
    nki = next(i for g in ws.goals for i in g.indicators if i.id == "nki")
    assert [(p.year, p.text, p.origin) for p in nki.history][-1] == (2019, "71", "historik/2019")
    assert ws.history.operating_outcome("Personalkostnader", 2019) is not None


def test_kolada_json_and_csv_are_read(tmp_path: Path) -> None:
    from styrkort.sources.history import parse_kolada_csv, parse_kolada_json

    doc = {
        "values": [
            {
                "kpi": "N00090",
                "municipality": "0000",
                "period": 2019,
                "values": [
                    {"count": 1, "gender": "T", "status": "", "value": 7.3},
                    {"count": 1, "gender": "K", "status": "", "value": None},
                ],
            }
        ],
        "count": 1,
    }
    values, findings = parse_kolada_json(json.dumps(doc).encode(), "k.json")
    assert not findings
    assert [(v.kpi, v.municipality, v.year, v.gender, v.value) for v in values] == [
        ("N00090", "0000", 2019, "T", Decimal("7.3")),
        ("N00090", "0000", 2019, "K", None),
    ]
    csv_text = "Nyckeltal;Kommun-id;År;Kön;Värde\nN00090;0000;2019;T;7,3\nN00090;1814;2019;T;\n"
    values, findings = parse_kolada_csv(csv_text.encode("cp1252"), "k.csv")
    assert not findings
    assert [str(v.value) for v in values] == ["7.3", "None"]
    bad, findings = parse_kolada_json(b"{", "k.json")
    assert not bad and findings[0].code == "kolada.read"
    bad, findings = parse_kolada_csv(b"a;b\n1;2\n", "k.csv")
    assert not bad and "saknas" in findings[0].message
