"""Plausibility (issue 15.3): one rule in core, asked by the web form, the grid, the API and
``styrkort check`` (the ``indicator.implausible`` warning on a folder)."""

from __future__ import annotations

import pytest

from styrkort.core.assessed import assess_workspace
from styrkort.core.checks import run_checks
from styrkort.core.findings import Source
from styrkort.core.goals import Goal, Indicator
from styrkort.core.history import PastOutcome
from styrkort.core.model import Organisation, Period, Workspace
from styrkort.core.plausibility import implausible


@pytest.mark.parametrize(
    ("text", "unit", "words"),
    [
        ("150 %", "%", "utanför 0–100"),
        ("-5 %", "%", "utanför 0–100"),
        ("1 234,5", "%", "utanför 0–100"),
        ("12.5 %", "%", "decimalpunkt"),
        ("-3 st", "st", "negativt antal"),
        ("-3", "st", "negativt antal"),
    ],
)
def test_values_that_look_wrong(text: str, unit: str, words: str) -> None:
    notes = implausible(text, unit)
    assert any(words in n for n in notes), notes


@pytest.mark.parametrize(
    ("text", "unit"), [("67 %", "%"), ("0 %", "%"), ("100 %", "%"), ("21 st", "st"), ("Ja", None)]
)
def test_plausible_values_say_nothing(text: str, unit: str | None) -> None:
    assert implausible(text, unit) == []


def test_far_from_the_latest_earlier_outcome_before_the_baseline() -> None:
    history = (PastOutcome(2018, "2 st"), PastOutcome(2019, "40 st"))
    # 300 is far from the baseline 3 but not from last year's 40
    assert implausible("300 st", "st", baseline="3 st", history=history, year=2020) == []
    notes = implausible("500 st", "st", baseline="3 st", history=history, year=2020)
    assert notes == [
        "Utfallet 500 st ligger långt från utfallet 2019 (40 st) (mer än 10 gånger större eller mindre)."
    ]
    # no history: the baseline is the reference; a later year's entry is not history
    assert implausible(
        "300 st", "st", baseline="3 st", history=(PastOutcome(2021, "300 st"),), year=2020
    )
    assert implausible("3 st", "st", what="Prognosen", baseline="40 st")[0].startswith("Prognosen")


def _workspace(**indicator: str) -> Workspace:
    ind = Indicator(
        "i1",
        "Andel besvarade samtal",
        unit="%",
        target="90 %",
        source=Source("goals.yaml", 10),
        sources={"outcome": Source("goals.yaml", 14)},
        **indicator,  # type: ignore[arg-type]
    )
    return Workspace(
        Organisation("Nämnden"), Period(2020), goals=(Goal("g1", "Mål", indicators=(ind,)),)
    )


def test_check_reports_the_same_rule_on_a_folder_with_the_line() -> None:
    findings = run_checks(assess_workspace(_workspace(outcome="150 %")), {"indicator.implausible"})
    assert [(f.code, f.severity.value, f.source) for f in findings] == [
        ("indicator.implausible", "warning", Source("goals.yaml", 14))
    ]
    assert "utanför 0–100" in findings[0].message and findings[0].hint
    assert run_checks(assess_workspace(_workspace(outcome="95 %")), {"indicator.implausible"}) == []
