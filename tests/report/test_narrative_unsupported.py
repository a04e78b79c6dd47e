"""Narrative Markdown the report cannot render (issue 15.8): the web editor refuses it and a
folder's check and build warn with file and line, by one rule (report/narrative.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from styrkort.core.findings import Source
from styrkort.pipeline import run
from styrkort.report.narrative import markdown_problems, unsupported_findings

EXAMPLE = Path(__file__).parents[2] / "examples" / "sydnarke-it-2020"

TEXT = """Inledning.

> Ett citat

---

Se [arkivet](ftp://arkiv.example) och ![bild](bild.png).

    indragen kod
"""


def test_the_same_rule_as_the_web_editor_with_lines() -> None:
    findings = unsupported_findings(TEXT, Source("narrative/drift.md", 1))
    assert [f.source.line for f in findings] == [3, 5, 7, 7, 9]
    assert {f.code for f in findings} == {"narrative.unsupported"}
    assert {f.severity.value for f in findings} == {"warning"}
    # every problem the editor refuses is a finding on the folder, and nothing else
    assert sorted(
        {m for f in findings for m in markdown_problems(TEXT) if m in f.message}
    ) == sorted(markdown_problems(TEXT))
    assert all(f.hint for f in findings)
    assert unsupported_findings("Bara **text** och [länk](https://a.se).", Source("x.md", 1)) == []


def test_image_is_not_also_reported_as_a_link() -> None:
    problems = markdown_problems("![bild](bild.png)")
    assert len(problems) == 1 and problems[0].startswith("Bilder")


def test_folder_check_warns_where_it_flattened_silently(tmp_path: Path) -> None:
    """Before: a folder build flattened a quote, a rule and a code block without a word."""
    ws_dir = tmp_path / "ws"
    shutil.copytree(EXAMPLE, ws_dir)
    drift = ws_dir / "narrative" / "drift.md"
    lines = drift.read_text(encoding="utf-8").splitlines()
    drift.write_text("\n".join([*lines, "", "> Ett citat", ""]) + "\n", encoding="utf-8")
    result = run(ws_dir)
    found = [f for f in result.findings if f.code == "narrative.unsupported"]
    assert len(found) == 1
    assert found[0].source.file.endswith("drift.md")
    assert found[0].source.line == len(lines) + 2
    assert "Citatblock" in found[0].message
