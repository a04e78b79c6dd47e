"""Properties of the audit: consistent tables give nothing, rounding alone never gives an error."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from styrkort.core.audit import PublishedTable, TableRow, audit, format_amount, printed_cell
from styrkort.core.findings import Severity, Source

MINUSES = ["-", "\u2212", "\u2013"]
SPACES = [" ", "\u00a0", "\u202f"]

amounts = st.integers(min_value=-50_000_000, max_value=50_000_000)
sections = st.lists(
    st.lists(st.tuples(amounts, amounts), min_size=1, max_size=7), min_size=1, max_size=4
)


def written(value: Decimal, decimals: int, minus: str, space: str) -> str:
    """``value`` as a person might have typed it: any minus sign, any thousands space."""
    text = format_amount(value, decimals)
    return text.replace("\u2212", minus).replace("\u00a0", space)


def build(
    sections: list[list[tuple[Decimal, Decimal]]],
    scale: Decimal,
    decimals: int,
    minus: str,
    space: str,
) -> PublishedTable:
    """Budget, outcome and deviation per row, a subtotal per section and a net total.

    Every figure is the exact amount divided by ``scale`` and rounded (half away
    from zero) to ``decimals``; totals and deviations come from the exact amounts,
    as a ledger-based report would compute them.
    """
    unit = Decimal(1).scaleb(-decimals)

    def show(amount: Decimal) -> Decimal:
        return (amount / scale).quantize(unit, rounding=ROUND_HALF_UP)

    rows: list[TableRow] = []

    def add(label: str, budget: Decimal, outcome: Decimal) -> None:
        cells = tuple(
            printed_cell(written(show(v), decimals, minus, space))
            for v in (budget, outcome, budget - outcome)
        )
        rows.append(TableRow(label, cells, Source("p.csv", len(rows) + 2)))

    net_b = net_o = Decimal(0)
    for s, section in enumerate(sections):
        sum_b = sum((b for b, _ in section), Decimal(0))
        sum_o = sum((o for _, o in section), Decimal(0))
        for r, (b, o) in enumerate(section):
            add(f"Post {s}.{r}", b, o)
        add(f"Summa avsnitt {s}", sum_b, sum_o)
        net_b += sum_b
        net_o += sum_o
    add("Nettoresultat", net_b, net_o)
    return PublishedTable(
        "p.csv", ("Budget", "Utfall", "Avvikelse"), tuple(rows), "tkr", Source("p.csv", 1)
    )


def to_decimal(raw: list[list[tuple[int, int]]]) -> list[list[tuple[Decimal, Decimal]]]:
    return [[(Decimal(b), Decimal(o)) for b, o in section] for section in raw]


@settings(max_examples=80, deadline=None)
@given(raw=sections, minus=st.sampled_from(MINUSES), space=st.sampled_from(SPACES))
def test_a_consistent_table_gives_no_finding(
    raw: list[list[tuple[int, int]]], minus: str, space: str
) -> None:
    # Whole tkr: nothing is rounded, every total and deviation is exact.
    table = build(to_decimal(raw), Decimal(1), 0, minus, space)
    report = audit(table)
    assert report.findings == ()
    assert len(report.sums) == len(raw) + 1


@settings(max_examples=150, deadline=None)
@given(raw=sections, decimals=st.sampled_from([0, 1]), minus=st.sampled_from(MINUSES))
def test_rounding_alone_is_never_an_error(
    raw: list[list[tuple[int, int]]], decimals: int, minus: str
) -> None:
    # Kronor shown in tkr (0 decimals) or mnkr-like (1 decimal of a thousand-scale).
    scale = Decimal(1000) if decimals == 0 else Decimal(1_000_000)
    table = build(to_decimal(raw), scale, decimals, minus, "\u00a0")
    findings = audit(table).findings
    assert all(f.severity is Severity.WARNING and f.code == "audit.rounding" for f in findings), [
        f.format() for f in findings if f.severity is not Severity.WARNING
    ]


@settings(max_examples=80, deadline=None)
@given(
    raw=sections,
    pick=st.integers(min_value=0, max_value=10_000),
    error=st.integers(min_value=2, max_value=900).map(Decimal),
)
def test_a_planted_error_is_always_found(
    raw: list[list[tuple[int, int]]], pick: int, error: Decimal
) -> None:
    table = build(to_decimal(raw), Decimal(1), 0, "\u2212", "\u00a0")
    index = pick % len(table.rows)
    row = table.rows[index]
    wrong = (row.cells[0].value or Decimal(0)) + error
    cells = (printed_cell(format_amount(wrong)), *row.cells[1:])
    rows = list(table.rows)
    rows[index] = TableRow(row.label, cells, row.source)
    broken = PublishedTable(table.name, table.columns, tuple(rows), table.unit, table.header)
    errors = [f for f in audit(broken).findings if f.severity is Severity.ERROR]
    assert errors
    assert any(f.source.line == row.source.line for f in errors)
