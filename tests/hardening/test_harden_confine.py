"""Workspace confinement (issue 18, item 7 and deliverable 3)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from styrkort.cli import main
from styrkort.core.findings import Source
from styrkort.core.limits import MAX_FILE_BYTES
from styrkort.sources import confine
from styrkort.sources.workspace import load_workspace

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sydnarke-it-2020"
HERE = Source("styrkort.yaml", 1)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(EXAMPLE, root)
    (tmp_path / "utanfor.md").write_text("# Utanför\n\nText utanför.\n", encoding="utf-8")
    return root


def _point_narrative_at(ws: Path, rel: str) -> None:
    text = (EXAMPLE / "styrkort.yaml").read_text(encoding="utf-8")
    (ws / "styrkort.yaml").write_text(text.replace("narrative/drift.md", rel), encoding="utf-8")


@pytest.mark.parametrize("rel", ["../utanfor.md", "narrative/../../utanfor.md"])
def test_a_path_out_of_the_workspace_is_refused(ws: Path, rel: str) -> None:
    _point_narrative_at(ws, rel)
    result = load_workspace(ws)
    assert not result.ok
    assert [f.code for f in result.findings] == ["workspace.outside"]


def test_a_symlink_out_is_refused_and_one_within_is_fine(ws: Path) -> None:
    (ws / "narrative" / "ut.md").symlink_to(ws.parent / "utanfor.md")
    (ws / "narrative" / "in.md").symlink_to(ws / "narrative" / "drift.md")
    _point_narrative_at(ws, "narrative/in.md")
    assert load_workspace(ws).ok
    _point_narrative_at(ws, "narrative/ut.md")
    result = load_workspace(ws)
    assert [f.code for f in result.findings] == ["workspace.outside"]


def test_the_explicit_option_reads_outside(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _point_narrative_at(ws, "../utanfor.md")
    assert load_workspace(ws, allow_outside=True).ok
    assert main(["check", str(ws)]) == 1
    assert "workspace.outside" in capsys.readouterr().out
    main(["check", "--allow-outside", str(ws)])
    assert "workspace.outside" not in capsys.readouterr().out


def test_devices_and_fifos_are_not_read(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(confine.Refused) as info:
        confine.read_bytes(fifo, HERE)  # would block forever if opened
    assert info.value.finding.code == "workspace.not_a_file"
    with pytest.raises(confine.Refused) as info:
        confine.read_bytes(Path("/dev/zero"), HERE)
    assert info.value.finding.code == "workspace.not_a_file"


def test_a_file_over_the_limit_is_not_read(tmp_path: Path) -> None:
    big = tmp_path / "stor.csv"
    with big.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES.value + 1)  # sparse: no disk used
    with pytest.raises(confine.Refused) as info:
        confine.read_bytes(big, HERE)
    assert info.value.finding.code == "limit.max_file_bytes"
