"""Every target form the parser reads (tests/data/targets/forms.csv), and docs/workspace.md's
target reference, which is generated from the same rows (``pytest --update-golden`` rewrites it)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from styrkort.core.assess import AssessmentRule, assess_indicator
from styrkort.core.goals import Indicator
from styrkort.core.targets import TargetProblem, describe, parse_target
from styrkort.core.values import Direction, Quantity, parse_value

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "tests" / "data" / "targets" / "forms.csv"
DOC = ROOT / "docs" / "workspace.md"
START, END = "<!-- target-reference:start -->", "<!-- target-reference:end -->"


def forms() -> list[dict[str, str]]:
    with FORMS.open(encoding="utf-8") as f:
        return list(csv.DictReader([x for x in f if not x.startswith("#")], delimiter=";"))


def _baseline(text: str) -> Decimal | None:
    v = parse_value(text) if text else None
    return v.value if isinstance(v, Quantity) else None


def reading(row: dict[str, str]) -> str:
    direction = Direction(row["direction"]) if row["direction"] else None
    parsed = parse_target(row["written"], direction, _baseline(row["baseline"]))
    if parsed is None:
        return "none"
    if isinstance(parsed, TargetProblem):
        return f"refused:{parsed.code}"
    return describe(parsed)


def status(row: dict[str, str]) -> str:
    ind = Indicator(
        id="i",
        text=row["form"],
        direction=Direction(row["direction"]) if row["direction"] else None,
        baseline=row["baseline"],
        target=row["written"],
        outcome=row["outcome"],
    )
    return assess_indicator(ind, AssessmentRule()).status.value


@pytest.mark.parametrize("row", forms(), ids=lambda r: r["form"])
def test_form(row: dict[str, str]) -> None:
    assert (reading(row), status(row)) == (row["reading"], row["status"])


def _cell(text: str) -> str:
    return text.replace("|", "\\|") or "—"


def reference_table() -> str:
    lines = [
        "| form | written | direction | baseline | outcome | read as | assessed (default rule) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in forms():
        read = r["reading"]
        shown = (
            f"refused: `{read.removeprefix('refused:')}` with a hint"
            if read.startswith("refused:")
            else ("no target" if read == "none" else read)
        )
        lines.append(
            "| "
            + " | ".join(
                [
                    r["form"],
                    f"`{r['written']}`",
                    _cell(r["direction"]),
                    _cell(r["baseline"]),
                    _cell(r["outcome"]),
                    shown,
                    r["status"],
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def test_docs_target_reference_is_generated_from_the_forms(request: pytest.FixtureRequest) -> None:
    text = DOC.read_text(encoding="utf-8")
    assert START in text and END in text, "docs/workspace.md lacks the target reference markers"
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    wanted = f"{head}{START}\n{reference_table()}\n{END}{tail}"
    if request.config.getoption("--update-golden"):
        DOC.write_text(wanted, encoding="utf-8")
        return
    assert text == wanted, (
        "docs/workspace.md's target reference is stale: run pytest --update-golden"
    )
