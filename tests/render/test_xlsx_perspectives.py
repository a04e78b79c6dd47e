"""Excel shows the perspective of each goal (issue 12, deliverable 5), as the report's
sections do: a first column "Perspektiv" on the goal sheet when the workspace has them."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from styrkort.pipeline import run
from styrkort.render import xlsx

REPO = Path(__file__).resolve().parents[2]


def _goal_sheet(example: str, tmp_path: Path) -> list[tuple[object, ...]]:
    result = run(REPO / "examples" / example)
    assert result.report is not None
    path = xlsx.write(result.report, tmp_path)
    sheet = load_workbook(path, read_only=True)["Måluppfyllelse"]
    return [tuple(c for c in row) for row in sheet.iter_rows(values_only=True)]


def test_goals_under_perspectives_name_their_perspective(tmp_path: Path) -> None:
    rows = _goal_sheet("exempel-perspektiv-2022", tmp_path)
    header = rows[2]
    assert header[:2] == ("Perspektiv", "Nämndmål")
    result = run(REPO / "examples" / "exempel-perspektiv-2022")
    ws = result.assessed.workspace  # type: ignore[union-attr]
    titles = {p.id: p.title for p in ws.perspectives}
    expected = {g.title: titles[g.perspective] for g in ws.goals if g.perspective}
    seen = {row[1]: row[0] for row in rows[3:] if row[1] in expected}
    assert seen == expected


def test_no_perspective_column_without_perspectives(tmp_path: Path) -> None:
    rows = _goal_sheet("sydnarke-it-2020", tmp_path)
    assert rows[2][0] == "Nämndmål"
