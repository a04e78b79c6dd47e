"""``styrkort sie summary``: JSON shape, readable Swedish output, exit codes; codes documented."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from styrkort.cli import main
from styrkort.sources.sie import CODES

CASES = Path(__file__).parent / "sie_cases"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "sie.md"


def test_summary_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sie", "summary", str(CASES / "base.se"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sie_type"] == 4
    assert data["program"] == "Styrkort testfil"
    assert data["company"] == "Testkommunen"
    assert data["accounts"] == 3
    assert data["vouchers"] == 2
    assert data["transactions"] == 4
    assert data["sums"] == {"1930": "200.00", "3010": "-500.00", "5010": "300.00"}
    # {} rows only: the {1 100} row of the same account is a breakdown, not more budget
    assert data["budget"] == {"3010": "-500.00"}
    assert data["findings"] == []


def test_summary_json_with_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (CASES / "base.se").read_bytes().replace(b"#VER A 2 20200220", b"#VER A 1 20200220")
    path = tmp_path / "dubbel.se"
    path.write_bytes(text)
    assert main(["sie", "summary", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["severity"], f["line"]) for f in data["findings"]] == [
        ("sie.duplicate_voucher", "warning", 27)
    ]
    assert data["findings"][0]["file"] == str(path)
    assert data["findings"][0]["hint"]


def test_summary_refuses_html_with_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    path = CASES / "html_error_page.se"
    assert main(["sie", "summary", str(path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["sums"] is None
    assert [f["code"] for f in data["findings"]] == ["sie.not_sie"]
    assert main(["sie", "summary", str(path)]) == 1
    out = capsys.readouterr().out
    assert "kunde inte läsas" in out
    assert f"{path}:1: fel [sie.not_sie]" in out


def test_summary_text_is_swedish(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sie", "summary", str(CASES / "base.se")]) == 0
    out = capsys.readouterr().out
    assert "Verifikationer: 2" in out
    assert "Transaktioner (#TRANS): 4" in out
    assert "Inga fynd." in out


def test_missing_file_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sie", "summary", str(tmp_path / "nej.se")]) == 1
    assert "[sie.read]" in capsys.readouterr().out


def test_every_finding_code_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"`((?:sie|accountmap|ledger)\.[a-z_]+)`", text))
    assert set(CODES) <= documented, sorted(set(CODES) - documented)
    for code in (
        "accountmap.unmapped",
        "accountmap.ambiguous",
        "accountmap.default",
        "ledger.used",
        "ledger.year",
    ):
        assert code in documented


def test_cli_help_is_in_the_docs(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["sie", "summary", "--help"])
    help_text = capsys.readouterr().out
    text = DOCS.read_text(encoding="utf-8")
    for option in ("--json", "FIL"):
        assert option in help_text
        assert option in text


def test_a_command_imports_only_its_own_module(tmp_path: Path) -> None:
    """``styrkort sie summary`` loads the sie command alone (start-up is part of every run's
    time); the top level's help and a command whose module has another name list them all."""
    import subprocess
    import sys

    sie = tmp_path / "a.se"
    sie.write_bytes(b'#FLAGGA 0\n#SIETYP 4\n#RAR 0 20200101 20201231\n#KONTO 1930 "Bank"\n')
    code = (
        "import sys\n"
        "from styrkort.cli import build_parser, main\n"
        f"assert main(['sie', 'summary', '--json', {str(sie)!r}]) == 0\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('styrkort.commands.'))\n"
        "assert loaded == ['styrkort.commands._output', 'styrkort.commands._progress',"
        " 'styrkort.commands.sie'], loaded\n"
        "assert 'urllib.request' not in sys.modules\n"
        "everything = build_parser().format_help()\n"
        "assert 'kolada' in everything and 'sie' in everything, everything\n"
        "assert build_parser('export').parse_args(['export', 'ut']).command == 'export'\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {"PYTHONPATH": str(root / "src"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
