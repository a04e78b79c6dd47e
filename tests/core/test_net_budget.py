"""The net-budget model (nettoram) with results carried forward: the workspace states it,
core.finance.board_result fills BoardResult, and the checks hold every relation between
the columns (tests/data/nettoram-2022, fictional)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path

from styrkort.core.assessed import assess_workspace
from styrkort.core.checks import run_checks
from styrkort.core.finance import (
    BudgetModel,
    OperatingRow,
    ResultPart,
    ResultSettings,
    RowKind,
    board_result,
    operating_statement,
)
from styrkort.core.model import Organisation, Period, Workspace
from styrkort.sources.workspace import load_workspace
from styrkort.sources.workspace_write import write_workspace

DATA = Path(__file__).resolve().parents[1] / "data" / "nettoram-2022"

ROWS = (
    OperatingRow("Intäkter", RowKind.REVENUE, D(-8_000_000), D(-8_600_000)),
    OperatingRow("Personalkostnader", RowKind.COST, D(20_000_000), D(20_900_000)),
    OperatingRow("Övriga kostnader", RowKind.COST, D(12_500_000), D(11_800_000)),
)
NET = ResultSettings(
    model=BudgetModel.NET,
    contribution=D(24_000_000),
    budget_result=D(-500_000),
    balance_adjustment=D(-150_000),
    balance_adjustment_text="Realisationsvinster",
    opening_result=D(2_300_000),
    disposition=D(300_000),
    parts=(ResultPart("varav vatten och avlopp", D(0), D(5_000_000), D(4_850_000)),),
)


def _ws(settings: ResultSettings, rows: tuple[OperatingRow, ...] = ROWS) -> Workspace:
    return Workspace(
        Organisation("Tekniska nämnden"), Period(2022), operating=rows, result_settings=settings
    )


def _codes(settings: ResultSettings, rows: tuple[OperatingRow, ...] = ROWS) -> list[str]:
    return [f.code for f in run_checks(assess_workspace(_ws(settings, rows)))]


def test_net_model_takes_the_stated_contribution_and_budgeted_result() -> None:
    b = board_result(operating_statement(ROWS), NET)
    assert b.net_model
    assert (b.contribution, b.revenues, b.costs) == (D(24_000_000), D(8_600_000), D(32_700_000))
    assert b.result == D(-100_000)
    assert b.budget_result == D(-500_000)
    assert b.deviation == D(400_000) == operating_statement(ROWS).net.deviation
    assert b.balance_result == D(-250_000)
    assert b.closing_result == D(1_900_000)
    assert b.balance_adjustment_text == "Realisationsvinster"
    assert b.parts[0].result == D(150_000)


def test_gross_model_keeps_its_meaning_with_carried_results() -> None:
    gross = replace(NET, model=BudgetModel.GROSS)
    b = board_result(operating_statement(ROWS), gross)
    assert not b.net_model
    assert b.contribution == D(24_500_000) and b.budget_result == 0
    assert b.result == D(400_000) == b.deviation
    assert b.closing_result == D(2_300_000 + 400_000 - 300_000)
    assert board_result(operating_statement(ROWS)) == board_result(
        operating_statement(ROWS), ResultSettings()
    )


def test_assessed_board_result_is_computed_once_from_the_workspace() -> None:
    a = assess_workspace(_ws(NET))
    assert a.board_result == board_result(operating_statement(ROWS), NET)
    assert assess_workspace(_ws(NET, rows=())).board_result is None


def test_consistent_statement_has_no_finance_findings() -> None:
    stated = replace(NET, closing_result=D(1_900_000), balance_result=D(-250_000))
    assert [c for c in _codes(stated) if c.startswith("finance.")] == []


def test_contribution_that_disagrees_with_the_budget_is_an_error() -> None:
    findings = run_checks(assess_workspace(_ws(replace(NET, contribution=D(24_100_000)))))
    f = next(f for f in findings if f.code == "finance.contribution")
    assert f.severity.name == "ERROR"
    assert "24\u00a0100\u00a0000 kr" in f.message and "−400\u00a0000 kr" in f.message
    assert "budgeterat resultat" in f.hint


def test_net_model_without_contribution_is_named() -> None:
    codes = _codes(replace(NET, contribution=None))
    assert "finance.contribution_missing" in codes
    b = board_result(operating_statement(ROWS), replace(NET, contribution=None))
    assert b.contribution == D(24_000_000)  # net budget + budgeted result


def test_parts_larger_than_the_board_are_an_error() -> None:
    big = (ResultPart("varav VA", D(0), D(9_000_000), D(4_000_000)),)
    findings = run_checks(assess_workspace(_ws(replace(NET, parts=big))))
    messages = [f.message for f in findings if f.code == "finance.parts"]
    assert len(messages) == 1 and "intäkter" in messages[0] and "'varav VA'" in messages[0]


def test_stated_closing_result_that_disagrees_is_an_error() -> None:
    findings = run_checks(assess_workspace(_ws(replace(NET, closing_result=D(2_000_000)))))
    f = next(f for f in findings if f.code == "finance.closing_result")
    assert "1\u00a0900\u00a0000 kr" in f.message and "100\u00a0000 kr" in f.message


def test_disposition_without_opening_result_is_named() -> None:
    codes = _codes(replace(NET, opening_result=None))
    assert "finance.disposition_without_opening" in codes


def test_stated_balance_result_that_disagrees_is_an_error() -> None:
    codes = _codes(replace(NET, balance_result=D(-100_000)))
    assert "finance.balance_result" in codes


def test_balance_adjustment_without_text_is_a_warning() -> None:
    codes = _codes(replace(NET, balance_adjustment_text=""))
    assert "finance.balance_adjustment_text" in codes


# --- the workspace folder


def test_the_test_workspace_reads_and_checks_clean() -> None:
    loaded = load_workspace(DATA)
    assert loaded.ok and loaded.workspace is not None, [str(f) for f in loaded.findings]
    r = loaded.workspace.result_settings
    assert r.model is BudgetModel.NET
    assert (r.contribution, r.budget_result) == (D(24_000_000), D(-500_000))
    assert (r.opening_result, r.disposition, r.closing_result) == (
        D(2_300_000),
        D(300_000),
        D(1_900_000),
    )
    assert r.balance_adjustment_text.startswith("Realisationsvinster")
    assert r.parts[0].label == "varav vatten och avlopp"
    assert r.where("contribution").line == 13
    a = assess_workspace(loaded.workspace)
    assert a.board_result is not None and a.board_result.closing_result == D(1_900_000)
    assert [f.code for f in run_checks(a) if f.code.startswith("finance.")] == []


def test_the_writer_gives_the_folder_back(tmp_path: Path) -> None:
    ws = load_workspace(DATA).workspace
    assert ws is not None
    write_workspace(ws, tmp_path / "out")
    back = load_workspace(tmp_path / "out")
    assert back.ok and back.workspace is not None
    got, want = back.workspace.result_settings, ws.result_settings
    assert replace(got, sources={}, source=want.source, parts=()) == replace(
        want, sources={}, parts=()
    )
    assert [(p.label, p.revenues, p.costs) for p in got.parts] == [
        (p.label, p.revenues, p.costs) for p in want.parts
    ]


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    dst = tmp_path / "ws"
    shutil.copytree(DATA, dst)
    main = dst / "styrkort.yaml"
    main.write_text(main.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return dst


def test_unknown_budget_model_is_a_reading_error(tmp_path: Path) -> None:
    loaded = load_workspace(_edited(tmp_path, "model: net", "model: halvnetto"))
    f = next(f for f in loaded.findings if f.code == "workspace.finance_model")
    assert f.source.line == 12 and "halvnetto" in f.message and not loaded.ok


def test_swedish_model_names_are_read(tmp_path: Path) -> None:
    loaded = load_workspace(_edited(tmp_path, "model: net", "model: nettoram"))
    assert loaded.workspace is not None
    assert loaded.workspace.result_settings.model is BudgetModel.NET


def test_contribution_in_the_gross_model_is_ignored_with_a_warning(tmp_path: Path) -> None:
    loaded = load_workspace(_edited(tmp_path, "model: net", "model: gross"))
    ignored = [f for f in loaded.findings if f.code == "workspace.ignored_key"]
    assert {f.source.line for f in ignored} == {13, 14}
    assert loaded.workspace is not None and loaded.workspace.result_settings.contribution is None


def test_an_unreadable_or_unstorable_amount_is_a_reading_error(tmp_path: Path) -> None:
    loaded = load_workspace(_edited(tmp_path, "disposition: 300 000", "disposition: trehundra"))
    assert [f.source.line for f in loaded.findings if f.code == "workspace.amount"] == [19]
    loaded = load_workspace(
        _edited(tmp_path / "b", "disposition: 300 000", "disposition: 12345678901234567")
    )
    assert any(f.code == "workspace.amount_range" for f in loaded.findings)


def test_a_part_without_label_is_a_reading_error(tmp_path: Path) -> None:
    loaded = load_workspace(_edited(tmp_path, "- label: varav vatten och avlopp", "- x: 1"))
    assert any(f.code == "workspace.result_part" for f in loaded.findings)


# --- rollover (årsskifte): utgående of year N is ingående of N+1


def test_rollover_carries_the_closing_result_and_empties_the_year() -> None:
    from styrkort.core.rollover import roll_over

    rolled = roll_over(_ws(replace(NET, closing_result=D(1_900_000))), 2023, {})
    r = rolled.workspace.result_settings
    assert r.model is BudgetModel.NET
    assert r.opening_result == D(1_900_000)
    assert (r.disposition, r.closing_result, r.balance_adjustment, r.contribution) == (
        None,
        None,
        None,
        None,
    )
    assert r.budget_result == 0 and r.balance_adjustment_text == ""
    assert [(p.label, p.revenues) for p in r.parts] == [("varav vatten och avlopp", 0)]
    assert [f.code for f in rolled.findings] == ["rollover.carried_result"]
    assert "1\u00a0900\u00a0000 kr" in rolled.findings[0].message


def test_rollover_checks_the_relation_and_carries_the_computed_result() -> None:
    from styrkort.core.rollover import roll_over

    rolled = roll_over(_ws(replace(NET, closing_result=D(2_000_000))), 2023, {})
    assert rolled.workspace.result_settings.opening_result == D(1_900_000)
    warning = next(f for f in rolled.findings if f.code == "rollover.closing_result")
    assert warning.severity.name == "WARNING" and "2\u00a0000\u00a0000 kr" in warning.message


def test_rollover_without_carried_results_carries_nothing() -> None:
    from styrkort.core.rollover import roll_over

    rolled = roll_over(_ws(ResultSettings()), 2023, {})
    assert rolled.workspace.result_settings == ResultSettings()
    assert rolled.findings == ()


def test_rollover_command_writes_the_next_ingående(tmp_path: Path) -> None:
    from styrkort.cli import main

    out = tmp_path / "2023"
    assert main(["rollover", str(DATA), "--year", "2023", "--out", str(out)]) == 0
    ws = load_workspace(out).workspace
    assert ws is not None
    assert ws.result_settings.opening_result == D(1_900_000)
    assert ws.result_settings.disposition is None
    # the old period is untouched
    old = load_workspace(DATA).workspace
    assert old is not None and old.result_settings.opening_result == D(2_300_000)
