"""End to end (issue 18, "done when"): a malicious workspace gives findings and exit 1,
runs nothing and reads nothing outside itself.

The workspace carries every attack at once: Word template code, paths out of
the folder (``..``, an absolute ``/proc/self/environ``, a symlink), a YAML
alias bomb, a spreadsheet that declares a huge sheet, and a ``build`` symlink
that would redirect the output. A secret outside the workspace and one in the
environment must not appear in anything the commands print or write.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent
EXAMPLE = HERE.parents[1] / "examples" / "sydnarke-it-2020"
SECRET = "hemlig-kanariefagel-4711"
ENV_SECRET = "miljohemlighet-0815"


def styrkort(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STYRKORT_SECRET_KEY": ENV_SECRET, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run(
        [sys.executable, "-m", "styrkort", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def evil_template(path: Path, canary: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph(
        "{% for c in titel.__class__.__mro__[1].__subclasses__() %}{% if c.__name__ == 'Popen' %}"
        f"{{{{ c(['touch', '{canary}']) }}}}{{% endif %}}{{% endfor %}}"
    )
    doc.add_paragraph("{{p rapport }}")
    doc.save(str(path))


@pytest.fixture
def attack(tmp_path: Path) -> dict[str, Path]:
    outside = tmp_path / "utanfor"
    outside.mkdir()
    (outside / "hemlig.md").write_text(f"# Hemligt\n\n{SECRET}\n", encoding="utf-8")
    redirected = tmp_path / "omdirigerad"
    redirected.mkdir()
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLE, ws)
    canary = tmp_path / "koden-korde"
    evil_template(ws / "templates" / "ond.docx", canary)
    main = (ws / "styrkort.yaml").read_text(encoding="utf-8")
    main = main.replace(
        "  - {file: narrative/drift.md, placement: drift}",
        "  - {file: ../utanfor/hemlig.md, placement: drift}\n"
        "  - {file: /proc/self/environ, placement: fordelning}\n"
        "  - {file: narrative/lank.md, placement: investeringar}",
    )
    main += "publication:\n  word_template: templates/ond.docx\n"
    (ws / "styrkort.yaml").write_text(main, encoding="utf-8")
    (ws / "narrative" / "lank.md").symlink_to(outside / "hemlig.md")
    shutil.copyfile(
        HERE / "cases" / "goals.yaml" / "limit.max_yaml_nodes--alias-bomb.yaml", ws / "goals.yaml"
    )
    shutil.copyfile(
        HERE / "cases" / "audit" / "limit.max_table_cells--declared-huge-sheet.xlsx",
        ws / "tabell.xlsx",
    )
    (ws / "build").symlink_to(redirected)
    return {"ws": ws, "outside": outside, "redirected": redirected, "canary": canary}


def _nothing_leaked(result: subprocess.CompletedProcess[str], ws: Path) -> None:
    for text in (result.stdout, result.stderr):
        assert SECRET not in text and ENV_SECRET not in text
    for path in ws.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            assert SECRET.encode() not in data and ENV_SECRET.encode() not in data, path


def test_malicious_workspace_gives_findings_exit_1_runs_and_reads_nothing(
    attack: dict[str, Path],
) -> None:
    ws, tmp = attack["ws"], attack["ws"].parent

    # the build symlink: refused before anything is read or written
    first = styrkort("build", ws, cwd=tmp)
    assert first.returncode == 1
    assert "symbolisk länk" in first.stderr
    assert list(attack["redirected"].iterdir()) == []
    (ws / "build").unlink()

    started = time.monotonic()
    built = styrkort("build", ws, cwd=tmp)
    assert time.monotonic() - started < 60
    assert built.returncode == 1, built.stdout + built.stderr
    out = built.stdout
    assert "[workspace.outside]" in out and "utanfor/hemlig.md" in out
    assert "/proc/self/environ" in out
    assert "lank.md" in out  # the symlink out of the folder
    assert "[limit.max_yaml_nodes]" in out
    assert not (ws / "build").exists()  # no report from a workspace that could not be read
    assert not attack["canary"].exists()
    _nothing_leaked(built, ws)

    checked = styrkort("check", ws, cwd=tmp)
    assert checked.returncode == 1
    _nothing_leaked(checked, ws)

    audited = styrkort("audit", ws / "tabell.xlsx", cwd=tmp)
    assert audited.returncode == 1
    assert "[limit.max_table_cells]" in audited.stdout + audited.stderr

    # with the reading attacks removed, the template itself is caught and runs nothing
    shutil.copyfile(EXAMPLE / "goals.yaml", ws / "goals.yaml")
    main = (ws / "styrkort.yaml").read_text(encoding="utf-8")
    main = "\n".join(
        line for line in main.splitlines() if "hemlig" not in line and "environ" not in line
    )
    (ws / "styrkort.yaml").write_text(main + "\n", encoding="utf-8")
    (ws / "narrative" / "lank.md").unlink()
    (ws / "narrative" / "lank.md").write_text("Text.\n", encoding="utf-8")
    templated = styrkort("build", ws, "--format", "html,docx", cwd=tmp)
    assert templated.returncode == 1, templated.stdout + templated.stderr
    assert "[word_template.unsafe]" in templated.stdout + templated.stderr
    assert not attack["canary"].exists()
    assert not (ws / "build").exists()  # nothing published: no half set
    _nothing_leaked(templated, ws)
