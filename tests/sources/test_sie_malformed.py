"""A catalogue of broken SIE files: each gives its finding, at its line, and nothing crashes.

Every case starts from tests/sources/sie_cases/base.se (a small valid file) and
breaks one thing. ``line`` is the text of the line the finding must point at
(its first occurrence in the broken file), an int, or None for file-wide findings.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pytest

from styrkort.core.findings import Severity
from styrkort.sources.sie import read_sie, sum_sie, write_sie

CASES = Path(__file__).parent / "sie_cases"
BASE = (CASES / "base.se").read_bytes().decode("cp437").replace("\r\n", "\n")


def base_with(
    *, replace: dict[str, str] | None = None, drop: tuple[str, ...] = (), tail: str = ""
) -> str:
    text = BASE
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new, 1)
    lines = [ln for ln in text.split("\n") if ln not in drop]
    return "\n".join(lines) + tail


class Case(NamedTuple):
    id: str
    data: bytes
    code: str
    line: str | int | None


def cp(text: str) -> bytes:
    return text.encode("cp437")


def _checksummed() -> bytes:
    ok = read_sie(CASES / "base.se").ledger
    assert ok is not None
    return write_sie(ok, checksum=True)


SIGNED = _checksummed().decode("cp437")

CATALOGUE: list[Case] = [
    Case(
        "unbalanced",
        cp(base_with(replace={"#TRANS 1930 {} -300.00": "#TRANS 1930 {} -299.00"})),
        "sie.unbalanced",
        '#VER A 1 20200115 "Hyra"',
    ),
    Case(
        "undeclared_account",
        cp(base_with(replace={"#TRANS 5010 {1 100} 300.00": "#TRANS 5011 {1 100} 300.00"})),
        "sie.undeclared_account",
        "#TRANS 5011 {1 100} 300.00",
    ),
    Case(
        "undeclared_object",
        cp(base_with(replace={"#TRANS 5010 {1 100} 300.00": "#TRANS 5010 {1 999} 300.00"})),
        "sie.undeclared_object",
        "#TRANS 5010 {1 999} 300.00",
    ),
    Case(
        "undeclared_dimension",
        cp(base_with(replace={"#TRANS 5010 {1 100} 300.00": "#TRANS 5010 {7 5} 300.00"})),
        "sie.undeclared_dimension",
        "#TRANS 5010 {7 5} 300.00",
    ),
    Case(
        "impossible_voucher_date",
        cp(base_with(replace={"#VER A 1 20200115": "#VER A 1 20200230"})),
        "sie.bad_date",
        '#VER A 1 20200230 "Hyra"',
    ),
    Case(
        "voucher_date_text",
        cp(base_with(replace={"#VER A 1 20200115": "#VER A 1 igår"})),
        "sie.bad_date",
        '#VER A 1 igår "Hyra"',
    ),
    Case(
        "impossible_transaction_date",
        cp(base_with(replace={"#TRANS 1930 {} -300.00": "#TRANS 1930 {} -300.00 20201301"})),
        "sie.bad_date",
        "#TRANS 1930 {} -300.00 20201301",
    ),
    Case(
        "impossible_budget_period",
        cp(
            base_with(
                replace={"#PBUDGET 0 202001 3010 {} -500.00": "#PBUDGET 0 202013 3010 {} -500.00"}
            )
        ),
        "sie.bad_date",
        "#PBUDGET 0 202013 3010 {} -500.00",
    ),
    Case(
        "year_ends_before_it_starts",
        cp(base_with(replace={"#RAR 0 20200101 20201231": "#RAR 0 20200101 20191231"})),
        "sie.bad_date",
        "#RAR 0 20200101 20191231",
    ),
    Case(
        "voucher_outside_year",
        cp(base_with(replace={"#VER A 2 20200220": "#VER A 2 20210220"})),
        "sie.outside_year",
        '#VER A 2 20210220 "Försäljning"',
    ),
    Case(
        "duplicate_voucher_number",
        cp(base_with(replace={"#VER A 2 20200220": "#VER A 1 20200220"})),
        "sie.duplicate_voucher",
        '#VER A 1 20200220 "Försäljning"',
    ),
    Case(
        "quote_never_closed",
        cp(base_with(replace={'#VER A 1 20200115 "Hyra"': '#VER A 1 20200115 "Hyra'})),
        "sie.quoting",
        '#VER A 1 20200115 "Hyra',
    ),
    Case(
        "quote_inside_word",
        cp(base_with(replace={'#FNAMN "Testkommunen"': '#FNAMN Test"kommunen'})),
        "sie.quoting",
        '#FNAMN Test"kommunen',
    ),
    Case(
        "object_list_not_closed",
        cp(base_with(replace={"#TRANS 5010 {1 100} 300.00": "#TRANS 5010 {1 100 300.00"})),
        "sie.bad_record",
        "#TRANS 5010 {1 100 300.00",
    ),
    Case(
        "object_list_odd",
        cp(base_with(replace={"#TRANS 5010 {1 100} 300.00": '#TRANS 5010 {1 "100" 6} 300.00'})),
        "sie.bad_record",
        '#TRANS 5010 {1 "100" 6} 300.00',
    ),
    Case(
        "quote_in_object_list_never_closed",
        cp(base_with(replace={"#TRANS 5010 {1 100} 300.00": '#TRANS 5010 {1 "100} 300.00'})),
        "sie.bad_record",
        '#TRANS 5010 {1 "100} 300.00',
    ),
    Case(
        "truncated_in_voucher",
        cp(BASE[: BASE.index("#TRANS 3010")]),
        "sie.truncated",
        '#VER A 2 20200220 "Försäljning"',
    ),
    Case(
        "truncated_after_ver",
        cp(BASE[: BASE.index("{\n#TRANS 1930 {} 500.00")]),
        "sie.truncated",
        '#VER A 2 20200220 "Försäljning"',
    ),
    Case(
        "truncated_checksum_file",
        cp(SIGNED[: SIGNED.index("#KSUMMA ")]),
        "sie.truncated",
        SIGNED[: SIGNED.index("#KSUMMA ")].count("\n"),  # the last line read
    ),
    Case(
        "checksum_mismatch",
        cp(SIGNED.replace("300.00", "301.00")),
        "sie.checksum",
        SIGNED.replace("\r\n", "\n")
        .split("\n")
        .index(
            next(ln for ln in SIGNED.replace("\r\n", "\n").split("\n") if ln.startswith("#KSUMMA "))
        )
        + 1,
    ),
    Case("html_error_page", (CASES / "html_error_page.se").read_bytes(), "sie.not_sie", 1),
    Case("empty_file", b"", "sie.empty", 1),
    Case("only_blank_lines", b"\r\n\r\n  \r\n", "sie.empty", 1),
    Case("binary_file", b"PK\x03\x04\x00\x00\x00binary", "sie.not_sie", 1),
    Case("markdown_heading", b"# Bokslut 2020\nText\n", "sie.not_sie", 1),
    Case(
        "utf8_claiming_pc8",
        base_with().encode("utf-8"),
        "sie.encoding",
        '#KONTO 3010 "Försäljning"',
    ),
    Case(
        "latin9_claiming_pc8",
        base_with().encode("iso-8859-15"),
        "sie.encoding",
        '#KONTO 3010 "Försäljning"',
    ),
    Case(
        "amount_not_a_number",
        cp(base_with(replace={"#TRANS 1930 {} 500.00": "#TRANS 1930 {} 5OO.00"})),
        "sie.bad_amount",
        "#TRANS 1930 {} 5OO.00",
    ),
    Case(
        "amount_with_decimal_comma",
        cp(base_with(replace={"#IB 0 1930 1000.00": "#IB 0 1930 1000,00"})),
        "sie.amount_format",
        "#IB 0 1930 1000,00",
    ),
    Case(
        "row_outside_voucher",
        cp(base_with(tail="\n#TRANS 1930 {} 1.00\n")),
        "sie.block",
        "#TRANS 1930 {} 1.00",
    ),
    Case(
        "ver_without_brace",
        cp(base_with(drop=("{",), tail="")),
        "sie.block",
        '#VER A 1 20200115 "Hyra"',
    ),
    Case(
        "stray_closing_brace",
        cp(base_with(tail="\n}\n")),
        "sie.block",
        len(base_with(tail="\n}\n").split("\n")) - 1,
    ),
    Case(
        "rtrans_without_trans",
        cp(
            base_with(
                replace={
                    "#TRANS 5010 {1 100} 300.00": "#TRANS 5010 {1 100} 300.00\n#RTRANS 5010 {} 1.00"
                }
            )
        ),
        "sie.rtrans_unmatched",
        "#RTRANS 5010 {} 1.00",
    ),
    Case(
        "budget_period_outside_year",
        cp(
            base_with(
                replace={"#PBUDGET 0 202001 3010 {} -500.00": "#PBUDGET 0 201905 3010 {} -500.00"}
            )
        ),
        "sie.period_outside_year",
        "#PBUDGET 0 201905 3010 {} -500.00",
    ),
    Case(
        "year_without_rar",
        cp(base_with(replace={"#IB 0 1930 1000.00": "#IB -3 1930 1000.00"})),
        "sie.unknown_year",
        "#IB -3 1930 1000.00",
    ),
    Case(
        "format_not_pc8",
        cp(base_with(replace={"#FORMAT PC8": "#FORMAT UTF8"})),
        "sie.format",
        "#FORMAT UTF8",
    ),
    Case(
        "sietyp_5",
        cp(base_with(replace={"#SIETYP 4": "#SIETYP 5"})),
        "sie.sietyp",
        "#SIETYP 5",
    ),
    Case(
        "stray_text_line",
        cp(base_with(replace={"#KPTYP KBAS": "#KPTYP KBAS\nSe bilaga"})),
        "sie.stray_text",
        "Se bilaga",
    ),
    Case(
        "trans_without_amount",
        cp(base_with(replace={"#TRANS 1930 {} 500.00": "#TRANS 1930 {}"})),
        "sie.bad_record",
        "#TRANS 1930 {}",
    ),
    Case(
        "no_rar",
        cp(base_with(drop=("#RAR 0 20200101 20201231",))),
        "sie.missing_rar",
        None,
    ),
    Case(
        "no_chart_of_accounts",
        cp(
            base_with(
                drop=('#KONTO 1930 "Bank"', '#KONTO 3010 "Försäljning"', '#KONTO 5010 "Lokalhyra"')
            )
        ),
        "sie.no_chart",
        None,
    ),
]


def _line_number(data: bytes, line: str | int | None) -> int | None:
    if line is None or isinstance(line, int):
        return line
    for encoding in ("utf-8", "iso-8859-15" if b"\xf6" in data else "cp437"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    lines = text.replace("\r\n", "\n").split("\n")
    return lines.index(line) + 1


def test_catalogue_is_large_enough() -> None:
    assert len(CATALOGUE) >= 25
    assert len({c.id for c in CATALOGUE}) == len(CATALOGUE)


@pytest.mark.parametrize("case", CATALOGUE, ids=lambda c: c.id)
def test_broken_file_gives_its_finding(case: Case) -> None:
    result = read_sie(case.data, name="fil.se")
    expected_line = _line_number(case.data, case.line)
    hits = [f for f in result.findings if f.code == case.code]
    assert hits, f"no {case.code}; got {[f.format() for f in result.findings]}"
    assert any(f.source.line == expected_line for f in hits), [f.format() for f in hits]
    for f in result.findings:
        assert f.source.file == "fil.se"
        assert f.message
        assert f.hint
    # an error refuses the whole file; warnings leave a usable ledger
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    assert (result.ledger is None) == bool(errors)


@pytest.mark.parametrize("case", CATALOGUE, ids=lambda c: c.id)
def test_streaming_reader_agrees(case: Case) -> None:
    tree = read_sie(case.data, name="fil.se")
    sums = sum_sie(case.data, name="fil.se", chunk_size=64)
    assert [(f.code, f.source.line) for f in sums.findings] == [
        (f.code, f.source.line) for f in tree.findings
    ]
    assert (sums.sums is None) == (tree.ledger is None)


def test_base_file_is_clean() -> None:
    result = read_sie(CASES / "base.se")
    assert result.findings == ()
    assert result.ledger is not None


def test_same_number_in_two_series_is_no_duplicate() -> None:
    data = cp(base_with(replace={"#VER A 2 20200220": "#VER B 1 20200220"}))
    result = read_sie(data)
    assert result.findings == ()
    assert result.ledger is not None
    assert [(v.series, v.number) for v in result.ledger.vouchers] == [("A", "1"), ("B", "1")]


def test_unknown_labels_and_extra_fields_are_ignored() -> None:
    data = cp(
        base_with(
            replace={
                "#KPTYP KBAS": "#KPTYP KBAS\n#NYPOST 1 2 3\n#ADRESS a b c d e f",
                "#TRANS 1930 {} 500.00": '#TRANS 1930 {} 500.00 20200220 "text" 1 "sign" extra fält',
                "#IB 0 1930 1000.00": "#IB 0 1930 1000.00 0 överflödigt",
            }
        )
    )
    result = read_sie(data)
    assert result.findings == ()
    assert result.ledger is not None
    assert result.ledger.balances[0].amount == Decimal("1000.00")


@pytest.mark.parametrize(
    "objects",
    ['{1 "100"}', "{1 100}", '{"1" "100"}', "{ 1   100 }", '{1 "100" }', "{\t1\t100}"],
)
def test_object_lists_quoted_unquoted_padded(objects: str) -> None:
    data = cp(base_with(replace={"#TRANS 5010 {1 100} 300.00": f"#TRANS 5010 {objects} 300.00"}))
    for result in (read_sie(data),):
        assert result.findings == ()
        assert result.ledger is not None
        assert result.ledger.vouchers[0].transactions[0].objects == (("1", "100"),)
    sums = sum_sie(data, dimensions=("1",), by_period=False).sums
    assert sums is not None
    assert sums.sums[("5010", ("100",), None)] == Decimal("300.00")


def test_missing_object_list_is_the_whole_account() -> None:
    data = cp(base_with(replace={"#TRANS 1930 {} -300.00": "#TRANS 1930 -300.00"}))
    result = read_sie(data)
    assert result.findings == ()
    assert result.ledger is not None
    row = result.ledger.vouchers[0].transactions[1]
    assert (row.account, row.objects, row.amount) == ("1930", (), Decimal("-300.00"))


def test_escaped_quote_in_text() -> None:
    data = cp(
        base_with(replace={'#VER A 1 20200115 "Hyra"': '#VER A 1 20200115 "Hyra \\"mars\\""'})
    )
    result = read_sie(data)
    assert result.ledger is not None
    assert result.ledger.vouchers[0].text == 'Hyra "mars"'


def test_rtrans_and_btrans_history_is_not_summed() -> None:
    data = cp(
        base_with(
            replace={
                "#TRANS 5010 {1 100} 300.00\n#TRANS 1930 {} -300.00": (
                    "#BTRANS 5010 {1 100} 250.00\n"
                    "#RTRANS 5010 {1 100} 300.00 20200301\n"
                    "#TRANS 5010 {1 100} 300.00\n"
                    "#TRANS 1930 {} -300.00"
                )
            }
        )
    )
    result = read_sie(data)
    assert result.findings == ()
    assert result.ledger is not None
    v = result.ledger.vouchers[0]
    assert [t.amount for t in v.transactions] == [Decimal("300.00"), Decimal("-300.00")]
    assert [t.amount for t in v.removed] == [Decimal("250.00")]
    assert [t.amount for t in v.added] == [Decimal("300.00")]
    sums = sum_sie(data, by_period=False).sums
    assert sums is not None
    assert sums.account_totals()["5010"] == Decimal("300.00")


def test_budget_rows_for_account_and_objects_are_kept_apart() -> None:
    ledger = read_sie(CASES / "base.se").ledger
    assert ledger is not None
    rows = [(p.objects, p.amount) for p in ledger.period_balances if p.kind == "PBUDGET"]
    assert rows == [((), Decimal("-500.00")), ((("1", "100"),), Decimal("-400.00"))]


def test_year_numbers_are_relative_to_rar() -> None:
    ledger = read_sie(CASES / "base.se").ledger
    assert ledger is not None
    assert ledger.header.year(0) is not None
    assert ledger.header.years[0].start.year == 2020
    assert ledger.header.years[-1].end.isoformat() == "2019-12-31"


def test_missing_file_is_a_finding(tmp_path: Path) -> None:
    result = read_sie(tmp_path / "finns-inte.se")
    assert result.ledger is None
    assert [f.code for f in result.findings] == ["sie.read"]


def test_many_findings_are_capped_and_counted() -> None:
    rows = "\n".join(
        '#VER A 1 20200115 "x"\n{\n#TRANS 1930 {} 1.00\n#TRANS 5010 {} -1.00\n}' for _ in range(60)
    )
    result = read_sie(cp(BASE + "\n" + rows + "\n"))
    dup = [f for f in result.findings if f.code == "sie.duplicate_voucher"]
    more = [f for f in result.findings if f.code == "sie.more"]
    assert len(dup) == 50
    assert more
    assert more[0].details is not None
    assert more[0].details["count"] == 10


def test_sums_past_28_digits_stay_exact() -> None:
    # issue 18: the default decimal context rounds at 28 digits; a sum of 33 digits was
    # read as 1.000000000000000000000000000E+29
    base = (CASES / "base.se").read_bytes().split(b"#VER A 1")[0]
    body = (
        b"#VER A 1 20200115 big\r\n{\r\n"
        b"#TRANS 1930 {} 99999999999999999999999999999.99\r\n"
        b"#TRANS 1930 {} 0.01\r\n"
        b"#TRANS 3010 {} -100000000000000000000000000000.00\r\n}\r\n"
    )
    data = base + body
    exact = "100000000000000000000000000000.00"
    for reference in (False, True):
        tree = read_sie(data, reference=reference)
        assert tree.ledger is not None, tree.findings
        assert not [f for f in tree.findings if f.code == "sie.unbalanced"]
        assert str(tree.ledger.sums()[("1930", (), "202001")]) == exact
        sums = sum_sie(data, reference=reference).sums
        assert sums is not None
        assert str(sums.sums[("1930", (), "202001")]) == exact
        assert str(sums.account_totals()["1930"]) == exact
        assert str(tree.ledger.vouchers[0].total()) == "0.00"


def test_encoding_choice_does_not_depend_on_the_chunk_size() -> None:
    # issue 18: read_sie and sum_sie disagreed on fuzzed files because the encoding was
    # guessed on the first chunk with a non-ASCII byte, whose size the caller chooses; a
    # small chunk saw only UTF-8 and read the rest with replacement characters
    data = (CASES / "encoding_sample.se").read_bytes()
    tree = read_sie(data, name="f.se")
    for chunk in (64, 1024, 4096, 1 << 22):
        sums = sum_sie(data, name="f.se", dimensions=("1", "6"), chunk_size=chunk)
        assert sums.findings == tree.findings, chunk
    assert "sie.encoding" not in {f.code for f in tree.findings}
