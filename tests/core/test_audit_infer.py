"""Structure inference on small tables: totals by their figures, relations, misprints, varav signs."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from styrkort.cli import main
from styrkort.core.audit import PublishedTable, TableRow, audit, audit_table, printed_cell
from styrkort.core.audit.misprint import likely_cause
from styrkort.core.findings import Finding, Source

REAL = Path(__file__).resolve().parents[1] / "audit_cases" / "real"


def table(text: str, unit: str = "tkr") -> PublishedTable:
    lines = text.strip().splitlines()
    header = [h.strip() for h in lines[0].split(";")]
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        label, *cells = line.split(";")
        rows.append(
            TableRow(label.strip(), tuple(printed_cell(c) for c in cells), Source("t.csv", number))
        )
    return PublishedTable("t.csv", tuple(header[1:]), tuple(rows), unit, Source("t.csv", 1))


def codes(findings: list[Finding] | tuple[Finding, ...]) -> list[tuple[str, str, int | None]]:
    return [(f.code, f.severity.value, f.source.line) for f in findings]


BOARDS = """
Verksamhet;Intäkter;Kostnader;Netto
Kultur- och fritidsnämnd;30;-150;-120
Bibliotek;10;-60;-50
Fritidsgårdar;20;-90;-70
Socialnämnd;55;-700;-645
Äldreomsorg;40;-500;-460
Individ- och familjeomsorg;15;-200;-185
"""


def test_a_board_printed_above_its_activities_is_their_total() -> None:
    t = table(BOARDS)
    report = audit(t)
    assert report.findings == ()
    assert [(t.rows[s.total].label, s.reading, len(s.parts)) for s in report.sums] == [
        ("Kultur- och fritidsnämnd", "above", 2),
        ("Socialnämnd", "above", 2),
    ]
    assert report.inferred_declaration(t) == [
        "summa: Kultur- och fritidsnämnd = Bibliotek + Fritidsgårdar",
        "summa: Socialnämnd = Äldreomsorg + Individ- och familjeomsorg",
        "relation: Netto = Intäkter + Kostnader  # stämmer på 6 av 6 rader",
    ]


def test_a_misprint_in_an_activity_breaks_its_row_and_its_board_and_is_named() -> None:
    broken = BOARDS.replace("Äldreomsorg;40;-500;-460", "Äldreomsorg;40;-590;-460")
    findings = audit_table(table(broken))
    assert sorted(codes(findings)) == [
        ("audit.misprint", "error", 6),
        ("audit.relation", "error", 6),
        ("audit.sum", "error", 5),
    ]
    misprint = next(f for f in findings if f.code == "audit.misprint")
    assert misprint.details is not None
    assert (misprint.details["column"], misprint.details["implied"]) == ("Kostnader", -500)
    assert misprint.details["cause"] == "digit"
    assert all(
        (f.details or {}).get("cause_line") == 6 for f in findings if f.code != "audit.misprint"
    )


def test_a_lonely_summa_after_a_subtotal_is_read_as_a_row() -> None:
    text = """
Post;Budget;Utfall
A;100;90
B;50;70
Summa;150;160
Summa övrigt;30;40
"""
    t = table(text)
    report = audit(t)
    assert report.findings == ()
    assert [t.rows[i].label for i in report.rows_read_as_rows] == ["Summa övrigt"]
    assert "detalj: Summa övrigt" in report.inferred_declaration(t)


def test_a_summa_that_breaks_in_one_column_keeps_its_reading() -> None:
    text = """
Post;Budget;Utfall
A;100;90
B;50;70
Summa;150;160
C;10;10
Summa allt;170;170
"""
    # Summa allt = Summa + C: 160 in Budget, 170 in Utfall; one column breaks: an error, not a row.
    assert codes(audit_table(table(text))) == [("audit.sum", "error", 6)]


def test_a_grand_total_printed_first_sums_the_totals_below() -> None:
    text = """
Nämnd;Budget;Utfall
Summa alla nämnder;300;310
Nämnder;;
A;100;90
B;150;170
Summa skattefinansierat;250;260
VA;50;50
Summa avgiftsfinansierat;50;50
"""
    t = table(text)
    report = audit(t)
    assert report.findings == ()
    top = next(s for s in report.sums if s.reading == "top")
    assert [t.rows[p].label for _, p in top.parts] == [
        "Summa skattefinansierat",
        "Summa avgiftsfinansierat",
    ]


def test_a_total_without_a_total_label_below_its_rows() -> None:
    text = """
Post;2019;2018
Nämndrelaterade intäkter;1 000;900
Ersättningar;20;30
Övrigt;5;-10
Verksamhetens intäkter;1 025;920
"""
    t = table(text)
    report = audit(t)
    assert report.findings == ()
    assert [(t.rows[s.total].label, s.reading) for s in report.sums] == [
        ("Verksamhetens intäkter", "below")
    ]


def test_rows_equal_to_a_sum_by_chance_are_not_totals() -> None:
    # Small figures: 1 + 1 = 2 in every column, but the Summa row sums all three.
    text = """
Post;Budget;Utfall;Avvikelse
A;0;1;-1
B;0;1;-1
C;0;2;-2
Summa;0;4;-4
"""
    report = audit(table(text))
    assert report.findings == ()
    assert [s.reading for s in report.sums] == ["subtotal"]


def test_a_four_term_relation_is_inferred_with_its_support() -> None:
    text = """
Nämnd;Ingående;Disposition;Kommunbidrag;Intäkter;Kostnader;Årets resultat;Utgående
A;149,4;-32,7;2 903,2;536,1;-3 503,2;-31,2;85,5
B;39,8;-24,9;1 619,5;251,1;-1 898,5;-3,0;11,9
C;56,2;-5,5;460,2;195,7;-653,3;8,1;58,8
D;10,7;-3,5;175,9;35,6;-210,8;4,2;11,4
E;27,2;-3,1;343,1;487,9;-802,2;31,9;56,0
"""
    report = audit(table(text, "mnkr"))
    relations = [str(r) for r in report.inferred_relations]
    assert "Årets resultat = Kommunbidrag + Intäkter + Kostnader - Disposition" in relations
    assert "Utgående = Ingående + Disposition + Årets resultat" in relations
    assert len(relations) == 2  # Utgående = Ingående + Kommunbidrag + … follows from the two
    assert set(report.relation_support) == {(5, 5)}


def test_no_relation_from_fewer_than_three_rows() -> None:
    text = """
Post;A;B;C
X;10;25;35
Y;7;4;11
"""
    assert audit(table(text)).inferred_relations == ()


def test_a_relation_failing_on_many_rows_is_not_inferred_and_raises_nothing() -> None:
    # Multi-year budget = earlier outcome + this year's budget holds for most projects, not all.
    text = """
Projekt;Utfall 2019;Budget 2019;Utfall 2016-2019;Budget 2016-2019
P1;-51;-212;-246;-407
P2;-11;-27;-47;-63
P3;-79;-181;-193;-295
P4;-77;-85;-324;-332
P5;-19;-42;-81;-104
P6;-3;8;-95;-83
P7;-32;-35;-48;-51
P8;-15;-87;-43;-113
P9;-2;-60;-2;-23
P10;-2;-19;-52;-69
"""
    report = audit(table(text, "mnkr"))
    assert report.inferred_relations == ()
    assert [f for f in report.findings if f.severity.value == "error"] == []


def test_varav_larger_than_its_row_is_a_note_in_a_column_with_both_signs() -> None:
    text = """
Nämnd;Budget;Utfall;Avvikelse
Kultur;100;90;10
varav bibliotek;60;30;30
Fritid;80;95;-15
Summa;180;185;-5
"""
    findings = audit_table(table(text))
    assert codes(findings) == [("audit.varav_exceeds", "info", 3)]
    assert "inget fel" in findings[0].message


@pytest.mark.parametrize(
    ("printed", "implied", "decimals", "cause"),
    [
        ("38.3", "83.3", 1, "transposed"),
        ("10796", "10769", 0, "transposed"),
        ("394.0", "304.0", 1, "digit"),
        ("-1.6", "1.6", 1, "sign"),
        ("-61.4", "-614.0", 1, "decimal"),
        ("8560", "856", 0, "decimal"),
        ("1234", "1300", 0, ""),
        ("100", "-90", 0, ""),
    ],
)
def test_the_likely_cause_of_a_misprint(
    printed: str, implied: str, decimals: int, cause: str
) -> None:
    assert likely_cause(Decimal(printed), Decimal(implied), decimals) == cause


def test_the_cli_prints_the_inferred_structure_to_copy(capsys: pytest.CaptureFixture[str]) -> None:
    path = REAL / "grastorp-2019-not1-intakter.csv"
    assert main(["audit", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-2] == "  Härledd struktur (kopiera till tabellens huvud för att deklarera den):"
    assert out[-1].startswith("  # summa: Verksamhetens intäkter = Nämndrelaterade intäkter + ")
    assert main(["audit", "--json", str(REAL / "tyreso-2018-ks-drift-brott.csv")]) == 1
    data = json.loads(capsys.readouterr().out)
    summary = data["tables"][0]
    assert {
        "relation": "Nettokostnad = Kostnader - Intäkter",
        "holds_on": 9,
        "rows": 10,
    } in summary["inferred_relations"]
    assert summary["inferred_declaration"][0].startswith("relation: ")
    assert summary["misprints"] == [
        {
            "row": "Väghållning park",
            "line": 8,
            "column": "Kostnader",
            "printed": 38.3,
            "implied": 83.3,
            "cause": "transposed",
        }
    ]


def test_a_broken_total_of_thousands_of_rows_is_localised_in_linear_time() -> None:
    # Every part is a candidate cell of the broken total; each candidate's checks are the
    # same few: computed once, not once per candidate (this took minutes before).
    import time

    rows = [
        TableRow(
            f"Post {i}",
            (printed_cell(str(1000 + i)), printed_cell(str(2000 + i))),
            Source("t.csv", i + 2),
        )
        for i in range(3000)
    ]
    rows.append(TableRow("Summa", (printed_cell("1"), printed_cell("2")), Source("t.csv", 3002)))
    t = PublishedTable("t.csv", ("Budget", "Utfall"), tuple(rows), "tkr", Source("t.csv", 1))
    start = time.process_time()
    findings = audit_table(t)
    assert time.process_time() - start < 5
    assert [f.code for f in findings if f.severity.value == "error"] == ["audit.sum", "audit.sum"]
