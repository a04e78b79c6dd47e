"""Property tests: a random ledger written as SIE reads back the same; random lines never crash."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from styrkort.core.findings import Severity
from styrkort.sources.sie import (
    CODES,
    Account,
    Dimension,
    FinancialYear,
    Header,
    Ledger,
    PeriodBalance,
    Transaction,
    Voucher,
    read_sie,
    sum_sie,
    write_sie,
)

# what Swedish ledgers hold: ASCII, å ä ö é ü, a no-break space, quotes, braces, backslashes
texts = st.text(
    alphabet=st.sampled_from([chr(c) for c in range(0x20, 0x7F)] + list("åäöÅÄÖéÉü½\xa0")),
    max_size=12,
).filter(lambda t: not t.endswith("\\"))
ids = texts.filter(lambda t: t != "")
amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False)
YEAR = FinancialYear(0, dt.date(2020, 1, 1), dt.date(2020, 12, 31))
dates = st.dates(min_value=YEAR.start, max_value=YEAR.end)


@st.composite
def ledgers(draw: st.DrawFn) -> Ledger:
    account_numbers = draw(
        st.lists(
            st.sampled_from([str(n) for n in range(1000, 9000, 7)]),
            min_size=2,
            max_size=8,
            unique=True,
        )
    )
    accounts = {a: Account(a, draw(texts), line=1) for a in account_numbers}
    objects: dict[tuple[str, str], str] = {}
    for dim in ("1", "6"):
        for obj in draw(st.lists(ids, min_size=1, max_size=4, unique=True)):
            objects[(dim, obj)] = draw(texts)
    object_keys = sorted(objects)
    object_lists = st.lists(st.sampled_from(object_keys), max_size=2, unique_by=lambda p: p[0]).map(
        tuple
    )
    vouchers = []
    series_numbers: set[tuple[str, str]] = set()
    for _ in range(draw(st.integers(0, 8))):
        series = draw(st.sampled_from(["A", "B", "Lön", "K 1"]))
        number = str(draw(st.integers(1, 10_000)))
        if (series, number) in series_numbers:
            continue
        series_numbers.add((series, number))
        date = draw(dates)
        rows = []
        for _ in range(draw(st.integers(1, 4))):
            rows.append(
                Transaction(
                    draw(st.sampled_from(account_numbers)),
                    draw(object_lists),
                    draw(amounts),
                    draw(st.none() | dates),
                    draw(texts),
                )
            )
        balance = -sum((r.amount for r in rows), Decimal(0))
        rows.append(Transaction(draw(st.sampled_from(account_numbers)), (), balance, None, ""))
        vouchers.append(Voucher(series, number, date, draw(texts), tuple(rows)))
    budget = tuple(
        PeriodBalance("PBUDGET", 0, f"2020{m:02d}", a, o, amt)
        for a, o, m, amt in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(account_numbers), object_lists, st.integers(1, 12), amounts
                ),
                max_size=5,
            )
        )
    )
    header = Header(
        sie_type=4,
        program="Styrkort test",
        company=draw(texts),
        years={0: YEAR},
        accounts=accounts,
        dimensions={"1": Dimension("1", "Ansvar"), "6": Dimension("6", "Projekt")},
        objects=objects,
    )
    return Ledger(header, tuple(vouchers), period_balances=budget)


def _strip_lines(ledger: Ledger) -> list[tuple[object, ...]]:
    return [
        (
            v.series,
            v.number,
            v.date,
            v.text,
            tuple((t.account, t.objects, t.amount, t.date, t.text) for t in v.transactions),
        )
        for v in ledger.vouchers
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers(), st.booleans())
def test_written_ledger_reads_back_the_same(ledger: Ledger, checksum: bool) -> None:
    data = write_sie(ledger, checksum=checksum)
    result = read_sie(data)
    assert result.findings == (), [f.format() for f in result.findings]
    back = result.ledger
    assert back is not None
    assert _strip_lines(back) == _strip_lines(ledger)
    assert back.header.company == ledger.header.company
    assert back.header.objects == ledger.header.objects
    assert [(p.account, p.objects, p.period, p.amount) for p in back.period_balances] == [
        (p.account, p.objects, p.period, p.amount) for p in ledger.period_balances
    ]
    for dims in ((), ("1",), ("6", "1")):
        expected = ledger.sums(dims)
        assert back.sums(dims) == expected
        streamed = sum_sie(data, dimensions=dims, chunk_size=97).sums
        assert streamed is not None
        assert dict(streamed.sums) == expected


LABELS = [
    "#VER",
    "#TRANS",
    "#RTRANS",
    "#BTRANS",
    "#KONTO",
    "#DIM",
    "#OBJEKT",
    "#RAR",
    "#IB",
    "#UB",
    "#OIB",
    "#PSALDO",
    "#PBUDGET",
    "#KSUMMA",
    "#SIETYP",
    "#FORMAT",
    "#UNDERDIM",
    "#SRU",
    "#X",
    "{",
    "}",
]
pieces = st.one_of(
    st.sampled_from(
        [
            "0",
            "-1",
            "20200101",
            "20201301",
            "202001",
            "1930",
            "100.50",
            "-3",
            "A",
            "1",
            '""',
            '"text',
            '"a b"',
            "{",
            "}",
            "{}",
            "{1 100}",
            '{1 "x"',
            '\\"',
            "\t",
            "1,5",
            "NaN",
            "1e5",
        ]
    ),
    st.text(max_size=6),
)
lines = st.builds(
    lambda label, rest: " ".join([label, *rest]),
    st.sampled_from(LABELS),
    st.lists(pieces, max_size=7),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(lines, max_size=25), st.sampled_from(["cp437", "utf-8", "iso-8859-15"]))
def test_random_lines_give_findings_never_exceptions(body: list[str], encoding: str) -> None:
    text = "#FLAGGA 0\n" + "\n".join(body) + "\n"
    data = text.encode(encoding, errors="replace")
    for result in (read_sie(data), sum_sie(data, dimensions=("1",), chunk_size=16)):
        assert all(f.code in CODES for f in result.findings)
        assert "sie.internal" not in {f.code for f in result.findings}
        value = result.ledger if hasattr(result, "ledger") else result.sums  # type: ignore[union-attr]
        errors = any(f.severity is Severity.ERROR for f in result.findings)
        assert (value is None) == errors


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash(data: bytes) -> None:
    result = read_sie(data)
    assert all(f.code in CODES for f in result.findings)
    assert "sie.internal" not in {f.code for f in result.findings}
