"""Atomic outputs (issue 18, item 9 and deliverable 5): a failed, interrupted or killed build
leaves the previous report set untouched, and no PDF process outlives the build."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent
EXAMPLE = HERE.parents[1] / "examples" / "sydnarke-it-2020"
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}


def styrkort(*args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "styrkort", *map(str, args)],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


@pytest.fixture(scope="module")
def old_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished HTML + Excel set to protect (no PDF: quick)."""
    out = tmp_path_factory.mktemp("gammal") / "ut"
    proc = styrkort("build", EXAMPLE, "--out", out, "--format", "html,xlsx")
    _, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    return out


def copy_of(old_set: Path, tmp_path: Path) -> Path:
    out = tmp_path / "ut"
    shutil.copytree(old_set, out)
    return out


def test_a_failed_build_leaves_the_old_set_untouched(old_set: Path, tmp_path: Path) -> None:
    from docx import Document

    out = copy_of(old_set, tmp_path)
    before = snapshot(out)
    template = tmp_path / "trasig.docx"
    doc = Document()
    doc.add_paragraph("{{ titel + 1 }}")
    doc.save(str(template))
    proc = styrkort(
        "build", EXAMPLE, "--out", out, "--format", "html,docx", "--word-template", template
    )
    _, err = proc.communicate(timeout=180)
    assert proc.returncode == 1
    assert "orörd" in err
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if ".ny-" in p.name] == []


def test_a_successful_build_replaces_the_whole_set(old_set: Path, tmp_path: Path) -> None:
    out = copy_of(old_set, tmp_path)
    proc = styrkort("build", EXAMPLE, "--out", out, "--format", "html")
    _, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    # the old Excel file belonged to the old set: it does not stay beside the new HTML
    assert sorted(p.name for p in out.iterdir()) == ["rapport.html"]


def test_out_that_is_a_file_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    target = tmp_path / "fil.txt"
    target.write_text("x", encoding="utf-8")
    proc = styrkort("build", EXAMPLE, "--out", target, "--format", "html")
    _, err = proc.communicate(timeout=180)
    assert proc.returncode == 1
    assert "är en fil" in err and "Traceback" not in err
    assert target.read_text(encoding="utf-8") == "x"


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in {"Z", "X"}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the PDF child is forked on Linux")
@pytest.mark.parametrize(
    "sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=lambda s: s.name
)
def test_no_pdf_process_outlives_a_killed_build(
    old_set: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    out = copy_of(old_set, tmp_path)
    before = snapshot(out)
    proc = styrkort("build", EXAMPLE, "--out", out, "--format", "html,pdf,xlsx")
    deadline = time.monotonic() + 120
    children: list[int] = []
    while time.monotonic() < deadline and not children and proc.poll() is None:
        children = _children(proc.pid)
        time.sleep(0.05)
    assert children, "the build never started its PDF process"
    proc.send_signal(sig)
    proc.communicate(timeout=60)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(c) for c in children):
        time.sleep(0.1)
    assert not any(_alive(c) for c in children), "an orphaned PDF process is still running"
    if proc.returncode == 0:  # on a quiet machine the signal can come after the last step
        assert sorted(snapshot(out)) == ["rapport.html", "rapport.pdf", "rapport.xlsx"]
        return
    assert snapshot(out) == before
    if sig is not signal.SIGKILL:  # kill -9 leaves no chance to tidy; the old set is intact anyway
        assert [p.name for p in tmp_path.iterdir() if ".ny-" in p.name] == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the PDF child is forked on Linux")
def test_the_next_build_removes_what_a_killed_build_left(old_set: Path, tmp_path: Path) -> None:
    """kill -9 leaves the staging folder behind; the next build into the folder removes it."""
    out = copy_of(old_set, tmp_path)
    before = snapshot(out)
    proc = styrkort("build", EXAMPLE, "--out", out, "--format", "html,pdf,xlsx")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not _children(proc.pid) and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the build finished before the signal came (nothing was left to clean)")
    assert snapshot(out) == before  # the previous report set is intact
    left = [p.name for p in tmp_path.iterdir() if ".ny-" in p.name]
    assert left, "a build killed with SIGKILL was expected to leave its staging folder"

    proc = styrkort("build", EXAMPLE, "--out", out, "--format", "html")
    _, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    assert [p.name for p in tmp_path.iterdir() if ".ny-" in p.name or ".gammal-" in p.name] == []
    assert sorted(snapshot(out)) == ["rapport.html"]
