"""Every generated sentence agrees in number and gender with its count (0, 1, 2 and 13).

Built from real workspaces of 0, 1, 2 and 13 goals (and as many indicators per
status), then every generated sentence of the report and every message of the
checks is read for the forms a controller would never write.
"""

from __future__ import annotations

import re

import pytest

from styrkort.core.assessed import assess_workspace
from styrkort.core.checks import run_checks
from styrkort.core.goals import Goal, Indicator, Status, counted, status_word
from styrkort.core.model import Organisation, Period, PublishedClaims, Workspace
from styrkort.core.values import Direction
from styrkort.report.build import build_report, indicator_count_phrase, verdict_sentence

COUNTS = (0, 1, 2, 13)

# outcome and target that give each status under the default rule
MAKES = {
    Status.MET: ("95 %", "90 %"),
    Status.PARTLY: ("80 %", "90 %"),
    Status.NOT_MET: ("10 %", "90 %"),
    Status.NO_VALUE: ("", "90 %"),
}

WRONG = [
    r"\b1 st bedöms (?:\w+ )?\w+dda\b",  # "1 st bedöms uppnådda"
    r"\b1 st är ej bedömda\b",
    r"(?<![\d,])(?:[02-9]|1\d) st bedöms (?:\w+ )?uppnådd\b",  # "2 st bedöms uppnådd"
    r"\b1 indikatorer\b",
    r"\b1 ändringar\b",
    r"\b1 (?:nämndmål|mål) är (?:\w+ )?(?:ej )?\w+dda\b",
    r"\bär (?:[02-9]|1\d) (?:delvis |ej )?uppnått\b",  # "är 8 uppnått"
    r"\bär (?:[02-9]|1\d) ej bedömt\b",
    r"\b1 (?:\w+ )?(?:delvis |ej )?uppnådda\b",
]


def workspace(n: int, status: Status) -> Workspace:
    outcome, target = MAKES[status]
    goals = tuple(
        Goal(
            f"g{i}",
            f"Mål {i}",
            indicators=(
                Indicator(f"i{i}", f"Indikator {i}", "%", Direction.INCREASE, "", target, outcome),
            ),
        )
        for i in range(n)
    )
    return Workspace(
        Organisation("Nämnden"),
        Period(2022),
        goals=goals,
        claims=PublishedClaims(n + 1, 0),
    )


def texts(ws: Workspace) -> list[str]:
    a = assess_workspace(ws)
    report, _ = build_report(a, run_checks(a))
    out = list(report.sentences.values())
    out += [f.message for f in report.findings]
    for section in report.walk():
        for block in section.blocks:
            items = getattr(block, "items", None)
            out += list(items or [])
    return out


@pytest.mark.parametrize("n", COUNTS)
@pytest.mark.parametrize("status", list(MAKES))
def test_no_generated_sentence_disagrees_with_its_count(n: int, status: Status) -> None:
    for text in texts(workspace(n, status)):
        for pattern in WRONG:
            assert not re.search(pattern, text), (pattern, text)


def test_the_words_themselves() -> None:
    assert [indicator_count_phrase(Status.MET, n) for n in COUNTS] == [
        "0 st bedöms uppnådda",
        "1 st bedöms uppnådd",
        "2 st bedöms uppnådda",
        "13 st bedöms uppnådda",
    ]
    assert indicator_count_phrase(Status.NOT_ASSESSED, 1) == "1 st är ej bedömd"
    assert indicator_count_phrase(Status.NO_VALUE, 1) == "1 st saknar värde"
    assert [status_word(Status.MET, n, neuter=True) for n in COUNTS] == [
        "uppnådda",
        "uppnått",
        "uppnådda",
        "uppnådda",
    ]
    assert [counted(n, "indikator", "indikatorer") for n in COUNTS] == [
        "0 indikatorer",
        "1 indikator",
        "2 indikatorer",
        "13 indikatorer",
    ]


def test_the_summary_of_ten_goals_reads_as_a_controller_writes_it() -> None:
    goals = (
        *(
            Goal(
                f"m{i}",
                "M",
                indicators=(Indicator(f"m{i}", "I", "%", Direction.INCREASE, "", "90 %", "95 %"),),
            )
            for i in range(8)
        ),
        Goal(
            "p", "P", indicators=(Indicator("p", "I", "%", Direction.INCREASE, "", "90 %", "80 %"),)
        ),
        Goal(
            "n", "N", indicators=(Indicator("n", "I", "%", Direction.INCREASE, "", "90 %", "10 %"),)
        ),
    )
    a = assess_workspace(Workspace(Organisation("Nämnden"), Period(2022), goals=goals))
    assert verdict_sentence(a.summary, "nämndens") == (
        "Av nämndens 10 mål är 8 uppnådda, 1 delvis uppnått och 1 ej uppnått. "
        "Vilket gör att nämndmålen uppnås delvis."
    )
