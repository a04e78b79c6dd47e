"""``styrkort rollover``: the reference example rolled over to 2021, 2021's outcomes entered,
and a report whose goal tables show 2019–2021 with trends and checked baselines."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from styrkort.cli import main
from styrkort.pipeline import run
from styrkort.sources.workspace import load_workspace

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sydnarke-it-2020"


def _fill(path: Path, outcomes: dict[str, str], targets: dict[str, str]) -> None:
    """Type 2021's outcomes (and revised targets) into the rolled-over goals.yaml."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    current = ""
    for line in lines:
        m = re.match(r"^(\s*)- id: (\S+)$", line)
        if m:
            current = m.group(2)
        out.append(line)
        if m and current in outcomes:
            indent = m.group(1) + "  "
            out.append(f'{indent}outcome: "{outcomes[current]}"')
    text = "\n".join(out) + "\n"
    for old, new in targets.items():
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def test_roll_over_enter_and_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = {p: p.read_bytes() for p in EXAMPLE.rglob("*") if p.is_file()}
    new = tmp_path / "2021"
    assert main(["rollover", str(EXAMPLE), "--year", "2021", "--out", str(new)]) == 0
    printed = capsys.readouterr().out
    # the old period is untouched
    assert {p: p.read_bytes() for p in EXAMPLE.rglob("*") if p.is_file()} == before
    # targets that quote 2019's values are listed for revision
    assert printed.count("rollover.baseline") == 2
    assert "Öka från 71,13" in printed and "Minska från 7%" in printed
    load = load_workspace(new)
    ws = load.workspace
    assert ws is not None and ws.period.year == 2021 and ws.title == "Årsredovisning 2021"
    inds = {i.id: i for g in ws.goals for i in g.indicators}
    assert all(not i.outcome and not i.comment and i.manual is None for i in inds.values())
    assert [(p.year, p.text) for p in inds["sjukfranvaro"].history] == [
        (2019, "7 %"),
        (2020, "6,58%"),
    ]
    assert ws.history.operating_outcome("PERSONALKOSTNADER", 2020) is not None
    assert all(r.outcome == 0 for r in ws.operating)
    # frames carry the accumulated outcome forward
    assert all(f.outcome == 0 for f in ws.frames)

    _fill(
        new / "goals.yaml",
        {"sjukfranvaro": "6,1 %", "handlaggningstid": "23 st", "samtal-20-60s": "71 %"},
        {"Minska från 7%": "Minska från 6,58 %"},
    )
    result = run(new)
    report = result.report
    assert report is not None
    goal = next(t for t in report.tables() if t.kind == "goal" and "samverkan" in t.id)
    assert [c.label for c in goal.columns][:4] == [
        "Indikator",
        "Utfall 2019",
        "Utfall 2020",
        "Utfall 2021",
    ]
    sick = next(r for r in goal.rows if r.cells[0].text == "Sjukfrånvaro")
    assert [c.text for c in sick.cells[1:4]] == ["7\u00a0%", "6,58\u00a0%", "6,1\u00a0%"]
    assert sick.cells[-1].text == "↘ Förbättring"
    service = next(t for t in report.tables() if t.kind == "goal" and "service" in t.id)
    handling = next(r for r in service.rows if r.cells[0].text.startswith("Minska genomsnittlig"))
    assert handling.cells[-1].text == "↗ Försämring"  # 21 → 23 st, lower is better
    codes = [f.code for f in result.findings]
    # the revised sick-leave target equals 2020's outcome; HME still quotes 2019's index
    # against 2020's percentage, which is a unit finding, not a baseline one
    assert not [
        f for f in result.findings if f.code == "history.baseline" and "Sjukfrånvaro" in f.message
    ]
    assert "history.unit" in codes
    operating = report.table("operating")
    assert operating.columns[1].label == "Utfall 2020"
    assert operating.columns[-1].label == "Förändring mot 2020"


def test_rollover_refuses_an_unusable_target_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "x.txt").write_text("x", encoding="utf-8")
    assert main(["rollover", str(EXAMPLE), "--year", "2021", "--out", str(busy)]) == 2
    assert "inte en tom mapp" in capsys.readouterr().err
    assert main(["rollover", str(EXAMPLE), "--year", "2020", "--out", str(tmp_path / "n")]) == 2
    assert "senare än" in capsys.readouterr().err
    copy = tmp_path / "ws"
    shutil.copytree(EXAMPLE, copy)
    assert main(["rollover", str(copy), "--year", "2021", "--out", str(copy / "ny")]) == 2
    assert not (copy / "ny").exists() or not any((copy / "ny").iterdir())


def test_rollover_of_an_unreadable_workspace_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    assert (
        main(["rollover", str(tmp_path / "ws"), "--year", "2021", "--out", str(tmp_path / "n")])
        == 1
    )
    assert not (tmp_path / "n").exists()
