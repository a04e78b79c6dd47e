"""The progress bar of commands that read a ledger (commands/_progress.py) and the readers' callback."""

from __future__ import annotations

import io
from pathlib import Path

from styrkort.commands._progress import Progress
from styrkort.sources.sie import read_sie, sum_sie
from styrkort.sources.sie.synthetic import write_kommunbas_sie


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "huvudbok.se"
    with path.open("wb") as stream:
        write_kommunbas_sie(stream, vouchers=3_000)
    return path


def test_readers_report_bytes_read_of_the_file_size(tmp_path: Path) -> None:
    path = _file(tmp_path)
    size = path.stat().st_size
    for read in (sum_sie, read_sie):
        for reference in (False, True):
            calls: list[tuple[int, int | None]] = []

            def note(
                done: int, total: int | None, into: list[tuple[int, int | None]] = calls
            ) -> None:
                into.append((done, total))

            read(path, progress=note, reference=reference)  # type: ignore[operator]
            assert calls, read
            assert all(total == size for _done, total in calls)
            done = [d for d, _t in calls]
            assert done == sorted(done) and done[-1] == size


def test_bar_is_drawn_on_a_terminal_after_a_moment_and_cleared() -> None:
    out, clock = _Terminal(), _Clock()
    bar = Progress("Läser huvudbok.se", stream=out, clock=clock)
    bar(10, 100)
    assert out.getvalue() == ""  # a quick read shows nothing
    clock.now = 0.6
    bar(45_000_000, 100_000_000)
    assert "Läser huvudbok.se [" in out.getvalue()
    assert " 45 % (45 av 100 MB)" in out.getvalue()
    bar.close()
    assert out.getvalue().endswith("\r")
    assert out.getvalue().rsplit("\r", 2)[-2].strip() == ""  # the line is blanked


def test_nothing_when_not_a_terminal_or_quiet() -> None:
    clock = _Clock()
    clock.now = 5.0
    plain = io.StringIO()
    quiet = _Terminal()
    for stream, is_quiet in ((plain, False), (quiet, True)):
        with Progress("Läser x.se", stream=stream, clock=clock, quiet=is_quiet) as bar:
            clock.now += 1
            bar(1, 2)
        assert stream.getvalue() == ""


def test_sie_summary_prints_no_bar_when_not_on_a_terminal(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from styrkort.cli import main

    path = _file(tmp_path)
    assert main(["sie", "summary", str(path)]) == 0
    err = capsys.readouterr().err
    assert "Läser" not in err and "\r" not in err
