"""Report settings: sign convention, rounding policy, interim forecast, RKR R14 columns, live figures."""

from __future__ import annotations

from decimal import Decimal

from styrkort.core.assessed import assess_workspace
from styrkort.core.finance import OperatingRow, RowKind, SignConvention
from styrkort.core.findings import Source
from styrkort.core.model import (
    NarrativeSection,
    Organisation,
    Period,
    PeriodKind,
    RoundingPolicy,
    Settings,
    Workspace,
)
from styrkort.report.build import build_report
from styrkort.report.model import Report, Table

D = Decimal
NB, MINUS = "\u00a0", "\u2212"

ROWS = (
    OperatingRow(
        "Bidrag", RowKind.REVENUE, D(-4200), D(-4200), original_budget=D(-4000), forecast=D(-4300)
    ),
    OperatingRow("A", RowKind.COST, D(1400), D(1400), original_budget=D(1300), forecast=D(1500)),
    OperatingRow("B", RowKind.COST, D(1400), D(1400), original_budget=D(1300), forecast=D(1500)),
    OperatingRow("C", RowKind.COST, D(1400), D(1400), original_budget=D(1400), forecast=D(1500)),
)


def build(**kw: object) -> Report:
    base: dict[str, object] = {
        "organisation": Organisation("Nämnden"),
        "period": Period(2021),
        "operating": ROWS,
    }
    base.update(kw)
    report, _ = build_report(assess_workspace(Workspace(**base)))  # type: ignore[arg-type]
    return report


def column(table: Table, label: str) -> list[str]:
    i = [c.label for c in table.columns].index(label)
    return [r.cells[i].text for r in table.rows]


def test_totals_from_unrounded_show_the_break() -> None:
    t = build().table("operating")
    # three rows of 1,4 tkr print as 1 each, the total of 4,2 tkr prints as 4
    assert column(t, "Budget 2021")[2:6] == ["1", "1", "1", "4"]
    assert any("från sitt exakta värde" in n for n in t.notes)


def test_largest_remainder_makes_printed_rows_add_up() -> None:
    t = build(settings=Settings(rounding=RoundingPolicy.LARGEST_REMAINDER)).table("operating")
    assert column(t, "Budget 2021")[2:6] == ["2", "1", "1", "4"]
    assert any("största-restmetoden" in n for n in t.notes)


def test_revenue_positive_flips_presentation_only() -> None:
    ledger = build().table("operating")
    flipped = build(settings=Settings(sign_convention=SignConvention.REVENUE_POSITIVE)).table(
        "operating"
    )
    assert column(ledger, "Budget 2021")[0] == f"{MINUS}4"
    assert column(flipped, "Budget 2021")[0] == "4"
    assert column(flipped, "Budget 2021")[2] == f"{MINUS}1"
    # deviations keep their sign: positive is favourable in both
    assert column(ledger, "Avvikelse") == column(flipped, "Avvikelse")


def test_rkr_r14_columns_when_original_budget_is_given() -> None:
    t = build().table("operating")
    labels = [c.label for c in t.columns]
    assert labels == [
        "Slagtext",
        "Ursprunglig budget 2021",
        "Budgetändring",
        "Budget 2021",
        "Utfall 2021",
        "Avvikelse",
    ]
    assert column(t, "Budgetändring")[0] == "0"  # -4,2 vs -4,0 rounds to 0 change in tkr


def test_interim_period_shows_forecast_and_deviation_against_it() -> None:
    import datetime as dt

    period = Period(
        2021, PeriodKind.INTERIM, end=dt.date(2021, 8, 31), label="januari–augusti 2021"
    )
    t = build(period=period).table("operating")
    labels = [c.label for c in t.columns]
    assert "Prognos 2021" in labels and "Avvikelse mot prognos" in labels
    assert "Utfall januari–augusti 2021" in labels
    # cost A: budget 1,4 → 1 tkr, forecast 1,5 → 2 tkr: 1 tkr worse than budget
    assert column(t, "Avvikelse mot prognos")[2] == f"{MINUS}1"
    assert column(t, "Prognos 2021")[0] == f"{MINUS}4"


def test_unknown_live_figure_is_a_finding_with_line() -> None:
    narrative = (
        NarrativeSection(
            "x",
            "",
            "Rad ett.\nResultatet blev {{ resultat }} och {{ nonsens.belopp }}.",
            source=Source("narrative/x.md", 3),
        ),
    )
    report, findings = build_report(
        assess_workspace(
            Workspace(Organisation("N"), Period(2021), operating=ROWS, narrative=narrative)
        )
    )
    assert [(f.code, f.source.line) for f in findings] == [("narrative.unknown_figure", 4)]
    texts = [b.text for s in report.walk() for b in s.blocks if hasattr(b, "text")]
    assert any(
        "Resultatet blev 0\u00a0tkr och [okänd uppgift: nonsens.belopp]." in str(t) for t in texts
    )


def test_visible_rounding_break_is_flagged_by_the_table_audit() -> None:
    from styrkort.pipeline import run_workspace

    ws = Workspace(Organisation("N"), Period(2021), operating=ROWS)
    found = run_workspace(ws).findings
    breaks = [f for f in found if f.code == "audit.rounding"]
    # original budget, budget and outcome columns each print 1 + 1 + 1 against a total of 4
    assert [(f.details or {}).get("column") for f in breaks] == [
        "Ursprunglig budget 2021",
        "Budget 2021",
        "Utfall 2021",
    ]
    assert all(f.severity.value == "warning" for f in breaks)
    lr = Workspace(
        Organisation("N"),
        Period(2021),
        operating=ROWS,
        settings=Settings(rounding=RoundingPolicy.LARGEST_REMAINDER),
    )
    assert [f.code for f in run_workspace(lr).findings if f.code.startswith("audit.")] == []
