"""docs/cli.md is the real --help of every command (hledger/datasette style: one source).

Regenerate with ``pytest tests/test_cli_docs.py --update-golden`` after changing a command.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from styrkort.cli import build_parser
from styrkort.commands._output import EXIT_CODES

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def _help_texts() -> str:
    parser = build_parser()
    parts = [
        "# Command-line reference\n",
        "Generated from the commands' own `--help` (tests/test_cli_docs.py keeps it true;",
        "regenerate with `pytest tests/test_cli_docs.py --update-golden`).\n",
        "## Exit codes\n",
        "The same for every command (`styrkort/commands/_output.py`):\n",
        "| code | meaning |\n|---|---|",
        *(f"| {code} | {meaning} |" for code, meaning in EXIT_CODES.items()),
        "",
        "`build` writes the report even when the checks find errors (they are printed, and",
        "shown in the report) and exits 0; `build --strict` exits 1 then, like `check`.\n",
        "## JSON output\n",
        'Every `--json` prints one object, `{"ok": …, "findings": […], …}`: `ok` is false when',
        "the command failed or found an error; `findings` lists each finding with `code`,",
        "`severity`, `file`, `line`, `message` and `hint`; the other keys are the command's",
        "own result. Finding codes are listed in docs/findings.md.\n",
        "Flags and metavariables are English; `audit --deklaration` and `--blad` remain as",
        "aliases of `--declaration` and `--sheet`.\n",
        "## styrkort\n",
        "```\n" + parser.format_help().rstrip() + "\n```\n",
    ]
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, p in sub.choices.items():
        parts.append(f"## styrkort {name}\n")
        parts.append("```\n" + p.format_help().rstrip() + "\n```\n")
        nested = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
        for action in nested:
            for sub_name, sp in action.choices.items():
                parts.append(f"### styrkort {name} {sub_name}\n")
                parts.append("```\n" + sp.format_help().rstrip() + "\n```\n")
    return "\n".join(parts)


def test_cli_reference_is_the_real_help(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")  # argparse wraps to the terminal width
    text = _help_texts()
    if request.config.getoption("--update-golden"):
        DOC.write_text(text, encoding="utf-8")
        return
    assert DOC.exists(), "docs/cli.md is missing: pytest tests/test_cli_docs.py --update-golden"
    assert DOC.read_text(encoding="utf-8") == text, (
        "docs/cli.md differs from the commands' --help: regenerate with "
        "pytest tests/test_cli_docs.py --update-golden and review the diff"
    )
