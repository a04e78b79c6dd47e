"""Leftovers of killed builds (render/outdir.py): the next build removes the staging folders of
earlier builds that died, and nothing else — not a running build's, not other names, not links.

The end-to-end case (a build killed with SIGKILL, then the next build) is in
test_harden_atomic_build.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from styrkort.render import outdir

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock and pids: POSIX")


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def folder(parent: Path, name: str) -> Path:
    path = parent / name
    path.mkdir()
    (path / "rapport.html").write_text("halvfärdig", encoding="utf-8")
    return path


def test_a_dead_builds_folder_and_lock_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "build"
    out.mkdir()
    pid = dead_pid()
    stale = folder(tmp_path, f".build.ny-{pid}-abc123")
    (tmp_path / f"{stale.name}.lock").write_text("", encoding="utf-8")  # free: nobody holds it
    no_lock = folder(tmp_path, f".build.ny-{pid}-def456")
    assert sorted(p.name for p in outdir.remove_stale(out)) == sorted([stale.name, no_lock.name])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_a_running_builds_folder_stays(tmp_path: Path) -> None:
    out = tmp_path / "build"
    with outdir.staging(out) as stage:
        (stage / "rapport.html").write_text("pågår", encoding="utf-8")
        assert outdir.remove_stale(out) == []  # its lock is held
        with outdir.staging(out) as second:  # a second build beside it leaves it alone
            assert stage.is_dir() and second.is_dir()
        assert (stage / "rapport.html").is_file()
    assert [p.name for p in tmp_path.iterdir()] == []  # both tidied up after themselves


def test_a_live_pid_without_lock_stays(tmp_path: Path) -> None:
    out = tmp_path / "build"
    keep = folder(tmp_path, f".build.ny-{os.getpid()}-abc123")
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        keep_other = folder(tmp_path, f".build.ny-{other.pid}-abc123")
        assert outdir.remove_stale(out) == []
        assert keep.is_dir() and keep_other.is_dir()
    finally:
        other.kill()
        other.wait()


def test_only_its_own_pattern_is_touched(tmp_path: Path) -> None:
    out = tmp_path / "build"
    pid = dead_pid()
    others = [
        folder(tmp_path, f".andra.ny-{pid}-abc123"),  # another output folder's
        folder(tmp_path, f"build.ny-{pid}-abc123"),  # not hidden: not ours
        folder(tmp_path, f".build.ny-{pid}-abc.123"),
        folder(tmp_path, "build"),
    ]
    target = folder(tmp_path, "mal")
    link = tmp_path / f".build.ny-{pid}-link12"
    link.symlink_to(target, target_is_directory=True)
    file = tmp_path / f".build.ny-{pid}-file12"
    file.write_text("x", encoding="utf-8")
    assert outdir.remove_stale(out) == []
    assert all(p.is_dir() for p in others)
    assert link.is_symlink() and (target / "rapport.html").is_file()
    assert file.is_file()


def test_an_old_set_moved_aside_stays_while_the_output_folder_is_missing(tmp_path: Path) -> None:
    out = tmp_path / "build"
    aside = folder(tmp_path, f".build.gammal-{dead_pid()}-abc123")
    assert outdir.remove_stale(out) == []  # the only copy of the previous set: keep it
    out.mkdir()
    assert [p.name for p in outdir.remove_stale(out)] == [aside.name]


def test_a_folder_named_before_pids_goes_only_when_old(tmp_path: Path) -> None:
    out = tmp_path / "build"
    young = folder(tmp_path, ".build.ny-k2j4h5")
    old = folder(tmp_path, ".build.ny-a9b8c7")
    hours_ago = time.time() - 2 * outdir.LEGACY_AGE_S
    os.utime(old, (hours_ago, hours_ago))
    assert [p.name for p in outdir.remove_stale(out)] == [old.name]
    assert young.is_dir()


def test_an_orphaned_lock_file_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "build"
    lock = tmp_path / f".build.ny-{dead_pid()}-abc123.lock"
    lock.write_text("", encoding="utf-8")
    outdir.remove_stale(out)
    assert not lock.exists()
