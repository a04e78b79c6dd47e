"""Every ``--json`` output is one envelope ``{"ok": …, "findings": […], …}`` (docs/cli.md),
and the exit codes agree with it: 0 with ok, 1 without, 2 for a wrong command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from styrkort.cli import build_parser, main

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "sydnarke-it-2020"
INTERIM = REPO / "examples" / "exempel-delar-2021"

RUNS = {
    "check": ["check", str(EXAMPLE), "--json"],
    "check-clean": ["check", str(INTERIM), "--json"],
    "audit": ["audit", str(REPO / "tests" / "audit_cases" / "brott-resultat.csv"), "--json"],
    "audit-clean": ["audit", str(REPO / "tests" / "audit_cases" / "ren-resultat.csv"), "--json"],
    "metrics run": [
        "metrics",
        "run",
        str(INTERIM / "data" / "hme.csv"),
        "--profile",
        "hme",
        "--metric",
        "hme",
        "--json",
    ],
    "metrics list": ["metrics", "list", "--json"],
    "sie summary": ["sie", "summary", str(EXAMPLE / "ledger" / "huvudbok.se"), "--json"],
}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_every_json_output_is_the_envelope(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(RUNS[name])
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, dict)
    assert list(data)[:2] == ["ok", "findings"]
    assert isinstance(data["findings"], list)
    for f in data["findings"]:
        assert {"code", "severity", "file", "line", "message", "hint"} <= set(f)
    errors = any(f["severity"] == "error" for f in data["findings"])
    assert data["ok"] is not errors
    assert code == (0 if data["ok"] else 1)


def test_every_command_with_json_is_covered() -> None:
    """A new command with --json must be added to RUNS above."""
    import argparse

    parser = build_parser()
    found = set()
    top = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, p in top.choices.items():
        nested = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
        parsers = [(f"{name} {n}", sp) for a in nested for n, sp in a.choices.items()] or [
            (name, p)
        ]
        for full, sp in parsers:
            if any("--json" in a.option_strings for a in sp._actions):
                found.add(full)
    assert found <= {n.removesuffix("-clean") for n in RUNS}, found


@pytest.mark.parametrize(
    "argv",
    [
        ["build", str(EXAMPLE), "--format", "nej"],
        ["metrics", "run", "f.csv", "--profile", "hme", "--metric", "hme", "--param", "x"],
        ["metrics"],
        ["sie"],
    ],
)
def test_a_wrong_command_line_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    capsys.readouterr()


def test_audit_takes_the_english_flags_and_the_swedish_aliases(
    capsys: pytest.CaptureFixture[str],
) -> None:
    table = str(REPO / "tests" / "audit_cases" / "ren-resultat.csv")
    for flag in ("--sheet", "--blad"):
        args = build_parser().parse_args(["audit", table, flag, "Blad1"])
        assert args.blad == "Blad1"
    for flag in ("--declaration", "--deklaration"):
        args = build_parser().parse_args(["audit", table, flag, "d.yaml"])
        assert args.deklaration == Path("d.yaml")
    capsys.readouterr()


def test_build_exits_0_with_check_errors_and_1_with_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["build", str(EXAMPLE), "--format", "html", "--out", str(out)]) == 0
    assert main(["build", str(EXAMPLE), "--format", "html", "--out", str(out), "--strict"]) == 1
    assert (out / "rapport.html").is_file()
    capsys.readouterr()
