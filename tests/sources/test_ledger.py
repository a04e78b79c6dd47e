"""Statements from a SIE ledger equal the statements from the published category totals."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from styrkort.core.finance import RowKind, investment_statement, operating_statement
from styrkort.core.findings import Severity
from styrkort.sources.accountmap import parse_account_map
from styrkort.sources.ledger import Scope, months_between, operating_rows, workspace_finance
from styrkort.sources.sie import sum_sie
from styrkort.sources.workspace import load_workspace

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "sydnarke-it-2020"
LEDGER = EXAMPLE / "ledger"

LEDGER_CONFIG = """\
  ledger:
    file: ledger/huvudbok.se
    accounts: ledger/accounts.csv
    ansvar: ["4100"]
    investment_accounts: ["12"]
    projects:
      - {object: "9101", name: IT INVEST LEKEBERG, member: lekeberg}
      - {object: "9102", name: IT INVEST LAXÅ, member: laxa}
      - {object: "9103", name: IT INVEST ASKERSUND, member: askersund}
      - {object: "9104", name: IT INVEST HALLSBERG, member: hallsberg}
      - {object: "9105", name: IT-INVEST. GEMENSAMT}
"""


def ledger_copy(tmp_path: Path) -> Path:
    """A copy of the example whose finance comes from the ledger; the CSV totals are removed."""
    ws = tmp_path / "sydnarke-ledger"
    shutil.copytree(EXAMPLE, ws)
    yaml_path = ws / "styrkort.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    old = "  operating: operating.csv\n  investments: investments.csv\n"
    assert old in text, "the example's finance block changed; update this test"
    yaml_path.write_text(text.replace(old, LEDGER_CONFIG), encoding="utf-8")
    (ws / "operating.csv").unlink()
    (ws / "investments.csv").unlink()
    return ws


def test_example_from_ledger_gives_the_same_statements(tmp_path: Path) -> None:
    by_totals = load_workspace(EXAMPLE)
    by_ledger = load_workspace(ledger_copy(tmp_path))
    assert by_totals.workspace is not None
    assert by_ledger.workspace is not None
    errors = [f.format() for f in by_ledger.findings if f.severity is Severity.ERROR]
    assert errors == []
    assert not [f for f in by_ledger.findings if f.code.startswith(("sie.", "accountmap."))]
    a, b = by_totals.workspace, by_ledger.workspace

    def op(rows: tuple) -> list[tuple[str, RowKind, Decimal, Decimal]]:  # type: ignore[type-arg]
        return [(r.category, r.kind, r.budget, r.outcome) for r in rows]

    assert op(b.operating) == op(a.operating)
    assert [(r.project, r.member, r.budget, r.outcome) for r in b.investments] == [
        (r.project, r.member, r.budget, r.outcome) for r in a.investments
    ]
    sa, sb = operating_statement(a.operating), operating_statement(b.operating)
    assert (sb.net.budget, sb.net.outcome, sb.result) == (sa.net.budget, sa.net.outcome, sa.result)
    assert sb.result == Decimal(-823000)
    assert investment_statement(b.investments).total == investment_statement(a.investments).total
    assert [f.code for f in by_ledger.findings if f.code.startswith("ledger.")] == ["ledger.used"]


def test_example_report_is_the_same(tmp_path: Path) -> None:
    """The whole pipeline builds exactly the same report (every section, sentence and figure)."""
    from styrkort.pipeline import run

    first = run(EXAMPLE)
    second = run(ledger_copy(tmp_path))
    assert first.report is not None
    assert second.report is not None
    a, b = first.report, second.report
    tables = [
        blk for sec in b.walk() for blk in sec.blocks if getattr(blk, "kind", "") == "operating"
    ]
    assert tables, "the report has no operating statement table"
    assert b.sections == a.sections
    assert b.sentences == a.sentences
    assert b.figures == a.figures


def test_committed_ledger_is_the_generators_output(tmp_path: Path) -> None:
    out = tmp_path / "huvudbok.se"
    subprocess.run(
        [sys.executable, str(LEDGER / "generate.py"), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == (LEDGER / "huvudbok.se").read_bytes()


def test_ledger_is_labelled_synthetic() -> None:
    result = sum_sie(LEDGER / "huvudbok.se")
    assert result.sums is not None
    assert "SYNTETISKA" in result.sums.header.program
    assert "syntetisk" in result.sums.header.company
    assert b'#PROSA "SYNTETISK HUVUDBOK' in (LEDGER / "huvudbok.se").read_bytes()


def _mapping():  # type: ignore[no-untyped-def]
    amap, findings = parse_account_map(
        (LEDGER / "accounts.csv").read_text(encoding="utf-8"), "accounts.csv"
    )
    assert findings == []
    assert amap is not None
    return amap


def test_other_boards_money_and_whole_account_budget_stay_out() -> None:
    scope_it = Scope(months_between(dt.date(2020, 1, 1), dt.date(2020, 12, 31)), ansvar=("4100",))
    scope_all = Scope(scope_it.months)
    sums = sum_sie(LEDGER / "huvudbok.se", dimensions=scope_it.dimensions).sums
    assert sums is not None
    it_rows, _ = operating_rows(sums, _mapping(), scope_it, file="huvudbok.se")
    all_rows, _ = operating_rows(sums, _mapping(), scope_all, file="huvudbok.se")
    personal_it = next(r for r in it_rows if r.category == "PERSONALKOSTNADER")
    personal_all = next(r for r in all_rows if r.category == "PERSONALKOSTNADER")
    assert personal_it.outcome == Decimal(11091000)
    assert personal_it.budget == Decimal(12337000)
    # the whole ledger: the other board's money too, and the {} budget rows (never added to per-ansvar rows)
    assert personal_all.outcome > personal_it.outcome
    assert personal_all.budget > personal_it.budget


def test_interim_period_sums_its_months_only() -> None:
    scope = Scope(months_between(dt.date(2020, 1, 1), dt.date(2020, 4, 30)), ansvar=("4100",))
    assert scope.months == ("202001", "202002", "202003", "202004")
    sums = sum_sie(LEDGER / "huvudbok.se", dimensions=scope.dimensions).sums
    assert sums is not None
    rows, findings = operating_rows(sums, _mapping(), scope, file="huvudbok.se")
    assert findings == []
    year_rows, _ = operating_rows(
        sums,
        _mapping(),
        Scope(months_between(dt.date(2020, 1, 1), dt.date(2020, 12, 31)), ansvar=("4100",)),
        file="x",
    )
    for part, whole in zip(rows, year_rows, strict=True):
        assert abs(part.outcome) < abs(whole.outcome) or whole.outcome == 0
    expected = Decimal(0)
    for (account, (ansvar, _p), period), amount in sums.sums.items():
        if account.startswith("5") and ansvar == "4100" and period in scope.months:
            expected += amount
    assert next(r for r in rows if r.category == "PERSONALKOSTNADER").outcome == expected


def test_unmapped_account_is_a_finding(tmp_path: Path) -> None:
    amap, _ = parse_account_map("prefix,category\n5,Personal\n", "accounts.csv")
    assert amap is not None
    scope = Scope(months_between(dt.date(2020, 1, 1), dt.date(2020, 12, 31)), ansvar=("4100",))
    sums = sum_sie(LEDGER / "huvudbok.se", dimensions=scope.dimensions).sums
    assert sums is not None
    rows, findings = operating_rows(sums, amap, scope, file="huvudbok.se")
    assert [r.category for r in rows] == ["Personal"]
    unmapped = {
        f.details["account"] for f in findings if f.code == "accountmap.unmapped" and f.details
    }
    assert "6540" in unmapped
    assert "3611" in unmapped
    assert all(f.source.file == "huvudbok.se" and f.source.line for f in findings)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])  # cp1252: as Swedish Excel saves CSV
def test_budget_table_replaces_pbudget(tmp_path: Path, encoding: str) -> None:
    ws = ledger_copy(tmp_path)
    (ws / "budget.csv").write_text(
        "category,budget\nPERSONALKOSTNADER,12000000\nTJÄNSTER,500000\n", encoding=encoding
    )
    cfg = {
        "file": "ledger/huvudbok.se",
        "accounts": "ledger/accounts.csv",
        "ansvar": ["4100"],
        "budget": "budget.csv",
    }
    got = workspace_finance(ws, cfg, dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    assert got.operating is not None
    personal = next(r for r in got.operating if r.category == "PERSONALKOSTNADER")
    assert personal.budget == Decimal(12000000)
    assert personal.outcome == Decimal(11091000)
    assert next(r for r in got.operating if r.category == "TJÄNSTER").budget == Decimal(500000)


def test_default_mapping_says_so_and_wrong_year_refuses(tmp_path: Path) -> None:
    ws = ledger_copy(tmp_path)
    got = workspace_finance(
        ws, {"file": "ledger/huvudbok.se"}, dt.date(2020, 1, 1), dt.date(2020, 12, 31)
    )
    assert "accountmap.default" in [f.code for f in got.findings]
    assert got.operating is not None
    assert [r.category for r in got.operating][:2] == [
        "Verksamhetens intäkter",
        "Personalkostnader",
    ]
    wrong = workspace_finance(
        ws, {"file": "ledger/huvudbok.se"}, dt.date(2021, 1, 1), dt.date(2021, 12, 31)
    )
    assert wrong.operating is None
    assert "ledger.year" in [f.code for f in wrong.findings]
    broken = workspace_finance(
        ws, {"file": "ledger/finns-inte.se"}, dt.date(2020, 1, 1), dt.date(2020, 12, 31)
    )
    assert broken.operating is None
    assert [f.code for f in broken.findings if f.severity is Severity.ERROR] == ["sie.read"]


def test_a_broken_ledger_blocks_the_report(tmp_path: Path) -> None:
    """Never half-imported: an error in the ledger means no report, not a report with holes."""
    from styrkort.pipeline import run

    ws = ledger_copy(tmp_path)
    sie = ws / "ledger" / "huvudbok.se"
    raw = sie.read_bytes()
    cut = raw.rfind(b"#VER")
    sie.write_bytes(raw[: cut + 200])  # a voucher cut in the middle: a truncated file
    result = run(ws)
    assert result.report is None
    assert any(f.severity is Severity.ERROR and f.code.startswith("sie.") for f in result.findings)
