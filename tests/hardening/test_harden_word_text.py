"""Text the Word writer once crashed on (issue 18, item 8): control characters and long titles."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from styrkort.pipeline import run
from styrkort.render import docx
from styrkort.render.textsafe import clean_text

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sydnarke-it-2020"


def test_clean_text_keeps_breaks_and_drops_the_rest() -> None:
    assert clean_text("a\x0bb\x0cc\x00d\x1fe\tf\ng") == "a\nb\ncde\tf\ng"
    assert clean_text("vanlig text") == "vanlig text"


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    ws = tmp_path_factory.mktemp("ws") / "ws"
    shutil.copytree(EXAMPLE, ws)
    main = ws / "styrkort.yaml"
    title = "Årsredovisning " + "mycket lång rubrik " * 14  # ~280 characters
    main.write_text(
        main.read_text(encoding="utf-8").replace(
            "title: Årsredovisning 2020", f'title: "{title}\\0\\v"'
        ),
        encoding="utf-8",
    )
    goals = ws / "goals.yaml"
    goals.write_text(
        goals.read_text(encoding="utf-8").replace(
            "owner: Servicedeskchef",
            'owner: Servicedeskchef\n        comment: "Kopierat ur Word:\\vny rad\\0slut"',
            1,
        ),
        encoding="utf-8",
    )
    result = run(ws)
    assert result.report is not None, [f.format() for f in result.findings]
    return result.report


def test_control_characters_and_a_long_title_give_a_word_file(
    hostile_report, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = docx.write(hostile_report, tmp_path)
    with zipfile.ZipFile(path) as z:
        body = z.read("word/document.xml").decode("utf-8")
        core = z.read("docProps/core.xml").decode("utf-8")
    assert "Kopierat ur Word:" in body and "slut" in body
    assert "mycket lång rubrik" in core


def test_the_word_template_gets_clean_text_too(hostile_report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = docx.write(hostile_report, tmp_path, template=EXAMPLE / "templates" / "mall.docx")
    assert path.stat().st_size > 1000
