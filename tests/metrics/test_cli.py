"""``styrkort metrics run`` and ``styrkort metrics list``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from styrkort.cli import main
from styrkort.metrics import METRICS
from styrkort.metrics._common import parse_period

CALLS = "id,arrived_at,wait_s,outcome\n1,2020-01-10 10:00,10,answered\n2,2020-02-10 10:00,30,answered\n3,2020-09-01 10:00,5,abandoned\n"


def test_run_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(CALLS, encoding="utf-8")
    code = main(
        [
            "metrics",
            "run",
            "--profile",
            "calls",
            str(path),
            "--metric",
            "service-level",
            "--param",
            "threshold_s=20",
            "--period",
            "2020-01..2020-08",
            "--json",
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["value"] == 0.5
    assert (data["numerator"], data["denominator"], data["count"]) == (1, 2, 2)
    assert data["unit"] == "%"
    assert "period 2020-01-01–2020-08-31" in data["definition"]
    assert data["findings"] == []


def test_run_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(CALLS, encoding="utf-8")
    assert (
        main(
            [
                "metrics",
                "run",
                "--profile",
                "calls",
                str(path),
                "--metric",
                "service-level",
                "--period",
                "2020",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("service-level: 33,3 %\nDefinition: Andel samtal besvarade inom 20 s")


def test_unreadable_input_exits_1_with_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "metrics",
            "run",
            "--profile",
            "calls",
            str(tmp_path / "nope.csv"),
            "--metric",
            "service-level",
            "--json",
        ]
    )
    assert code == 1
    data = json.loads(capsys.readouterr().out)
    assert data["value"] is None
    assert data["findings"][0]["code"] == "metric.unreadable"
    assert data["findings"][0]["severity"] == "error"


def test_bad_usage_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(CALLS, encoding="utf-8")
    assert (
        main(
            [
                "metrics",
                "run",
                "--profile",
                "calls",
                str(path),
                "--metric",
                "service-level",
                "--param",
                "oops",
            ]
        )
        == 2
    )
    assert (
        main(
            [
                "metrics",
                "run",
                "--profile",
                "calls",
                str(path),
                "--metric",
                "service-level",
                "--period",
                "2020-13",
            ]
        )
        == 2
    )
    assert "Perioden" in capsys.readouterr().err


def test_list_shows_every_metric_and_param(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["metrics", "list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [m["name"] for m in data["metrics"]] == list(METRICS)
    assert {p["name"] for p in data["profiles"]} >= {
        "servicenow",
        "bpic2013",
        "technion",
        "tickets",
        "calls",
        "sick-leave",
        "hme",
    }
    assert main(["metrics", "list"]) == 0
    text = capsys.readouterr().out
    for metric in METRICS.values():
        assert metric.name in text
        for param in metric.params:
            assert f"{param.name}=" in text


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2020", "2020-01-01", "2020-12-31"),
        ("2020-02", "2020-02-01", "2020-02-29"),
        ("2020-01..2020-08", "2020-01-01", "2020-08-31"),
        ("2020-12", "2020-12-01", "2020-12-31"),
        ("2020-01-15..2020-02-10", "2020-01-15", "2020-02-10"),
    ],
)
def test_parse_period(text: str, first: str, last: str) -> None:
    a, b = parse_period(text)
    assert (a.isoformat(), b.isoformat()) == (first, last)


def test_docs_describe_every_metric_and_parameter() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "metrics.md").read_text(encoding="utf-8")
    for metric in METRICS.values():
        assert f"### `{metric.name}`" in docs, metric.name
        for param in metric.params:
            assert f"`{param.name}`" in docs, (metric.name, param.name)
