"""An indicator whose outcome is computed by a metric: the value is assessed and the definition printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from styrkort.pipeline import run

HEADER = "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver"


def call(i: int, wait: int, outcome: str) -> str:
    q_exit = f"10:00:{wait:02d}" if wait < 60 else f"10:01:{wait - 60:02d}"
    ser = (
        ("10:01:30", "10:02:00", "30", "ANNA")
        if outcome == "AGENT"
        else ("0:00:00", "0:00:00", "0", "NO_SERVER")
    )
    return "\t".join(
        [
            "AA0101",
            str(i),
            "1",
            "2",
            "PS",
            "200115",
            "9:59:50",
            "10:00:00",
            "10",
            "10:00:00",
            q_exit,
            str(wait),
            outcome,
            *ser,
        ]
    )


def workspace(tmp_path: Path, target: str = "minst 60 %") -> Path:
    rows = [call(1, 5, "AGENT"), call(2, 15, "AGENT"), call(3, 40, "AGENT"), call(4, 10, "HANG")]
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "calls.txt").write_text(
        "\n".join([HEADER, *rows]) + "\n", encoding="utf-8"
    )
    (tmp_path / "styrkort.yaml").write_text(
        "organisation: {name: IT-nämnden}\nperiod: {year: 2020}\n", encoding="utf-8"
    )
    (tmp_path / "goals.yaml").write_text(
        f"""goals:
  - title: God tillgänglighet
    indicators:
      - id: sl20
        text: Andel besvarade samtal inom 20 sekunder
        unit: "%"
        direction: increase
        target: {target}
        metric:
          name: service-level
          profile: technion
          file: data/calls.txt
          params: {{threshold_s: "20", abandoned: against}}
""",
        encoding="utf-8",
    )
    return tmp_path


def test_metric_outcome_is_assessed_and_its_definition_printed(tmp_path: Path) -> None:
    result = run(workspace(tmp_path))
    assert result.report is not None and result.assessed is not None
    r = result.assessed.goals[0].indicators[0]
    # 2 of 4 offered calls answered within 20 s, the abandoned call counted against: 50 %
    assert result.assessed.computed["sl20"].text == "50,0 %"
    assert r.status.value == "delvis uppnått"  # 50 ≥ 0,8 × 60
    table = result.report.table("goal")
    assert table.rows[0].cells[1].text == "50,0\u00a0%"
    assert table.rows[0].cells[0].note == "1"
    assert "20" in table.notes[0] and table.notes[0].startswith(
        "1. Andel besvarade samtal inom 20 sekunder: "
    )
    assert not [f for f in result.findings if f.code.startswith("metric.")]


def test_missing_source_file_is_a_finding(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    (ws / "data" / "calls.txt").unlink()
    result = run(ws)
    assert [f.code for f in result.findings if f.code.startswith("metric.")] == [
        "metric.missing_file"
    ]
    assert result.assessed is not None
    assert result.assessed.goals[0].indicators[0].status.value == "saknar värde"


def test_assessment_only_skips_the_report_but_not_the_checks() -> None:
    from styrkort.pipeline import run_workspace
    from styrkort.sources.workspace import load_workspace

    ws = load_workspace(
        Path(__file__).resolve().parents[1] / "examples" / "sydnarke-it-2020"
    ).workspace
    assert ws is not None
    full = run_workspace(ws)
    light = run_workspace(ws, report=False)
    assert light.report is None and full.report is not None
    assert light.assessed is not None and full.assessed is not None
    assert light.assessed.summary == full.assessed.summary
    assert {f.code for f in light.findings} <= {f.code for f in full.findings}
    assert "goal.no_indicators" in {f.code for f in light.findings}


def _with_period(ws: Path, period: str) -> Path:
    goals = ws / "goals.yaml"
    text = goals.read_text(encoding="utf-8")
    goals.write_text(
        text.replace("file: data/calls.txt", f'file: data/calls.txt\n          period: "{period}"'),
        encoding="utf-8",
    )
    return ws


@pytest.mark.parametrize(("period", "shown"), [("2020-01", "50,0 %"), ("2020-01-15", "50,0 %")])
def test_a_metrics_own_period_is_read_as_the_cli_reads_it(
    tmp_path: Path, period: str, shown: str
) -> None:
    result = run(_with_period(workspace(tmp_path), period))
    assert result.assessed is not None
    assert result.assessed.computed["sl20"].text == shown


def test_a_month_without_calls_counts_none_of_the_years(tmp_path: Path) -> None:
    # "2020-03" is March only (the calls are from January), not the whole year
    result = run(_with_period(workspace(tmp_path), "2020-03"))
    assert result.assessed is not None
    assert "sl20" not in result.assessed.computed
    assert "metric.no_value" in [f.code for f in result.findings]


def test_an_unreadable_period_is_a_finding_not_the_whole_year(tmp_path: Path) -> None:
    result = run(_with_period(workspace(tmp_path), "2o20"))
    bad = [f for f in result.findings if f.code == "metric.bad_period"]
    assert len(bad) == 1 and bad[0].source.file == "goals.yaml" and bad[0].source.line
    assert "2o20" in bad[0].message
    assert result.assessed is not None and "sl20" not in result.assessed.computed


def test_computed_outcomes_round_half_up_as_the_report_does() -> None:
    from decimal import Decimal

    from styrkort.pipeline import _outcome_text

    assert _outcome_text(Decimal("0.0625"), "%") == "6,3 %"
    assert _outcome_text(Decimal("2.345"), "h") == "2,35 h"
    assert _outcome_text(Decimal("12.25"), "s") == "12,3 s"
