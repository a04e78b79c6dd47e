"""The worked examples in docs/audit.md are the command's real output."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from styrkort.cli import main

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "audit.md"
CASES = ROOT / "tests" / "audit_cases"


def sessions() -> list[tuple[str, list[str], int | None]]:
    """(command, expected output lines, expected exit status or None) per ``$ styrkort audit`` in the doc."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            if current is None:
                current = []
            else:
                blocks.append(current)
                current = None
        elif current is not None:
            current.append(line)
    found: list[tuple[str, list[str], int | None]] = []
    for lines in blocks:
        i = 0
        while i < len(lines):
            if lines[i].startswith("$ styrkort audit "):
                command = lines[i][2:]
                output: list[str] = []
                i += 1
                while i < len(lines) and not lines[i].startswith("$ "):
                    output.append(lines[i])
                    i += 1
                status = None
                if i + 1 < len(lines) and lines[i] == "$ echo $?":
                    status = int(lines[i + 1])
                    i += 2
                found.append((command, output, status))
            else:
                i += 1
    return found


SESSIONS = sessions()


def test_the_doc_has_worked_examples() -> None:
    assert len(SESSIONS) >= 5


@pytest.mark.parametrize(
    ("command", "expected", "status"), SESSIONS, ids=[c for c, _, _ in SESSIONS]
)
def test_worked_example_output(
    command: str,
    expected: list[str],
    status: int | None,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = shlex.split(command)[1:]
    monkeypatch.chdir(CASES if (CASES / args[-1]).exists() else ROOT)
    if not Path(args[-1]).exists():
        pytest.skip(f"{args[-1]} is not in this checkout")
    code = main(args)
    out = capsys.readouterr().out.replace("\u00a0", " ").splitlines()
    assert out == expected
    if status is not None:
        assert code == status
