"""The workspace reader: values with file and line, and findings (never exceptions) for bad input."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from styrkort.core.findings import Source
from styrkort.sources.workspace import load_workspace

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sydnarke-it-2020"

MINIMAL = """\
organisation:
  name: Testnämnden
period:
  year: 2021
"""


def make(tmp_path: Path, main: str = MINIMAL, **files: str) -> Path:
    (tmp_path / "styrkort.yaml").write_text(main, encoding="utf-8")
    files.setdefault("goals.yaml", "goals: []\n")
    for name, text in files.items():
        path = tmp_path / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def codes(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.code for f in result.findings]


def test_example_reads_cleanly_with_lines() -> None:
    r = load_workspace(EXAMPLE)
    assert r.ok and r.workspace is not None
    assert codes(r) == []
    ws = r.workspace
    assert [m.code for m in ws.organisation.members] == ["1882", "1861", "1860", "1814"]
    assert ws.organisation.allocation_key is not None
    assert ws.organisation.allocation_key.reference_date == "2018-12-31"
    hme = next(i for g in ws.goals for i in g.indicators if i.id == "hme")
    assert hme.outcome == "55%" and hme.target == "Öka från 71,13" and hme.unit == "index"
    assert hme.where("target") == Source("goals.yaml", 72)
    assert ws.operating[0].source == Source("operating.csv", 5)
    assert ws.operating[0].outcome == Decimal(-104000)


def test_minimal_workspace(tmp_path: Path) -> None:
    r = load_workspace(make(tmp_path))
    assert r.ok and r.workspace is not None
    assert r.workspace.title == "Årsredovisning 2021"


def test_not_a_folder(tmp_path: Path) -> None:
    r = load_workspace(tmp_path / "nope")
    assert not r.ok and codes(r) == ["workspace.not_a_folder"]


def test_missing_main_file(tmp_path: Path) -> None:
    r = load_workspace(tmp_path)
    assert not r.ok and codes(r) == ["workspace.missing_file"]


@pytest.mark.parametrize(
    ("main", "files", "code", "line"),
    [
        ("organisation: [a\n", {}, "workspace.yaml", 2),
        ("- a\n- b\n", {}, "workspace.yaml_shape", 1),
        ("organisation:\n  name: X\nperiod:\n  year: tjugo\n", {}, "workspace.period", 4),
        (
            "organisation:\n  name: X\nperiod:\n  year: 2021\n  kind: kvartal\n",
            {},
            "workspace.period_kind",
            5,
        ),
        (
            "organisation:\n  name: X\nperiod:\n  year: 2021\n  kind: interim\n",
            {},
            "workspace.period_end",
            4,
        ),
        (
            "organisation:\n  name: X\nperiod:\n  year: 2021\n  end: 2020-08-31\n",
            {},
            "workspace.period_year",
            5,
        ),
        (
            "organisation:\n  name: X\nperiod: {year: 2021}\nperiod: {year: 2022}\n",
            {},
            "workspace.duplicate_key",
            4,
        ),
        (
            "organisation:\n  name: X\n  members:\n    - {id: a, name: A, code: '18'}\nperiod: {year: 2021}\n",
            {},
            "workspace.member_code",
            4,
        ),
        (
            "organisation:\n  name: X\n  host: b\n  members:\n    - {id: a, name: A}\nperiod: {year: 2021}\n",
            {},
            "workspace.host",
            3,
        ),
        (
            "organisation:\n  name: X\n  allocation_key:\n    weights: {a: many}\nperiod: {year: 2021}\n",
            {},
            "workspace.weight",
            4,
        ),
        (MINIMAL + "settings:\n  rounding: sometimes\n", {}, "workspace.setting", 6),
        (
            MINIMAL + "settings:\n  tolerance: {kind: ratio, ratio: '1,5'}\n",
            {},
            "workspace.tolerance",
            6,
        ),
        (MINIMAL + "finance:\n  operating: drift.csv\n", {}, "workspace.missing_file", None),
        (
            MINIMAL + "finance:\n  operating: drift.csv\n",
            {"drift.csv": "category,kind\n"},
            "workspace.csv_columns",
            1,
        ),
        (
            MINIMAL + "finance:\n  operating: drift.csv\n",
            {"drift.csv": "category,kind,budget,outcome\nA,income,1,2\n"},
            "workspace.row_kind",
            2,
        ),
        (
            MINIMAL + "finance:\n  operating: drift.csv\n",
            {"drift.csv": "category,kind,budget,outcome\nA,cost,ett,2\n"},
            "workspace.amount",
            2,
        ),
        (
            MINIMAL + "finance:\n  operating: drift.csv\n",
            {"drift.csv": "category,kind,budget,outcome\nA,cost,1,\n"},
            "workspace.amount_missing",
            2,
        ),
        (
            MINIMAL + "finance:\n  operating: drift.csv\n",
            {"drift.csv": "category,kind,budget,outcome\nA,cost,1,2,3,4,5\n"},
            "workspace.csv_cells",
            2,
        ),
        (
            MINIMAL + "narrative:\n  - {file: a.md, placement: bilaga}\n",
            {"a.md": "x"},
            "workspace.placement",
            6,
        ),
        (MINIMAL + "oops: 1\n", {}, "workspace.unknown_key", 5),
    ],
)
def test_malformed_main_file(
    tmp_path: Path, main: str, files: dict[str, str], code: str, line: int | None
) -> None:
    r = load_workspace(make(tmp_path, main, **files))
    hits = [f for f in r.findings if f.code == code]
    assert hits, codes(r)
    assert hits[0].source.line == line
    assert hits[0].message and hits[0].hint


@pytest.mark.parametrize(
    ("goals", "code", "line"),
    [
        (
            "goals:\n  - title: A\n    indicators:\n      - unit: '%'\n",
            "workspace.indicator_text",
            4,
        ),
        (
            "goals:\n  - title: A\n    indicators:\n      - {text: X, direction: up}\n",
            "workspace.direction",
            4,
        ),
        ("goals:\n  - {id: a, title: A}\n  - {id: a, title: B}\n", "workspace.duplicate_id", 3),
        ("goals:\n  - {title: A, council_goal: kf9}\n", "workspace.unknown_council_goal", 2),
        (
            "goals:\n  - title: A\n    indicators:\n      - {text: X, assessment: {status: toppen, justification: j}}\n",
            "workspace.assessment_status",
            4,
        ),
        (
            "goals:\n  - title: A\n    indicators:\n      - {text: X, metric: {name: m}}\n",
            "workspace.metric",
            4,
        ),
        ("goals:\n  - nothing\n", "workspace.goal_shape", 2),
    ],
)
def test_malformed_goal_tree(tmp_path: Path, goals: str, code: str, line: int) -> None:
    r = load_workspace(make(tmp_path, **{"goals.yaml": goals}))
    hits = [f for f in r.findings if f.code == code]
    assert hits, codes(r)
    assert (hits[0].source.file, hits[0].source.line) == ("goals.yaml", line)


def test_errors_block_the_report_but_never_raise(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "ws")
    (tmp_path / "ws" / "operating.csv").write_text(
        "category,kind,budget,outcome\nA,cost,x,1\n", encoding="utf-8"
    )
    r = load_workspace(tmp_path / "ws")
    assert not r.ok
    assert "workspace.amount" in codes(r)


def test_semicolon_csv_with_decimal_comma(tmp_path: Path) -> None:
    main = MINIMAL + "finance:\n  operating: drift.csv\n"
    csv = "# kommentar\ncategory;kind;budget;outcome\nBidrag;revenue;-1 000 000,50;-1 000 000,50\nPersonal;cost;900 000;950 000\n"
    r = load_workspace(make(tmp_path, main, **{"drift.csv": csv}))
    assert r.ok and r.workspace is not None
    assert r.workspace.operating[0].budget == Decimal("-1000000.50")
    assert r.workspace.operating[1].source == Source("drift.csv", 4)


def test_unusual_sign_is_a_warning(tmp_path: Path) -> None:
    main = MINIMAL + "finance:\n  operating: drift.csv\n"
    r = load_workspace(
        make(
            tmp_path,
            main,
            **{"drift.csv": "category,kind,budget,outcome\nBidrag,revenue,-100,100\n"},
        )
    )
    assert r.ok
    assert codes(r) == ["workspace.sign"]


def test_word_template_key(tmp_path: Path) -> None:
    (tmp_path / "mall.docx").write_bytes(b"PK")
    ok = load_workspace(make(tmp_path, MINIMAL + "publication:\n  word_template: mall.docx\n"))
    assert ok.workspace is not None and ok.workspace.word_template == "mall.docx"
    missing = load_workspace(
        make(tmp_path, MINIMAL + "publication:\n  word_template: saknas.docx\n")
    )
    assert [(f.code, f.source.line) for f in missing.findings] == [("workspace.missing_file", 6)]


RULES = (
    MINIMAL
    + """\
settings:
{settings}
"""
)


@pytest.mark.parametrize(
    ("settings", "code", "line"),
    [
        ("  preset: okänd", "workspace.setting", 6),
        (
            "  tolerance:\n    kind: bands\n    bands:\n      - {from: '80', status: delvis uppnått}",
            "workspace.bands",
            9,
        ),  # no bottom band
        (
            "  tolerance:\n    kind: bands\n    bands:\n      - {status: ej uppnått}\n"
            "      - {from: '80', status: delvis uppnått}\n      - {above: '80', status: uppnått}",
            "workspace.bands",
            9,
        ),  # two bands on the same edge
        (
            "  tolerance:\n    kind: bands\n    bands:\n      - {status: ej bedömt}",
            "workspace.bands",
            9,
        ),
        ("  goal_rule: {kind: points, points: {uppnått: två}}", "workspace.goal_rule", 6),
        ("  goal_rule: {kind: lottning}", "workspace.goal_rule", 6),
        ("  scales: {kvalitet: [bara]}", "workspace.scales", 6),
    ],
)
def test_bad_rules_say_where_and_how(tmp_path: Path, settings: str, code: str, line: int) -> None:
    r = load_workspace(make(tmp_path, RULES.format(settings=settings)))
    found = [(f.code, f.source.line) for f in r.findings]
    assert (code, line) in found, found
    assert all(f.hint for f in r.findings)


def test_rules_presets_scales_and_perspectives_are_read(tmp_path: Path) -> None:
    main = (
        RULES.format(
            settings="  preset: andel-av-malvarde\n  goal_rules: {strikt: samlad-poang}\n"
            "  scales: {kvalitet: [låg, medel, hög]}"
        )
        + "published: {verdict: Vilket gör att nämndmålen uppnås., goals: {uppnått: 1}}\n"
    )
    goals = """\
perspectives:
  - {id: ekonomi, title: Ekonomi}
goals:
  - {id: a, title: A, perspective: ekonomi, rule: strikt, indicators: []}
  - {id: b, title: B, perspective: okänt, rule: saknas, indicators: []}
"""
    r = load_workspace(make(tmp_path, main, **{"goals.yaml": goals}))
    assert r.workspace is not None
    ws = r.workspace
    assert ws.settings.rule.preset == "andel-av-malvarde"
    assert [n for n, _ in ws.settings.rule.goal_rules] == ["strikt"]
    assert [s.name for s in ws.settings.rule.scales] == ["trafikljus", "kvalitet"]
    assert [p.title for p in ws.perspectives] == ["Ekonomi"]
    assert ws.claims.verdict_text == "Vilket gör att nämndmålen uppnås."
    assert [(f.code, f.source.line) for f in r.findings] == [
        ("workspace.unknown_perspective", 5),
        ("workspace.unknown_rule", 5),
    ]


def test_an_alternative_not_in_force_is_read_and_said_to_be_ignored(tmp_path: Path) -> None:
    """ratio with kind: bands (and positive with kind: points) was silently ignored before."""
    settings = (
        "  tolerance:\n    kind: bands\n    ratio: '0,9'\n    bands:\n"
        "      - {status: ej uppnått}\n      - {from: '80', status: delvis uppnått}\n"
        "      - {from: '100', status: uppnått}\n"
        "  goal_rule:\n    kind: points\n    positive: [uppnått]\n"
        "    points: {uppnått: 2, delvis uppnått: 1}\n"
        "    bands: [{status: ej uppnått}, {from: '50', status: uppnått}]"
    )
    r = load_workspace(make(tmp_path, RULES.format(settings=settings)))
    assert r.workspace is not None and r.ok
    rule = r.workspace.settings.rule
    assert rule.tolerance.bands is not None and rule.tolerance.ratio == Decimal("0.8")
    ignored = [(f.source.line, f.message) for f in r.findings if f.code == "workspace.ignored_key"]
    assert ignored == [
        (
            8,
            "Nyckeln 'ratio' i tolerance gäller bara när kind är ratio, progress eller none; den ignoreras.",
        ),
        (15, "Nyckeln 'positive' i goal_rule gäller bara när kind är majority; den ignoreras."),
    ]


@pytest.mark.parametrize("preset", ["majoritet", "andel-av-malvarde", "samlad-poang"])
def test_read_rule_reads_what_rule_settings_writes(preset: str) -> None:
    """The database stores the rule as rule_settings writes it and reads it with read_rule."""
    from styrkort.core.assess import PRESETS, AssessmentRule
    from styrkort.sources.workspace import read_rule
    from styrkort.sources.workspace_write import dump_yaml, rule_settings

    base = PRESETS[preset].rule
    rule = AssessmentRule(
        base.tolerance, base.goal_rule, (("egen", PRESETS["samlad-poang"].rule.goal_rule),), preset
    )
    back, findings = read_rule(dump_yaml(rule_settings(rule)))
    assert (back, findings) == (rule, [])
    assert read_rule("") == (AssessmentRule(), [])


def test_kind_board_is_a_boards_workspace_and_another_kind_is_a_finding(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    clean = load_workspace(make(tmp_path / "a", "kind: board\n" + MINIMAL))
    assert not [f for f in clean.findings if f.code in {"workspace.unknown_key", "workspace.kind"}]
    other = load_workspace(make(tmp_path / "b", "kind: förvaltning\n" + MINIMAL))
    hits = [f for f in other.findings if f.code == "workspace.kind"]
    assert [(f.source.file, f.source.line) for f in hits] == [("styrkort.yaml", 1)]
    assert "kind: board" in hits[0].hint


def test_a_yaml_error_at_the_end_of_a_text_without_newline_names_its_last_line() -> None:
    from styrkort.sources.yamlloc import YamlError, load

    with pytest.raises(YamlError) as err:
        load("title: x\nkind: [")
    assert err.value.line == 2
