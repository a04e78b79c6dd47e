"""Log readers: file formats, column mappings, line numbers of malformed rows."""

from __future__ import annotations

import datetime
import gzip
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from styrkort.core.numbers import parse_decimal
from styrkort.metrics import compute
from styrkort.sources.logs import PROFILES, UnreadableInput, load
from styrkort.sources.logs._files import MAX_ROW_FINDINGS, read_table

ROWS = [
    ("A", "2020-03-02 10:00", "2020-03-02 10:20"),
    ("B", "2020-03-02 10:00", "2020-03-02 11:00"),
]


def test_csv_line_numbers_count_quoted_newlines(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('id,note\nA,"two\nlines"\nB,x\n\nC,y\n', encoding="utf-8")
    table = read_table(path)
    assert table.header == ["id", "note"]
    assert [(line, cells[0]) for line, cells in table.rows] == [(2, "A"), (4, "B"), (6, "C")]


def test_semicolon_csv_with_bom_and_gzip(tmp_path: Path) -> None:
    path = tmp_path / "t.csv.gz"
    text = "\ufeffid;opened_at;responded_at\n" + "".join(f"{a};{b};{c}\n" for a, b, c in ROWS)
    path.write_bytes(gzip.compress(text.encode("utf-8")))
    r = compute("first-response-within", path, profile="tickets", params={"limit": "30min"})
    assert (r.numerator, r.denominator) == (1, 2)


def test_xlsx_input(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "t.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Ärende", "Registrerad", "Första svar"])
    date_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for i, (a, b, c) in enumerate(ROWS, start=1):
        sheet.write(i, 0, a)
        sheet.write_datetime(i, 1, datetime.datetime.fromisoformat(b), date_format)
        sheet.write(i, 2, c)  # text is fine too
    sheet.write_row(3, 0, ["C", "inte ett datum", "2020-03-02 11:00"])
    book.close()
    r = compute(
        "first-response-within",
        path,
        profile="tickets",
        params={
            "limit": "30min",
            "col.id": "Ärende",
            "col.opened_at": "Registrerad",
            "col.responded_at": "Första svar",
        },
    )
    assert (r.numerator, r.denominator) == (1, 2)
    assert [(f.code, f.source.line) for f in r.findings if f.code == "log.timestamp"] == [
        ("log.timestamp", 4)
    ]


def test_yaml_mapping_relative_to_data_file(tmp_path: Path) -> None:
    (tmp_path / "mapping.yaml").write_text(
        "columns:\n  id: Nr\n  opened_at: Öppnad\n  responded_at: Svar\ndate_format: '%d/%m/%Y %H:%M'\n",
        encoding="utf-8",
    )
    path = tmp_path / "t.csv"
    path.write_text(
        "Nr,Öppnad,Svar\nA,2/3/2020 10:00,2/3/2020 10:20\nB,2/3/2020 10:00,2/3/2020 11:00\n",
        encoding="utf-8",
    )
    r = compute(
        "first-response-within",
        path,
        profile="tickets",
        params={"limit": "30min", "mapping": "mapping.yaml"},
    )
    assert (r.numerator, r.denominator) == (1, 2)
    broken = compute(
        "first-response-within", path, profile="tickets", params={"mapping": "nope.yaml"}
    )
    assert broken.value is None and broken.findings[0].code == "metric.unreadable"


def test_parquet_typed_and_text_columns(tmp_path: Path) -> None:
    typed = tmp_path / "typed.parquet"
    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT * FROM (VALUES
              ('A', TIMESTAMP '2020-03-02 10:00', TIMESTAMP '2020-03-02 10:20', TRUE, 1),
              ('B', TIMESTAMP '2020-03-02 10:00', TIMESTAMP '2020-03-02 11:00', FALSE, 2))
            t(id, opened_at, responded_at, escalated, priority)) TO '{typed}' (FORMAT parquet)"""
    )
    r = compute("first-response-within", typed, profile="tickets", params={"limit": "30min"})
    assert (r.numerator, r.denominator) == (1, 2)
    flr = compute("first-level-resolution", typed, profile="tickets", params={"stop": "responded"})
    assert (flr.numerator, flr.denominator) == (1, 2)
    text = tmp_path / "text.parquet"
    con.execute(
        f"""COPY (SELECT * FROM (VALUES ('A', '2020-03-02 10:00', 'snart'), ('B', '2020-03-02 10:00', '2020-03-02 10:10'))
            t(id, opened_at, responded_at)) TO '{text}' (FORMAT parquet)"""
    )
    r2 = compute("first-response-within", text, profile="tickets", params={"limit": "30min"})
    assert (r2.numerator, r2.denominator) == (1, 1)
    assert [(f.code, f.source.line) for f in r2.findings] == [("log.timestamp", 2)]


def test_many_bad_rows_are_summarised(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    bad = "".join(f"X{i},igår,\n" for i in range(30))
    path.write_text("id,opened_at,closed_at\n" + bad + "A,2020-03-02 10:00,\n", encoding="utf-8")
    r = compute("handling-time", path, profile="tickets", params={"stop": "closed"})
    times = [f for f in r.findings if f.code == "log.timestamp"]
    assert [f.source.line for f in times[:MAX_ROW_FINDINGS]] == list(range(2, 2 + MAX_ROW_FINDINGS))
    assert times[-1].source.line is None and times[-1].details == {"count": 30}
    assert r.count == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.csv", b""),
        ("broken.csv.gz", b"not gzip at all"),
        ("latin1.csv", "id,opened_at\nÅ,x\n".encode("latin-1")),
    ],
)
def test_unreadable_files_are_findings_not_exceptions(
    tmp_path: Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    r = compute("handling-time", path, profile="tickets")
    assert r.value is None
    assert r.findings[-1].code == "metric.unreadable"
    assert r.findings[-1].severity.value == "error"


def test_load_raises_unreadable_for_directory(tmp_path: Path) -> None:
    con = duckdb.connect()
    with pytest.raises(UnreadableInput):
        load(con, tmp_path, PROFILES["tickets"], {})


def test_generic_calls_with_decimal_comma_and_custom_outcomes(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        "Tid;Kötid;Resultat\n2020-03-02 10:00;19,5;Besvarat\n2020-03-02 10:01;20,5;Besvarat\n2020-03-02 10:02;3;Tappat\n"
        "2020-03-02 10:03;;Talsvar\n2020-03-02 10:04;1;Okänt\n",
        encoding="utf-8",
    )
    r = compute(
        "service-level",
        path,
        profile="calls",
        params={"col.arrived_at": "Tid", "col.wait_s": "Kötid", "col.outcome": "Resultat"},
    )
    assert (r.numerator, r.denominator) == (1, 3)
    assert [(f.code, f.source.line) for f in r.findings] == [("log.outcome", 6)]
    asa = compute(
        "speed-of-answer",
        path,
        profile="calls",
        params={"col.arrived_at": "Tid", "col.wait_s": "Kötid", "col.outcome": "Resultat"},
    )
    assert asa.value == Decimal(20)


def test_every_profile_is_listed_with_kind() -> None:
    assert {
        p: PROFILES[p].kind
        for p in (
            "servicenow",
            "bpic2013",
            "technion",
            "tickets",
            "ticket-events",
            "calls",
            "sick-leave",
            "hme",
        )
    } == {
        "servicenow": "tickets",
        "bpic2013": "tickets",
        "technion": "calls",
        "tickets": "tickets",
        "ticket-events": "tickets",
        "calls": "calls",
        "sick-leave": "sick-leave",
        "hme": "hme",
    }


def test_generic_numbers_read_as_parse_decimal_reads_them(tmp_path: Path) -> None:
    # a figure space and a no-break space between thousands, as core.numbers accepts them
    path = tmp_path / "calls.csv"
    path.write_text(
        "Tid;Kötid;Resultat\n2020-03-02 10:00;1\u2007000;Besvarat\n"
        "2020-03-02 10:01;1\u00a0000,5;Besvarat\n",
        encoding="utf-8",
    )
    asa = compute(
        "speed-of-answer",
        path,
        profile="calls",
        params={"col.arrived_at": "Tid", "col.wait_s": "Kötid", "col.outcome": "Resultat"},
    )
    assert asa.findings == ()
    assert asa.denominator == 2
    assert asa.numerator == parse_decimal("1\u2007000") + parse_decimal("1\u00a0000,5")
