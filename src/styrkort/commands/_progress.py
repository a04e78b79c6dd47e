"""A progress bar for commands that read a large file: bytes read of the file size.

Shown on standard error, only when it is a terminal, only once the read has
taken more than a moment (``delay``, half a second), never with ``--quiet``;
otherwise it prints nothing at all, so pipes, logs and tests see no difference.
Readers report progress through a plain callback ``progress(done, total)``
(``sum_sie(..., progress=bar)``); this module is the terminal side of it::

    with Progress("Läser huvudbok.se", quiet=args.quiet) as bar:
        result = sum_sie(path, progress=bar)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

WIDTH = 30
REDRAW = 0.1


class Progress:
    """A callable ``(done, total)`` that draws ``label [####······]  45 % (23 av 50 MB)``."""

    def __init__(
        self,
        label: str,
        *,
        quiet: bool = False,
        stream: TextIO | None = None,
        delay: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = not quiet and _is_terminal(self.stream)
        self.delay = delay
        self.clock = clock
        self.started = clock()
        self.drawn_at: float | None = None
        self.width = 0

    def __call__(self, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if now - self.started < self.delay:
            return
        if self.drawn_at is not None and now - self.drawn_at < REDRAW and done != total:
            return
        self.drawn_at = now
        self._draw(done, total)

    def _draw(self, done: int, total: int | None) -> None:
        if total:
            share = min(max(done / total, 0.0), 1.0)
            filled = round(share * WIDTH)
            bar = "#" * filled + "·" * (WIDTH - filled)
            text = f"{self.label} [{bar}] {share * 100:3.0f} % ({_mb(done)} av {_mb(total)} MB)"
        else:
            text = f"{self.label} … {_mb(done)} MB"
        pad = " " * max(self.width - len(text), 0)
        self.width = len(text)
        self.stream.write("\r" + text + pad)
        self.stream.flush()

    def close(self) -> None:
        """Clear the bar's line (when one was drawn)."""
        if self.drawn_at is not None:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.drawn_at = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _mb(n: int) -> str:
    return f"{n / 1e6:.0f}" if n >= 10e6 else f"{n / 1e6:.1f}".replace(".", ",")


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
