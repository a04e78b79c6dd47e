"""sources/municipality.py: the municipality's styrkort.yaml, read from text alone, and its folders."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from styrkort.core.finance import RowKind
from styrkort.sources import schema
from styrkort.sources.municipality import (
    board_folder,
    is_municipality,
    read_municipality,
    read_municipality_config,
)

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "exempel-kommun"
MINIMAL = """kind: municipality
municipality: Exempelby kommun
period: {year: 2022}
boards:
  - {id: ks, name: Kommunstyrelsen, workspace: ks}
"""


def test_the_example_reads_completely() -> None:
    config, findings = read_municipality(EXAMPLE)
    assert findings == [] and config is not None
    assert config.name == "Exempelby kommun" and config.period.year == 2022
    assert len(config.boards) == 8
    assert config.boards[3].name == "Tekniska nämnden"
    assert [c.id for c in config.council_goals] == ["kf-barn", "kf-service", "kf-hallbar"]
    assert config.council_goals[1].links[0].board == "ofn"
    assert {f.kind for f in config.finance} == {RowKind.REVENUE, RowKind.COST}
    assert config.eliminations[0].revenues == Decimal(38_000_000)
    (joint,) = config.joint_boards
    assert joint.result == Decimal(-823000) and dict(joint.split)["Exempelby"] == Decimal(-320000)
    assert is_municipality(EXAMPLE)
    assert not is_municipality(REPO / "examples" / "sydnarke-it-2020")
    assert not is_municipality(REPO / "no-such-folder")


def _every_field_text() -> str:
    """A municipality text that sets every field the schema declares for it."""

    def filled(name: str) -> dict[str, object]:
        out: dict[str, object] = {}
        for f in schema.section(name).fields:
            if f.section in ("period", "tolerance", "goal_rule"):
                continue
            if f.section:
                child = filled(f.section)
                out[f.key] = [child] if f.type == "list" else child
            else:
                text = f.example or f.default
                out[f.key] = yaml.safe_load(text) if f.type in ("list", "mapping") else text
        return out

    doc = filled("municipality")
    doc["period"] = {"year": "2022"}
    doc["joint_boards"] = [
        {**doc["joint_boards"][0], "split": {"Hallsberg": "-823000"}, "key": {"Hallsberg": "1"}}  # type: ignore[index]
    ]
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def test_every_declared_field_is_read_and_no_key_is_unknown() -> None:
    text = _every_field_text()
    config, findings = read_municipality_config(text, "web:kommun")
    assert [f for f in findings if f.code.startswith("workspace.")] == []
    assert config is not None, [f.format() for f in findings]
    board = config.boards[0]
    assert (board.id, board.workspace, board.contribution, board.result) == (
        "ks",
        "namnder/ks",
        Decimal(120000000),
        Decimal(-1500000),
    )
    assert config.council_goals[0].links[0].goal == "ks-1"
    assert config.stated_result == Decimal(12000000)
    assert config.rule.preset == "samlad-poang"
    assert config.joint_boards[0].decision and config.joint_boards[0].board == "ks"


def test_an_unknown_key_is_named_with_its_line() -> None:
    config, findings = read_municipality_config(MINIMAL + "shoe_size: 42\n", "web:kommun")
    assert config is not None
    (f,) = findings
    assert (f.code, f.source.file, f.source.line) == ("workspace.unknown_key", "web:kommun", 6)


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("kind: [", "municipality.config", 1),
        ("- a\n- b\n", "municipality.config", 1),
        (MINIMAL.replace("kind: municipality", "kind: board"), "municipality.config", 1),
        (MINIMAL.replace("municipality: Exempelby kommun\n", ""), "municipality.field", 1),
        (MINIMAL.replace("period: {year: 2022}", "period: {year: tjugo}"), "workspace.period", 3),
        (MINIMAL.replace("{id: ks, ", "{"), "municipality.board", 5),
        (MINIMAL + "  - {id: ks, name: Igen}\n", "municipality.board", 6),
        (
            MINIMAL.replace("boards:\n  - {id: ks, name: Kommunstyrelsen, workspace: ks}\n", ""),
            "municipality.config",
            1,
        ),
        (
            MINIMAL.replace("workspace: ks}", "workspace: ks, result: mycket}"),
            "municipality.field",
            5,
        ),
        (
            MINIMAL + "council_goals:\n  - {id: kf1, title: Ett, goals: [ks-1]}\n",
            "municipality.field",
            7,
        ),
        (
            MINIMAL
            + "finance_administration:\n  - {label: Skatt, kind: skatt, budget: 1, outcome: 1}\n",
            "municipality.field",
            7,
        ),
        (
            MINIMAL + "joint_boards:\n  - {name: IT, member: A, result: -1, key: {A: -1}}\n",
            "municipality.field",
            7,
        ),
        (MINIMAL + "eliminations: hyror\n", "municipality.field", 6),
        ("kind: municipality\nkind: municipality\n", "municipality.field", 2),
    ],
)
def test_bad_input_is_a_located_finding_and_no_configuration(
    text: str, code: str, line: int
) -> None:
    config, findings = read_municipality_config(text, "styrkort.yaml")
    assert config is None
    assert (code, line) in [(f.code, f.source.line) for f in findings], [
        f.format() for f in findings
    ]
    assert all(f.message and f.hint for f in findings)


def test_a_board_folder_outside_the_municipality_is_refused(tmp_path: Path) -> None:
    (tmp_path / "kommun" / "ks").mkdir(parents=True)
    (tmp_path / "granne").mkdir()
    config, _ = read_municipality_config(
        MINIMAL.replace("workspace: ks", "workspace: ../granne"), "styrkort.yaml"
    )
    assert config is not None
    folder, findings = board_folder(tmp_path / "kommun", config.boards[0])
    assert folder is None and [f.code for f in findings] == ["workspace.outside"]
    folder, _ = board_folder(tmp_path / "kommun", config.boards[0], allow_outside=True)
    assert folder is not None
    config, _ = read_municipality_config(MINIMAL, "styrkort.yaml")
    assert config is not None
    folder, findings = board_folder(tmp_path / "kommun", config.boards[0])
    assert folder == tmp_path / "kommun" / "ks" and findings == []
    missing = config.boards[0].__class__("x", "X", "saknas")
    assert [f.code for f in board_folder(tmp_path / "kommun", missing)[1]] == [
        "municipality.board_workspace"
    ]


@pytest.mark.parametrize(
    "text", ["", "\x00", "a: &x [*x]", "kind: municipality\nboards: {a: 1}", "[[[[[[[[[[[["]
)
def test_never_raises(text: str) -> None:
    config, findings = read_municipality_config(text)
    assert config is None and findings
