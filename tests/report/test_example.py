"""The reference report, rebuilt from examples/sydnarke-it-2020: every published figure, and its mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from styrkort.core.goals import Status
from styrkort.pipeline import PipelineResult, run
from styrkort.report.model import Report, Table, to_data

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sydnarke-it-2020"
NB = "\u00a0"
MINUS = "\u2212"


@pytest.fixture(scope="module")
def result() -> PipelineResult:
    r = run(EXAMPLE)
    assert r.report is not None, [f.format() for f in r.findings]
    return r


@pytest.fixture(scope="module")
def report(result: PipelineResult) -> Report:
    assert result.report is not None
    return result.report


def rows(table: Table) -> dict[str, list[str]]:
    return {r.cells[0].text: [c.text for c in r.cells[1:]] for r in table.rows}


def n(text: str) -> str:
    """Published figure → as we print it (U+00A0 thousands, U+2212 minus)."""
    return text.replace(" ", NB).replace("-", MINUS)


PUBLISHED_OPERATING = {
    "ÖVRIGA AVG O. ERSÄTTNINGAR": ("0", "-104", "104"),
    "DRIFTBIDRAG FR KOMMUNER": ("-34 559", "-34 559", "0"),
    "TOTALT INTÄKTER": ("-34 559", "-34 663", "104"),
    "PERSONALKOSTNADER": ("12 337", "11 091", "1 246"),
    "UTRUSTNING OCH DATAKOMMUNIKATION": ("2 580", "1 738", "842"),
    "DATABEHANDLING, LICENSER": ("6 000", "6 229", "-229"),
    "TJÄNSTER": ("1 015", "4 985", "-3 970"),
    "RESOR, KURSER, TELE, HYRA": ("899", "732", "167"),
    "KAPITALKOSTNADER": ("11 728", "10 711", "1 017"),
    "TOTALT KOSTNADER": ("34 559", "35 486", "-927"),
    "NETTORESULTAT": ("0", "823", "-823"),
}

PUBLISHED_INVESTMENTS = {
    "IT INVEST LEKEBERG": ("1 478", "2 291", "-813"),
    "IT INVEST LAXÅ": ("1 336", "806", "530"),
    "IT INVEST ASKERSUND": ("2 773", "2 736", "37"),
    "IT INVEST HALLSBERG": ("2 182", "2 097", "85"),
    "IT-INVEST. GEMENSAMT": ("3 000", "3 297", "-297"),
    "TOTALT INVESTERAT 2018": ("10 769", "11 227", "-458"),
}


def test_operating_statement_reproduces_every_published_figure(report: Report) -> None:
    table = rows(report.table("operating"))
    assert list(table) == list(PUBLISHED_OPERATING)
    for label, figures in PUBLISHED_OPERATING.items():
        assert table[label] == [n(f) for f in figures], label


def test_investment_statement_reproduces_every_published_figure(report: Report) -> None:
    table = rows(report.table("investments"))
    assert list(table) == list(PUBLISHED_INVESTMENTS)
    for label, figures in PUBLISHED_INVESTMENTS.items():
        assert table[label] == [n(f) for f in figures], label


def test_result_and_allocation_sentences(report: Report) -> None:
    s = report.sentences
    assert (
        s["result"] == f"Årets resultat för Sydnärkes IT-nämnd visar ett underskott med 823{NB}tkr."
    )
    assert (
        s["allocation"]
        == f"Askersund 227{NB}tkr, Hallsberg 320{NB}tkr, Laxå 113{NB}tkr, Lekeberg 163{NB}tkr"
    )
    alloc = rows(report.table("allocation"))
    assert [alloc[m][-1] for m in ("Askersund", "Hallsberg", "Laxå", "Lekeberg", "Summa")] == [
        n("-227"),
        n("-320"),
        n("-113"),
        n("-163"),
        n("-823"),
    ]


def test_investment_sentences_and_sydnet_frames(report: Report) -> None:
    s = report.sentences
    assert (
        s["investment.total"]
        == f"Utav den totala investeringsbudgeten (10{NB}769{NB}tkr) så är 11{NB}227{NB}tkr förbrukat per 201231."
    )
    assert s["frames.sydnet_2_0.outcome"].startswith(
        f"Av de totala investeringarna utgör Sydnet 2.0 1{NB}523{NB}tkr."
    )
    assert (
        s["frames.sydnet_2_0.outcome_parts"]
        == f"Lekeberg 320{NB}tkr, Laxå 99{NB}tkr, Askersund 438{NB}tkr, Hallsberg 666{NB}tkr"
    )
    assert (
        s["frames.sydnet_2_0.remaining"]
        == f"Lekeberg: 312{NB}tkr, Laxå: 468{NB}tkr, Askersund: 833{NB}tkr, Hallsberg: {MINUS}22{NB}tkr."
    )


def test_summary_sentence_as_far_as_the_data_decides(
    result: PipelineResult, report: Report
) -> None:
    assert result.assessed is not None
    s = result.assessed.summary
    # 11 indicator rows as published; the published "9 + 4" cannot be reproduced from them.
    assert s.indicators == 11
    assert (
        s.count(Status.MET),
        s.count(Status.PARTLY),
        s.count(Status.NOT_MET),
        s.count(Status.NO_VALUE),
        s.count(Status.NOT_ASSESSED),
    ) == (3, 2, 1, 4, 1)
    statuses = {g.goal.id: g.status for g in result.assessed.goals}
    assert statuses == {
        "digitala-moten": Status.NOT_ASSESSED,
        "service": Status.NOT_MET,
        "samverkan": Status.NOT_ASSESSED,
    }
    assert report.sentences["summary.met"] == "3 st bedöms uppnådda"
    assert report.sentences["summary.partly"] == "2 st bedöms delvis uppnådda"
    # The board's verdict depends on two goals that are not assessed (no indicators; HME
    # compared in the wrong unit), so it is not assessed either, never "inte uppnås".
    assert result.assessed.summary.verdict is Status.NOT_ASSESSED
    assert report.sentences["summary.verdict"] == (
        "Av nämndens 3 mål är 1 ej uppnått och 2 ej bedömda. Nämndmålen som helhet kan inte "
        "bedömas förrän de mål som är ej bedömda har avgjorts."
    )


def test_goal_tables_show_outcomes_and_targets_as_published(report: Report) -> None:
    goal_tables = [t for t in report.tables() if t.kind == "goal"]
    assert [t.caption for t in goal_tables] == [
        "Nämndmål: Underlätta för digitala möten och att en hållbar teknik används.",
        "Nämndmål: Ge god service och IT-drift av hög kvalitet",
        "Nämndmål: Ökad samverkan över kommungränserna",
    ]
    service = rows(goal_tables[1])
    assert service["Minska genomsnittlig ärendehanteringstid"] == [
        f"21{NB}st",
        f"högst 20{NB}st",
        "Delvis uppnått",
    ]
    samverkan = rows(goal_tables[2])
    assert samverkan["Sjukfrånvaro"] == [f"6,58{NB}%", f"Minska från 7{NB}%", "Uppnått"]
    assert samverkan["Nämnderna och styrelsen håller sin budgetram"] == [
        f"{MINUS}823{NB}tkr",
        f"0{NB}tkr",
        "Ej uppnått",
    ]
    # status by symbol and word, never colour alone
    status_cells = [r.cells[-1] for t in goal_tables for r in t.rows if r.cells[-1].status]
    assert all(c.symbol and c.text for c in status_cells)


def test_checks_list_the_reference_reports_own_mistakes(result: PipelineResult) -> None:
    found = {(f.code, f.source.file, f.source.line) for f in result.findings}
    codes = {c for c, _, _ in found}
    assert ("period.label_year", "styrkort.yaml", 49) in found  # TOTALT INVESTERAT 2018
    assert ("goal.no_indicators", "goals.yaml", 5) in found  # Underlätta för digitala möten …
    assert ("indicator.no_target", "goals.yaml", 17) in found  # acute: no target
    assert ("indicator.no_outcome", "goals.yaml", 16) in found  # acute: no outcome
    assert ("indicator.no_target", "goals.yaml", 24) in found  # high priority
    assert ("indicator.unit_mismatch", "goals.yaml", 71) in found  # HME 55 % vs index 71,13
    assert {"summary.counts", "summary.more_than_indicators", "goal.undecided"} <= codes
    # the published "Vilket gör att nämndmålen uppnås delvis." is not what the tables give
    assert ("summary.verdict", "styrkort.yaml", 41) in found
    assert "summary.undecided" in codes


def test_report_structure_follows_the_reference(report: Report) -> None:
    assert [(s.number, s.title) for s in report.walk()] == [
        ("1", "Verksamheter"),
        ("1.1", "Måluppfyllelse"),
        ("1.1.1", "Nämndmål"),
        ("1.2", "Verksamhetsberättelse"),
        ("1.3", "Ekonomi"),
    ]


def test_live_figure_in_narrative(report: Report) -> None:
    texts = [
        b.text
        for s in report.walk()
        for b in s.blocks
        if hasattr(b, "text") and isinstance(b.text, str)
    ]
    assert any(f"överskred budget med 297{NB}tkr." in t for t in texts)


def test_report_model_golden(report: Report, golden) -> None:  # type: ignore[no-untyped-def]
    golden(
        Path(__file__).parent / "golden" / "sydnarke-it-2020.report.expected.json", to_data(report)
    )
