"""The command line as a user runs it: build and check of the example."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from styrkort.cli import main

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "sydnarke-it-2020"


def test_check_json_lists_the_reference_reports_mistakes(capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(["check", str(EXAMPLE), "--json"])
    envelope = json.loads(capsys.readouterr().out)
    assert code == 1  # the reference report has errors
    assert envelope["ok"] is False
    data = envelope["findings"]
    assert all({"code", "severity", "file", "line", "message"} <= set(item) for item in data)
    by_code = {d["code"]: d for d in data}
    label = by_code["period.label_year"]
    assert label["file"].endswith("sydnarke-it-2020/styrkort.yaml") and label["line"] == 49
    assert "TOTALT INVESTERAT 2018" in label["message"]
    assert by_code["goal.no_indicators"]["severity"] == "error"
    assert {
        "indicator.no_target",
        "indicator.no_outcome",
        "indicator.unit_mismatch",
        "summary.counts",
    } <= set(by_code)


def test_check_exits_zero_on_a_clean_workspace(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "styrkort.yaml").write_text(
        "organisation: {name: N}\nperiod: {year: 2021}\n", encoding="utf-8"
    )
    (tmp_path / "goals.yaml").write_text(
        "goals:\n  - title: Mål\n    indicators:\n      - {text: Andel, unit: '%', direction: increase, outcome: 91 %, target: 90 %}\n",
        encoding="utf-8",
    )
    assert main(["check", str(tmp_path)]) == 0
    assert "0 fel" in capsys.readouterr().out


def test_build_writes_html_and_prints_findings(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(["build", str(EXAMPLE), "--out", str(tmp_path), "--format", "html"])
    out = capsys.readouterr().out
    assert code == 0
    html = (tmp_path / "rapport.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in html
    assert "Askersund 227\u00a0tkr" in html
    assert "styrkort.yaml:49: fel [period.label_year]" in out


def test_build_refuses_an_unreadable_workspace(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "styrkort.yaml").write_text("organisation: [\n", encoding="utf-8")
    assert main(["build", str(tmp_path), "--format", "html"]) == 1
    assert "workspace.yaml" in capsys.readouterr().out
    assert not (tmp_path / "build").exists()


def test_console_script_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "styrkort", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "build" in done.stdout and "check" in done.stdout


def test_build_uses_the_workspace_word_template(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    import shutil
    import zipfile

    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLE, ws, ignore=shutil.ignore_patterns("build"))
    with (ws / "styrkort.yaml").open("a", encoding="utf-8") as f:
        f.write("publication:\n  word_template: templates/mall.docx\n")
    assert main(["build", str(ws), "--out", str(tmp_path / "out"), "--format", "docx"]) == 0
    with zipfile.ZipFile(tmp_path / "out" / "rapport.docx") as z:
        body = z.read("word/document.xml").decode("utf-8")
    assert "Askersund 227\u00a0tkr" in body
    assert "{{" not in body  # every placeholder of the template was filled
