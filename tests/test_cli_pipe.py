"""Output cut short by the reader (``styrkort … | head``) ends quietly, without a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sydnarke-it-2020"

# stdout as a pipe whose reader has gone: every write raises, as the OS makes it do
_CLOSED_PIPE = """
import sys
from styrkort.cli import main

class Gone:
    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")
    def flush(self):
        pass
    def fileno(self):
        return 1

sys.stdout = Gone()
sys.exit(main(["check", sys.argv[1], "--json"]))
"""


def test_a_closed_pipe_gives_no_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _CLOSED_PIPE, str(EXAMPLE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr, proc.stderr
