"""``styrkort build`` and ``styrkort check`` on a municipality's workspace (``kind: municipality``).

Every board is run through the ordinary pipeline (styrkort/municipality.py); on a
terminal a progress bar says which board of how many is done and names the slowest
step so far (``nämnd 3 av 8 … långsammast: Tekniska nämnden, läsa arbetsytan 2,1 s``).
It draws nothing with ``--quiet`` or when standard error is not a terminal.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from styrkort.commands._progress import WIDTH, Progress
from styrkort.core.findings import Finding, sort_findings
from styrkort.report.model import Report


class BoardProgress(Progress):
    """``Bygger kommunens rapport: nämnd 3 av 8 [#####·····] Socialnämnden · långsammast: …``."""

    def __init__(
        self,
        *,
        quiet: bool = False,
        stream: TextIO | None = None,
        delay: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            "Bygger kommunens rapport", quiet=quiet, stream=stream, delay=delay, clock=clock
        )
        self.board = ""
        self.slowest: tuple[float, str] = (0.0, "")

    def __enter__(self) -> BoardProgress:
        return self

    def step(self, index: int, total: int, board: str, timings: dict[str, float]) -> None:
        """Board ``index`` of ``total`` (``board``) is done; ``timings``: its steps' seconds."""
        self.board = board
        for name, seconds in timings.items():
            if seconds > self.slowest[0]:
                self.slowest = (seconds, f"{board}, {name}")
        self(index, total)

    def _draw(self, done: int, total: int | None) -> None:
        total = total or 1
        filled = round(min(done / total, 1.0) * WIDTH)
        bar = "#" * filled + "·" * (WIDTH - filled)
        text = f"{self.label}: nämnd {done} av {total} [{bar}] {self.board}"
        if self.slowest[1]:
            seconds = f"{self.slowest[0]:.1f}".replace(".", ",")
            text += f" · långsammast: {self.slowest[1]} {seconds} s"
        pad = " " * max(self.width - len(text), 0)
        self.width = len(text)
        self.stream.write("\r" + text + pad)
        self.stream.flush()


def workers() -> int:
    """Processes for the boards: the cores this process may use (``STYRKORT_WORKERS`` overrides)."""
    import os

    given = os.environ.get("STYRKORT_WORKERS", "").strip()
    if given.isdigit() and int(given) > 0:
        return int(given)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_municipality(
    args: argparse.Namespace, bar: BoardProgress
) -> tuple[Report | None, list[Finding]]:
    """The municipality's report model (None when it cannot be built) and every finding."""
    from styrkort.municipality import BoardStep, build_municipality, load_municipality

    def progress(step: BoardStep) -> None:
        bar.step(step.index, step.total, step.board.name, step.timings)

    load = load_municipality(
        args.workspace,
        allow_outside=args.allow_outside,
        progress=progress,
        workers=workers(),
    )
    if load.config is None or not load.ok:
        return None, sort_findings(
            [*load.findings, *(f for _, r in load.boards for f in r.findings)]
        )
    built = build_municipality(load.config, load.boards, Path(args.workspace))
    return built.report, sort_findings([*load.findings, *built.findings])
